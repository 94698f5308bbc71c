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
    Additive Holt-Winters with a damped trend and a 7-day season, written in its
    error-correction (state space, ETS(A,Ad,A)) form::

        e_t = y_t - (l + phi b + s_{t-7})
        l   = l + phi b + alpha e_t
        b   = phi b + beta e_t
        s_t = s_{t-7} + gamma e_t

    The initial states come from the first (up to) 10 weeks of the fitting window: a
    least-squares line through the weekly means (level and trend) and each weekday's mean
    deviation from it (the usual heuristic, Hyndman et al. 2008, section 2.6.1). The
    smoothing parameters are chosen by a coordinate search over small fixed grids that
    minimises the sum of squared one-step errors over the last 52 weeks (older days are not
    used: the states forget them anyway, and it keeps the fit fast). The h-step variance is
    the standard one for this linear model, ``s^2 (1 + sum_{j<h} c_j^2)`` with
    ``c_j = alpha + beta (phi + ... + phi^j) + gamma [j is a multiple of 7]`` (Hyndman,
    Koehler, Ord and Snyder, *Forecasting with Exponential Smoothing*, 2008, chapter 6),
    ``s`` being the standard deviation of the one-step errors.
``auto``
    Holds out the last days of the history (half of it, from 28 to 56 days, leaving at least
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

SEASON: Final = 7
SMA_WINDOW: Final = 30
HOLDOUT_DAYS: Final = 56
HOLDOUT_MIN_DAYS: Final = 28
# One-sided level of the test that auto needs passed to prefer another method to sma.
AUTO_LEVEL: Final = 0.05
# Days used to fit Holt-Winters and to estimate the seasonal-naive residual spread.
FIT_DAYS: Final = 52 * SEASON

FORECAST_METHODS: Final = ("sma", "seasonal_naive", "holt_winters", "auto")
AUTO_CANDIDATES: Final = ("sma", "seasonal_naive", "holt_winters")
# Fewest days of history each method can be fitted on.
MIN_DAYS: Final[Mapping[str, int]] = MappingProxyType(
    {"sma": 1, "seasonal_naive": 2 * SEASON, "holt_winters": 4 * SEASON, "auto": 3 * SEASON}
)

Z80: Final = statistics.NormalDist().inv_cdf(0.90)
Z95: Final = statistics.NormalDist().inv_cdf(0.975)

# Holt-Winters search grids, in the textbook ("star") parametrisation: alpha, beta* and
# gamma* in [0, 1), turned into the error-correction form's beta = alpha beta* and
# gamma = (1 - alpha) gamma*, which keeps every combination inside the admissible region.
_ALPHAS: Final = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8)
_BETAS: Final = (0.0, 0.01, 0.03, 0.1, 0.2)
_GAMMAS: Final = (0.0, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5)
_PHIS: Final = (0.8, 0.9, 0.95, 0.98)
_START: Final = (0.2, 0.03, 0.1, 0.9)
_MAX_PASSES: Final = 3
_INIT_WEEKS: Final = 10


# (alpha, beta, gamma, phi), in either parametrisation.
_Params = tuple[float, float, float, float]


@dataclass(frozen=True)
class Estimate:
    """A forecast value with its 80% and 95% prediction intervals."""

    value: float
    lo80: float
    hi80: float
    lo95: float
    hi95: float


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


@dataclass(frozen=True)
class _Fit:
    """A method's forecast before intervals are drawn: means and standard deviations."""

    method: str
    means: list[float]
    sds: list[float]
    total_sd: float
    sigma: float
    parameters: dict[str, float]


# -- the methods ---------------------------------------------------------------------------


def _sma(values: Sequence[float], horizon: int, window: int) -> _Fit:
    recent = values[-window:]
    n = len(recent)
    mean = math.fsum(recent) / n
    sigma = statistics.stdev(recent, mean) if n > 1 else 0.0
    sd = sigma * math.sqrt(1.0 + 1.0 / n)
    total_sd = sigma * math.sqrt(horizon + horizon * horizon / n)
    return _Fit("sma", [mean] * horizon, [sd] * horizon, total_sd, sigma, {"window": n})


def _seasonal_naive(values: Sequence[float], horizon: int) -> _Fit:
    recent = values[-(FIT_DAYS + SEASON) :]
    residuals = [recent[i] - recent[i - SEASON] for i in range(SEASON, len(recent))]
    sigma = math.sqrt(math.fsum(e * e for e in residuals) / len(residuals))
    last_week = values[-SEASON:]
    means = [last_week[h % SEASON] for h in range(horizon)]
    sds = [sigma * math.sqrt(h // SEASON + 1) for h in range(horizon)]
    # Future noise term j (1-based) enters the forecasts of days j, j + 7, j + 14, ...
    total_var = sum(((horizon - j) // SEASON + 1) ** 2 for j in range(1, horizon + 1))
    return _Fit("seasonal_naive", means, sds, sigma * math.sqrt(total_var), sigma, {})


def _hw_initial_states(y: Sequence[float]) -> tuple[float, float, list[float]]:
    """Level, trend and weekly pattern before the first value, from the first weeks.

    A least-squares line through the weekly means gives the level and the trend; each
    weekday's offset is its mean deviation from that line (the heuristic initialisation of
    Hyndman et al. 2008, section 2.6.1, with weeks as the seasonal cycles).
    """
    weeks = min(_INIT_WEEKS, len(y) // SEASON)
    means = [math.fsum(y[k * SEASON : (k + 1) * SEASON]) / SEASON for k in range(weeks)]
    mid_week = (weeks - 1) / 2
    spread = math.fsum((k - mid_week) ** 2 for k in range(weeks))
    slope = math.fsum((k - mid_week) * m for k, m in enumerate(means)) / spread if spread else 0.0
    trend = slope / SEASON
    mid = (SEASON - 1) / 2
    # The line's value on day i (0-based, from the first day).
    centre = math.fsum(means) / weeks
    at_mid = mid + SEASON * mid_week

    def line(i: float) -> float:
        return centre + trend * (i - at_mid)

    season = [
        math.fsum(y[k * SEASON + j] - line(k * SEASON + j) for k in range(weeks)) / weeks
        for j in range(SEASON)
    ]
    return line(-1), trend, season


def _hw_run(
    y: Sequence[float],
    alpha: float,
    beta: float,
    gamma: float,
    phi: float,
    start: tuple[float, float, list[float]],
) -> tuple[float, float, float, list[float]]:
    """Run the error-correction recursions over ``y``: (SSE, level, trend, season)."""
    level, trend, init = start
    season = list(init)
    sse = 0.0
    j = 0
    for value in y:
        damped = phi * trend
        error = value - level - damped - season[j]
        sse += error * error
        level += damped + alpha * error
        trend = damped + beta * error
        season[j] += gamma * error
        j = j + 1 if j < SEASON - 1 else 0
    return sse, level, trend, season


def _replace(p: _Params, axis: int, value: float) -> _Params:
    a, b, c, d = (value if i == axis else x for i, x in enumerate(p))
    return a, b, c, d


def _hw_search(
    sse_of: Callable[[_Params], float],
) -> _Params:
    """Coordinate search over the grids, starting from a typical retail setting."""
    grids = (_ALPHAS, _BETAS, _GAMMAS, _PHIS)
    best = _START
    seen = {best: sse_of(best)}
    for _ in range(_MAX_PASSES):
        improved = False
        for axis, grid in enumerate(grids):
            for candidate in grid:
                trial = _replace(best, axis, candidate)
                if trial not in seen:
                    seen[trial] = sse_of(trial)
                if seen[trial] < seen[best]:
                    best, improved = trial, True
        if not improved:
            break
    return best


def hw_error_scales(
    alpha: float, beta: float, gamma: float, phi: float, horizon: int
) -> tuple[list[float], float]:
    """Standard deviations of the h-step errors and of the summed error, per unit of sigma.

    In the error-correction form the error of the forecast ``h`` days ahead is
    ``e_{t+h} + sum_{j=1..h-1} c_j e_{t+h-j}`` with
    ``c_j = alpha + beta (phi + ... + phi^j) + gamma [j % 7 == 0]``; the summed error of
    days 1..H is ``sum_i e_{t+i} (1 + c_1 + ... + c_{H-i})``.
    """
    weights = []
    damp_sum = 0.0
    damp_power = 1.0
    for j in range(1, horizon):
        damp_power *= phi
        damp_sum += damp_power
        weights.append(alpha + beta * damp_sum + (gamma if j % SEASON == 0 else 0.0))
    step = [1.0]
    acc = 1.0
    for w in weights:
        acc += w * w
        step.append(math.sqrt(acc))
    cumulative = [0.0]
    for w in weights:
        cumulative.append(cumulative[-1] + w)
    total_var = math.fsum((1.0 + cumulative[horizon - i]) ** 2 for i in range(1, horizon + 1))
    return step, math.sqrt(total_var)


def _hw_errors(
    y: Sequence[float],
    alpha: float,
    beta: float,
    gamma: float,
    phi: float,
    start: tuple[float, float, list[float]],
) -> list[float]:
    """The one-step errors of :func:`_hw_run`'s recursions, one per value."""
    level, trend, init = start
    season = list(init)
    errors = []
    j = 0
    for value in y:
        damped = phi * trend
        error = value - level - damped - season[j]
        errors.append(error)
        level += damped + alpha * error
        trend = damped + beta * error
        season[j] += gamma * error
        j = j + 1 if j < SEASON - 1 else 0
    return errors


def _ets(p: _Params) -> _Params:
    """Textbook (alpha, beta*, gamma*, phi) to error-correction (alpha, beta, gamma, phi)."""
    alpha, beta_star, gamma_star, phi = p
    return alpha, alpha * beta_star, (1.0 - alpha) * gamma_star, phi


def _hw_fit(
    y: Sequence[float],
) -> tuple[_Params, tuple[float, float, list[float]]]:
    """Smoothing parameters (error-correction form) and initial states for ``y``."""
    start = _hw_initial_states(y)
    best = _hw_search(lambda p: _hw_run(y, *_ets(p), start)[0])
    return _ets(best), start


def _holt_winters(values: Sequence[float], horizon: int) -> _Fit:
    y = values[-FIT_DAYS:]
    (alpha, beta, gamma, phi), start = _hw_fit(y)
    sse, level, trend, season = _hw_run(y, alpha, beta, gamma, phi, start)
    # Degrees of freedom: the four smoothing parameters.
    sigma = math.sqrt(sse / max(len(y) - 4, 1))
    n = len(y)
    means = []
    damp_sum = 0.0
    damp_power = 1.0
    for h in range(1, horizon + 1):
        damp_power *= phi
        damp_sum += damp_power
        means.append(level + damp_sum * trend + season[(n + h - 1) % SEASON])
    step_sds, total_sd = hw_error_scales(alpha, beta, gamma, phi, horizon)
    sds = [sigma * k for k in step_sds]
    parameters = {"alpha": alpha, "beta": beta, "gamma": gamma, "phi": phi}
    return _Fit("holt_winters", means, sds, sigma * total_sd, sigma, parameters)


def _fit(method: str, values: Sequence[float], horizon: int, window: int) -> _Fit:
    if method == "seasonal_naive":
        return _seasonal_naive(values, horizon)
    if method == "holt_winters":
        return _holt_winters(values, horizon)
    return _sma(values, horizon, window)


# -- choosing, falling back, assembling ------------------------------------------------------


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
    params, start = _hw_fit(y)
    errors = _hw_errors([*y, *values[first:]], *params, start)
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


def _choose(values: Sequence[float], window: int) -> tuple[str, int, tuple[HoldoutScore, ...]]:
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


def _describe_choice(chosen: str, held: int, scores: Sequence[HoldoutScore]) -> str:
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
        chosen, held, scores = _choose(data, window)
        notes.append(_describe_choice(chosen, held, scores))
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
