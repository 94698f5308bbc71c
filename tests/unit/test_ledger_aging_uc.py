"""AgingAsOfUC on the in-memory ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.models.ar_aging import AgingBasis
from finance_agent.domain.period import parse_period
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from ledger_factory import customer, day, record
from ledger_memory_store import MemoryLedger

TODAY = day("2026-03-31")


@pytest.fixture
def ledger() -> MemoryLedger:
    store = MemoryLedger()
    store.put_customers([customer("C1", "Acme"), customer("C2", "Bolt"), customer("C3", "Core")])
    store.put_invoice_records(
        [
            # C1: 100 days past due at TODAY, paid in full on 2026-03-15
            record(
                "A1", "C1", "2025-11-21", "2025-12-21", "500.00", paid=[("2026-03-15", "500.00")]
            ),
            record("A2", "C1", "2026-03-01", "2026-03-31", "100.00"),  # due today
            # C2: 75 days past due, open
            record("B1", "C2", "2025-12-16", "2026-01-15", "250.00"),
            # C3: paid long ago, never open now
            record("C9", "C3", "2025-01-02", "2025-02-01", "75.00", paid=[("2025-02-01", "75.00")]),
        ]
    )
    return store


def aging(ledger: MemoryLedger) -> AgingAsOfUC:
    return AgingAsOfUC(ledger, today=lambda: TODAY)


def test_today_reads_only_the_open_invoices(ledger: MemoryLedger) -> None:
    result = aging(ledger).execute()
    assert result.as_of == TODAY
    assert result.basis is AgingBasis.DUE_DATE
    assert [(r.customer_id, r.days_61_90, r.current) for r in result.customers] == [
        ("C2", Decimal("250.00"), Decimal("0.00")),
        ("C1", Decimal("0.00"), Decimal("100.00")),
    ]
    assert ledger.examined["open_invoices_as_of"] == 2
    assert ledger.examined["list_invoices"] == 0


def test_a_past_day_sees_the_invoice_paid_since(ledger: MemoryLedger) -> None:
    rows = aging(ledger).execute(as_of="2026-03-14").customers
    assert [(r.customer_id, r.days_61_90, r.days_31_60) for r in rows] == [
        ("C1", Decimal("500.00"), Decimal("0.00")),  # 83 days past due on 2026-03-14
        ("C2", Decimal("0.00"), Decimal("250.00")),  # 58 days
    ]
    assert rows[0].customer_name == "Acme"
    assert rows[0].current == Decimal("100.00")


def test_the_invoice_date_basis_counts_days_since_issue(ledger: MemoryLedger) -> None:
    rows = aging(ledger).execute(basis="invoice_date").customers
    by_id = {r.customer_id: r for r in rows}
    assert by_id["C2"].days_over_90 == Decimal("250.00")  # 105 days since issue
    assert by_id["C1"].current == Decimal("100.00")  # 30 days since issue


def test_min_days_overdue_keeps_only_customers_owing_that_long(ledger: MemoryLedger) -> None:
    rows = aging(ledger).execute(min_days_overdue=61).customers
    assert [r.customer_id for r in rows] == ["C2"]


def test_kpis_receivables_come_from_the_ledger_rows(ledger: MemoryLedger) -> None:
    rows = aging(ledger).execute().customers
    kpis = compute_kpis(parse_period("last_30d"), TODAY, [], rows, "USD")
    assert (kpis.ar_total, kpis.ar_over_60) == (Decimal("350.00"), Decimal("250.00"))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"as_of": "2026-04-01"}, "as_of"),
        ({"as_of": "2025-01-01"}, "as_of"),
        ({"as_of": "31/03/2026"}, "as_of"),
        ({"basis": "issue"}, "basis"),
        ({"min_days_overdue": -1}, "min_days_overdue"),
    ],
)
def test_bad_inputs_name_their_field(ledger: MemoryLedger, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        aging(ledger).execute(**kwargs)
    assert caught.value.field == field


def test_an_empty_ledger_has_no_rows_on_any_day_up_to_today() -> None:
    result = aging(MemoryLedger()).execute(as_of="2001-01-01")
    assert result.customers == []
