"""For random ledgers and random days D: the buckets add up to the outstanding total, and
nothing dated after D (a new invoice, a new settlement) changes any figure as of D."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from finance_agent.domain.ledger.aging import customer_rows
from finance_agent.domain.ledger.records import Invoice, InvoiceRecord, Settlement, SettlementKind
from finance_agent.domain.models.ar_aging import BUCKETS, AgingBasis
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from finance_agent.domain.usecases.list_invoices import ListInvoicesUC
from ledger_memory_store import MemoryLedger

START = date(2025, 1, 1)
TODAY = date(2026, 6, 30)
SPAN = (TODAY - START).days
CUSTOMERS = ["C1", "C2", "C3"]
cents = st.integers(min_value=1, max_value=10_000_000)


@st.composite
def invoice_records(draw: st.DrawFn, invoice_id: str, earliest: date = START) -> InvoiceRecord:
    issued = earliest + timedelta(days=draw(st.integers(0, max(0, (TODAY - earliest).days))))
    due = issued + timedelta(days=draw(st.sampled_from([0, 14, 30, 45, 60, 90])))
    amount = draw(cents)
    settlements = []
    left = amount
    for n in range(draw(st.integers(0, 3))):
        if left == 0:
            break
        paid = draw(st.integers(1, left))
        left -= paid
        settled = issued + timedelta(days=draw(st.integers(0, 400)))
        settlements.append(
            Settlement(
                settlement_id=f"S{n}",
                invoice_id=invoice_id,
                kind=draw(st.sampled_from(list(SettlementKind))),
                settled_on=settled,
                amount=Decimal(paid) / 100,
            )
        )
    invoice = Invoice(
        invoice_id=invoice_id,
        customer_id=draw(st.sampled_from(CUSTOMERS)),
        issue_date=issued,
        due_date=due,
        amount=Decimal(amount) / 100,
        disputed=draw(st.booleans()),
    )
    return InvoiceRecord(invoice=invoice, settlements=tuple(settlements))


@st.composite
def ledgers(draw: st.DrawFn, least: int = 0) -> list[InvoiceRecord]:
    size = draw(st.integers(least, 25))
    return [draw(invoice_records(f"I{n}")) for n in range(size)]


days = st.integers(0, SPAN).map(lambda n: START + timedelta(days=n))


def expected_bucket(days_counted: int, basis: AgingBasis) -> str:
    """An independent reading of the issue's rule."""
    if (basis is AgingBasis.INVOICE_DATE and days_counted <= 30) or days_counted <= 0:
        return "current"
    for upper, name in ((30, "days_1_30"), (60, "days_31_60"), (90, "days_61_90")):
        if days_counted <= upper:
            return name
    return "days_over_90"


@settings(max_examples=100, deadline=None)
@given(ledgers(), days, st.sampled_from(list(AgingBasis)))
def test_buckets_add_up_to_what_is_owed_as_of_the_day(
    records: list[InvoiceRecord], as_of: date, basis: AgingBasis
) -> None:
    rows = customer_rows(records, {}, as_of, basis)
    expected: dict[str, dict[str, Decimal]] = {}
    for record in records:
        invoice = record.invoice
        if invoice.issue_date > as_of:
            continue
        owed = invoice.amount - sum(
            (s.amount for s in record.settlements if s.settled_on <= as_of), Decimal(0)
        )
        if owed == 0:
            continue
        start = invoice.due_date if basis is AgingBasis.DUE_DATE else invoice.issue_date
        bucket = expected_bucket((as_of - start).days, basis)
        per = expected.setdefault(invoice.customer_id, dict.fromkeys(BUCKETS, Decimal(0)))
        per[bucket] += owed
    assert {r.customer_id: {b: getattr(r, b) for b in BUCKETS} for r in rows} == expected
    for row in rows:
        assert sum((getattr(row, b) for b in BUCKETS), Decimal(0)) == row.total
        assert row.total > 0
        assert 0 <= row.disputed <= row.total


def figures(store: MemoryLedger, as_of: date) -> tuple[object, ...]:
    aging = AgingAsOfUC(store, today=lambda: TODAY)
    lister = ListInvoicesUC(store, today=lambda: TODAY)
    return (
        aging.execute(as_of=as_of).customers,
        aging.execute(as_of=as_of, basis="invoice_date").customers,
        *(
            lister.execute(status=s, as_of=as_of, limit=100).invoices
            for s in ("open", "overdue", "paid", "all")
        ),
    )


@settings(max_examples=60, deadline=None)
@given(st.data(), ledgers(least=1), days)
def test_nothing_dated_after_the_day_changes_its_figures(
    data: st.DataObject, records: list[InvoiceRecord], as_of: date
) -> None:
    store = MemoryLedger()
    store.put_invoice_records(records)
    # A day the ledger answers for: from its first invoice on (earlier ones are refused).
    as_of = max(as_of, min(r.invoice.issue_date for r in records))
    before = figures(store, as_of)
    if as_of < TODAY:
        later = as_of + timedelta(days=1)
        store.put_invoice_records([data.draw(invoice_records("LATE", earliest=later))])
    for record in records:
        open_left = record.open_balance
        if open_left > 0 and as_of < TODAY:
            on = as_of + timedelta(days=data.draw(st.integers(1, (TODAY - as_of).days)))
            late = Settlement(
                settlement_id="LATE",
                invoice_id=record.invoice_id,
                settled_on=on,
                amount=open_left,
            )
            store.put_invoice_records(
                [record.model_copy(update={"settlements": (*record.settlements, late)})]
            )
    assert figures(store, as_of) == before
