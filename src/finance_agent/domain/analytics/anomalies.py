"""Unusual sales days, in pure Python (stdlib only).

``scan(values, first_day, method, threshold)`` looks at daily values (oldest first, one per
consecutive day; the caller fills missing days) and returns an :class:`AnomalyScan`: the
flagged days, each with its expected value, actual value, score and direction, and the
baseline the scores were measured against. ``detect`` returns the flags alone.

Methods
-------
``zscore`` (default threshold 2.0)
    ``(x - mean) / pstdev`` over the whole series; the expected value of every day is the
    mean. Simple, but a weekly pattern inflates the standard deviation (and ordinary
    weekends stand out), and the outliers it looks for inflate it too (masking).
``robust`` (default threshold 3.5)
    A weekday-aware modified z-score (Iglewicz and Hoaglin, 1993) on the residuals of a
    robust baseline: a level for each weekday plus a linear trend. The score of a day is
    ``(x - expected) / scale``, ``scale`` being a consistent estimate of the noise's
    standard deviation, so that 3.5 means 3.5 standard deviations from the expected value,
    as Iglewicz and Hoaglin intended it. It is fitted in three stages (the first two in
    :mod:`.robust_baseline`):

    1. A resistant start, which the unusual days cannot move: the trend is Theil's
       split-half slope (Theil 1950, part III; Sen 1968), the median of the slopes between
       the same weekdays about half the window apart; each weekday's level is the median of
       its detrended values; the scale is the MAD of the residuals over 0.6745, times a
       small-sample factor (:mod:`.scale_factors`: the MAD around medians fitted to the
       same days is 18% low at 60 days), or 1.253314 times the mean absolute deviation
       when more than half the residuals are equal. Runs of days the start already sees
       as a level shift (step 3) are left out of the first refit: a shift at the end of
       the window would otherwise bend the least-squares trend towards itself and hide.
    2. Reweighted least squares (Rousseeuw and Leroy 1987, section 1.2): the days within
       2.5 scales of the start are refitted by least squares (each weekday's mean and a
       common slope: the efficient estimates once the unusual days are out), the scale
       becomes the root mean square of their residuals, with the degrees of freedom and
       the variance lost by cutting a normal at +-2.5 added back, and this is repeated
       until the same days are kept (at most 10 times). The scale is then multiplied by
       a small-sample factor (:mod:`.scale_factors`) that makes its mean equal to the
       noise's standard deviation (2.5% at 60 days), the method of Pison, Van Aelst and
       Willems (2002) for robust estimators' finite-sample bias. A scale biased low would
       lower the effective threshold and multiply the false alarms.
    3. Level shifts (:mod:`.level_shifts`): a CUSUM over the scores finds runs of days
       that sit together on one side of expected (a week of sales 3 standard deviations
       down is a drop, though each day may be within 3.5); their days are flagged with the
       run attached, and steps 2 and 3 are redone without them (a shift's days inside the
       cut would pull the baseline towards them) until the runs found stay the same (at
       most 5 times).

    Both factors were measured once by simulating Gaussian noise through the whole method
    (600 to 20,000 series per length, 3 to 730 days; ``benchmarks/anomaly_factors.py``).

    Why each part: the weekday levels keep ordinary weekends from standing out; the trend
    keeps a growing or shrinking business from pushing the first and last weeks' residuals
    apart; medians and the 2.5-scale cut keep the unusual days from moving the baseline or
    the scale (no masking); the least-squares refit estimates each weekday's level from its
    ordinary days with the variance of a mean rather than of a median (about 64% of it,
    so a day's expected value is closer to the truth); the consistent scale keeps the
    false-alarm rate near what 3.5 standard deviations promises. When all the kept days fit
    exactly (scale 0) the start's scale is kept; when every residual is 0 nothing stands
    out and nothing is flagged. The weekday levels are used only when every weekday has at
    least 3 values (3 weeks): with fewer, a weekday's level is the day itself, which could
    never be flagged; shorter series get one level for all days, and the scan's note says
    so. The trend is fitted from 4 weeks on.

The first value's weekday (``first_day``: a ``date``, or an int with Monday = 0 as in
``date.weekday()``) places each day in the week; ``zscore`` does not use it.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

from finance_agent.domain.analytics.level_shifts import Shift, find_shifts
from finance_agent.domain.analytics.robust_baseline import (
    SEASON,
    Fit,
    resistant_start,
    reweight,
)
from finance_agent.domain.analytics.scale_factors import consistency_factor

ANOMALY_METHODS: Final = ("zscore", "robust")
DEFAULT_THRESHOLDS: Final[Mapping[str, float]] = MappingProxyType({"zscore": 2.0, "robust": 3.5})
# Fewer days than this give a spread too unstable to judge a day by.
MIN_DAYS: Final = 3
# Values each weekday needs before its own median is trusted as its baseline.
MIN_PER_WEEKDAY: Final = 3
# Days needed before a trend is estimated (4 weeks: slopes over at least 2 weeks).
MIN_TREND_DAYS: Final = 4 * SEASON
# Refits without the days of level shifts, until the shifts found stay the same.
MAX_SHIFT_REFITS: Final = 5

Direction = Literal["spike", "drop"]


@dataclass(frozen=True)
class Flag:
    """One unusual day: ``index`` is its position in the values given."""

    index: int
    expected: float
    actual: float
    score: float
    direction: Direction
    shift: Shift | None = None
    """robust: the level shift this day belongs to, if any (its own score may be small)."""


@dataclass(frozen=True)
class AnomalyScan:
    method: str
    threshold: float
    days: int
    center: float
    """zscore: the mean. robust: the baseline in the middle of the window, weekdays averaged."""
    scale: float
    """A standard deviation: pstdev for zscore; the reweighted, consistent scale for robust."""
    weekday_profile: tuple[float, ...]
    """Offset of each weekday's baseline from the center, Monday first (all 0 when not used):
    robust's expected value for day ``i`` is ``center + weekday_profile[weekday] +
    trend * (i - (days - 1) / 2)``."""
    flags: tuple[Flag, ...]
    note: str | None = None
    trend: float = 0.0
    """robust: the fitted change of the baseline per day (0 for zscore and short series)."""
    shifts: tuple[Shift, ...] = ()
    """robust: the level shifts found (their days are among the flags)."""


def _weekday(first_day: int | date) -> int:
    if isinstance(first_day, date):
        return first_day.weekday()
    if isinstance(first_day, bool) or not isinstance(first_day, int) or not 0 <= first_day < 7:
        raise ValueError("first_day must be a date or a weekday number from 0 (Monday) to 6")
    return first_day


def _flag(
    index: int, expected: float, actual: float, score: float, shift: Shift | None = None
) -> Flag:
    if shift is not None:
        return Flag(
            index, expected, actual, score, "spike" if shift.mean_score > 0 else "drop", shift
        )
    return Flag(index, expected, actual, score, "spike" if score > 0 else "drop")


def _zscore(values: Sequence[float], threshold: float) -> AnomalyScan:
    mean = math.fsum(values) / len(values) if values else 0.0
    std = statistics.pstdev(values, mu=mean) if values else 0.0
    flags: list[Flag] = []
    # Too few days, or all equal (std 0): nothing can stand out, and no division by 0.
    if len(values) >= MIN_DAYS and std > 0:
        for i, value in enumerate(values):
            z = (value - mean) / std
            if abs(z) >= threshold:
                flags.append(_flag(i, mean, value, z))
    return AnomalyScan("zscore", threshold, len(values), mean, std, (0.0,) * 7, tuple(flags))


def _days_of(shifts: Sequence[Shift]) -> frozenset[int]:
    return frozenset(i for shift in shifts for i in range(shift.start, shift.end + 1))


def _robust(values: Sequence[float], weekday: int, threshold: float) -> AnomalyScan:
    days = len(values)
    if days < MIN_DAYS:
        center = statistics.median(values) if values else 0.0
        return AnomalyScan(
            "robust", threshold, days, center, 0.0, (0.0,) * 7, (), "too few days to judge"
        )
    weekdays = [(weekday + i) % 7 for i in range(days)]
    weekly = days >= MIN_PER_WEEKDAY * 7
    notes = []
    if not weekly:
        notes.append(
            f"fewer than {MIN_PER_WEEKDAY} weeks of history: "
            "days are compared with the overall median, not their weekday's"
        )
    # Groups of days sharing a baseline level: the seven weekdays, or all days together.
    groups: list[list[int]] = [[] for _ in range(7 if weekly else 1)]
    for i, w in enumerate(weekdays):
        groups[w if weekly else 0].append(i)
    group_of = weekdays if weekly else [0] * days
    trend = days >= MIN_TREND_DAYS

    fit = resistant_start(values, groups, group_of, trend)
    shifts: list[Shift] = []
    if fit.scale > 0:
        # Refit without the days of the level shifts found, until the shifts stay the same
        # (a shift's days inside the cut would pull the baseline towards them), starting
        # from the runs the resistant fit sees (a shift at the end of the window would
        # otherwise bend the least-squares trend towards itself and hide).
        start = fit
        excluded = _days_of(find_shifts([e / start.scale for e in start.errors]))
        for _ in range(MAX_SHIFT_REFITS):
            fit = reweight(values, groups, group_of, trend, start, excluded)
            if fit.refitted:
                fit = replace(fit, scale=fit.scale * consistency_factor(days, weekly))
            shifts = find_shifts([e / fit.scale for e in fit.errors])
            found = _days_of(shifts)
            if found == excluded:
                break
            excluded = found
    return _scan_result(values, threshold, weekly, fit, tuple(shifts), notes)


def _scan_result(
    values: Sequence[float],
    threshold: float,
    weekly: bool,
    fit: Fit,
    shifts: tuple[Shift, ...],
    notes: list[str],
) -> AnomalyScan:
    days = len(values)
    shift_of = {i: shift for shift in shifts for i in range(shift.start, shift.end + 1)}
    flags: list[Flag] = []
    if fit.scale > 0:
        for i, (value, error) in enumerate(zip(values, fit.errors, strict=True)):
            score = error / fit.scale
            if abs(score) >= threshold or i in shift_of:
                flags.append(_flag(i, value - error, value, score, shift_of.get(i)))
    base = math.fsum(fit.levels) / len(fit.levels)  # the weekdays' mean level at day 0
    center = base + fit.slope * (days - 1) / 2
    profile = tuple(fit.levels[w] - base for w in range(7)) if weekly else (0.0,) * 7
    return AnomalyScan(
        "robust",
        threshold,
        days,
        center,
        fit.scale,
        profile,
        tuple(flags),
        "; ".join(notes) or None,
        trend=fit.slope,
        shifts=shifts,
    )


def scan(
    values: Sequence[float],
    first_day: int | date,
    method: str = "zscore",
    threshold: float | None = None,
) -> AnomalyScan:
    """Score every day and flag those whose score is ``threshold`` or more in size.

    ``threshold`` defaults to the method's own (:data:`DEFAULT_THRESHOLDS`). Raises
    ``ValueError`` for an unknown method, a threshold that is not a positive finite number,
    a bad ``first_day``, or a value that is not a finite number.
    """
    if method not in ANOMALY_METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {ANOMALY_METHODS}")
    limit = DEFAULT_THRESHOLDS[method] if threshold is None else threshold
    if isinstance(limit, bool) or not math.isfinite(limit) or limit <= 0:
        raise ValueError("threshold must be a positive finite number")
    weekday = _weekday(first_day)
    data = [float(v) for v in values]
    if not all(math.isfinite(v) for v in data):
        raise ValueError("values must be finite numbers")
    if method == "robust":
        return _robust(data, weekday, float(limit))
    return _zscore(data, float(limit))


def detect(
    values: Sequence[float],
    first_day: int | date,
    method: str = "zscore",
    threshold: float | None = None,
) -> list[Flag]:
    """The flagged days of :func:`scan`, oldest first."""
    return list(scan(values, first_day, method, threshold).flags)
