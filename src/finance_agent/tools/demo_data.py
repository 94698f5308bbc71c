"""The demo data set: 50 customers' receivables, 120 days of sales, KPI cache records and
10 sample actions, with four unusual sales days put in on purpose.

``generate(seed, today)`` is pure: the same seed and day give the same data, whatever the
store. The sales model and its unusual days are in :mod:`.demo_sales`, the customers and
sample actions in :mod:`.demo_accounts`; :mod:`.seeding` writes the set into a store.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.models import ARAging, KPISnapshot, SalesDay
from finance_agent.domain.period import Period
from finance_agent.shared import clock
from finance_agent.tools.demo_accounts import ActionSpec, generate_actions, generate_customers
from finance_agent.tools.demo_sales import InjectedAnomaly, generate_sales, injected_days

KPI_PERIOD_DAYS = (30, 60, 90)
DEFAULT_SEED = 42


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
