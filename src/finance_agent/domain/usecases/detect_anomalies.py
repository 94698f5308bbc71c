from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import date

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import Anomaly, AnomalyReport
from finance_agent.domain.money import to_money
from finance_agent.domain.period import parse_period
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings

MAX_THRESHOLD = 10.0
# Fewer days than this give a standard deviation too unstable to judge a day by.
MIN_DAYS = 3


def validate_threshold(threshold: float) -> float:
    if (
        isinstance(threshold, bool)
        or not math.isfinite(threshold)
        or not 0 < threshold <= MAX_THRESHOLD
    ):
        raise ValidationError(
            "threshold", f"must be a number greater than 0 and at most {MAX_THRESHOLD:g}"
        )
    return float(threshold)


class DetectAnomaliesUC:
    """Days whose revenue lies ``threshold`` or more standard deviations from the mean."""

    def __init__(
        self,
        repo: FinanceRepository,
        threshold: float = 2.0,
        *,
        today: Callable[[], date] | None = None,
        currency: str | None = None,
    ) -> None:
        self._repo = repo
        self._threshold = validate_threshold(threshold)
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today
        self._currency = currency

    def execute(self, period: str = "last_60d") -> AnomalyReport:
        parsed = parse_period(period)
        today = self._today()
        start, end = parsed.bounds(today)
        series = self._repo.get_sales_series(parsed.days, end=today)
        values = [float(day.revenue) for day in series]
        mean = statistics.fmean(values) if values else 0.0
        std = statistics.pstdev(values, mu=mean) if values else 0.0
        anomalies: list[Anomaly] = []
        # Equal days (std 0) or too short a history: nothing can stand out, and no division by 0.
        if len(values) >= MIN_DAYS and std > 0:
            for day, value in zip(series, values, strict=True):
                z = (value - mean) / std
                if abs(z) >= self._threshold:
                    anomalies.append(
                        Anomaly(
                            date=day.date,
                            value=day.revenue,
                            z_score=round(z, 3),
                            deviation=to_money(day.revenue - to_money(mean)),
                            direction="spike" if z > 0 else "drop",
                        )
                    )
        return AnomalyReport(
            period=parsed.name,
            start_date=start,
            end_date=end,
            method="zscore",
            threshold=self._threshold,
            days_analyzed=len(values),
            mean=to_money(mean),
            std_dev=to_money(std),
            currency=self._currency or get_settings().currency,
            anomalies=anomalies,
        )
