from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import AwareDatetime, Field

from finance_agent.domain.models._base import DomainModel

MAX_CHAT_TEXT = 16_000
# The kept turns' text, at most, in UTF-8 bytes: a DynamoDB item stops at 400 KB, and twenty
# turns of 16,000 characters of four bytes would be 1.28 MB. One turn is at most 64 KB.
MAX_KEPT_TEXT_BYTES = 300_000


class ChatTurn(DomainModel):
    """One message of a chat session, kept so follow-up questions have their context."""

    role: Literal["user", "assistant"]
    text: str = Field(min_length=1, max_length=MAX_CHAT_TEXT)
    at: AwareDatetime


def last_turns(turns: Sequence[ChatTurn], keep: int) -> list[ChatTurn]:
    """The last ``keep`` turns, fewer when their text passes ``MAX_KEPT_TEXT_BYTES``.

    The oldest go first; the newest turn always stays.
    """
    kept = list(turns[-keep:])
    size = sum(len(t.text.encode()) for t in kept)
    while len(kept) > 1 and size > MAX_KEPT_TEXT_BYTES:
        size -= len(kept.pop(0).text.encode())
    return kept
