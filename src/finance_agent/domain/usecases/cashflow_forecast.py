from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import CashflowForecast, ForecastPoint
from finance_agent.domain.money import to_money
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings

MAX_HORIZON_DAYS = 365
SMA_WINDOW_DAYS = 30


def validate_horizon(horizon_days: int) -> int:
    if isinstance(horizon_days, bool) or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ValidationError("horizon", f"must be an integer from 1 to {MAX_HORIZON_DAYS}")
    return horizon_days


class CashflowForecastUC:
    """Cash inflow from sales over the next days: the simple moving average of recent days.

    Tomorrow onward each day is forecast at the average daily revenue of the last
    ``window_days`` days up to today; the total is that amount times the horizon.
    """

    def __init__(
        self,
        repo: FinanceRepository,
        *,
        window_days: int = SMA_WINDOW_DAYS,
        today: Callable[[], date] | None = None,
        currency: str | None = None,
    ) -> None:
        self._repo = repo
        self._window = window_days
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today
        self._currency = currency

    def execute(self, horizon_days: int = 30) -> CashflowForecast:
        validate_horizon(horizon_days)
        today = self._today()
        history = self._repo.get_sales_series(self._window, end=today)
        note = None
        if history:
            average = to_money(sum((d.revenue for d in history), Decimal(0)) / len(history))
        else:
            average = Decimal("0.00")
            note = "no sales history in the window; the forecast is zero"
        start = today + timedelta(days=1)
        points = [
            ForecastPoint(date=start + timedelta(days=i), amount=average)
            for i in range(horizon_days)
        ]
        return CashflowForecast(
            method="sma",
            horizon_days=horizon_days,
            window_days=self._window,
            history_days=len(history),
            start_date=start,
            end_date=points[-1].date,
            daily_average=average,
            total=to_money(average * horizon_days),
            currency=self._currency or get_settings().currency,
            points=points,
            note=note,
        )
