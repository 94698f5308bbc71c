"""Importing a payments CSV against the stored invoices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance_agent.domain.ledger.records import SettlementKind
from finance_agent.domain.ports import FinanceRepository
from import_runner import INVOICE_HEADER, Books, csv_text
from ledger_factory import day

HEADER = "payment_id,invoice_id,date,amount"


@pytest.fixture
def books(sqlite_repo: FinanceRepository) -> Books:
    store = Books(sqlite_repo, batch_size=2)
    invoices = csv_text(
        INVOICE_HEADER,
        "A1,C1,Acme,2026-01-01,2026-01-31,100.00",
        "A2,C1,Acme,2026-01-15,2026-02-14,50.00",
        "B1,C2,Bolt,2026-02-01,2026-03-03,80.00",
    )
    assert store.run("invoices", invoices).status == "imported"
    return store


def test_payments_settle_their_invoices_on_their_dates(books: Books) -> None:
    report = books.run(
        "payments",
        csv_text(
            HEADER + ",kind",
            "P1,A1,2026-02-01,60.00,",
            "P1,A2,2026-02-01,50.00,payment",  # one payment over two invoices
            "CN1,A1,2026-02-10,40.00,Credit_Note",
            "W1,B1,2026-03-20,5,write_off",
        ),
    )
    assert report.status == "imported"
    assert report.counts["payments"].new == 4
    a1 = books.ledger.records["A1"]
    assert [(s.settlement_id, s.kind) for s in a1.settlements] == [
        ("P1", SettlementKind.PAYMENT),
        ("CN1", SettlementKind.CREDIT_NOTE),
    ]
    assert a1.balance_as_of(day("2026-02-09")) == Decimal("40.00")
    assert a1.settled_on == day("2026-02-10")
    assert books.ledger.records["B1"].open_balance == Decimal("75.00")


def test_the_same_payments_twice_write_nothing_and_a_change_updates(books: Books) -> None:
    text = csv_text(HEADER, "P1,A1,2026-02-01,60.00", "P2,A1,2026-02-05,10.00")
    books.run("payments", text)
    again = books.run("payments", text)
    assert again.counts["payments"].unchanged == 2
    assert again.changed == 0
    changed = books.run("payments", text.replace("10.00", "15.00"))
    assert changed.counts["payments"].model_dump() == {"new": 0, "updated": 1, "unchanged": 1}
    assert [(c.id, c.fields) for c in changed.changes] == [("A1/P2", ["amount"])]
    assert books.ledger.records["A1"].open_balance == Decimal("25.00")


def test_a_payment_for_an_unknown_invoice_is_refused(books: Books) -> None:
    report = books.run(
        "payments", csv_text(HEADER, "P1,A1,2026-02-01,1.00", "P2,ZZ9,2026-02-01,1.00")
    )
    assert report.status == "refused"
    assert books.problems(report) == [
        (3, "invoice_id", "must be an invoice in the ledger (import the invoices first)")
    ]
    assert books.ledger.records["A1"].settlements == ()


def test_settlements_above_the_invoice_are_refused_counting_stored_ones(books: Books) -> None:
    books.run("payments", csv_text(HEADER, "P1,A1,2026-02-01,60.00"))
    report = books.run(
        "payments", csv_text(HEADER, "P2,A1,2026-02-02,30.00", "P3,A1,2026-02-03,10.01")
    )
    assert books.problems(report) == [
        (3, "amount", "takes the settlements of invoice A1 to 100.01, more than its amount 100.00")
    ]
    assert books.ledger.records["A1"].open_balance == Decimal("40.00")


def test_settlements_above_the_invoice_within_one_file_are_refused(books: Books) -> None:
    report = books.run(
        "payments",
        csv_text(
            HEADER, "P1,A2,2026-02-01,30.00", "P9,B1,2026-03-01,1.00", "P2,A2,2026-02-02,20.01"
        ),
    )
    assert [p[:2] for p in books.problems(report)] == [(4, "amount")]


def test_correcting_a_stored_payment_is_not_counted_twice(books: Books) -> None:
    books.run("payments", csv_text(HEADER, "P1,A2,2026-02-01,30.00"))
    report = books.run("payments", csv_text(HEADER, "P1,A2,2026-02-01,50.00"))
    assert report.status == "imported"
    assert books.ledger.records["A2"].open_balance == Decimal("0.00")


def test_duplicate_payment_ids_of_one_invoice_are_refused(books: Books) -> None:
    report = books.run(
        "payments", csv_text(HEADER, "P1,A1,2026-02-01,1.00", "P1,A1,2026-02-02,1.00")
    )
    assert books.problems(report) == [
        (3, "payment_id", "must be unique for its invoice: row 2 has it too")
    ]


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        ("P1,A1,2026-04-01,1.00", "date", "must not be after today (2026-03-31)"),
        (
            "P1,A1,2025-12-31,1.00",
            "date",
            "must not be before the invoice's issue date, 2026-01-01",
        ),
        ("P1,A1,2026-02-01,0", "amount", "must be more than 0"),
        ("import:x,A1,2026-02-01,1", "payment_id", "must not start with 'import:'"),
        ("P1,A1,2026-02-30,1", "date", "must be a real date (that day does not exist)"),
    ],
)
def test_payment_rows_are_checked(books: Books, row: str, column: str, rule: str) -> None:
    report = books.run("payments", csv_text(HEADER, row))
    assert books.problems(report) == [(2, column, rule)]


def test_an_unknown_kind_is_refused(books: Books) -> None:
    report = books.run("payments", csv_text(HEADER + ",kind", "P1,A1,2026-02-01,1,refund"))
    assert books.problems(report) == [
        (2, "kind", "must be payment, credit_note or write_off (empty is payment)")
    ]


def test_many_payments_of_one_invoice_stay_in_one_batch(books: Books) -> None:
    rows = [f"P{n},A1,2026-02-{n + 1:02},1.00" for n in range(7)] + ["Q1,A2,2026-02-01,1.00"]
    report = books.run("payments", csv_text(HEADER, *rows))
    assert report.counts["payments"].new == 8
    assert len(books.ledger.records["A1"].settlements) == 7
