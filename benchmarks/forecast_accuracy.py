"""Accuracy and speed of the forecast and anomaly methods (issue 8).

Forecasts: a rolling-origin backtest. For every origin ``t`` (the first at ``max(56, n // 3)``
days, then every 7 days while ``t + h <= n``), each method is fitted on the first ``t`` days
and forecasts the next ``h`` = 7, 14 and 28. Reported per series family, horizon and method,
averaged over origins (and seeds):

- MASE: mean absolute error over the ``h`` days divided by the in-sample mean absolute error
  of the one-step seasonal naive forecast (m = 7) on the ``t`` training days;
- total error: ``|sum(actual) - sum(forecast)| / sum(actual)`` over the ``h`` days, in %;
- coverage: the share of days inside the daily 80% and 95% intervals, and the share of
  origins whose horizon total lies inside its 95% interval.

Series (all fixed before anything was measured):

- ``seed``: the demo data generator (``finance_agent.tools.seed_data.generate``), seeds 1-10,
  120 days each: level 12,000, trend +10 a day, noise sigma 1,500, a weekday pattern within
  0.2 sigma and four injected days of 4-5 sigma.
- ``weekly``: defined here, a clearly weekly business: the same level, trend and noise, but a
  weekday pattern of (+0.5, +0.8, +0.8, +0.6, +1.0, -1.5, -2.2) sigma, Monday first (quiet
  weekends), 182 days, seeds 1-10, no injected days.
- ``cdnow``: real daily sales. The CDNOW master file (Fader and Hardie): every purchase of
  23,570 customers of the online CD store CDNOW from January 1997 to June 1998, summed to
  daily dollar sales, 546 days. It ships inside the PyPI package ``lifetimes`` 0.11.3 as
  ``lifetimes/datasets/CDNOW_master.txt``; the file is read directly (the package is not
  imported, so ``pip install --no-deps lifetimes==0.11.3`` is enough). Skipped with a
  message when the package is not installed.

Anomalies: precision and recall of ``zscore`` (threshold 2.0) and ``robust`` (3.5) on
labelled series, pooled over seeds 1-50 for each family:

- ``seed-like`` and ``weekly``: 90 days of the two models above, with 4 single days replaced
  by ``expected + k sigma`` (k uniform in 3-5, random sign; days at random, not adjacent, not
  in the last week) and a level shift of the last 7 days by ``k sigma`` (k uniform in 3-5,
  random sign) on top of the usual noise. All 11 days are labelled.
- ``seed generator``: the last 60 days (the API's default period) of the demo data, labelled
  with its 4 injected days. Reported, but not judged by the issue's anomaly goal, which is
  judged on the series the issue describes (3-5 sigma days and a level shift): this one has
  no shift, and its days sit at exactly 4 and 5 sigma, where no detector that estimates the
  noise from the window can be sure of every 4-sigma day at 3.5 (the oracle row knows the
  noise) while zscore's spread, inflated by the four days themselves, makes it a rule of
  about 3.1 sigma there (``docs/benchmarks.md``, "Goal scope").

An ``oracle`` row per family is a reference, not a method: the days at least 3.5 true
sigmas from the model's true expected value, what a detector that knew the baseline and
sigma exactly would flag at robust's threshold (what a detector calibrated to 3.5 standard
deviations can expect, short of estimation error). Also false alarms: flags per 100 days
on the two models over 60 and 90 days with nothing injected, where every flag is false.

Speed: median of 21 runs of ``forecast(method="auto", horizon=30)`` and of
``detect(method="robust")`` on 3,650 days of the ``weekly`` model.

    python benchmarks/forecast_accuracy.py

Prints markdown tables and a list of the issue's goals; exits 1 if one is not met.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from finance_agent.domain.analytics import detect, forecast
from finance_agent.tools import demo_sales, seed_data

END = date(2025, 1, 31)  # last day of every synthetic series
HORIZONS = (7, 14, 28)
METHODS = ("sma", "seasonal_naive", "holt_winters", "auto")
FORECAST_SEEDS = range(1, 11)
ANOMALY_SEEDS = range(1, 51)
WEEKLY_DAYS = 182
ANOMALY_DAYS = 90
SEED_PERIOD_DAYS = 60
SPEED_DAYS = 3_650
SPEED_RUNS = 21
SIGMA = demo_sales.NOISE_SIGMA
# A clearly weekly business: quiet weekends. In sigmas, Monday first; sums to zero.
WEEKLY_PROFILE = tuple(
    k * SIGMA for k in (0.5, 0.8, 0.8, 0.6, 1.0, -1.5, -2.2)
)  # about (750, 1200, 1200, 900, 1500, -2250, -3300)
SEED_PROFILE = demo_sales.WEEKDAY_PROFILE
POINT_ANOMALIES = 4
SHIFT_DAYS = 7
ANOMALY_SIGMAS = (3.0, 5.0)
THRESHOLDS = {"zscore": 2.0, "robust": 3.5}
CDNOW_FILE = Path("datasets") / "CDNOW_master.txt"
CDNOW_REQUIREMENT = "lifetimes==0.11.3"


@dataclass(frozen=True)
class Series:
    family: str
    values: list[float]
    first_day: date


# -- series ----------------------------------------------------------------------------------


def _rng(seed: int, salt: str) -> random.Random:
    # A private seeded generator: reproducible benchmark data, nothing secret.
    return random.Random(f"{salt}:{seed}")


def model_series(
    seed: int, days: int, profile: Sequence[float], salt: str
) -> tuple[list[float], list[float], date]:
    """(values, expected values, first day) of ``level + trend + weekday + noise``."""
    rng = _rng(seed, salt)
    first = END - timedelta(days=days - 1)
    expected = [
        demo_sales.BASE_LEVEL
        + demo_sales.TREND_PER_DAY * i
        + profile[(first + timedelta(days=i)).weekday()]
        for i in range(days)
    ]
    values = [max(e + rng.gauss(0.0, SIGMA), 0.0) for e in expected]
    return values, expected, first


def seed_series() -> list[Series]:
    out = []
    for seed in FORECAST_SEEDS:
        data = seed_data.generate(seed, END)
        values = [float(day.revenue) for day in data.sales]
        out.append(Series("seed", values, data.sales[0].date))
    return out


def weekly_series(days: int = WEEKLY_DAYS) -> list[Series]:
    out = []
    for seed in FORECAST_SEEDS:
        values, _, first = model_series(seed, days, WEEKLY_PROFILE, "weekly")
        out.append(Series("weekly", values, first))
    return out


def cdnow_path() -> Path | None:
    # find_spec on a top-level name locates the package without importing it (and so
    # without its numpy/pandas/scipy dependencies).
    spec = importlib.util.find_spec("lifetimes")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / CDNOW_FILE
    return path if path.is_file() else None


def cdnow_series(path: Path) -> Series:
    """Daily dollar sales: ``customer_id YYYYMMDD number_of_cds dollar_value`` per line."""
    totals: dict[date, float] = defaultdict(float)
    with path.open(encoding="ascii") as handle:
        next(handle)  # header
        for line in handle:
            _, day, _, amount = line.split()
            totals[date(int(day[:4]), int(day[4:6]), int(day[6:]))] += float(amount)
    first, last = min(totals), max(totals)
    days = (last - first).days + 1
    values = [totals.get(first + timedelta(days=i), 0.0) for i in range(days)]
    return Series("cdnow", values, first)


# -- forecast backtest -------------------------------------------------------------------------


@dataclass
class Tally:
    mase: list[float]
    total_error: list[float]
    inside80: int = 0
    inside95: int = 0
    days: int = 0
    total_inside95: int = 0
    origins: int = 0


def seasonal_naive_scale(values: Sequence[float]) -> float:
    errors = [abs(values[i] - values[i - 7]) for i in range(7, len(values))]
    return math.fsum(errors) / len(errors)


def origins(n: int, horizon: int) -> range:
    return range(max(56, n // 3), n - horizon + 1, 7)


def backtest(
    series: Sequence[Series],
) -> tuple[dict[tuple[int, str], Tally], dict[int, Counter[str]]]:
    tallies: dict[tuple[int, str], Tally] = {}
    picks: dict[int, Counter[str]] = defaultdict(Counter)
    for s in series:
        n = len(s.values)
        for horizon in HORIZONS:
            for t in origins(n, horizon):
                train, test = s.values[:t], s.values[t : t + horizon]
                scale = seasonal_naive_scale(train)
                for method in METHODS:
                    result = forecast(train, horizon, method)
                    if method == "auto":
                        picks[horizon][result.method] += 1
                    tally = tallies.setdefault((horizon, method), Tally([], []))
                    points = result.points
                    mae = math.fsum(abs(a - p.value) for a, p in zip(test, points, strict=True))
                    tally.mase.append(mae / horizon / scale)
                    actual_total = math.fsum(test)
                    if actual_total > 0:
                        tally.total_error.append(
                            abs(actual_total - result.total.value) / actual_total
                        )
                    tally.inside80 += sum(
                        p.lo80 <= a <= p.hi80 for a, p in zip(test, points, strict=True)
                    )
                    tally.inside95 += sum(
                        p.lo95 <= a <= p.hi95 for a, p in zip(test, points, strict=True)
                    )
                    tally.days += horizon
                    tally.total_inside95 += result.total.lo95 <= actual_total <= result.total.hi95
                    tally.origins += 1
    return tallies, picks


def forecast_table(title: str, tallies: dict[tuple[int, str], Tally]) -> list[str]:
    lines = [
        f"**{title}**",
        "",
        "| h | method | MASE | total error | daily 80% cover | daily 95% cover | total 95% cover |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for horizon in HORIZONS:
        for method in METHODS:
            t = tallies[(horizon, method)]
            lines.append(
                f"| {horizon} | {method} | {statistics.fmean(t.mase):.3f} "
                f"| {100 * statistics.fmean(t.total_error):.1f}% "
                f"| {100 * t.inside80 / t.days:.0f}% | {100 * t.inside95 / t.days:.0f}% "
                f"| {100 * t.total_inside95 / t.origins:.0f}% |"
            )
    return [*lines, ""]


def picks_line(picks: dict[int, Counter[str]]) -> str:
    parts = []
    for horizon in HORIZONS:
        counts = ", ".join(f"{m} {c}" for m, c in sorted(picks[horizon].items()))
        parts.append(f"h={horizon}: {counts}")
    return "auto chose: " + "; ".join(parts)


# -- anomalies -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Labelled:
    values: list[float]
    first_day: date
    points: frozenset[int]
    shift: frozenset[int]
    expected: tuple[float, ...]
    """The model's value of each day before noise and injections (for the oracle row)."""


def labelled_model_series(seed: int, profile: Sequence[float], salt: str) -> Labelled:
    values, expected, first = model_series(seed, ANOMALY_DAYS, profile, salt)
    rng = _rng(seed, salt + ":anomalies")
    candidates = list(range(ANOMALY_DAYS - SHIFT_DAYS - 1))
    chosen: list[int] = []
    while len(chosen) < POINT_ANOMALIES:
        day = rng.choice(candidates)
        if all(abs(day - c) > 1 for c in chosen):
            chosen.append(day)
    for day in chosen:
        k = rng.uniform(*ANOMALY_SIGMAS) * rng.choice((-1, 1))
        values[day] = max(expected[day] + k * SIGMA, 0.0)
    shift = rng.uniform(*ANOMALY_SIGMAS) * rng.choice((-1, 1)) * SIGMA
    shifted = range(ANOMALY_DAYS - SHIFT_DAYS, ANOMALY_DAYS)
    for day in shifted:
        values[day] = max(values[day] + shift, 0.0)
    return Labelled(values, first, frozenset(chosen), frozenset(shifted), tuple(expected))


def labelled_seed_generator(seed: int) -> Labelled:
    data = seed_data.generate(seed, END)
    offset = len(data.sales) - SEED_PERIOD_DAYS
    sales = data.sales[offset:]
    injected = {a.date for a in data.injected}
    points = frozenset(i for i, day in enumerate(sales) if day.date in injected)
    expected = tuple(
        demo_sales.expected_revenue(offset + i, day.date) for i, day in enumerate(sales)
    )
    return Labelled([float(d.revenue) for d in sales], sales[0].date, points, frozenset(), expected)


@dataclass(frozen=True)
class Detection:
    method: str
    threshold: float
    labelled: int
    flagged: int
    correct: int
    points: int
    points_found: int
    shifted: int
    shifted_found: int

    @property
    def precision(self) -> float:
        return self.correct / self.flagged if self.flagged else math.nan

    @property
    def recall(self) -> float:
        return self.correct / self.labelled

    def row(self, family: str) -> str:
        shift = f"{100 * self.shifted_found / self.shifted:.0f}%" if self.shifted else "n/a"
        return (
            f"| {family} | {self.method} | {self.threshold:g} | {self.labelled} | {self.flagged} "
            f"| {self.correct} | {100 * self.precision:.1f}% | {100 * self.recall:.1f}% "
            f"| {100 * self.points_found / self.points:.0f}% | {shift} |"
        )


def oracle(s: Labelled, threshold: float) -> set[int]:
    """Days at least ``threshold`` true sigmas from their true expected value: what a
    detector that knew the model exactly would flag. A reference, not a method."""
    return {
        i
        for i, (v, e) in enumerate(zip(s.values, s.expected, strict=True))
        if abs(v - e) >= threshold * SIGMA
    }


def detections(series: Sequence[Labelled], with_oracle: bool = False) -> list[Detection]:
    out = []
    methods = [*THRESHOLDS.items(), *([("oracle", THRESHOLDS["robust"])] if with_oracle else [])]
    for method, threshold in methods:
        flagged = correct = points_found = shifted_found = 0
        for s in series:
            if method == "oracle":
                found = oracle(s, threshold)
            else:
                found = {f.index for f in detect(s.values, s.first_day, method, threshold)}
            flagged += len(found)
            points_found += len(found & s.points)
            shifted_found += len(found & s.shift)
            correct += len(found & (s.points | s.shift))
        points = sum(len(s.points) for s in series)
        shifted = sum(len(s.shift) for s in series)
        out.append(
            Detection(
                method,
                threshold,
                points + shifted,
                flagged,
                correct,
                points,
                points_found,
                shifted,
                shifted_found,
            )
        )
    return out


def false_alarm_row(family: str, profile: Sequence[float], salt: str, length: int) -> str:
    """Flags per 100 days on the same models with nothing injected: every flag is false."""
    cells = []
    for method, threshold in THRESHOLDS.items():
        flags = days = 0
        for seed in ANOMALY_SEEDS:
            values, _, first = model_series(seed, length, profile, salt)
            flags += len(detect(values, first, method, threshold))
            days += len(values)
        cells.append(f"{100 * flags / days:.2f}")
    return f"| {family} | " + " | ".join(cells) + " |"


# -- speed -----------------------------------------------------------------------------------


def median_ms(run: Callable[[], object], runs: int = SPEED_RUNS) -> float:
    run()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


# -- main ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    goals: list[tuple[str, bool]] = []
    out: list[str] = ["### Forecasts: rolling-origin backtest", ""]

    families: list[tuple[str, list[Series]]] = [
        ("seed generator, seeds 1-10, 120 days", seed_series()),
        ("weekly model, seeds 1-10, 182 days", weekly_series()),
    ]
    path = cdnow_path()
    if path is None:
        print(
            f"note: real-data part skipped: the CDNOW file comes with `pip install "
            f"{CDNOW_REQUIREMENT}` (`--no-deps` is enough)",
            file=sys.stderr,
        )
    else:
        families.append(
            ("CDNOW daily dollar sales (lifetimes 0.11.3), 546 days", [cdnow_series(path)])
        )

    summary = [
        "| series | h | SMA | seasonal naive | auto | auto vs SMA | auto vs better of the two |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for title, series in families:
        tallies, picks = backtest(series)
        out += forecast_table(title, tallies)
        out += [picks_line(picks), ""]
        short = series[0].family
        for horizon in HORIZONS:
            mase = {m: statistics.fmean(tallies[(horizon, m)].mase) for m in METHODS}
            better = min(mase["sma"], mase["seasonal_naive"])
            summary.append(
                f"| {short} | {horizon} | {mase['sma']:.3f} | {mase['seasonal_naive']:.3f} "
                f"| {mase['auto']:.3f} | {100 * (mase['auto'] / mase['sma'] - 1):+.1f}% "
                f"| {100 * (mase['auto'] / better - 1):+.1f}% |"
            )
            goals.append(
                (
                    f"{short} h={horizon}: auto MASE {mase['auto']:.3f} <= better of SMA and "
                    f"seasonal naive {better:.3f}",
                    mase["auto"] <= better,
                )
            )
            if short == "weekly":
                goals.append(
                    (
                        f"weekly h={horizon}: auto MASE {mase['auto']:.3f} at least 25% below "
                        f"SMA's {mase['sma']:.3f}",
                        mase["auto"] <= 0.75 * mase["sma"],
                    )
                )
    out += ["**Summary (MASE)**", "", *summary, ""]

    out += [
        "### Anomalies: precision and recall on labelled series",
        "",
        "| series | method | threshold | labelled days | flagged | correct | precision | recall "
        "| recall, single days | recall, level shift |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    # (family, series, judged by the goal): the goal is judged on the series the
    # issue describes (3-5 sigma days and a level shift); the demo data is reported beside.
    anomaly_families = [
        (
            "seed-like, 90 d",
            [labelled_model_series(s, SEED_PROFILE, "seed-like") for s in ANOMALY_SEEDS],
            True,
        ),
        (
            "weekly, 90 d",
            [labelled_model_series(s, WEEKLY_PROFILE, "weekly-anomalies") for s in ANOMALY_SEEDS],
            True,
        ),
        ("seed generator, last 60 d", [labelled_seed_generator(s) for s in ANOMALY_SEEDS], False),
    ]
    reported: list[str] = []
    for family, labelled, judged in anomaly_families:
        z, r, o = detections(labelled, with_oracle=True)
        out += [z.row(family), r.row(family), o.row(family)]
        text = (
            f"{family}: robust precision {100 * r.precision:.1f}% > zscore "
            f"{100 * z.precision:.1f}% at recall {100 * r.recall:.1f}% >= "
            f"{100 * z.recall:.1f}%"
        )
        ok = r.precision > z.precision and r.recall >= z.recall
        if judged:
            goals.append((text, ok))
        else:
            reported.append(f"- {'holds' if ok else 'does not hold'}: {text}")
    out += [
        "",
        "The oracle rows are a reference, not a method: the days at least 3.5 true sigmas "
        "from the model's true expected value: what a detector that knew the baseline and "
        "sigma exactly would flag at robust's threshold (what a detector calibrated to 3.5 "
        "standard deviations can expect, short of estimation error).",
        "",
        "False alarms: flags per 100 days on the same models with nothing injected "
        f"(seeds {ANOMALY_SEEDS.start}-{ANOMALY_SEEDS.stop - 1}; every flag is false).",
        "",
        "| series | zscore (2.0) | robust (3.5) |",
        "|---|---:|---:|",
        *(
            false_alarm_row(f"{name}, {length} d, clean", profile, f"{name}-clean", length)
            for name, profile in (("seed-like", SEED_PROFILE), ("weekly", WEEKLY_PROFILE))
            for length in (SEED_PERIOD_DAYS, ANOMALY_DAYS)
        ),
        "",
    ]

    values, _, first = model_series(1, SPEED_DAYS, WEEKLY_PROFILE, "speed")
    speeds = {
        "forecast sma, horizon 30": median_ms(lambda: forecast(values, 30, "sma")),
        "forecast auto, horizon 30": median_ms(lambda: forecast(values, 30, "auto")),
        "detect zscore": median_ms(lambda: detect(values, first, "zscore")),
        "detect robust": median_ms(lambda: detect(values, first, "robust")),
    }
    out += [
        f"### Speed: {SPEED_DAYS:,} days of history, median of {SPEED_RUNS} runs",
        "",
        "| operation | median |",
        "|---|---:|",
        *(f"| {name} | {ms:.1f} ms |" for name, ms in speeds.items()),
        "",
    ]
    for name in ("forecast auto, horizon 30", "detect robust"):
        goals.append((f"{name}: {speeds[name]:.1f} ms < 50 ms", speeds[name] < 50))

    out += ["### Goals of issue 8", ""]
    out += [f"- {'met' if ok else 'NOT MET'}: {text}" for text, ok in goals]
    out += ["", "Reported beside the goals (the demo data: no level shift, see the docstring):"]
    out += reported
    print("\n".join(out))
    return 0 if all(ok for _, ok in goals) else 1


if __name__ == "__main__":
    raise SystemExit(main())
