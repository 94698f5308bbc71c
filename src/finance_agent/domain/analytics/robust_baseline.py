"""The robust baseline of the ``robust`` anomaly method: a level for each weekday plus a
linear trend, and the scale of the noise around it (see :mod:`.anomalies` for the method).

``resistant_start`` is the fit the unusual days cannot move (Theil's split-half slope,
medians, the MAD); ``reweight`` refits by least squares on the days within CUTOFF scales
of it until the days kept stay the same (Rousseeuw and Leroy 1987, section 1.2).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from finance_agent.domain.analytics.scale_factors import start_factor

# The weekly pattern's length: each weekday has a level of its own.
SEASON: Final = 7
# Days further than this many scales from the first fit are left out of the refit
# (Rousseeuw and Leroy 1987: 2.5).
CUTOFF: Final = 2.5
MAX_REFITS: Final = 10
# 0.6745 = Phi^-1(0.75): MAD * 1/0.6745 estimates a normal standard deviation.
_MAD_FACTOR: Final = 0.6745
# sqrt(pi / 2): MeanAD * 1.253314 estimates a normal standard deviation.
_MEANAD_FACTOR: Final = 1.253314
_NORMAL: Final = statistics.NormalDist()
# Variance of a standard normal truncated to [-CUTOFF, CUTOFF]: the kept days' variance is
# this fraction of the noise variance, and the refitted scale is divided by it.
_KEPT_VARIANCE: Final = 1.0 - 2.0 * CUTOFF * _NORMAL.pdf(CUTOFF) / (2.0 * _NORMAL.cdf(CUTOFF) - 1.0)


def split_half_slope(values: Sequence[float]) -> float:
    """Theil's abbreviated slope: the median of the slopes between days ``lag`` apart.

    ``lag`` is the multiple of 7 nearest below half the window, so each pair is the same
    weekday and the weekly pattern cancels out of every slope (Theil 1950, part III; Sen
    1968). A few unusual days move only the few slopes they are in, not the median.
    """
    lag = SEASON * (len(values) // (2 * SEASON))
    return statistics.median((values[i + lag] - values[i]) / lag for i in range(len(values) - lag))


def refit(
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


@dataclass(frozen=True)
class Fit:
    slope: float
    levels: list[float]
    errors: list[float]
    scale: float
    """Before the small-sample factor."""
    refitted: bool


def resistant_start(
    values: Sequence[float], groups: Sequence[Sequence[int]], group_of: Sequence[int], trend: bool
) -> Fit:
    """Split-half slope, each group's median, and the MAD of what is left."""
    slope = split_half_slope(values) if trend else 0.0
    levels = [statistics.median(values[i] - slope * i for i in group) for group in groups]
    errors = [v - slope * i - levels[group_of[i]] for i, v in enumerate(values)]
    middle = statistics.median(errors)
    levels = [level + middle for level in levels]
    errors = [e - middle for e in errors]
    deviations = [abs(e) for e in errors]
    mad = statistics.median(deviations)
    if mad > 0:
        scale = mad / _MAD_FACTOR * start_factor(len(values), len(groups) > 1)
    else:  # more than half the residuals equal: fall back to the mean absolute deviation
        scale = _MEANAD_FACTOR * math.fsum(deviations) / len(values)
    return Fit(slope, levels, errors, scale, refitted=False)


def reweight(
    values: Sequence[float],
    groups: Sequence[Sequence[int]],
    group_of: Sequence[int],
    trend: bool,
    start: Fit,
    excluded: frozenset[int],
) -> Fit:
    """Refit by least squares on the days within CUTOFF scales (and not ``excluded``) and
    take the scale from them, until the days kept no longer change."""
    fit = start
    parameters = len(groups) + (1 if trend else 0)
    kept: list[bool] = []
    for _ in range(MAX_REFITS):
        keep = [
            abs(e) <= CUTOFF * fit.scale and i not in excluded for i, e in enumerate(fit.errors)
        ]
        if keep == kept or sum(keep) <= parameters:
            break
        kept = keep
        slope, levels = refit(values, groups, keep, trend)
        errors = [v - slope * i - levels[group_of[i]] for i, v in enumerate(values)]
        squares = math.fsum(e * e for e, k in zip(errors, keep, strict=True) if k)
        if squares <= 0:
            break  # the kept days fit exactly: keep the scale before
        scale = math.sqrt(squares / (sum(keep) - parameters) / _KEPT_VARIANCE)
        fit = Fit(slope, levels, errors, scale, True)
    return fit
