from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from finance_agent.domain.analytics import FORECAST_METHODS, Estimate, forecast
from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import CashflowForecast, ForecastPoint, Interval, MethodScore
from finance_agent.domain.money import to_money
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.series import daily_revenue
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings

MAX_HORIZON_DAYS = 365
SMA_WINDOW_DAYS = 30
# Seasonal methods learn from up to 52 weeks; more history would not change them.
SEASONAL_HISTORY_DAYS = 364


def validate_horizon(horizon_days: int) -> int:
    if isinstance(horizon_days, bool) or not 1 <= horizon_days <= MAX_HORIZON_DAYS:
        raise ValidationError("horizon", f"must be an integer from 1 to {MAX_HORIZON_DAYS}")
    return horizon_days


def validate_forecast_method(method: str) -> str:
    if method not in FORECAST_METHODS:
        raise ValidationError("method", f"must be one of {', '.join(FORECAST_METHODS)}")
    return method


def _interval(e: Estimate) -> Interval:
    return Interval(lo80=e.lo80, hi80=e.hi80, lo95=e.lo95, hi95=e.hi95)


class CashflowForecastUC:
    """Cash inflow from sales over the next days, with prediction intervals.

    ``sma`` (the default, as the seed describes it) forecasts every day at the average daily
    revenue of the last ``window_days`` days; ``seasonal_naive``, ``holt_winters`` and
    ``auto`` (which picks among them on held-out days) follow the weekly pattern.
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

    def execute(self, horizon_days: int = 30, method: str | None = None) -> CashflowForecast:
        validate_horizon(horizon_days)
        method = validate_forecast_method(method or get_settings().forecast_method)
        today = self._today()
        lookback = self._window if method == "sma" else max(self._window, SEASONAL_HISTORY_DAYS)
        _, values = daily_revenue(self._repo.get_sales_series(lookback, end=today))
        start = today + timedelta(days=1)
        dates = [start + timedelta(days=i) for i in range(horizon_days)]
        currency = self._currency or get_settings().currency
        if not values:
            zero = to_money(0)
            return CashflowForecast(
                method=method,
                requested_method=method,
                horizon_days=horizon_days,
                window_days=0,
                history_days=0,
                start_date=start,
                end_date=dates[-1],
                daily_average=zero,
                total=zero,
                currency=currency,
                points=[ForecastPoint(date=d, amount=zero) for d in dates],
                note="no sales history; the forecast is zero",
            )
        result = forecast(values, horizon_days, method, window=self._window)
        points = [
            ForecastPoint(
                date=d,
                amount=to_money(e.value),
                lo80=to_money(e.lo80),
                hi80=to_money(e.hi80),
                lo95=to_money(e.lo95),
                hi95=to_money(e.hi95),
            )
            for d, e in zip(dates, result.points, strict=True)
        ]
        total = sum((p.amount for p in points), to_money(0))
        return CashflowForecast(
            method=result.method,
            requested_method=method,
            horizon_days=horizon_days,
            window_days=min(self._window, len(values)) if result.method == "sma" else len(values),
            history_days=len(values),
            start_date=start,
            end_date=dates[-1],
            daily_average=to_money(total / horizon_days),
            total=total,
            total_interval=_interval(result.total),
            currency=currency,
            points=points,
            holdout=[MethodScore(method=s.method, mae=s.mae, mase=s.mase) for s in result.holdout],
            note=result.note,
        )
