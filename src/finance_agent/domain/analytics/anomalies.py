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
    A weekday-aware modified z-score (Iglewicz and Hoaglin, 1993). The baseline of a day is
    the overall median plus its weekday's profile: the median of that weekday's values
    minus the overall median. The residuals ``r = x - baseline`` are scored as
    ``0.6745 (r - median(r)) / MAD``, MAD being the median absolute deviation of the
    residuals from their median; the expected value is ``baseline + median(r)``. Medians
    are not moved by the few unusual days they are meant to find, so neither masking nor
    weekends trip it. When more than half the residuals are equal (MAD = 0) the score uses
    the mean absolute deviation instead, ``(r - median(r)) / (1.253314 MeanAD)``; when all
    are equal nothing stands out and nothing is flagged. The weekday profile is used only
    when every weekday has at least 3 values (3 weeks): with fewer, a weekday's median is
    the day itself, which could never be flagged; shorter series are scored against the
    overall median alone, and the scan's note says so.

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
# 0.6745 = Phi^-1(0.75): MAD * 1/0.6745 estimates a normal standard deviation.
_MAD_FACTOR: Final = 0.6745
# sqrt(pi / 2): MeanAD * 1.253314 estimates a normal standard deviation.
_MEANAD_FACTOR: Final = 1.253314

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
    """zscore: the mean. robust: the overall median plus the residuals' median."""
    scale: float
    """A standard deviation: pstdev for zscore; MAD / 0.6745 (or 1.253314 MeanAD) for robust."""
    weekday_profile: tuple[float, ...]
    """Offset of each weekday from the center, Monday first (all 0 when not used)."""
    flags: tuple[Flag, ...]
    note: str | None = None


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


def _robust(values: Sequence[float], weekday: int, threshold: float) -> AnomalyScan:
    days = len(values)
    if days < MIN_DAYS:
        center = statistics.median(values) if values else 0.0
        return AnomalyScan(
            "robust", threshold, days, center, 0.0, (0.0,) * 7, (), "too few days to judge"
        )
    overall = statistics.median(values)
    by_weekday: list[list[float]] = [[] for _ in range(7)]
    for i, value in enumerate(values):
        by_weekday[(weekday + i) % 7].append(value)
    note = None
    if min(len(group) for group in by_weekday) >= MIN_PER_WEEKDAY:
        profile = tuple(statistics.median(group) - overall for group in by_weekday)
    else:
        profile = (0.0,) * 7
        note = (
            f"fewer than {MIN_PER_WEEKDAY} weeks of history: "
            "days are compared with the overall median, not their weekday's"
        )
    baselines = [overall + profile[(weekday + i) % 7] for i in range(days)]
    residuals = [value - base for value, base in zip(values, baselines, strict=True)]
    middle = statistics.median(residuals)
    deviations = [abs(r - middle) for r in residuals]
    mad = statistics.median(deviations)
    # More than half the residuals equal (MAD 0): fall back to the mean absolute deviation.
    scale = mad / _MAD_FACTOR if mad > 0 else _MEANAD_FACTOR * math.fsum(deviations) / days
    flags: list[Flag] = []
    if scale > 0:
        for i, (value, base, r) in enumerate(zip(values, baselines, residuals, strict=True)):
            score = (r - middle) / scale
            if abs(score) >= threshold:
                flags.append(_flag(i, base + middle, value, score))
    return AnomalyScan(
        "robust", threshold, days, overall + middle, scale, profile, tuple(flags), note
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
