"""Small-sample factors of the robust anomaly method's two scale estimates.

On few days a robust scale comes out below the noise's standard deviation: the medians and
means it is measured around are fitted to the very days it measures. A scale biased low
lowers the effective threshold and multiplies the false alarms, so each estimate is
multiplied by a factor that makes its mean equal to the standard deviation of Gaussian
noise, the method of Pison, Van Aelst and Willems (2002) for robust estimators'
finite-sample bias. The factors were measured once by simulation through the method
itself (``benchmarks/anomaly_factors.py`` prints these tables anew) and are interpolated
linearly in ``1 / days`` between the simulated lengths, towards 1 beyond the last.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

# (days, factor): the mean refitted scale of Gaussian noise with standard deviation 1 is
# 1 / factor, the whole method run (consistent start, refits, level shifts); from a
# simulation (random.Random(20261128); 6,000 series of each length to 90 days, then 2,000
# to 180 and 600 beyond; the standard error of each factor is under 0.4%). The
# simulation that made them is benchmarks/anomaly_factors.py.
SMALL_SAMPLE_FACTORS: Final = (
    (21, 1.155),
    (24, 1.095),
    (28, 1.078),
    (35, 1.063),
    (42, 1.046),
    (49, 1.039),
    (60, 1.026),
    (75, 1.020),
    (90, 1.017),
    (120, 1.011),
    (180, 1.009),
    (365, 1.006),
    (730, 1.002),
)
# The same for series too short for weekday levels (one level, no trend); 20,000 series of
# each length (random.Random(20261129)).
SMALL_SAMPLE_FACTORS_ONE_LEVEL: Final = (
    (3, 1.424),
    (4, 1.191),
    (5, 1.210),
    (7, 1.139),
    (10, 1.084),
    (14, 1.058),
    (20, 1.036),
)
# (days, factor) for the resistant start's scale (the MAD around each weekday's median, or
# the one median): on Gaussian noise it comes out low by these factors, 18% at 60 days, as
# the medians are fitted to the very days they are measured on. Simulated like the above
# (random.Random(20261126): 6,000 series of each length to 90 days, then 2,000 to 180 and
# 600 beyond; random.Random(20261127): 20,000 of each length for one level).
START_FACTORS: Final = (
    (21, 1.981),
    (24, 1.574),
    (28, 1.428),
    (35, 1.401),
    (42, 1.293),
    (49, 1.228),
    (60, 1.180),
    (75, 1.130),
    (90, 1.102),
    (120, 1.075),
    (180, 1.042),
    (365, 1.021),
    (730, 1.010),
)
START_FACTORS_ONE_LEVEL: Final = (
    (3, 1.489),
    (4, 1.357),
    (5, 1.225),
    (7, 1.140),
    (10, 1.094),
    (14, 1.062),
    (20, 1.046),
)


def _interpolate(points: Sequence[tuple[int, float]], days: int) -> float:
    """Linear in ``1 / days`` between simulated points, towards 1 beyond the last one."""
    if days <= points[0][0]:
        return points[0][1]
    ends: tuple[tuple[float, float], ...] = (*points[1:], (math.inf, 1.0))
    for (n0, f0), (n1, f1) in zip(points, ends, strict=True):
        if days <= n1:
            x0, x1, x = 1.0 / n0, 1.0 / n1, 1.0 / days
            return f0 + (f1 - f0) * (x0 - x) / (x0 - x1)
    return 1.0


def consistency_factor(days: int, weekly: bool) -> float:
    """The factor that makes the refitted scale of ``days`` days unbiased on Gaussian noise.

    ``weekly``: fitted with a level per weekday (:data:`SMALL_SAMPLE_FACTORS`, from 21 days)
    or one level (:data:`SMALL_SAMPLE_FACTORS_ONE_LEVEL`, under 21 days).
    """
    return _interpolate(SMALL_SAMPLE_FACTORS if weekly else SMALL_SAMPLE_FACTORS_ONE_LEVEL, days)


def start_factor(days: int, weekly: bool) -> float:
    """The same for the resistant start's MAD (:data:`START_FACTORS`)."""
    return _interpolate(START_FACTORS if weekly else START_FACTORS_ONE_LEVEL, days)
