from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, Field

from finance_agent.domain.models._base import DomainModel

ACTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
COLLECTION_REMINDER = "collection_reminder"


class AgentAction(DomainModel):
    """A recorded action taken by a person or an agent."""

    action_id: str = Field(pattern=ACTION_ID_PATTERN)
    action: str = Field(min_length=1, max_length=64)
    payload: dict[str, Any]
    performed_by: str = Field(min_length=1, max_length=254)
    created_at: AwareDatetime
    status: str = Field(default="pending", min_length=1, max_length=32)


class ActionPage(DomainModel):
    """One page of actions, newest first; ``next_token`` continues after the last one."""

    items: list[AgentAction]
    next_token: str | None = None
