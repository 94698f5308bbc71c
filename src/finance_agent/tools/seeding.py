"""``seed(repo, ...)``: the demo data set written through the repository protocol, so it
fills any store; what the store already holds unchanged is left alone, so running it again
adds nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from finance_agent.domain.errors import ConflictError
from finance_agent.domain.ledger.records import InvoiceRecord
from finance_agent.domain.models import SalesDay
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock
from finance_agent.shared.settings import get_settings
from finance_agent.tools.demo_accounts import ActionSpec
from finance_agent.tools.demo_data import (
    DEFAULT_SEED,
    KPI_PERIOD_DAYS,
    SeedData,
    aging_as_of,
    generate,
    kpi_snapshots,
)
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
    invoices: WriteCount
    sales: WriteCount
    kpis: WriteCount
    actions: WriteCount
    injected: tuple[InjectedAnomaly, ...]


def _changed(stored: Mapping[Any, Any], rows: Sequence[Any], key: str) -> list[Any]:
    return [row for row in rows if stored.get(getattr(row, key)) != row]


def _count(rows: Sequence[Any], changed: Sequence[Any]) -> WriteCount:
    return WriteCount(written=len(changed), present=len(rows) - len(changed))


def _write_kpis(
    repo: FinanceRepository,
    data: SeedData,
    sales: Sequence[SalesDay],
    open_before: Sequence[InvoiceRecord],
) -> WriteCount:
    """Cache records computed from the store's records as they are after this run.

    ``sales`` is what the store held before updated with what was just written, and the
    receivables are the invoices open today before the run (``open_before``) updated with
    the ledger just written: computed here rather than read back, because DynamoDB's
    indexes are eventually consistent and a read right after the write could miss some of
    it. On an empty store that is exactly the generated data set; with older days, other
    invoices or other customers it is still what GetKPIsUC computes today, so the cache
    never disagrees with the computation.
    """
    invoices = {r.invoice_id: r for r in open_before}
    invoices.update((r.invoice_id, r) for r in data.invoices)
    aging = aging_as_of(data.today, data.customers, list(invoices.values()))
    snapshots = kpi_snapshots(data.today, sales, aging, data.currency)
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
    # Read once before writing (by key, and today's open invoices): what changed is written,
    # and the KPI cache is computed from these records updated with the new ones.
    stored_customers = repo.get_customers(c.customer_id for c in data.customers)
    stored_invoices = repo.get_invoice_records(r.invoice_id for r in data.invoices)
    open_before = repo.open_invoices_as_of(day)
    history = 2 * max(KPI_PERIOD_DAYS)
    stored_sales = {d.date: d for d in repo.get_sales_series(max(history, SALES_DAYS), end=day)}

    changed_customers = _changed(stored_customers, data.customers, "customer_id")
    if changed_customers:
        repo.put_customers(changed_customers)
    customers = _count(data.customers, changed_customers)
    report(_describe("customers", customers))
    changed_invoices = _changed(stored_invoices, data.invoices, "invoice_id")
    if changed_invoices:
        repo.put_invoice_records(changed_invoices)
    invoices = _count(data.invoices, changed_invoices)
    report(_describe("invoices", invoices))
    changed_days = _changed(stored_sales, data.sales, "date")
    if changed_days:
        repo.put_sales_days(changed_days)
    sales = _count(data.sales, changed_days)
    report(_describe("sales days", sales))

    stored_sales.update((d.date, d) for d in data.sales)
    kpis = _write_kpis(repo, data, sorted(stored_sales.values(), key=lambda d: d.date), open_before)
    report(_describe("KPI records", kpis))
    actions = _write_actions(repo, data.actions)
    report(_describe("actions", actions))
    return SeedReport(
        seed=seed,
        today=day,
        customers=customers,
        invoices=invoices,
        sales=sales,
        kpis=kpis,
        actions=actions,
        injected=data.injected,
    )
