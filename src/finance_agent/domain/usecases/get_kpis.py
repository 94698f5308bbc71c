from __future__ import annotations

from collections.abc import Callable
from datetime import date

from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.models import KPIs
from finance_agent.domain.period import parse_period
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings


class GetKPIsUC:
    """Headline KPIs of a period: the cached record when it was made today, else computed.

    Revenue and margin come from the daily sales; ``ar_total`` and ``ar_over_60`` from the
    ledger, what its open invoices leave owed at the end of today (AgingAsOfUC).
    """

    def __init__(
        self,
        repo: FinanceRepository,
        *,
        today: Callable[[], date] | None = None,
        currency: str | None = None,
    ) -> None:
        self._repo = repo
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today
        self._currency = currency

    def execute(self, period: str = "last_30d") -> KPIs:
        parsed = parse_period(period)
        today = self._today()
        currency = self._currency or get_settings().currency
        cached = self._repo.get_kpis(parsed.name)
        if cached is not None and cached.computed_for == today and cached.kpis.currency == currency:
            return cached.kpis.model_copy(update={"source": "cache"})
        # Two periods of sales: the one reported and the one before, for ``previous``.
        sales = self._repo.get_sales_series(parsed.days * 2, end=today)
        aging = AgingAsOfUC(self._repo, today=lambda: today).execute().customers
        return compute_kpis(parsed, today, sales, aging, currency)
