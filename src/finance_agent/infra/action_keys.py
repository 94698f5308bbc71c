"""Keys shared by both stores for the action log: ids, sortable timestamps, page cursors."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from datetime import UTC, datetime

from finance_agent.domain.errors import ValidationError

CURSOR_FIELD = "next_token"
CURSOR_RULE = "must be a next_token returned by the previous page"
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_TS_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")


def new_action_id() -> str:
    return str(uuid.uuid4())


def sortable_timestamp(moment: datetime) -> str:
    """Fixed-width UTC text, so string order is time order (for SQL and DynamoDB sort keys)."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).strftime(_TS_FORMAT)


def parse_timestamp(text: str) -> datetime:
    return datetime.strptime(text, _TS_FORMAT).replace(tzinfo=UTC)


def encode_cursor(created_at: str, action_id: str) -> str:
    raw = json.dumps([created_at, action_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[str, str]:
    """The (sortable timestamp, action id) of the last item of the previous page."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        created_at, action_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError(CURSOR_FIELD, CURSOR_RULE) from None
    if not (
        isinstance(created_at, str)
        and isinstance(action_id, str)
        and _TS_PATTERN.fullmatch(created_at)
        and 0 < len(action_id) <= 64
    ):
        raise ValidationError(CURSOR_FIELD, CURSOR_RULE)
    return created_at, action_id
