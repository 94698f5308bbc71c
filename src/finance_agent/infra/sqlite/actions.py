"""The action log in the embedded store: written once, read newest first through
``ACTIONS_INDEX`` with the keyset cursor both stores share."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pydantic

from finance_agent.domain.errors import ConflictError, StoreError, ValidationError
from finance_agent.domain.models import ActionPage, AgentAction
from finance_agent.domain.ports import MAX_ACTIONS_PAGE
from finance_agent.infra import action_keys
from finance_agent.infra.sqlite.connection import SqliteFile
from finance_agent.shared import clock

LIST_ACTIONS_SQL = "SELECT * FROM agent_actions ORDER BY created_at DESC, action_id DESC LIMIT ?"
# A row-value comparison, so SQLite seeks into the index instead of filtering a scan.
LIST_ACTIONS_BEFORE_SQL = (
    "SELECT * FROM agent_actions WHERE (created_at, action_id) < (?, ?)"
    " ORDER BY created_at DESC, action_id DESC LIMIT ?"
)


class ActionRecords(SqliteFile):
    """The agent-action methods of ``SqliteRepo``."""

    def create_agent_action(
        self,
        action: str,
        payload: Mapping[str, Any],
        performed_by: str,
        *,
        action_id: str | None = None,
        created_at: datetime | None = None,
        status: str = "pending",
    ) -> str:
        try:
            # Validated through the model, so nothing is stored that could not be read back.
            record = AgentAction(
                action_id=action_keys.new_action_id() if action_id is None else action_id,
                action=action,
                payload=dict(payload),
                performed_by=performed_by,
                created_at=clock.now_utc() if created_at is None else created_at,
                status=status,
            )
            payload_json = json.dumps(record.payload, ensure_ascii=False, allow_nan=False)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            raise ValidationError(str(first["loc"][0]), first["msg"]) from None
        except (TypeError, ValueError):
            raise ValidationError("payload", "must contain only JSON values") from None
        created = action_keys.sortable_timestamp(record.created_at)
        row = {**record.model_dump(), "payload": payload_json, "created_at": created}
        try:
            # A plain INSERT, never OR REPLACE: the primary key refuses a second record.
            self._write(
                "INSERT INTO agent_actions VALUES"
                " (:action_id, :action, :payload, :performed_by, :created_at, :status)",
                [row],
            )
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise ConflictError(f"action {record.action_id} already exists") from exc.__cause__
            raise
        return record.action_id

    @staticmethod
    def _action(row: sqlite3.Row) -> AgentAction:
        return AgentAction(
            action_id=row["action_id"],
            action=row["action"],
            payload=json.loads(row["payload_json"]),
            performed_by=row["performed_by"],
            created_at=action_keys.parse_timestamp(row["created_at"]),
            status=row["status"],
        )

    def get_agent_action(self, action_id: str) -> AgentAction | None:
        rows = self._read("SELECT * FROM agent_actions WHERE action_id = ?", (action_id,))
        return self._action(rows[0]) if rows else None

    def list_agent_actions(self, limit: int = 50, before: str | None = None) -> ActionPage:
        if not 1 <= limit <= MAX_ACTIONS_PAGE:
            raise ValidationError("limit", f"must be between 1 and {MAX_ACTIONS_PAGE}")
        # One row more than asked tells whether another page exists, without a second query.
        if before is None:
            rows = self._read(LIST_ACTIONS_SQL, (limit + 1,))
        else:
            created_at, action_id = action_keys.decode_cursor(before)
            rows = self._read(LIST_ACTIONS_BEFORE_SQL, (created_at, action_id, limit + 1))
        next_token = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_token = action_keys.encode_cursor(last["created_at"], last["action_id"])
        return ActionPage(items=[self._action(r) for r in rows[:limit]], next_token=next_token)
