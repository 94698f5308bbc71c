"""Level shifts: runs of days that sit together on one side of expected.

``find_shifts`` is tested on scores written out by hand; ``scan(method="robust")`` on series
whose shift is far enough from the noise that the outcome is certain, whatever the seed.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from finance_agent.domain.analytics import detect, scan
from finance_agent.domain.analytics.level_shifts import CLIP, Shift, find_shifts

MONDAY = date(2025, 1, 6)
LEVEL, NOISE = 10_000.0, 500.0


def noise(days: int, seed: int) -> list[float]:
    rng = random.Random(seed)
    return [LEVEL + rng.gauss(0.0, NOISE) for _ in range(days)]


def test_a_run_of_moderate_scores_is_one_shift() -> None:
    scores = [0.0] * 20 + [3.0] * 5 + [0.0] * 20
    assert find_shifts(scores) == [Shift(20, 24, "up", 3.0)]


def test_a_drop_is_a_shift_down_with_a_negative_mean() -> None:
    scores = [0.2, -0.1] * 10 + [-2.0] * 6 + [0.1] * 10
    (shift,) = find_shifts(scores)
    assert (shift.start, shift.end, shift.direction) == (20, 25, "down")
    assert shift.mean_score == pytest.approx(-2.0)
    assert shift.days == 6


def test_an_ordinary_day_before_the_run_is_trimmed_off() -> None:
    # 1.2 starts the CUSUM (it is above k = 1) but lies nearer 0 than the run's 3.
    scores = [0.0] * 19 + [1.2] + [3.0] * 5 + [0.0] * 10
    (shift,) = find_shifts(scores)
    assert (shift.start, shift.end) == (20, 24)


def test_the_run_ends_at_its_peak_not_when_the_cusum_has_decayed() -> None:
    scores = [0.0] * 10 + [3.0] * 4 + [0.5] * 10
    (shift,) = find_shifts(scores)
    assert (shift.start, shift.end) == (10, 13)


@pytest.mark.parametrize("size", [3.5, 10.0, 1_000.0])
def test_one_day_alone_is_never_a_shift(size: float) -> None:
    # Clipped at 2.5, one day adds at most 1.5 to the CUSUM: below h = 4.
    assert CLIP - 1.0 < 4.0
    assert find_shifts([0.0] * 10 + [size] + [0.0] * 10) == []
    assert find_shifts([0.0] * 10 + [-size] + [0.0] * 10) == []


def test_two_short_bursts_too_weak_to_signal_are_not_shifts() -> None:
    assert find_shifts([0.0] * 5 + [1.8, 1.8] + [0.0] * 5 + [-1.8, -1.8] + [0.0] * 5) == []


def test_robust_flags_every_day_of_a_week_long_drop_and_attaches_the_run() -> None:
    values = noise(90, seed=7)
    for i in range(83, 90):
        values[i] -= 3 * NOISE  # the last week 3 standard deviations down
    result = scan(values, MONDAY, "robust")
    by_day = {f.index: f for f in result.flags}
    # Days that are 3 sigma down plus noise: some are within 3.5 on their own.
    assert any(abs(by_day[i].score) < 3.5 for i in range(83, 90))
    assert set(range(83, 90)) <= set(by_day)
    (shift,) = result.shifts
    assert (shift.start, shift.end, shift.direction) == (83, 89, "down")
    assert -4.0 < shift.mean_score < -2.0
    for i in range(83, 90):
        assert by_day[i].shift == shift
        assert by_day[i].direction == "drop"
    # The baseline was fitted without the drop: the expected value is the usual level.
    assert abs(by_day[89].expected - LEVEL) < NOISE


def test_zscore_reports_no_shifts_and_flags_fewer_of_the_drop() -> None:
    values = noise(90, seed=7)
    for i in range(83, 90):
        values[i] -= 3 * NOISE
    result = scan(values, MONDAY, "zscore")
    assert result.shifts == ()
    assert len({f.index for f in result.flags} & set(range(83, 90))) < 7


@pytest.mark.parametrize("seed", range(10))
def test_spikes_on_pure_noise_do_not_make_shifts(seed: int) -> None:
    values = noise(90, seed=100 + seed)
    values[30] += 12 * NOISE
    values[60] -= 12 * NOISE
    result = scan(values, MONDAY, "robust")
    assert result.shifts == ()
    flagged = {f.index for f in detect(values, MONDAY, "robust")}
    assert {30, 60} <= flagged
