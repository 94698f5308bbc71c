from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from finance_agent.domain.models._base import DomainModel

MAX_CHAT_TEXT = 16_000


class ChatTurn(DomainModel):
    """One message of a chat session, kept so follow-up questions have their context."""

    role: Literal["user", "assistant"]
    text: str = Field(min_length=1, max_length=MAX_CHAT_TEXT)
    at: AwareDatetime
