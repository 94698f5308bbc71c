from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import SalesDay
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock


class GetSalesHistoryUC:
    """Daily sales of the last ``days`` days ending today, oldest first."""

    def __init__(self, repo: FinanceRepository, *, today: Callable[[], date] | None = None) -> None:
        self._repo = repo
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today

    def execute(self, days: int = 120) -> tuple[date, date, list[SalesDay]]:
        if isinstance(days, bool) or not 1 <= days <= MAX_PERIOD_DAYS:
            raise ValidationError("days", f"must be an integer from 1 to {MAX_PERIOD_DAYS}")
        end = self._today()
        return end - timedelta(days=days - 1), end, self._repo.get_sales_series(days, end=end)
