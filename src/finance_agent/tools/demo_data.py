"""The demo data set: 50 customers, a year of their invoices settled by their habits, 120
days of sales, KPI cache records and 10 sample actions, with four unusual sales days put in
on purpose.

``generate(seed, today)`` is pure: the same seed and day give the same data, whatever the
store. The sales model and its unusual days are in :mod:`.demo_sales`, the ledger in
:mod:`.demo_ledger`, the customers and sample actions in :mod:`.demo_accounts`;
:mod:`.seeding` writes the set into a store. Receivables are what the invoices leave open
on a day, so ``aging`` (today's) is an outcome of the ledger, not a typed number.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.ledger.aging import customer_rows
from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.domain.models import ARAging, KPISnapshot, SalesDay
from finance_agent.domain.period import Period
from finance_agent.shared import clock
from finance_agent.tools.demo_accounts import ActionSpec, generate_actions, generate_customers
from finance_agent.tools.demo_ledger import extend_sales, generate_ledger
from finance_agent.tools.demo_sales import InjectedAnomaly, generate_sales, injected_days

KPI_PERIOD_DAYS = (30, 60, 90)
DEFAULT_SEED = 42


@dataclass(frozen=True)
class SeedData:
    seed: int
    today: date
    currency: str
    customers: tuple[Customer, ...]
    invoices: tuple[InvoiceRecord, ...]
    aging: tuple[ARAging, ...]  # as of ``today``, by customer id: the customers owing money
    sales: tuple[SalesDay, ...]
    kpis: tuple[KPISnapshot, ...]
    actions: tuple[ActionSpec, ...]
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


def aging_as_of(
    today: date, customers: Sequence[Customer], invoices: Sequence[InvoiceRecord]
) -> tuple[ARAging, ...]:
    """Each customer's aging at the end of ``today`` (by due date), as AgingAsOfUC reads it."""
    return tuple(customer_rows(invoices, {c.customer_id: c for c in customers}, today))


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
    # The ledger's is drawn last, so the parts that came before it are exactly as they were.
    sales_rng = _stream(master.getrandbits(64))
    customers_rng = _stream(master.getrandbits(64))
    actions_rng = _stream(master.getrandbits(64))
    ledger_rng = _stream(master.getrandbits(64))
    sales = generate_sales(sales_rng, day)
    # A year of days for the ledger's invoices to be issued on; only ``sales`` is stored.
    ledger = generate_ledger(
        ledger_rng, day, extend_sales(ledger_rng, sales), generate_customers(customers_rng)
    )
    aging = aging_as_of(day, ledger.customers, ledger.invoices)
    return SeedData(
        seed=seed,
        today=day,
        currency=currency,
        customers=ledger.customers,
        invoices=ledger.invoices,
        aging=aging,
        sales=sales,
        kpis=kpi_snapshots(day, sales, aging, currency),
        actions=generate_actions(actions_rng, day, ledger),
        injected=injected_days(day),
    )
