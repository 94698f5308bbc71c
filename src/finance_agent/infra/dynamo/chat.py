"""Chat history in the DynamoDB table: one ``CHAT#`` item a session, its last turns,
expiring by TTL, and the methods that read and append to it."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from finance_agent.domain.errors import ConflictError, StoreError, ValidationError
from finance_agent.domain.models import ChatTurn
from finance_agent.domain.models.chat import last_turns
from finance_agent.domain.ports import CHAT_TTL, CHAT_TURNS_KEPT
from finance_agent.infra.action_keys import parse_timestamp, sortable_timestamp
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.items import EXPIRES_TS
from finance_agent.infra.dynamo.reads import TableReads
from finance_agent.infra.dynamo.table import TTL_ATTRIBUTE
from finance_agent.shared.clock import now_utc


# The owner (an email, often) is hashed into the key: a key is no place for personal data.
def chat_pk(owner: str, session_id: str) -> str:
    digest = hashlib.sha256(owner.encode()).hexdigest()[:32]
    return f"CHAT#{digest}#{session_id}"


def chat_item(
    owner: str, session_id: str, turns: Sequence[ChatTurn], expires_at: datetime, version: int
) -> items.Item:
    stored = [{"role": t.role, "text": t.text, "at": sortable_timestamp(t.at)} for t in turns]
    return items.encode(
        {
            "pk": chat_pk(owner, session_id),
            "turns": stored,
            "version": version,
            EXPIRES_TS: sortable_timestamp(expires_at),
            TTL_ATTRIBUTE: math.ceil(expires_at.timestamp()),
        }
    )


def chat_from_item(item: Mapping[str, Any]) -> tuple[list[ChatTurn], datetime, int]:
    """The session's turns, the exact instant it expires, and its version (for the next write)."""
    values = items.decode(item)
    try:
        expires_at = parse_timestamp(values[EXPIRES_TS])
        version = int(values["version"])
        raw_turns = values["turns"]
        turns = [
            {"role": t["role"], "text": t["text"], "at": parse_timestamp(t["at"])}
            for t in raw_turns
        ]
    except (KeyError, TypeError, ValueError, ArithmeticError):
        raise items.MalformedItem(
            "bad or missing attributes: turns, version or expires_ts"
        ) from None
    return [items.to_model(ChatTurn, turn) for turn in turns], expires_at, version


class ChatHistory(TableReads):
    """The chat-history methods of ``DynamoRepo``."""

    def get_chat_history(self, owner: str, session_id: str) -> list[ChatTurn]:
        stored = self._get(chat_pk(owner, session_id), chat_from_item)
        # TTL deletes expired items only eventually, so expiry is checked on every read.
        if stored is None or stored[1] <= now_utc():
            return []
        return stored[0]

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
        pk = chat_pk(owner, session_id)
        # Read, then write on condition that nobody wrote in between (the version): two
        # appends to one session never lose one another's turns.
        for _ in range(5):
            raw = self._get_raw(pk)
            stored = None if raw is None else self._parse(raw, chat_from_item)
            now = now_utc()
            kept: list[ChatTurn] = []
            condition: dict[str, Any] = {"ConditionExpression": "attribute_not_exists(pk)"}
            version = 0
            if stored is not None:
                old_turns, expires_at, version = stored
                kept = old_turns if expires_at > now else []
                condition = {
                    "ConditionExpression": "#version = :version",
                    "ExpressionAttributeNames": {"#version": "version"},
                    "ExpressionAttributeValues": {":version": {"N": str(version)}},
                }
            elif raw is not None:
                condition = {}  # unreadable: replaced, as an expired session would be
            kept = last_turns([*kept, *turns], keep)
            item = chat_item(owner, session_id, kept, now + ttl, version + 1)
            try:
                self._call(
                    "PutItem",
                    self.client.put_item,
                    conflict="chat session changed",
                    TableName=self.table_name,
                    Item=item,
                    **condition,
                )
                return
            except ConflictError:
                continue
        raise StoreError(f"could not append to chat session {session_id}: too many writers")
