"""The forecast methods on their own: plain lists in, a ForecastResult out.

Expected figures are computed here from the definitions (the weekly pattern itself, the
textbook variance formulas), never by calling the module's helpers back.
"""

from __future__ import annotations

import math
import random
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finance_agent.domain.analytics import FORECAST_METHODS, ForecastResult, forecast
from finance_agent.domain.analytics.forecasting import (
    MIN_DAYS,
    SMA_WINDOW,
    Z80,
    Z95,
    holdout_days,
    hw_error_scales,
    t_quantile,
)

PATTERN = (1_000.0, 1_200.0, 1_150.0, 1_100.0, 1_300.0, 400.0, 250.0)  # quiet weekends
SEASONAL = ("seasonal_naive", "holt_winters")


def weekly(weeks: int, noise: float = 0.0, seed: int = 1) -> list[float]:
    rng = random.Random(seed)
    return [PATTERN[i % 7] + rng.gauss(0.0, noise) for i in range(7 * weeks)]


def assert_ordered(result: ForecastResult) -> None:
    for p in (*result.points, result.total):
        assert p.lo95 <= p.lo80 <= p.value <= p.hi80 <= p.hi95


# -- point forecasts -------------------------------------------------------------------------


@pytest.mark.parametrize("method", SEASONAL)
def test_a_pure_weekly_pattern_is_forecast_near_exactly(method: str) -> None:
    history = weekly(12)
    result = forecast(history, 21, method)
    assert result.method == method
    expected = [PATTERN[(len(history) + h) % 7] for h in range(21)]
    for point, want in zip(result.points, expected, strict=True):
        assert point.value == pytest.approx(want, abs=1.0)
    assert result.total.value == pytest.approx(sum(expected), abs=21.0)


def test_sma_is_the_mean_of_the_last_30_days() -> None:
    history = [float(i) for i in range(100)]
    result = forecast(history, 5, "sma")
    mean = sum(history[-SMA_WINDOW:]) / SMA_WINDOW
    assert [p.value for p in result.points] == pytest.approx([mean] * 5)
    assert result.total.value == pytest.approx(5 * mean)
    assert result.parameters["window"] == SMA_WINDOW


def test_sma_window_is_adjustable() -> None:
    result = forecast([1.0, 2.0, 3.0, 10.0, 20.0], 2, "sma", window=2)
    assert result.points[0].value == pytest.approx(15.0)


def test_seasonal_naive_repeats_last_week() -> None:
    history = weekly(3, noise=50.0)
    result = forecast(history, 10, "seasonal_naive")
    assert [p.value for p in result.points] == pytest.approx(
        [history[-7 + h % 7] for h in range(10)]
    )


def test_holt_winters_follows_a_trend_that_sma_lags() -> None:
    history = [PATTERN[i % 7] + 20.0 * i for i in range(140)]
    hw = forecast(history, 7, "holt_winters")
    sma = forecast(history, 7, "sma")
    actual = [PATTERN[i % 7] + 20.0 * i for i in range(140, 147)]

    def mae(r: ForecastResult) -> float:
        return sum(abs(a - p.value) for a, p in zip(actual, r.points, strict=True)) / 7

    assert mae(hw) < 0.25 * mae(sma)
    assert set(hw.parameters) == {"alpha", "beta", "gamma", "phi"}


# -- intervals -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", FORECAST_METHODS)
def test_intervals_contain_the_point_and_95_is_wider_than_80(method: str) -> None:
    result = forecast(weekly(20, noise=80.0), 30, method)
    assert_ordered(result)
    for p in (*result.points, result.total):
        assert p.hi95 - p.lo95 > p.hi80 - p.lo80 > 0


def test_sma_intervals_follow_the_iid_mean_model() -> None:
    history = [100.0, 140.0, 90.0, 130.0, 110.0, 120.0, 80.0, 150.0, 95.0, 105.0] * 3
    result = forecast(history, 10, "sma")
    n = len(history)
    mean = sum(history) / n
    s = math.sqrt(sum((x - mean) ** 2 for x in history) / (n - 1))
    day_sd = s * math.sqrt(1 + 1 / n)
    total_sd = s * math.sqrt(10 + 100 / n)
    assert result.sigma == pytest.approx(s)
    assert result.points[3].hi95 - result.points[3].value == pytest.approx(Z95 * day_sd)
    assert result.points[9].value - result.points[9].lo80 == pytest.approx(Z80 * day_sd)
    assert result.total.hi95 - result.total.value == pytest.approx(Z95 * total_sd)


def test_seasonal_naive_intervals_widen_once_a_week() -> None:
    history = weekly(10, noise=60.0, seed=3)
    result = forecast(history, 15, "seasonal_naive")
    residuals = [history[i] - history[i - 7] for i in range(7, len(history))]
    s = math.sqrt(sum(e * e for e in residuals) / len(residuals))
    widths = [(p.hi95 - p.value) / (Z95 * s) for p in result.points]
    # k = floor((h - 1) / 7): sqrt(1) for days 1-7, sqrt(2) for 8-14, sqrt(3) for day 15.
    assert widths == pytest.approx([1.0] * 7 + [math.sqrt(2)] * 7 + [math.sqrt(3)])
    # Noise term j enters days j, j + 7, j + 14 <= 15: counts 3 (j = 1), 2 (j = 2..8), 1 (rest).
    total_var = 3**2 + 7 * 2**2 + 7 * 1**2
    assert result.total.hi95 - result.total.value == pytest.approx(Z95 * s * math.sqrt(total_var))


def test_holt_winters_error_scales_reduce_to_known_cases() -> None:
    # No smoothing at all: every day's error is its own noise; the total's is sqrt(H).
    steps, total = hw_error_scales(0.0, 0.0, 0.0, 0.9, 10)
    assert steps == pytest.approx([1.0] * 10)
    assert total == pytest.approx(math.sqrt(10))
    # Level only: simple exponential smoothing, var_h = 1 + (h - 1) alpha^2.
    steps, total = hw_error_scales(0.3, 0.0, 0.0, 0.9, 6)
    assert steps == pytest.approx([math.sqrt(1 + (h - 1) * 0.09) for h in range(1, 7)])
    # ... and the total: noise i moves days i..H, by 1 then alpha each: (1 + (H - i) alpha)^2.
    assert total == pytest.approx(math.sqrt(sum((1 + (6 - i) * 0.3) ** 2 for i in range(1, 7))))
    # The seasonal weight joins at lag 7 only.
    steps, _ = hw_error_scales(0.0, 0.0, 0.4, 0.9, 9)
    assert steps[:7] == pytest.approx([1.0] * 7)
    assert steps[7] == pytest.approx(math.sqrt(1 + 0.16))


def test_holt_winters_error_scales_match_a_simulation() -> None:
    alpha, beta, gamma, phi, horizon = 0.3, 0.05, 0.2, 0.9, 10
    rng = random.Random(11)
    day_errors: list[list[float]] = [[] for _ in range(horizon)]
    totals = []
    for _ in range(4_000):
        # From all-zero states every point forecast is 0, so each simulated value is the
        # error of its day's forecast.
        level, trend, season = 0.0, 0.0, [0.0] * 7
        errors = []
        for h in range(horizon):
            e = rng.gauss(0.0, 1.0)
            d = phi * trend
            errors.append(level + d + season[h % 7] + e)
            level, trend = level + d + alpha * e, d + beta * e
            season[h % 7] += gamma * e
        for h, err in enumerate(errors):
            day_errors[h].append(err)
        totals.append(sum(errors))
    steps, total = hw_error_scales(alpha, beta, gamma, phi, horizon)
    for h in range(horizon):
        sd = math.sqrt(sum(x * x for x in day_errors[h]) / len(day_errors[h]))
        assert sd == pytest.approx(steps[h], rel=0.05)
    assert math.sqrt(sum(t * t for t in totals) / len(totals)) == pytest.approx(total, rel=0.05)


def test_constant_history_gives_a_constant_forecast_with_empty_intervals() -> None:
    for method in FORECAST_METHODS:
        result = forecast([250.0] * 60, 14, method)
        for p in result.points:
            assert p.value == pytest.approx(250.0)
            assert p.hi95 - p.lo95 == pytest.approx(0.0, abs=1e-6)
        assert result.total.value == pytest.approx(14 * 250.0)


def test_forecasts_below_zero_are_raised_to_zero_and_said() -> None:
    history = [max(0.0, 3_000.0 - 60.0 * i) + PATTERN[i % 7] / 10 for i in range(56)]
    result = forecast(history, 60, "holt_winters")
    assert all(p.lo95 >= 0.0 and p.value >= 0.0 for p in result.points)
    assert result.total.lo95 >= 0.0
    assert result.total.value == pytest.approx(sum(p.value for p in result.points))
    assert result.note is not None
    assert "below zero" in result.note


def test_negative_history_is_not_clipped() -> None:
    history = [-100.0 - i for i in range(30)]
    result = forecast(history, 3, "sma")
    assert result.points[0].value < 0
    assert result.note is None


# -- auto ------------------------------------------------------------------------------------


def test_auto_picks_a_seasonal_method_on_weekly_data_and_says_why() -> None:
    result = forecast(weekly(20, noise=40.0), 28, "auto")
    assert result.requested == "auto"
    assert result.method in SEASONAL
    assert result.holdout_days == 56
    assert {s.method for s in result.holdout} == {"sma", "seasonal_naive", "holt_winters"}
    best = min(result.holdout, key=lambda s: s.mae)
    assert best.method == result.method
    sma = next(s for s in result.holdout if s.method == "sma")
    assert best.mae < 0.5 * sma.mae
    assert all(s.mase is not None and s.mase > 0 for s in result.holdout)
    assert result.note is not None
    assert result.note.startswith(f"auto chose {result.method}")
    assert "significantly lower" in result.note
    assert best.t_vs_sma is not None
    assert best.t_vs_sma > t_quantile(0.95, result.holdout_days - 1)


def test_auto_keeps_sma_on_a_flat_series() -> None:
    # The simplest candidate wins ties: on a constant series every error is 0.
    result = forecast([500.0] * 60, 7, "auto")
    assert result.method == "sma"


def test_auto_result_is_the_chosen_method_refitted_on_all_days() -> None:
    history = weekly(16, noise=30.0, seed=5)
    auto = forecast(history, 14, "auto")
    direct = forecast(history, 14, auto.method)
    assert auto.points == direct.points
    assert auto.total == direct.total


def test_t_quantile_matches_the_tables() -> None:
    # Student's t, one-sided 95% points (any statistics table).
    for df, want in ((5, 2.015), (6, 1.943), (10, 1.812), (20, 1.725), (27, 1.703), (55, 1.673)):
        assert t_quantile(0.95, df) == pytest.approx(want, abs=1e-3)


def test_auto_leaves_sma_only_for_a_significantly_better_method() -> None:
    # White noise: sma (the mean) is the right forecast. By chance another method's
    # held-out error is sometimes lower; auto must still keep sma unless the paired t test
    # of the errors passes at 5% (one-sided).
    lower_by_chance = 0
    for seed in range(1, 41):
        rng = random.Random(seed)
        history = [1_000.0 + rng.gauss(0.0, 100.0) for _ in range(70)]
        result = forecast(history, 14, "auto")
        held = holdout_days(70)
        assert result.holdout_days == held == 35
        critical = 1.691  # t table, 34 degrees of freedom, one-sided 5%
        sma = next(s for s in result.holdout if s.method == "sma")
        assert sma.t_vs_sma is None
        others = [s for s in result.holdout if s.method != "sma"]
        eligible = [sma, *(s for s in others if s.t_vs_sma is not None and s.t_vs_sma > critical)]
        assert result.method == min(eligible, key=lambda s: s.mae).method
        if result.method == "sma" and any(s.mae < sma.mae for s in others):
            lower_by_chance += 1
        # The statistic itself, from its definition for the two simple candidates.
        sma_errors = [abs(history[t] - sum(history[t - 30 : t]) / 30) for t in range(35, 70)]
        naive_errors = [abs(history[t] - history[t - 7]) for t in range(35, 70)]
        diffs = [a - b for a, b in zip(sma_errors, naive_errors, strict=True)]
        t = sum(diffs) / len(diffs) / (statistics.stdev(diffs) / math.sqrt(len(diffs)))
        naive = next(s for s in others if s.method == "seasonal_naive")
        assert naive.t_vs_sma == pytest.approx(t)
    assert lower_by_chance > 0


def test_auto_on_a_short_history_compares_the_methods_it_can_fit() -> None:
    result = forecast(weekly(3, noise=10.0), 7, "auto")  # 21 days: 14 to fit, 7 held out
    assert result.holdout_days == 7
    assert {s.method for s in result.holdout} == {"sma", "seasonal_naive"}


# -- short histories and bad input -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "days", "used"),
    [
        ("seasonal_naive", 13, "sma"),
        ("holt_winters", 13, "sma"),
        ("holt_winters", 27, "seasonal_naive"),
        ("auto", 20, "sma"),
        ("auto", 5, "sma"),
    ],
)
def test_short_history_falls_back_and_says_so(method: str, days: int, used: str) -> None:
    result = forecast(weekly(4, noise=20.0)[:days], 10, method)
    assert result.method == used
    assert result.requested == method
    assert result.history_days == days
    assert result.note is not None
    assert f"{method} needs at least {MIN_DAYS[method]} days" in result.note
    assert f"used {used} instead" in result.note
    assert_ordered(result)


@pytest.mark.parametrize("method", FORECAST_METHODS)
def test_enough_history_uses_the_method_asked_for(method: str) -> None:
    result = forecast(weekly(4, noise=20.0)[: MIN_DAYS[method]], 10, method)
    if method == "auto":
        assert result.holdout
    else:
        assert result.method == method


def test_one_day_of_history() -> None:
    result = forecast([42.0], 3, "auto")
    assert result.method == "sma"
    assert [p.value for p in result.points] == [42.0, 42.0, 42.0]
    assert result.note is not None
    assert "intervals are empty" in result.note


def test_no_history_forecasts_zero() -> None:
    result = forecast([], 4, "holt_winters")
    assert [p.value for p in result.points] == [0.0] * 4
    assert result.total.value == 0.0
    assert result.note == "no history: the forecast is zero"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "arima"}, "unknown method"),
        ({"horizon": 0}, "horizon"),
        ({"horizon": True}, "horizon"),
        ({"window": 0}, "window"),
        ({"values": [1.0, math.nan]}, "finite"),
        ({"values": [1.0, math.inf]}, "finite"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"values": [1.0, 2.0, 3.0], "horizon": 3, "method": "sma"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        forecast(**args)  # type: ignore[arg-type]


# -- properties ------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**9).map(lambda cents: cents / 100)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(amounts, max_size=120),
    horizon=st.integers(min_value=1, max_value=60),
    method=st.sampled_from(FORECAST_METHODS),
)
def test_any_non_negative_history_gives_finite_ordered_non_negative_forecasts(
    values: list[float], horizon: int, method: str
) -> None:
    result = forecast(values, horizon, method)
    assert len(result.points) == horizon
    assert result.method in FORECAST_METHODS
    assert result.method != "auto"
    assert_ordered(result)
    for p in (*result.points, result.total):
        for x in (p.value, p.lo80, p.hi80, p.lo95, p.hi95):
            assert math.isfinite(x)
            assert x >= 0.0
    assert math.isfinite(result.sigma)
    assert result.total.value == pytest.approx(
        sum(p.value for p in result.points), rel=1e-9, abs=1e-6
    )
