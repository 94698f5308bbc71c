"""Chat history in the embedded store: one row a session, its last turns, expiring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pydantic

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import ChatTurn
from finance_agent.domain.models.chat import last_turns
from finance_agent.domain.ports import CHAT_TTL, CHAT_TURNS_KEPT
from finance_agent.infra import action_keys
from finance_agent.infra.sqlite.connection import SqliteFile
from finance_agent.shared import clock

_CHAT_TURNS = pydantic.TypeAdapter(list[ChatTurn])


class ChatHistory(SqliteFile):
    """The chat-history methods of ``SqliteRepo``."""

    def get_chat_history(self, owner: str, session_id: str) -> list[ChatTurn]:
        now = action_keys.sortable_timestamp(clock.now_utc())
        rows = self._read(
            "SELECT turns_json FROM chat_sessions"
            " WHERE owner = ? AND session_id = ? AND expires_at > ?",
            (owner, session_id, now),
        )
        return _CHAT_TURNS.validate_json(rows[0]["turns_json"]) if rows else []

    def append_chat_turns(
        self,
        owner: str,
        session_id: str,
        turns: Sequence[ChatTurn],
        *,
        keep: int = CHAT_TURNS_KEPT,
        ttl: timedelta = CHAT_TTL,
    ) -> None:
        if keep < 1:
            raise ValidationError("keep", "must be at least 1")
        now = clock.now_utc()
        key = (owner, session_id)
        with self._errors(), self._conn() as conn:
            # IMMEDIATE takes the write lock before the read, so two appends to one session
            # cannot both read the same turns and lose one another's.
            conn.execute("BEGIN IMMEDIATE")
            self._purge_expired(conn, "chat_sessions", action_keys.sortable_timestamp(now))
            row = conn.execute(
                "SELECT turns_json, expires_at FROM chat_sessions"
                " WHERE owner = ? AND session_id = ?",
                key,
            ).fetchone()
            kept: list[ChatTurn] = []
            if row is not None and row["expires_at"] > action_keys.sortable_timestamp(now):
                kept = _CHAT_TURNS.validate_json(row["turns_json"])
            kept = last_turns([*kept, *turns], keep)
            conn.execute(
                "INSERT OR REPLACE INTO chat_sessions VALUES (?, ?, ?, ?)",
                (
                    *key,
                    _CHAT_TURNS.dump_json(kept).decode(),
                    action_keys.sortable_timestamp(now + ttl),
                ),
            )
