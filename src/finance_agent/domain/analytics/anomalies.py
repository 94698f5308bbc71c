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
    as Iglewicz and Hoaglin intended it. It is fitted in two stages:

    1. A resistant start, which the unusual days cannot move: the trend is Theil's
       split-half slope (Theil 1950, part III; Sen 1968), the median of the slopes between
       the same weekdays about half the window apart; each weekday's level is the median of
       its detrended values; the scale is the MAD of the residuals over 0.6745 (1.253314
       times the mean absolute deviation when more than half the residuals are equal).
    2. Reweighted least squares (Rousseeuw and Leroy 1987, section 1.2): the days within
       2.5 scales of the start are refitted by least squares (each weekday's mean and a
       common slope: the efficient estimates once the unusual days are out), the scale
       becomes the root mean square of their residuals, with the degrees of freedom and
       the variance lost by cutting a normal at +-2.5 added back, and this is repeated
       until the same days are kept (at most 10 times).

    The scale is finally multiplied by a small-sample factor (:func:`consistency_factor`),
    measured once by simulation of Gaussian noise (600 to 20,000 series per length, 3 to
    730 days), which makes its mean equal to the noise's standard deviation; the method of
    Pison, Van Aelst and Willems (2002) for robust estimators' finite-sample bias. Without
    it the scale comes out about 6% low at 60 days (a plain MAD around weekday medians:
    15% low), which lowers the effective threshold and multiplies the false alarms.

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
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Final, Literal

ANOMALY_METHODS: Final = ("zscore", "robust")
DEFAULT_THRESHOLDS: Final[Mapping[str, float]] = MappingProxyType({"zscore": 2.0, "robust": 3.5})
# Fewer days than this give a spread too unstable to judge a day by.
MIN_DAYS: Final = 3
# Values each weekday needs before its own median is trusted as its baseline.
MIN_PER_WEEKDAY: Final = 3
SEASON: Final = 7
# Days needed before a trend is estimated (4 weeks: slopes over at least 2 weeks).
MIN_TREND_DAYS: Final = 4 * SEASON
# Days further than this many scales from the first fit are left out of the refit
# (Rousseeuw and Leroy 1987: 2.5).
CUTOFF: Final = 2.5
MAX_REFITS: Final = 10
# (days, factor): the mean refitted scale of Gaussian noise with standard deviation 1 is
# 1 / factor; from a simulation (random.Random(20250131); 10,000 series of each length up
# to 35 days, then 8,000 to 600; the standard error of each factor is under 0.3%).
SMALL_SAMPLE_FACTORS: Final = (
    (21, 1.643),
    (24, 1.316),
    (28, 1.232),
    (35, 1.200),
    (42, 1.130),
    (49, 1.094),
    (60, 1.064),
    (75, 1.046),
    (90, 1.030),
    (120, 1.020),
    (180, 1.009),
    (365, 1.005),
    (730, 1.002),
)
# The same for series too short for weekday levels (one level, no trend); 20,000 series of
# each length (random.Random(20250201)).
SMALL_SAMPLE_FACTORS_ONE_LEVEL: Final = (
    (3, 1.615),
    (4, 1.296),
    (5, 1.297),
    (7, 1.185),
    (10, 1.111),
    (14, 1.073),
    (20, 1.047),
)
# 0.6745 = Phi^-1(0.75): MAD * 1/0.6745 estimates a normal standard deviation.
_MAD_FACTOR: Final = 0.6745
# sqrt(pi / 2): MeanAD * 1.253314 estimates a normal standard deviation.
_MEANAD_FACTOR: Final = 1.253314
_NORMAL: Final = statistics.NormalDist()
# Variance of a standard normal truncated to [-CUTOFF, CUTOFF]: the kept days' variance is
# this fraction of the noise variance, and the refitted scale is divided by it.
_KEPT_VARIANCE: Final = 1.0 - 2.0 * CUTOFF * _NORMAL.pdf(CUTOFF) / (2.0 * _NORMAL.cdf(CUTOFF) - 1.0)

Direction = Literal["spike", "drop"]


@dataclass(frozen=True)
class Flag:
    """One unusual day: ``index`` is its position in the values given."""

    index: int
    expected: float
    actual: float
    score: float
    direction: Direction


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


def _weekday(first_day: int | date) -> int:
    if isinstance(first_day, date):
        return first_day.weekday()
    if isinstance(first_day, bool) or not isinstance(first_day, int) or not 0 <= first_day < 7:
        raise ValueError("first_day must be a date or a weekday number from 0 (Monday) to 6")
    return first_day


def _flag(index: int, expected: float, actual: float, score: float) -> Flag:
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


def consistency_factor(days: int) -> float:
    """The small-sample factor that makes the refitted scale unbiased on Gaussian noise.

    Interpolated linearly in ``1 / days`` between the simulated points of
    :data:`SMALL_SAMPLE_FACTORS` (weekday levels, from 21 days) or
    :data:`SMALL_SAMPLE_FACTORS_ONE_LEVEL` (one level, under 21 days), and towards 1 beyond
    the last one.
    """
    points = (
        SMALL_SAMPLE_FACTORS if days >= MIN_PER_WEEKDAY * SEASON else SMALL_SAMPLE_FACTORS_ONE_LEVEL
    )
    if days <= points[0][0]:
        return points[0][1]
    ends: tuple[tuple[float, float], ...] = (*points[1:], (math.inf, 1.0))
    for (n0, f0), (n1, f1) in zip(points, ends, strict=True):
        if days <= n1:
            x0, x1, x = 1.0 / n0, 1.0 / n1, 1.0 / days
            return f0 + (f1 - f0) * (x0 - x) / (x0 - x1)
    return 1.0


def _split_half_slope(values: Sequence[float]) -> float:
    """Theil's abbreviated slope: the median of the slopes between days ``lag`` apart.

    ``lag`` is the multiple of 7 nearest below half the window, so each pair is the same
    weekday and the weekly pattern cancels out of every slope (Theil 1950, part III; Sen
    1968). A few unusual days move only the few slopes they are in, not the median.
    """
    lag = SEASON * (len(values) // (2 * SEASON))
    return statistics.median((values[i + lag] - values[i]) / lag for i in range(len(values) - lag))


def _refit(
    values: Sequence[float],
    groups: Sequence[Sequence[int]],
    keep: Sequence[bool],
    with_trend: bool,
) -> tuple[float, list[float]]:
    """Least squares on the kept days: one level per group (weekday) and a common slope.

    The slope is the pooled within-group slope, which is the least-squares estimate of this
    model; a group with no kept day takes the median of its days, less the slope.
    """
    kept = [[i for i in group if keep[i]] for group in groups]
    slope = 0.0
    if with_trend:
        num = den = 0.0
        for group in kept:
            if len(group) < 2:
                continue
            mean_i = math.fsum(group) / len(group)
            mean_y = math.fsum(values[i] for i in group) / len(group)
            num += math.fsum((i - mean_i) * (values[i] - mean_y) for i in group)
            den += math.fsum((i - mean_i) ** 2 for i in group)
        slope = num / den if den > 0 else 0.0
    levels = [
        math.fsum(values[i] - slope * i for i in group) / len(group)
        if group
        else statistics.median(values[i] - slope * i for i in everyone)
        for group, everyone in zip(kept, groups, strict=True)
    ]
    return slope, levels


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
    with_trend = days >= MIN_TREND_DAYS

    # 1. Resistant start: split-half slope, each group's median, MAD of what is left.
    slope = _split_half_slope(values) if with_trend else 0.0
    levels = [statistics.median(values[i] - slope * i for i in group) for group in groups]
    errors = [v - slope * i - levels[group_of[i]] for i, v in enumerate(values)]
    middle = statistics.median(errors)
    levels = [level + middle for level in levels]
    errors = [e - middle for e in errors]
    deviations = [abs(e) for e in errors]
    mad = statistics.median(deviations)
    # More than half the residuals equal (MAD 0): fall back to the mean absolute deviation.
    scale = mad / _MAD_FACTOR if mad > 0 else _MEANAD_FACTOR * math.fsum(deviations) / days

    # 2. Reweighted least squares: refit on the days within CUTOFF scales and take the
    # scale from them, until the days kept no longer change.
    if scale > 0:
        parameters = len(groups) + (1 if with_trend else 0)
        kept: list[bool] = []
        refitted = False
        for _ in range(MAX_REFITS):
            keep = [abs(e) <= CUTOFF * scale for e in errors]
            if keep == kept or sum(keep) <= parameters:
                break
            kept = keep
            slope, levels = _refit(values, groups, keep, with_trend)
            errors = [v - slope * i - levels[group_of[i]] for i, v in enumerate(values)]
            squares = math.fsum(e * e for e, k in zip(errors, keep, strict=True) if k)
            if squares <= 0:
                break  # the kept days fit exactly: keep the resistant scale
            scale = math.sqrt(squares / (sum(keep) - parameters) / _KEPT_VARIANCE)
            refitted = True
        if refitted:
            scale *= consistency_factor(days)

    flags: list[Flag] = []
    if scale > 0:
        for i, (value, error) in enumerate(zip(values, errors, strict=True)):
            score = error / scale
            if abs(score) >= threshold:
                flags.append(_flag(i, value - error, value, score))
    mid_day = (days - 1) / 2
    center = math.fsum(levels) / len(levels) + slope * mid_day
    profile = (
        tuple(levels[w] - (center - slope * mid_day) for w in range(7)) if weekly else (0.0,) * 7
    )
    return AnomalyScan(
        "robust",
        threshold,
        days,
        center,
        scale,
        profile,
        tuple(flags),
        "; ".join(notes) or None,
        trend=slope,
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
