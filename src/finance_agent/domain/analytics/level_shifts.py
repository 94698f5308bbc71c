"""Level shifts: runs of days that sit together on one side of their expected values.

A day-by-day score cannot see a shift whose days are each within the threshold: seven days
3 standard deviations below normal are plainly a drop in sales, yet at 3.5 most of them pass
one by one. ``find_shifts`` runs Page's two-sided CUSUM (Page 1954; Montgomery, *Introduction
to Statistical Quality Control*, ch. 9) over the standardized residuals and returns each run
it signals, with its first and last day and its mean score.

Constants, and why:

- ``ALLOWANCE`` k = 1: half the smallest shift worth catching quickly (2 standard
  deviations), the textbook choice of k.
- ``DECISION`` h = 4: by Siegmund's approximation the in-control average run length is about
  15,000 days per side, so on pure noise a false shift comes about once in 7,700 days, under
  a quarter as often as a false single day at 3.5 (once in 2,150 days); a 3-sigma shift is
  signalled in about 3 days.
- ``CLIP`` 2.5: each day counts for at most 2.5 (the cut the robust fit uses for "not an
  ordinary day"), so a single spike, however large, adds at most 1.5 and cannot signal a
  shift alone; that is the day rule's job.

Where a run starts and ends: the CUSUM signals a run from the day after its statistic was
last 0 to the day of its peak. That start can include an ordinary day that happened to lie
above k; the run is therefore trimmed to its best stretch against the shift it estimates,
the stretch with the largest sum of ``score - max(k, mean / 2)`` (the CUSUM that is optimal
for a shift of that mean), so a day counts in only when it is nearer the shifted level than
the expected one on balance. The scores are not clipped here: clipped, every day of a large
shift looks alike and the trim loses its edge (on development series, about a point of
precision). A shift in proportion on very steady sales (all days at 70%, noise a tenth of
a percent) can then leave its quietest days out of the run; they are flagged on their own
scores instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

ALLOWANCE: Final = 1.0
DECISION: Final = 4.0
CLIP: Final = 2.5


@dataclass(frozen=True)
class Shift:
    """Days ``start`` to ``end`` (inclusive) sit together above (``up``) or below expected."""

    start: int
    end: int
    direction: Literal["up", "down"]
    mean_score: float
    """The mean standardized residual of the run's days (negative for a drop)."""

    @property
    def days(self) -> int:
        return self.end - self.start + 1


def _signalled_runs(scores: Sequence[float], sign: int) -> list[tuple[int, int]]:
    """(first, peak) of each excursion of the one-sided CUSUM that reaches ``DECISION``."""
    runs: list[tuple[int, int]] = []
    total = peak_value = 0.0
    start = peak = 0
    signalled = False
    for i, score in enumerate(scores):
        step = sign * _clipped(score) - ALLOWANCE
        if total == 0.0 and step > 0.0:
            start, peak, peak_value, signalled = i, i, 0.0, False
        total = max(0.0, total + step)
        if total == 0.0:
            if signalled:
                runs.append((start, peak))
            signalled = False
            continue
        if total >= peak_value:
            peak, peak_value = i, total
        signalled = signalled or total >= DECISION
    if signalled:
        runs.append((start, peak))
    return runs


def _clipped(score: float) -> float:
    return max(-CLIP, min(CLIP, score))


def _best_stretch(scores: Sequence[float], first: int, last: int, sign: int) -> tuple[int, int]:
    """The stretch of ``first..last`` with the largest sum of ``sign * score - allowance``,
    the allowance being half the run's mean score (at least ``ALLOWANCE``)."""
    steps = [sign * scores[i] for i in range(first, last + 1)]
    allowance = max(ALLOWANCE, sum(steps) / len(steps) / 2)
    best = running = 0.0
    best_span = (first, last)
    begin = first
    for i, step in enumerate(steps, start=first):
        if running <= 0.0:
            running, begin = 0.0, i
        running += step - allowance
        if running > best:
            best, best_span = running, (begin, i)
    return best_span


def find_shifts(scores: Sequence[float]) -> list[Shift]:
    """The level shifts in ``scores`` (standardized residuals, oldest first), oldest first."""
    shifts = []
    for sign in (1, -1):
        for first, last in _signalled_runs(scores, sign):
            start, end = _best_stretch(scores, first, last, sign)
            mean = sum(scores[start : end + 1]) / (end - start + 1)
            shifts.append(Shift(start, end, "up" if sign > 0 else "down", mean))
    return sorted(shifts, key=lambda s: s.start)
