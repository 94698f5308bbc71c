from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import date, timedelta

from finance_agent.domain.analytics import ANOMALY_METHODS, DEFAULT_THRESHOLDS, Flag, scan
from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import Anomaly, AnomalyReport, LevelShift
from finance_agent.domain.money import to_money
from finance_agent.domain.period import parse_period
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.series import daily_revenue
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings

MAX_THRESHOLD = 10.0
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


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


def validate_anomaly_method(method: str) -> str:
    if method not in ANOMALY_METHODS:
        raise ValidationError("method", f"must be one of {', '.join(ANOMALY_METHODS)}")
    return method


def _reason(flag: Flag, day: date, first: date, method: str, currency: str) -> str:
    if method == "robust":
        where = "above" if flag.score > 0 else "below"
        reason = (
            f"{flag.actual:,.2f} {currency} is {abs(flag.score):.1f} robust standard deviations "
            f"{where} the {flag.expected:,.2f} expected for a {_WEEKDAYS[day.weekday()]}"
        )
        if flag.shift is None:
            return reason
        shift = flag.shift
        start = first + timedelta(days=shift.start)
        end = first + timedelta(days=shift.end)
        side = "above" if shift.mean_score > 0 else "below"
        return (
            f"{reason}, one of the {shift.days} days from {start.isoformat()} to "
            f"{end.isoformat()} that sit together {abs(shift.mean_score):.1f} robust standard "
            f"deviations {side} expected on average: a level shift"
        )
    where = "above" if flag.direction == "spike" else "below"
    return (
        f"{flag.actual:,.2f} {currency} is {abs(flag.score):.1f} standard deviations {where} "
        f"the period's mean of {flag.expected:,.2f}"
    )


def _level_shift(flag: Flag, first: date) -> LevelShift | None:
    if flag.shift is None:
        return None
    return LevelShift(
        start_date=first + timedelta(days=flag.shift.start),
        end_date=first + timedelta(days=flag.shift.end),
        days=flag.shift.days,
        mean_score=round(flag.shift.mean_score, 3),
    )


class DetectAnomaliesUC:
    """Days whose revenue lies unusually far from what was expected.

    ``zscore`` (the seed's, the default): ``threshold`` (2.0) standard deviations from the
    period's mean. ``robust``: a weekday-aware modified z-score (median and MAD after
    removing each weekday's typical level), threshold 3.5 by default, plus the days of any
    level shift (a run of days together on one side of expected, found by a CUSUM). Days
    with no record between stored days count as days without sales.
    """

    def __init__(
        self,
        repo: FinanceRepository,
        threshold: float | None = None,
        *,
        method: str | None = None,
        today: Callable[[], date] | None = None,
        currency: str | None = None,
    ) -> None:
        self._repo = repo
        self._method = validate_anomaly_method(method or get_settings().anomaly_method)
        self._threshold = (
            DEFAULT_THRESHOLDS[self._method] if threshold is None else validate_threshold(threshold)
        )
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today
        self._currency = currency

    def execute(self, period: str = "last_60d") -> AnomalyReport:
        parsed = parse_period(period)
        today = self._today()
        start, end = parsed.bounds(today)
        currency = self._currency or get_settings().currency
        first, values = daily_revenue(self._repo.get_sales_series(parsed.days, end=today))
        result = scan(values, first or start, self._method, self._threshold)
        mean = statistics.fmean(values) if values else 0.0
        anomalies = []
        for flag in result.flags:
            day = (first or start) + timedelta(days=flag.index)
            anomalies.append(
                Anomaly(
                    date=day,
                    value=to_money(flag.actual),
                    expected=to_money(flag.expected),
                    z_score=round(flag.score, 3),
                    deviation=to_money(to_money(flag.actual) - to_money(flag.expected)),
                    direction=flag.direction,
                    reason=_reason(flag, day, first or start, self._method, currency),
                    level_shift=_level_shift(flag, first or start),
                )
            )
        return AnomalyReport(
            period=parsed.name,
            start_date=start,
            end_date=end,
            method=self._method,
            threshold=self._threshold,
            days_analyzed=len(values),
            mean=to_money(mean),
            std_dev=to_money(statistics.pstdev(values) if values else 0),
            currency=currency,
            anomalies=anomalies,
            note=result.note,
        )
