"""How the ``auto`` forecast method chooses among ``sma``, ``seasonal_naive`` and
``holt_winters``.

It holds out the last days of the history (half of it, from 28 to 56 days, leaving at least
28 to fit on; 7 on the shortest histories), fits ``sma``, ``seasonal_naive`` and
``holt_winters`` on the days before, and forecasts each held-out day from all the days
before it, one day ahead, as the method would have that morning (Holt-Winters keeps the
parameters fitted before the holdout and only updates its states: time series
cross-validation, Hyndman and Athanasopoulos, section 5.10). One-day-ahead errors over
every held-out day are many nearly independent errors, not one path, so they can be
compared by a test.

``sma`` (the API default and the simplest) is kept unless another method's absolute
errors are significantly lower than its errors on the same days: the paired t statistic
of the differences (``sma``'s error minus the other's) must exceed Student's t at 5%,
one-sided, with ``days - 1`` degrees of freedom; this is the Diebold-Mariano test for
one-step forecasts with Harvey, Leybourne and Newbold's (1997) small-sample form.
Among the methods that pass, the lowest mean absolute error wins (ties go to the
simpler one). It is refitted on the whole history, and the result says which it chose
and why (:attr:`ForecastResult.holdout`, with each t statistic).

Why a test: when two methods are about as good, the holdout's lower error is chance,
and picking the more complex one costs its extra estimation noise (Holt-Winters
estimates a weekly pattern and a trend even where there is none: on white noise around
a slow trend it is 4-5% worse than ``sma``). Choosing by the lower error alone left
``auto`` about 1% worse than ``sma`` on such series. The 5% level is the conventional
one, not fitted to any data; on the development series it kept ``auto`` within 0.3% of
the better of ``sma`` and ``seasonal_naive`` where nothing beats the mean, and kept
most of Holt-Winters' gain where a weekly pattern is plain (benchmarks/forecast_accuracy
and docs/benchmarks.md). The price: where another method is only somewhat better, or
the holdout is short, ``auto`` stays with ``sma`` more often and keeps less of the gain
(on a moderately weekly development series, 11% below ``sma``'s error instead of 17%).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from finance_agent.domain.analytics.forecast_fit import FIT_DAYS, MIN_DAYS, SEASON
from finance_agent.domain.analytics.holt_winters import hw_errors, hw_fit

HOLDOUT_DAYS: Final = 56
HOLDOUT_MIN_DAYS: Final = 28
# One-sided level of the test that auto needs passed to prefer another method to sma.
AUTO_LEVEL: Final = 0.05
AUTO_CANDIDATES: Final = ("sma", "seasonal_naive", "holt_winters")


@dataclass(frozen=True)
class HoldoutScore:
    """How one candidate did on the held-out days when ``auto`` chose a method.

    ``mase`` is ``mae`` over the mean absolute error of the seasonal naive one-step
    forecast on the days before the holdout; ``None`` when that error is 0.
    """

    method: str
    mae: float
    mase: float | None
    t_vs_sma: float | None = None
    """Paired t statistic of sma's absolute errors minus this method's (positive: this
    method erred less); ``None`` for sma itself."""


def _seasonal_naive_mae(values: Sequence[float]) -> float:
    """In-sample mean absolute error of the one-step seasonal naive forecast (MASE's scale)."""
    errors = [abs(values[i] - values[i - SEASON]) for i in range(SEASON, len(values))]
    return math.fsum(errors) / len(errors) if errors else 0.0


def holdout_days(history_days: int) -> int:
    """Days ``auto`` holds out: half the history, from 28 to 56 days, leaving at least 28
    days to fit on, and never fewer than 7."""
    half = max(HOLDOUT_MIN_DAYS, history_days // 2)
    return max(SEASON, min(HOLDOUT_DAYS, half, history_days - MIN_DAYS["holt_winters"]))


def _holdout_errors(method: str, values: Sequence[float], held: int, window: int) -> list[float]:
    """Absolute one-day-ahead errors on the last ``held`` days, fitted on the days before.

    Each held-out day is forecast from all the days before it, as the method would have
    forecast it that morning; Holt-Winters keeps the parameters fitted before the holdout
    and only updates its states (time series cross-validation, Hyndman and
    Athanasopoulos, section 5.10).
    """
    n = len(values)
    first = n - held
    if method == "sma":
        return [
            abs(values[t] - math.fsum(values[max(0, t - window) : t]) / min(window, t))
            for t in range(first, n)
        ]
    if method == "seasonal_naive":
        return [abs(values[t] - values[t - SEASON]) for t in range(first, n)]
    y = values[max(0, first - FIT_DAYS) : first]
    params, start = hw_fit(y)
    errors = hw_errors([*y, *values[first:]], params, start)
    return [abs(e) for e in errors[len(y) :]]


def t_quantile(p: float, df: int) -> float:
    """Student's t quantile by the Cornish-Fisher expansion around the normal quantile
    (Abramowitz and Stegun 1964, 26.7.5); within 0.001 of the tables from 5 degrees of
    freedom at the 95% point."""
    x = statistics.NormalDist().inv_cdf(p)
    g1 = (x**3 + x) / 4
    g2 = (5 * x**5 + 16 * x**3 + 3 * x) / 96
    g3 = (3 * x**7 + 19 * x**5 + 17 * x**3 - 15 * x) / 384
    g4 = (79 * x**9 + 776 * x**7 + 1482 * x**5 - 1920 * x**3 - 945 * x) / 92160
    return x + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def _paired_t(base: Sequence[float], other: Sequence[float]) -> float:
    """t statistic of the mean of ``base - other``: positive when ``other`` errs less."""
    diffs = [a - b for a, b in zip(base, other, strict=True)]
    mean = math.fsum(diffs) / len(diffs)
    sd = statistics.stdev(diffs, mean) if len(diffs) > 1 else 0.0
    if sd == 0.0:
        return math.inf if mean > 0.0 else 0.0
    return mean / (sd / math.sqrt(len(diffs)))


def choose(values: Sequence[float], window: int) -> tuple[str, int, tuple[HoldoutScore, ...]]:
    """The method ``auto`` chooses for ``values``, the days it held out and each score."""
    held = holdout_days(len(values))
    train = values[:-held]
    scale = _seasonal_naive_mae(train)
    errors = {
        method: _holdout_errors(method, values, held, window)
        for method in AUTO_CANDIDATES
        if len(train) >= MIN_DAYS[method]
    }
    scores = []
    for method, errs in errors.items():
        mae = math.fsum(errs) / held
        t = None if method == "sma" else _paired_t(errors["sma"], errs)
        scores.append(HoldoutScore(method, mae, mae / scale if scale > 0 else None, t))
    # sma unless another method's errors are significantly lower than its errors; among
    # those, the lowest mean absolute error (min() keeps the first, simplest, of equals).
    critical = t_quantile(1.0 - AUTO_LEVEL, held - 1)
    eligible = [s for s in scores if s.t_vs_sma is None or s.t_vs_sma > critical]
    best = min(eligible, key=lambda s: s.mae)
    return best.method, held, tuple(scores)


def describe_choice(chosen: str, held: int, scores: Sequence[HoldoutScore]) -> str:
    """The note that tells which method ``auto`` chose and why."""
    critical = t_quantile(1.0 - AUTO_LEVEL, held - 1)
    errors = ", ".join(
        f"{s.method} {s.mae:,.2f}" + ("" if s.t_vs_sma is None else f" (t {s.t_vs_sma:.2f})")
        for s in scores
    )
    why = (
        "no other method's errors were significantly lower than sma's"
        if chosen == "sma"
        else "its errors were significantly lower than sma's and lowest of those that were"
    )
    return (
        f"auto chose {chosen}: forecasting each of the last {held} days from the days before "
        f"it, {why} (mean absolute error; paired t against sma, one-sided "
        f"{100 * AUTO_LEVEL:g}% critical value {critical:.2f}: {errors})"
    )
