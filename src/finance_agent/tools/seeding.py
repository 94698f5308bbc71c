"""``seed(repo, ...)``: the demo data set written through the repository protocol, so it
fills any store; what the store already holds unchanged is left alone, so running it again
adds nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from finance_agent.domain.errors import ConflictError
from finance_agent.domain.models import ARAging, SalesDay
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings
from finance_agent.tools.demo_accounts import ActionSpec
from finance_agent.tools.demo_data import DEFAULT_SEED, KPI_PERIOD_DAYS, generate, kpi_snapshots
from finance_agent.tools.demo_sales import SALES_DAYS, InjectedAnomaly

Progress = Callable[[str], object]


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
