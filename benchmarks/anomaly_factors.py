"""Recompute the small-sample factors of the robust anomaly method by simulation.

``finance_agent.domain.analytics.anomalies`` multiplies two scale estimates by factors that
make them unbiased on Gaussian noise (``finance_agent.domain.analytics.scale_factors``): the
resistant start's MAD (``START_FACTORS``,
``START_FACTORS_ONE_LEVEL``) and the final refitted scale (``SMALL_SAMPLE_FACTORS``,
``SMALL_SAMPLE_FACTORS_ONE_LEVEL``). This script simulates pure noise with standard
deviation 1 and prints, for each length, ``1 / mean(scale)``: the tables as they stand in
``scale_factors``, to paste back after a change to the method.

The start factors come from the start alone. The final factors come from running the whole
method (``scan``) and dividing its scale by the factor it applied; the level-shift search
inside the method sees the factored scale, so the result depends on the table in place a
little: run it twice after a change (a second run with another seed agrees within 0.5%).

    python benchmarks/anomaly_factors.py [--seed N]

Takes about a minute on the project's 2-core machine.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable, Sequence

from finance_agent.domain.analytics import anomalies, robust_baseline, scan
from finance_agent.domain.analytics.scale_factors import consistency_factor, start_factor

WEEKLY_LENGTHS = (21, 24, 28, 35, 42, 49, 60, 75, 90, 120, 180, 365, 730)
ONE_LEVEL_LENGTHS = (3, 4, 5, 7, 10, 14, 20)
START_SEED = 20261126
FINAL_SEED = 20261128


def repetitions(days: int) -> int:
    if days < anomalies.MIN_PER_WEEKDAY * anomalies.SEASON:
        return 20_000
    return 6_000 if days <= 90 else 2_000 if days <= 180 else 600


def start_scale(values: Sequence[float], first_weekday: int) -> float:
    """The resistant start's scale before its factor (a private step of the method)."""
    days = len(values)
    weekly = days >= anomalies.MIN_PER_WEEKDAY * anomalies.SEASON
    group_of = [(first_weekday + i) % 7 if weekly else 0 for i in range(days)]
    groups: list[list[int]] = [[] for _ in range(7 if weekly else 1)]
    for i, g in enumerate(group_of):
        groups[g].append(i)
    # A private step of the method: the start alone is what is measured.
    trend = days >= anomalies.MIN_TREND_DAYS
    fit = robust_baseline.resistant_start(values, groups, group_of, trend)
    return fit.scale / start_factor(days, weekly)


def final_scale(values: Sequence[float], first_weekday: int) -> float:
    days = len(values)
    weekly = days >= anomalies.MIN_PER_WEEKDAY * anomalies.SEASON
    return scan(values, first_weekday, "robust").scale / consistency_factor(days, weekly)


def table(
    name: str, lengths: Sequence[int], rng: random.Random, scale: Callable[..., float]
) -> None:
    print(f"{name}: Final = (")
    for days in lengths:
        runs = repetitions(days)
        total = 0.0
        for _ in range(runs):
            values = [rng.gauss(0.0, 1.0) for _ in range(days)]
            total += scale(values, rng.randrange(7))
        print(f"    ({days}, {runs / total:.3f}),", flush=True)
    print(")")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=None, help="one seed for every table")
    args = parser.parse_args(argv)
    start, final = (args.seed, args.seed) if args.seed is not None else (START_SEED, FINAL_SEED)
    # Seeded generators: reproducible simulated noise, nothing secret.
    table("START_FACTORS", WEEKLY_LENGTHS, random.Random(start), start_scale)
    table("START_FACTORS_ONE_LEVEL", ONE_LEVEL_LENGTHS, random.Random(start + 1), start_scale)
    table("SMALL_SAMPLE_FACTORS", WEEKLY_LENGTHS, random.Random(final), final_scale)
    table(
        "SMALL_SAMPLE_FACTORS_ONE_LEVEL", ONE_LEVEL_LENGTHS, random.Random(final + 1), final_scale
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
