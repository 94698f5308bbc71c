from __future__ import annotations

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import ActionPage
from finance_agent.domain.ports import MAX_ACTIONS_PAGE, FinanceRepository


def validate_limit(limit: int) -> int:
    if isinstance(limit, bool) or not 1 <= limit <= MAX_ACTIONS_PAGE:
        raise ValidationError("limit", f"must be an integer from 1 to {MAX_ACTIONS_PAGE}")
    return limit


class ListActionsUC:
    """Recent agent actions, newest first, a page at a time."""

    def __init__(self, repo: FinanceRepository) -> None:
        self._repo = repo

    def execute(self, limit: int = 50, next_token: str | None = None) -> ActionPage:
        return self._repo.list_agent_actions(limit=validate_limit(limit), before=next_token)
