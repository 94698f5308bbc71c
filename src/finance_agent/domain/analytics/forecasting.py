"""Daily sales forecasts with 80% and 95% prediction intervals, in pure Python (stdlib only).

``forecast(values, horizon, method)`` takes daily values, oldest first, one per consecutive
day (the caller fills missing days, with 0 for a day without sales), and returns a
:class:`ForecastResult`: a point forecast and intervals for each of the next ``horizon``
days, the total over the horizon with its own intervals, the method actually used, and a
note whenever it fell back to another method or changed something.

Methods
-------
``sma``
    The mean of the last ``window`` days (30), the same for every future day. Model: a
    locally constant mean plus independent noise, ``y = mu + e``, ``e ~ N(0, s^2)``, with
    ``s`` the sample standard deviation of the window. The error of a day's forecast is the
    day's noise plus the error of the window mean, so its variance is ``s^2 (1 + 1/n)``:
    under this model the interval does not widen with the horizon. (A trend or a shift in
    level is outside the model; the benchmark reports how often the intervals cover.)
``seasonal_naive``
    Each day repeats the same weekday of the last week (season ``m = 7``). Model: a seasonal
    random walk ``y_t = y_{t-7} + e_t``; ``s`` is the root mean square of the one-step
    residuals ``y_t - y_{t-7}`` over the last 52 weeks, and the h-step standard deviation
    is ``s * sqrt(k + 1)`` with ``k = floor((h - 1) / 7)`` (Hyndman and Athanasopoulos,
    *Forecasting: Principles and Practice*, 3rd ed., section 5.5).
``holt_winters``
    Additive Holt-Winters with a damped trend and a 7-day season (ETS(A,Ad,A)), its
    parameters fitted to the last 52 weeks; the model, its initial states, the parameter
    search and its h-step variance are described in :mod:`.holt_winters`.
``auto``
    Holds out the last days of the history and forecasts each of them one day ahead with
    ``sma``, ``seasonal_naive`` and ``holt_winters``; keeps ``sma`` unless another method's
    errors are significantly lower (a paired t test at 5%), else the lowest mean absolute
    error among those, refitted on the whole history. How and why: :mod:`.method_choice`.

Short histories: ``seasonal_naive`` needs 14 days, ``holt_winters`` 28 and ``auto`` 21 (14
to fit and 7 to check). With less, the method falls back (``holt_winters`` to
``seasonal_naive``, anything else to ``sma``) and the note says so.

Totals
------
The total is the sum of the daily point forecasts. Its interval is not the sum of the daily
intervals: each method's errors are written as sums of the same future noise terms, so the
variance of the summed error is computed exactly under the method's model, including the
correlation between days (for ``sma`` the shared error of the window mean:
``s^2 (H + H^2 / n)``; for ``seasonal_naive`` ``s^2 sum_{j=1..H} (floor((H - j) / 7) + 1)^2``;
for ``holt_winters`` ``s^2 sum_{i=1..H} (1 + c_1 + ... + c_{H-i})^2``). Noise is assumed
Gaussian and independent from day to day, so intervals are ``point +- z s_h`` with
``z = 1.2816`` (80%) and ``1.9600`` (95%).

Sales cannot be negative: when no value in the history is negative, point forecasts and
bounds are clipped at 0 (clipping a bound only raises its coverage), and the note says when
a point forecast had to be clipped.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from finance_agent.domain.analytics.forecast_fit import FIT_DAYS, MIN_DAYS, SEASON, Fit
from finance_agent.domain.analytics.holt_winters import holt_winters, hw_error_scales
from finance_agent.domain.analytics.method_choice import (
    HoldoutScore,
    choose,
    describe_choice,
    holdout_days,
    t_quantile,
)

# The public API, with the names from the modules above that callers import from here.
__all__ = [
    "FORECAST_METHODS",
    "MIN_DAYS",
    "SMA_WINDOW",
    "Z80",
    "Z95",
    "Estimate",
    "ForecastResult",
    "HoldoutScore",
    "forecast",
    "holdout_days",
    "hw_error_scales",
    "t_quantile",
]

SMA_WINDOW: Final = 30

FORECAST_METHODS: Final = ("sma", "seasonal_naive", "holt_winters", "auto")

Z80: Final = statistics.NormalDist().inv_cdf(0.90)
Z95: Final = statistics.NormalDist().inv_cdf(0.975)


@dataclass(frozen=True)
class Estimate:
    """A forecast value with its 80% and 95% prediction intervals."""

    value: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float


@dataclass(frozen=True)
class ForecastResult:
    method: str
    """The method whose forecast this is: the one asked for, its fallback, or auto's choice."""
    requested: str
    history_days: int
    points: tuple[Estimate, ...]
    """One per future day, the first being the day after the last value."""
    total: Estimate
    sigma: float
    """Standard deviation of the method's one-step errors (the ``s`` of the intervals)."""
    parameters: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    note: str | None = None
    holdout_days: int = 0
    """Days ``auto`` held out to compare the candidates (0 for the other methods)."""
    holdout: tuple[HoldoutScore, ...] = ()


# -- the methods ---------------------------------------------------------------------------


def _sma(values: Sequence[float], horizon: int, window: int) -> Fit:
    recent = values[-window:]
    n = len(recent)
    mean = math.fsum(recent) / n
    sigma = statistics.stdev(recent, mean) if n > 1 else 0.0
    sd = sigma * math.sqrt(1.0 + 1.0 / n)
    total_sd = sigma * math.sqrt(horizon + horizon * horizon / n)
    return Fit("sma", [mean] * horizon, [sd] * horizon, total_sd, sigma, {"window": n})


def _seasonal_naive(values: Sequence[float], horizon: int) -> Fit:
    recent = values[-(FIT_DAYS + SEASON) :]
    residuals = [recent[i] - recent[i - SEASON] for i in range(SEASON, len(recent))]
    sigma = math.sqrt(math.fsum(e * e for e in residuals) / len(residuals))
    last_week = values[-SEASON:]
    means = [last_week[h % SEASON] for h in range(horizon)]
    sds = [sigma * math.sqrt(h // SEASON + 1) for h in range(horizon)]
    # Future noise term j (1-based) enters the forecasts of days j, j + 7, j + 14, ...
    total_var = sum(((horizon - j) // SEASON + 1) ** 2 for j in range(1, horizon + 1))
    return Fit("seasonal_naive", means, sds, sigma * math.sqrt(total_var), sigma, {})


def _fit(method: str, values: Sequence[float], horizon: int, window: int) -> Fit:
    if method == "seasonal_naive":
        return _seasonal_naive(values, horizon)
    if method == "holt_winters":
        return holt_winters(values, horizon)
    return _sma(values, horizon, window)


# -- falling back, assembling --------------------------------------------------------------


def _fallback(method: str, days: int) -> str:
    if days >= MIN_DAYS[method]:
        return method
    if method == "holt_winters" and days >= MIN_DAYS["seasonal_naive"]:
        return "seasonal_naive"
    return "sma"


def _clip(x: float) -> float:
    return x if x > 0.0 else 0.0


def _estimate(mean: float, sd: float, clip: bool) -> Estimate:
    bounds = [mean, mean - Z80 * sd, mean + Z80 * sd, mean - Z95 * sd, mean + Z95 * sd]
    if clip:
        bounds = [_clip(b) for b in bounds]
    return Estimate(*bounds)


def _check(values: Sequence[float], horizon: int, method: str, window: int) -> None:
    if method not in FORECAST_METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {FORECAST_METHODS}")
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise ValueError("horizon must be a whole number of days, at least 1")
    if isinstance(window, bool) or not isinstance(window, int) or window < 1:
        raise ValueError("window must be a whole number of days, at least 1")
    if not all(math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers")


def forecast(
    values: Sequence[float],
    horizon: int,
    method: str = "sma",
    *,
    window: int = SMA_WINDOW,
) -> ForecastResult:
    """Forecast the ``horizon`` days after ``values`` (daily, oldest first, no gaps).

    ``window`` is the number of recent days ``sma`` averages. An empty history gives a
    forecast of 0 with empty intervals and a note. Raises ``ValueError`` for an unknown
    method, a horizon or window below 1, or a value that is not a finite number.
    """
    _check(values, horizon, method, window)
    data = [float(v) for v in values]
    days = len(data)
    notes: list[str] = []
    if days == 0:
        zero = Estimate(0.0, 0.0, 0.0, 0.0, 0.0)
        return ForecastResult(
            method="sma",
            requested=method,
            history_days=0,
            points=(zero,) * horizon,
            total=zero,
            sigma=0.0,
            note="no history: the forecast is zero",
        )
    held = 0
    scores: tuple[HoldoutScore, ...] = ()
    if method == "auto" and days >= MIN_DAYS["auto"]:
        chosen, held, scores = choose(data, window)
        notes.append(describe_choice(chosen, held, scores))
    else:
        chosen = _fallback("sma" if method == "auto" else method, days)
        if chosen != method:
            notes.append(
                f"{method} needs at least {MIN_DAYS[method]} days of history and "
                f"{days} {'was' if days == 1 else 'were'} available: used {chosen} instead"
            )
    fit = _fit(chosen, data, horizon, window)
    if fit.method == "sma" and days == 1:
        notes.append("one day of history gives no spread: the intervals are empty")
    clip = min(data) >= 0.0
    if clip and min(fit.means) < 0.0:
        notes.append("forecasts below zero were raised to zero, as sales cannot be negative")
    total = math.fsum(_clip(m) for m in fit.means) if clip else math.fsum(fit.means)
    return ForecastResult(
        method=fit.method,
        requested=method,
        history_days=days,
        points=tuple(_estimate(m, s, clip) for m, s in zip(fit.means, fit.sds, strict=True)),
        total=_estimate(total, fit.total_sd, clip),
        sigma=fit.sigma,
        parameters=MappingProxyType(dict(fit.parameters)),
        note="; ".join(notes) or None,
        holdout_days=held,
        holdout=scores,
    )
