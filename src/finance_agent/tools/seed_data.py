"""Synthetic demo data: 50 customers' receivables, 120 days of sales, KPI cache records and
10 sample actions, with four unusual sales days put in on purpose.

``generate(seed, today)`` is pure: the same seed and day give the same data, whatever the
store. ``seed(repo, ...)`` writes that data through the repository protocol, so it fills any
store, and running it again adds nothing. From a terminal::

    python -m finance_agent.tools.seed_data --seed 42 --today 2025-01-31

The sales model and its unusual days are in :mod:`.demo_sales`, the customers and sample
actions in :mod:`.demo_accounts`.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
from argparse import ArgumentTypeError
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from finance_agent.cli.flags import FlagParser, UsageError, int_flag, iso_date
from finance_agent.domain.errors import ConflictError, DomainError
from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.models import ARAging, KPISnapshot, SalesDay
from finance_agent.domain.period import Period
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock
from finance_agent.shared.settings import SettingsError, get_settings
from finance_agent.tools.demo_accounts import (
    REMIND_WITHIN_DAYS,
    ActionSpec,
    generate_actions,
    generate_customers,
)
from finance_agent.tools.demo_sales import (
    SALES_DAYS,
    InjectedAnomaly,
    generate_sales,
    injected_days,
)

KPI_PERIOD_DAYS = (30, 60, 90)
DEFAULT_SEED = 42

Progress = Callable[[str], object]


@dataclass(frozen=True)
class SeedData:
    seed: int
    today: date
    currency: str
    customers: tuple[ARAging, ...]
    sales: tuple[SalesDay, ...]
    kpis: tuple[KPISnapshot, ...]
    actions: tuple[ActionSpec, ...]
    injected: tuple[InjectedAnomaly, ...]


@dataclass(frozen=True)
class WriteCount:
    written: int
    present: int


@dataclass(frozen=True)
class SeedReport:
    """What one run wrote, and what the store already held unchanged."""

    seed: int
    today: date
    customers: WriteCount
    sales: WriteCount
    kpis: WriteCount
    actions: WriteCount
    injected: tuple[InjectedAnomaly, ...]


def kpi_snapshots(
    today: date, sales: Sequence[SalesDay], aging: Sequence[ARAging], currency: str
) -> tuple[KPISnapshot, ...]:
    return tuple(
        KPISnapshot(
            computed_for=today,
            kpis=compute_kpis(Period(days), today, sales, aging, currency),
        )
        for days in KPI_PERIOD_DAYS
    )


def _stream(seed: int) -> random.Random:
    # A private, seeded generator: reproducible demo data, nothing secret, and the global
    # ``random`` state is neither read nor disturbed.
    return random.Random(seed)  # noqa: S311


def generate(
    seed: int = DEFAULT_SEED, today: date | None = None, currency: str = "USD"
) -> SeedData:
    """The whole data set for ``seed``, its sales ending ``today`` (default: today) inclusive."""
    day = today if today is not None else clock.today()
    master = _stream(seed)
    # One stream per part, so changing how customers are drawn leaves the sales as they were.
    sales_rng = _stream(master.getrandbits(64))
    customers_rng = _stream(master.getrandbits(64))
    actions_rng = _stream(master.getrandbits(64))
    sales = generate_sales(sales_rng, day)
    customers = generate_customers(customers_rng)
    return SeedData(
        seed=seed,
        today=day,
        currency=currency,
        customers=customers,
        sales=sales,
        kpis=kpi_snapshots(day, sales, customers, currency),
        actions=generate_actions(actions_rng, day, customers),
        injected=injected_days(day),
    )


# -- writing ---------------------------------------------------------------------------------


def _write_changed(stored: dict[Any, Any], rows: Sequence[Any], key: str) -> tuple[list[Any], int]:
    changed = [row for row in rows if stored.get(getattr(row, key)) != row]
    return changed, len(rows) - len(changed)


def _write_kpis(
    repo: FinanceRepository,
    today: date,
    currency: str,
    sales: Sequence[SalesDay],
    customers: Sequence[ARAging],
) -> WriteCount:
    """Cache records computed from the store's records as they are after this run.

    ``sales`` and ``customers`` are what the store held before, updated with what was just
    written: computed here rather than read back, because DynamoDB's index is eventually
    consistent and a read right after the write could miss some of it. On an empty store that
    is exactly the generated data set; with older days or other customers it is still what
    GetKPIsUC computes today, so the cache never disagrees with the computation.
    """
    snapshots = kpi_snapshots(today, sales, customers, currency)
    written = 0
    for snapshot in snapshots:
        if repo.get_kpis(snapshot.kpis.period) != snapshot:
            repo.put_kpis(snapshot)
            written += 1
    return WriteCount(written=written, present=len(snapshots) - written)


def _write_actions(repo: FinanceRepository, actions: Sequence[ActionSpec]) -> WriteCount:
    written = 0
    for spec in actions:
        try:
            repo.create_agent_action(
                spec.action,
                spec.payload,
                spec.performed_by,
                action_id=spec.action_id,
                created_at=spec.created_at,
                status=spec.status,
            )
        except ConflictError:
            continue  # recorded by an earlier run; actions are never overwritten
        written += 1
    return WriteCount(written=written, present=len(actions) - written)


def _describe(what: str, count: WriteCount) -> str:
    return f"{what}: {count.written} written, {count.present} already present"


def seed(
    repo: FinanceRepository,
    seed: int = DEFAULT_SEED,
    today: date | None = None,
    *,
    currency: str | None = None,
    progress: Progress | None = None,
) -> SeedReport:
    """Write the data set of ``seed`` into ``repo``; records already there are left alone."""
    day = today if today is not None else clock.today()
    data = generate(seed, day, currency or get_settings().currency)
    report = progress if progress is not None else (lambda _line: None)
    # Read once before writing: what changed is written, and the KPI cache is computed from
    # these records updated with the new ones (see _write_kpis).
    stored_customers = {row.customer_id: row for row in repo.get_ar_aging()}
    history = 2 * max(KPI_PERIOD_DAYS)
    stored_sales = {d.date: d for d in repo.get_sales_series(max(history, SALES_DAYS), end=day)}
    changed_customers, present = _write_changed(stored_customers, data.customers, "customer_id")
    if changed_customers:
        repo.put_ar_aging(changed_customers)
    customers = WriteCount(written=len(changed_customers), present=present)
    report(_describe("customers", customers))
    changed_days, present = _write_changed(stored_sales, data.sales, "date")
    if changed_days:
        repo.put_sales_days(changed_days)
    sales = WriteCount(written=len(changed_days), present=present)
    report(_describe("sales days", sales))
    stored_customers.update((row.customer_id, row) for row in data.customers)
    stored_sales.update((d.date, d) for d in data.sales)
    kpis = _write_kpis(
        repo,
        day,
        data.currency,
        sorted(stored_sales.values(), key=lambda d: d.date),
        sorted(stored_customers.values(), key=lambda r: r.customer_id),
    )
    report(_describe("KPI records", kpis))
    actions = _write_actions(repo, data.actions)
    report(_describe("actions", actions))
    return SeedReport(
        seed=seed,
        today=day,
        customers=customers,
        sales=sales,
        kpis=kpis,
        actions=actions,
        injected=data.injected,
    )


# -- command line -----------------------------------------------------------------------------

PROG = "python -m finance_agent.tools.seed_data"
# The data set reaches back the days seed() reads (two of the longest KPI period, for its
# previous period) and ahead to the last sample reminder (yesterday's, up to 7 days later);
# a --today nearer the calendar's ends would need dates Python cannot hold.
_DAYS_BEFORE = max(2 * max(KPI_PERIOD_DAYS), SALES_DAYS) - 1
_DAYS_AFTER = REMIND_WITHIN_DAYS - 1  # the last sample reminder is recorded yesterday
EARLIEST_TODAY = date.min + timedelta(days=_DAYS_BEFORE)
LATEST_TODAY = date.max - timedelta(days=_DAYS_AFTER)


def today_flag(text: str) -> date:
    day = iso_date(text)
    if not EARLIEST_TODAY <= day <= LATEST_TODAY:
        raise ArgumentTypeError(
            f"must be from {EARLIEST_TODAY.isoformat()} to {LATEST_TODAY.isoformat()}, "
            f"so the demo data's dates ({_DAYS_BEFORE} days before it to {_DAYS_AFTER} after) "
            f"exist, got {text!r}"
        )
    return day


def build_parser(prog: str = PROG) -> FlagParser:
    parser = FlagParser(prog=prog, description="Fill the configured store with demo data.")
    parser.add_argument(
        "--seed", type=int_flag, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--today",
        type=today_flag,
        default=None,
        help="last day of the sales history, YYYY-MM-DD (default: today in TIMEZONE)",
    )
    return parser


def main(argv: Sequence[str] | None = None, prog: str = PROG, write: Progress = print) -> int:
    """Seed the store the settings name; exit 0 on success, 2 on a bad flag, 1 otherwise.

    ``finance-agent seed`` runs this too: ``prog`` names it in error lines, and ``write``
    is its way to stdout, which reports a full disk in one line.
    """
    try:
        args = build_parser(prog).parse_flags(sys.argv[1:] if argv is None else argv)
    except UsageError as exc:
        print(exc.line, file=sys.stderr)
        return 2
    try:
        repo = _repo()
        result = seed(repo, args.seed, args.today, progress=write)
    except (SettingsError, DomainError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 1
    unusual = ", ".join(f"{a.date.isoformat()} ({a.sigmas:+d} sigma)" for a in result.injected)
    write(f"seeded with seed {result.seed}, sales ending {result.today.isoformat()}")
    write(f"unusual days injected: {unusual}")
    return 0


def _repo() -> FinanceRepository:
    # Imported here so importing this module for ``generate`` does not pull in a store.
    from finance_agent.bootstrap import get_repo

    return get_repo()


def run_as_script() -> int:
    """``python -m``: main(), with output that cannot be written told in one line."""
    try:
        code = main()
        sys.stdout.flush()  # a full disk shows here, while the error can still be told
    except OSError as exc:  # BrokenPipeError included: the reader went away
        # The Python docs' advice: stdout to /dev/null, so the exit's flush is quiet.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if isinstance(exc, BrokenPipeError):
            return 141  # stopped early by its reader, as `head` does: quietly, like SIGPIPE
        print(f"seed_data: error: cannot write output: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":  # pragma: no cover - run_as_script() is tested directly
    raise SystemExit(run_as_script())
