"""Synthetic demo data: 50 customers' receivables, 120 days of sales, KPI cache records and
10 sample actions, with four unusual sales days put in on purpose.

``generate(seed, today)`` is pure: the same seed and day give the same data, whatever the
store. ``seed(repo, ...)`` writes that data through the repository protocol, so it fills any
store, and running it again adds nothing. From a terminal::

    python -m finance_agent.tools.seed_data --seed 42 --today 2025-01-31

Daily revenue is ``expected + noise`` where ``expected = BASE_LEVEL + TREND_PER_DAY * i +
WEEKDAY_PROFILE[weekday]`` (``i`` counts days from the first generated one) and the noise is
Gaussian with the fixed standard deviation ``NOISE_SIGMA``. On each day of
``INJECTED_ANOMALIES`` the noise is replaced by ``sigmas * NOISE_SIGMA``. These constants were
fixed once, before any detector was run on the data, and must not be tuned to flatter one.
The weekly pattern is kept small (within 0.2 sigma) so that the plain z-score rule at 2.0 over
the last 60 days finds all four days for every seed and weekday; a simulation over 300 seeds
and 7 consecutive days gave a smallest |z| of the injected days of about 2.1.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import product
from typing import Any, NoReturn

from finance_agent.domain.errors import ConflictError, DomainError
from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.models import (
    COLLECTION_REMINDER,
    ARAging,
    KPISnapshot,
    SalesDay,
)
from finance_agent.domain.money import to_money
from finance_agent.domain.period import Period
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock
from finance_agent.shared.settings import SettingsError, get_settings

# -- the data set's shape -------------------------------------------------------------------
CUSTOMER_COUNT = 50
SALES_DAYS = 120
KPI_PERIOD_DAYS = (30, 60, 90)
ACTION_COUNT = 10
DEFAULT_SEED = 42

# -- daily revenue model (currency units per day) --------------------------------------------
BASE_LEVEL = 12_000.0
TREND_PER_DAY = 10.0  # about +10% over the 120 days
NOISE_SIGMA = 1_500.0
# Monday first; sums to zero so the trend and level keep their meaning. Within 0.2 sigma.
WEEKDAY_PROFILE: tuple[float, ...] = (50.0, 150.0, 200.0, 150.0, 0.0, -250.0, -300.0)
# Cost of goods sold as a share of the day's revenue, in basis points (55% to 65%).
COGS_SHARE_BP = (5_500, 6_500)

# (days before today, sigmas): two spikes, two drops, all inside last_60d (the anomaly
# detector's default period), none adjacent to another.
INJECTED_ANOMALIES: tuple[tuple[int, int], ...] = ((53, -4), (41, 5), (26, -5), (12, 4))

# -- customers and actions ---------------------------------------------------------------------
# How many customers pay on time, pay late, or are seriously overdue. Fixed counts, shuffled
# per seed, so every data set has both clean ledgers and real collection work.
PROFILE_COUNTS = {"on_time": 30, "late": 12, "overdue": 8}
_NAME_PREFIXES = (
    "Acme",
    "Blue Harbor",
    "Cedar Ridge",
    "Copperline",
    "Evergreen",
    "Granite",
    "Lakeshore",
    "Northwind",
    "Pinecrest",
    "Redwood",
    "Silver Oak",
    "Summit",
)
_NAME_TRADES = (
    "Logistics",
    "Foods",
    "Manufacturing",
    "Supply",
    "Retail",
    "Health",
    "Builders",
    "Analytics",
)
_LEGAL_FORMS = ("Inc.", "LLC", "Ltd.", "Co.")
# Reserved for documentation by RFC 2606: these addresses can never reach a real inbox.
EMAIL_DOMAIN = "example.com"
DEMO_ACTOR = "demo.controller@example.com"

Progress = Callable[[str], object]


@dataclass(frozen=True)
class InjectedAnomaly:
    """A day whose revenue was set to its expected value plus ``sigmas * NOISE_SIGMA``."""

    date: date
    sigmas: int


@dataclass(frozen=True)
class ActionSpec:
    """An action to record, with the id and time it must have so reruns find it again."""

    action_id: str
    action: str
    payload: dict[str, str]
    performed_by: str
    created_at: datetime
    status: str = "pending"


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


# -- generation ----------------------------------------------------------------------------


def expected_revenue(index: int, day: date) -> float:
    """The model's revenue for the ``index``-th generated day, before noise."""
    return BASE_LEVEL + TREND_PER_DAY * index + WEEKDAY_PROFILE[day.weekday()]


def _cents_between(rng: random.Random, low: int, high: int) -> Decimal:
    """A uniform amount from ``low`` to ``high`` whole units, drawn in cents so it is exact."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def generate_sales(rng: random.Random, today: date) -> tuple[SalesDay, ...]:
    start = today - timedelta(days=SALES_DAYS - 1)
    injected = {today - timedelta(days=back): k for back, k in INJECTED_ANOMALIES}
    days = []
    for index in range(SALES_DAYS):
        day = start + timedelta(days=index)
        # Always draw, so an injected day leaves every other day's noise where it was.
        noise = rng.gauss(0.0, NOISE_SIGMA)
        share = Decimal(rng.randint(*COGS_SHARE_BP)) / 10_000
        k = injected.get(day)
        value = expected_revenue(index, day) + (k * NOISE_SIGMA if k is not None else noise)
        # Revenue cannot be negative; at these levels that is some 7 sigma away, never hit.
        revenue = to_money(max(value, 0.0))
        days.append(SalesDay(date=day, revenue=revenue, cogs=to_money(revenue * share)))
    return tuple(days)


def injected_days(today: date) -> tuple[InjectedAnomaly, ...]:
    return tuple(
        sorted(
            (InjectedAnomaly(today - timedelta(days=back), k) for back, k in INJECTED_ANOMALIES),
            key=lambda a: a.date,
        )
    )


def _customer_names(rng: random.Random) -> list[str]:
    pairs = rng.sample(list(product(_NAME_PREFIXES, _NAME_TRADES)), CUSTOMER_COUNT)
    return [f"{prefix} {trade} {rng.choice(_LEGAL_FORMS)}" for prefix, trade in pairs]


def _email(name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower().rsplit(" ", 1)[0]).strip("-")
    return f"ap@{stem}.{EMAIL_DOMAIN}"


def _buckets(rng: random.Random, profile: str) -> dict[str, Decimal]:
    """Amounts per aging bucket for a customer of the given payment profile."""
    zero = Decimal(0)
    if profile == "on_time":
        late = _cents_between(rng, 200, 3_000) if rng.random() < 0.4 else zero
        return {
            "current": _cents_between(rng, 1_000, 25_000),
            "days_1_30": late,
            "days_31_60": zero,
            "days_61_90": zero,
            "days_over_90": zero,
        }
    if profile == "late":
        return {
            "current": _cents_between(rng, 1_000, 20_000),
            "days_1_30": _cents_between(rng, 1_000, 8_000),
            "days_31_60": _cents_between(rng, 500, 6_000),
            "days_61_90": zero,
            "days_over_90": zero,
        }
    return {
        "current": _cents_between(rng, 0, 10_000),
        "days_1_30": _cents_between(rng, 500, 5_000),
        "days_31_60": _cents_between(rng, 1_000, 8_000),
        "days_61_90": _cents_between(rng, 2_000, 12_000),
        "days_over_90": _cents_between(rng, 5_000, 30_000),
    }


def generate_customers(rng: random.Random) -> tuple[ARAging, ...]:
    profiles = [name for name, count in PROFILE_COUNTS.items() for _ in range(count)]
    rng.shuffle(profiles)
    names = _customer_names(rng)
    return tuple(
        ARAging(
            customer_id=f"CUST{number:03d}",
            customer_name=name,
            email=_email(name),
            **_buckets(rng, profile),
        )
        for number, (name, profile) in enumerate(zip(names, profiles, strict=True), start=1)
    )


def generate_actions(
    rng: random.Random, today: date, customers: Sequence[ARAging]
) -> tuple[ActionSpec, ...]:
    """Reminders for customers who owe past-due money, one a day over the days before today.

    Past days only, so no sample action claims to come from later today.
    """
    debtors = [row for row in customers if row.past_due > 0]
    actions = []
    for number in range(1, ACTION_COUNT + 1):
        day = today - timedelta(days=ACTION_COUNT + 1 - number)
        moment = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        customer = rng.choice(debtors)
        remind = day + timedelta(days=rng.randint(1, 7))
        payload = {
            # Same fields as CreateCollectionReminderUC records.
            "customer_id": customer.customer_id,
            "customer_name": customer.customer_name,
            "invoice_id": f"INV-{rng.randint(10_000, 99_999)}",
            "remind_date": remind.isoformat(),
            "amount_past_due": str(customer.past_due),
        }
        actions.append(
            ActionSpec(
                action_id=f"action-{number:03d}",
                action=COLLECTION_REMINDER,
                payload=payload,
                performed_by=DEMO_ACTOR,
                created_at=datetime.combine(day, moment, tzinfo=UTC),
            )
        )
    return tuple(actions)


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


class _FlagError(Exception):
    """A bad flag value; reported on one line, without argparse's usage block."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _FlagError(message)


def _iso_date(text: str) -> date:
    # ``date.fromisoformat`` also takes 20250131 and week dates; only YYYY-MM-DD is promised.
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise argparse.ArgumentTypeError(f"must be a date as YYYY-MM-DD (got {text!r})")


def build_parser(prog: str = "python -m finance_agent.tools.seed_data") -> argparse.ArgumentParser:
    parser = _Parser(prog=prog, description="Fill the configured store with demo data.")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--today",
        type=_iso_date,
        default=None,
        help="last day of the sales history, YYYY-MM-DD (default: today in TIMEZONE)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Seed the store the settings name; exit 0 on success, 2 on a bad flag, 1 otherwise."""
    try:
        args = build_parser().parse_args(argv)
    except _FlagError as exc:
        print(f"seed_data: error: {exc}", file=sys.stderr)
        return 2
    try:
        repo = _repo()
        result = seed(repo, args.seed, args.today, progress=print)
    except (SettingsError, DomainError) as exc:
        print(f"seed_data: error: {exc}", file=sys.stderr)
        return 1
    unusual = ", ".join(f"{a.date.isoformat()} ({a.sigmas:+d} sigma)" for a in result.injected)
    print(f"seeded with seed {result.seed}, sales ending {result.today.isoformat()}")
    print(f"unusual days injected: {unusual}")
    return 0


def _repo() -> FinanceRepository:
    # Imported here so importing this module for ``generate`` does not pull in a store.
    from finance_agent.bootstrap import get_repo

    return get_repo()


if __name__ == "__main__":  # pragma: no cover - exercised through main() in tests
    raise SystemExit(main())
