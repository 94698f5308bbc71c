"""The anomaly methods on their own: plain lists in, flags out.

Expected figures are computed here with ``statistics`` from the definitions (mean and
population standard deviation; least squares on the kept days, the normal's truncated
variance, the simulated small-sample factors), never by the module.

On a few weeks of pure noise the robust method still flags an ordinary day now and then
(about 0.4 per 100 days at 12 weeks; docs/benchmarks.md measures it), so the tests below
assert what must hold on every series: which days are, and are not, among the flags.
"""

from __future__ import annotations

import math
import random
import statistics
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finance_agent.domain.analytics import (
    ANOMALY_METHODS,
    DEFAULT_THRESHOLDS,
    detect,
    scan,
)

MONDAY = date(2025, 1, 6)
# A business that is nearly closed on Sundays: Monday first.
PATTERN = (10_000.0, 11_000.0, 10_500.0, 10_800.0, 12_000.0, 8_000.0, 2_000.0)
WEEKS = 12
SUNDAY = 6


def weekly(weeks: int = WEEKS, noise: float = 300.0, seed: int = 2) -> list[float]:
    rng = random.Random(seed)
    return [PATTERN[i % 7] + rng.gauss(0.0, noise) for i in range(7 * weeks)]


def test_defaults() -> None:
    assert DEFAULT_THRESHOLDS == {"zscore": 2.0, "robust": 3.5}
    assert ANOMALY_METHODS == ("zscore", "robust")
    values = weekly()
    assert scan(values, MONDAY).method == "zscore"
    assert scan(values, MONDAY).threshold == 2.0
    assert scan(values, MONDAY, "robust").threshold == 3.5


# -- zscore ----------------------------------------------------------------------------------


def test_zscore_scores_against_mean_and_population_std() -> None:
    values = [100.0] * 20 + [400.0]
    mean = statistics.fmean(values)
    std = statistics.pstdev(values)
    flags = detect(values, 0, "zscore", 2.0)
    assert [f.index for f in flags] == [20]
    flag = flags[0]
    assert flag.expected == pytest.approx(mean)
    assert flag.actual == 400.0
    assert flag.score == pytest.approx((400.0 - mean) / std)
    assert flag.direction == "spike"
    result = scan(values, 0, "zscore", 2.0)
    assert result.center == pytest.approx(mean)
    assert result.scale == pytest.approx(std)


def test_zscore_flags_ordinary_sundays_on_a_weekly_series() -> None:
    flags = detect(weekly(), MONDAY, "zscore")
    assert [f.index for f in flags] == list(range(SUNDAY, 7 * WEEKS, 7))
    assert all(f.direction == "drop" for f in flags)


@pytest.mark.parametrize("method", ANOMALY_METHODS)
def test_equal_days_or_too_few_flag_nothing(method: str) -> None:
    assert detect([500.0] * 30, 0, method) == []
    assert detect([1.0, 1_000.0], 0, method) == []
    assert detect([], 0, method) == []


# -- robust ----------------------------------------------------------------------------------


def test_robust_does_not_flag_ordinary_weekends() -> None:
    def weekend_flags(method: str) -> int:
        return sum(
            f.index % 7 in (5, SUNDAY)
            for seed in range(5)
            for f in detect(weekly(seed=seed), MONDAY, method)
        )

    # 5 series of 12 weeks: 120 weekend days. zscore flags every Sunday; robust only as
    # often as noise makes any day stand out.
    assert weekend_flags("zscore") == 60
    assert weekend_flags("robust") <= 2


def test_robust_flags_a_spike_on_a_quiet_day_that_zscore_misses() -> None:
    values = weekly()
    sunday = 7 * 5 + SUNDAY
    values[sunday] = 7_000.0  # a very busy Sunday, still below every other day's level
    zscore = detect(values, MONDAY, "zscore")
    robust = {f.index: f for f in detect(values, MONDAY, "robust")}
    assert sunday not in {f.index for f in zscore}
    flag = robust[sunday]
    assert flag.direction == "spike"
    assert flag.actual == 7_000.0
    # Expected: a Sunday, not the overall level.
    sundays = [v for i, v in enumerate(values) if i % 7 == SUNDAY]
    assert abs(flag.expected - statistics.median(sundays)) < 300.0
    assert flag.score > 3.5


def test_robust_flags_a_drop_on_a_busy_day() -> None:
    values = weekly()
    friday = 7 * 3 + 4
    values[friday] = 6_000.0  # a Friday at half its usual level, still above a Sunday
    flags = {f.index: f for f in detect(values, MONDAY, "robust")}
    assert flags[friday].direction == "drop"
    assert flags[friday].score < -3.5
    assert friday not in {f.index for f in detect(values, MONDAY, "zscore")}


def test_robust_refits_weekday_means_and_a_slope_on_the_ordinary_days() -> None:
    # A growing weekly business with bounded noise (uniform, sd = noise / sqrt(3)): no
    # ordinary day is ever 2.5 scales out, so the refit keeps exactly the ordinary days.
    rng = random.Random(4)
    days, noise, slope_true = 84, 300.0, 25.0
    values = [PATTERN[i % 7] + slope_true * i + rng.uniform(-noise, noise) for i in range(days)]
    spike = 40
    values[spike] += 6_000.0
    ordinary = [i for i in range(days) if i != spike]
    # Least squares with a level per weekday and a common slope: the pooled within-weekday
    # slope, then each weekday's mean of what the slope leaves.
    groups = [[i for i in ordinary if i % 7 == w] for w in range(7)]
    num = den = 0.0
    for g in groups:
        mean_i = statistics.fmean(g)
        mean_y = statistics.fmean(values[i] for i in g)
        num += sum((i - mean_i) * (values[i] - mean_y) for i in g)
        den += sum((i - mean_i) ** 2 for i in g)
    slope = num / den
    levels = [statistics.fmean(values[i] - slope * i for i in g) for g in groups]
    residuals = [values[i] - slope * i - levels[i % 7] for i in range(days)]
    # Scale: root mean square over the kept days, 8 parameters, the variance of a normal
    # cut at +-2.5 put back, times the small-sample factor for 84 days (interpolated in
    # 1 / days between the simulated factors for 75 and 90 days, 1.020 and 1.017).
    cut = statistics.NormalDist()
    kept_variance = 1 - 2 * 2.5 * cut.pdf(2.5) / (2 * cut.cdf(2.5) - 1)
    x0, x1 = 1 / 75, 1 / 90
    factor = 1.020 + (1.017 - 1.020) * (x0 - 1 / days) / (x0 - x1)
    sum_sq = sum(residuals[i] ** 2 for i in ordinary)
    scale = math.sqrt(sum_sq / (len(ordinary) - 8) / kept_variance) * factor

    result = scan(values, MONDAY, "robust", 1.0)
    assert result.trend == pytest.approx(slope)
    assert result.scale == pytest.approx(scale)
    mid = (days - 1) / 2
    assert result.center == pytest.approx(statistics.fmean(levels) + slope * mid)
    assert result.weekday_profile == pytest.approx(
        [level - statistics.fmean(levels) for level in levels]
    )
    by_index = {f.index: f for f in result.flags}
    for i, r in enumerate(residuals):
        if abs(r / scale) >= 1.0:
            assert by_index[i].score == pytest.approx(r / scale)
            assert by_index[i].expected == pytest.approx(levels[i % 7] + slope * i)
        else:
            assert i not in by_index
    # At the default threshold only the spike stands out.
    assert [f.index for f in detect(values, MONDAY, "robust")] == [spike]


def test_robust_scale_is_a_consistent_standard_deviation_on_gaussian_noise() -> None:
    # The small-sample factor makes the scale's mean the noise's standard deviation; a
    # plain MAD around weekday medians comes out well below it on so few days.
    rng = random.Random(8)
    for days in (60, 90):
        scales, mads = [], []
        for _ in range(300):
            values = [rng.gauss(0.0, 1.0) for _ in range(days)]
            scales.append(scan(values, rng.randrange(7), "robust").scale)
            medians = [statistics.median(values[w::7]) for w in range(7)]
            residuals = [v - medians[i % 7] for i, v in enumerate(values)]
            mads.append(statistics.median(abs(r) for r in residuals) / 0.6745)
        assert statistics.fmean(scales) == pytest.approx(1.0, abs=0.03)
        assert statistics.fmean(mads) < 0.93


def test_robust_follows_a_trend_that_zscore_reads_as_the_level() -> None:
    # A business growing by 100 a day (1% of a weekday's sales): zscore, measuring every
    # day against one mean, flags the Sundays of the first weeks and misses the unusual
    # day; robust compares each day with its weekday and trend and flags that day alone.
    rng = random.Random(6)
    values = [PATTERN[i % 7] + 100.0 * i + rng.gauss(0.0, 200.0) for i in range(70)]
    values[33] -= 2_000.0
    assert [f.index for f in detect(values, MONDAY, "robust")] == [33]
    zscore = detect(values, MONDAY, "zscore")
    assert [f.index for f in zscore] == [6, 13, 20, 27]


def test_first_day_places_the_weekdays() -> None:
    values = weekly()
    values[7 * 5 + SUNDAY] = 7_000.0
    as_date = detect(values, MONDAY, "robust")
    as_int = detect(values, 0, "robust")
    assert as_date == as_int
    # Told the series starts on a Wednesday, the quiet day becomes a Tuesday in the
    # profile, and the same days stand out.
    shifted = scan(values, MONDAY + timedelta(days=2), "robust")
    profile = scan(values, 0, "robust").weekday_profile
    assert shifted.weekday_profile[1] == pytest.approx(profile[SUNDAY])
    assert [f.index for f in shifted.flags] == [f.index for f in as_date]


def test_robust_falls_back_to_mean_absolute_deviation_when_mad_is_zero() -> None:
    values = [100.0] * 40
    values[12] = 160.0
    values[30] = 40.0
    flags = detect(values, 0, "robust")
    assert {(f.index, f.direction) for f in flags} == {(12, "spike"), (30, "drop")}
    result = scan(values, 0, "robust")
    mean_ad = (60.0 + 60.0) / 40
    assert result.scale == pytest.approx(1.253314 * mean_ad)
    assert flags[0].score == pytest.approx(60.0 / (1.253314 * mean_ad))


def test_short_history_is_scored_against_the_overall_median_and_says_so() -> None:
    values = [100.0, 102.0, 98.0, 101.0, 99.0, 40.0, 103.0, 100.0, 97.0, 250.0]
    result = scan(values, 0, "robust")
    assert result.weekday_profile == (0.0,) * 7
    assert result.note is not None
    assert "overall median" in result.note
    assert {f.index for f in result.flags} == {5, 9}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "iqr"}, "unknown method"),
        ({"threshold": 0.0}, "threshold"),
        ({"threshold": -1.0}, "threshold"),
        ({"threshold": math.nan}, "threshold"),
        ({"first_day": 7}, "first_day"),
        ({"first_day": True}, "first_day"),
        ({"values": [1.0, math.inf, 2.0]}, "finite"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"values": [1.0, 2.0, 3.0], "first_day": 0, "method": "robust"}
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        scan(**args)  # type: ignore[arg-type]


# -- properties ------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=10**9).map(lambda cents: cents / 100)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(amounts, max_size=120),
    first_day=st.integers(min_value=0, max_value=6),
    method=st.sampled_from(ANOMALY_METHODS),
    threshold=st.floats(min_value=0.5, max_value=10.0),
)
def test_any_non_negative_series_gives_consistent_finite_flags(
    values: list[float], first_day: int, method: str, threshold: float
) -> None:
    result = scan(values, first_day, method, threshold)
    assert result.days == len(values)
    assert math.isfinite(result.center)
    assert math.isfinite(result.scale)
    assert result.scale >= 0.0
    indexes = [f.index for f in result.flags]
    assert indexes == sorted(set(indexes))
    for flag in result.flags:
        assert 0 <= flag.index < len(values)
        assert flag.actual == values[flag.index]
        assert math.isfinite(flag.score)
        assert math.isfinite(flag.expected)
        assert (flag.actual - flag.expected) * flag.score >= 0
        if flag.shift is None:
            assert abs(flag.score) >= threshold
            assert flag.direction == ("spike" if flag.score > 0 else "drop")
        else:
            # A level shift's day is flagged for the run, whatever its own score.
            assert flag.shift in result.shifts
            assert flag.shift.start <= flag.index <= flag.shift.end
            assert flag.direction == ("spike" if flag.shift.direction == "up" else "drop")
    flagged = set(indexes)
    for shift in result.shifts:
        assert method == "robust"
        assert set(range(shift.start, shift.end + 1)) <= flagged
        assert (shift.mean_score > 0) == (shift.direction == "up")
