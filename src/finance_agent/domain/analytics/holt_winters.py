"""The ``holt_winters`` forecast method: additive Holt-Winters with a damped trend and a 7-day
season, written in its error-correction (state space, ETS(A,Ad,A)) form::

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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Final

from finance_agent.domain.analytics.forecast_fit import FIT_DAYS, SEASON, Fit

# Search grids, in the textbook ("star") parametrisation: alpha, beta* and gamma* in
# [0, 1), turned into the error-correction form's beta = alpha beta* and
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
# Level, trend and weekly pattern before the first value.
_States = tuple[float, float, list[float]]


def _hw_initial_states(y: Sequence[float]) -> _States:
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
    y: Sequence[float], params: _Params, start: _States
) -> tuple[float, float, float, list[float]]:
    """Run the error-correction recursions over ``y``: (SSE, level, trend, season).

    It keeps only the sum of squares, not each error as :func:`hw_errors` does: the
    parameter search runs it for every point of the grids it tries.
    """
    alpha, beta, gamma, phi = params
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


def hw_errors(y: Sequence[float], params: _Params, start: _States) -> list[float]:
    """The one-step errors of :func:`_hw_run`'s recursions, one per value."""
    alpha, beta, gamma, phi = params
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


def hw_fit(y: Sequence[float]) -> tuple[_Params, _States]:
    """Smoothing parameters (error-correction form) and initial states for ``y``."""
    start = _hw_initial_states(y)
    best = _hw_search(lambda p: _hw_run(y, _ets(p), start)[0])
    return _ets(best), start


def holt_winters(values: Sequence[float], horizon: int) -> Fit:
    """The method's fit to the last 52 weeks of ``values`` and its next ``horizon`` days."""
    y = values[-FIT_DAYS:]
    params, start = hw_fit(y)
    alpha, beta, gamma, phi = params
    sse, level, trend, season = _hw_run(y, params, start)
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
    return Fit("holt_winters", means, sds, sigma * total_sd, sigma, parameters)
