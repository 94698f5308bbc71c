"""Importing an invoices CSV: every refusal the issue lists, and what a clean file writes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from import_runner import INVOICE_HEADER, TODAY, Books, csv_text
from ledger_factory import day


@pytest.fixture
def books(sqlite_repo: FinanceRepository) -> Books:
    return Books(sqlite_repo)


GOOD = csv_text(
    INVOICE_HEADER + ",email,paid_date,open_balance,disputed,currency",
    "0000611365,CUST001,Acme Corp,2026-01-01,2026-01-31,100.00,ap@acme.example,,40,,USD",
    "INV-2,CUST001,Acme Corp,2026-01-05,2026-02-04,50,,2026-02-10,,YES,",
    "INV 3,CUST002,Bolt Ltd,2026-03-01,2026-03-31,70.5,,,,no,usd",
)


def test_a_clean_file_creates_customers_invoices_and_settlements(books: Books) -> None:
    report = books.run("invoices", GOOD)
    assert report.status == "imported"
    assert (report.rows, report.problem_count) == (3, 0)
    assert report.counts["invoices"].new == 3
    assert report.counts["customers"].new == 2
    kept = books.ledger.records["0000611365"]  # the id keeps its zeros
    assert kept.balance_as_of(TODAY) == Decimal("40.00")
    assert [(s.settlement_id, s.settled_on, s.amount) for s in kept.settlements] == [
        ("import:2026-03-31", TODAY, Decimal("60.00"))
    ]
    paid = books.ledger.records["INV-2"]
    assert paid.invoice.disputed is True
    assert paid.settled_on == day("2026-02-10")
    assert paid.balance_as_of(day("2026-02-09")) == Decimal("50.00")
    assert books.ledger.records["INV 3"].open_balance == Decimal("70.50")
    assert books.ledger.customers["CUST001"].email == "ap@acme.example"
    assert books.ledger.customers["CUST002"].email is None


def test_the_aging_then_shows_the_company_as_of_any_day(books: Books) -> None:
    books.run("invoices", GOOD)
    aging = AgingAsOfUC(books.ledger, today=lambda: TODAY)
    today = {r.customer_id: r.total for r in aging.execute().customers}
    assert today == {"CUST001": Decimal("40.00"), "CUST002": Decimal("70.50")}
    past = {r.customer_id: r.total for r in aging.execute(as_of="2026-02-05").customers}
    assert past == {"CUST001": Decimal("150.00")}


def test_importing_the_same_file_twice_writes_nothing_the_second_time(books: Books) -> None:
    books.run("invoices", GOOD)
    writes = sum(books.ledger.writes.values())
    again = books.run("invoices", GOOD)
    assert again.status == "imported"
    assert again.changed == 0
    assert again.counts["invoices"].unchanged == 3
    assert again.counts["customers"].unchanged == 2
    assert sum(books.ledger.writes.values()) == writes
    assert books.imports_logged() == 1  # a re-import that changes nothing is not an action


def test_changed_rows_update_and_the_report_says_what_changed(books: Books) -> None:
    books.run("invoices", GOOD)
    changed = GOOD.replace("70.5,", "75.25,").replace("Bolt Ltd", "Bolt Limited")
    report = books.run("invoices", changed)
    assert report.counts["invoices"].updated == 1
    assert report.counts["customers"].updated == 1
    assert {(c.record, c.id, tuple(c.fields)) for c in report.changes} == {
        ("invoice", "INV 3", ("amount",)),
        ("customer", "CUST002", ("name",)),
    }
    assert books.ledger.records["INV 3"].invoice.amount == Decimal("75.25")
    assert books.imports_logged() == 2


def test_a_dry_run_reports_counts_and_writes_nothing(books: Books) -> None:
    report = books.run("invoices", GOOD, dry_run=True)
    assert (report.status, report.dry_run) == ("would_import", True)
    assert report.counts["invoices"].new == 3
    assert books.ledger.records == {}
    assert books.imports_logged() == 0


def test_the_import_is_an_action_with_who_kind_file_and_counts(books: Books) -> None:
    books.run("invoices", GOOD, name="books-2026.csv")
    [action] = books.finance.list_agent_actions().items
    assert (action.action, action.performed_by) == ("import", "ana@example.com")
    assert action.payload["kind"] == "invoices"
    assert action.payload["file_name"] == "books-2026.csv"
    assert action.payload["counts"]["invoices"] == {"new": 3, "updated": 0, "unchanged": 0}


def refused(books: Books, *rows: str, header: str = INVOICE_HEADER) -> list[tuple]:
    report = books.run("invoices", csv_text(header, *rows))
    assert report.status == "refused"
    assert books.ledger.records == {}
    assert books.ledger.customers == {}
    assert books.imports_logged() == 0
    return books.problems(report)


def test_missing_columns_are_each_named_on_the_header_row(books: Books) -> None:
    problems = refused(
        books,
        "1,C1,A,2026-01-01,2026-01-31",
        header="invoice_id,customer_id,name,issue_date,due_date",
    )
    assert problems == [
        (1, "customer_name", "is a required column, missing"),
        (1, "amount", "is a required column, missing"),
    ]


def test_duplicate_invoice_ids_are_refused_naming_the_first_row(books: Books) -> None:
    problems = refused(
        books,
        "A1,C1,Acme,2026-01-01,2026-01-31,1.00",
        "A2,C1,Acme,2026-01-01,2026-01-31,1.00",
        "A1,C1,Acme,2026-01-02,2026-02-01,2.00",
    )
    assert problems == [(4, "invoice_id", "must be unique: row 2 has it too")]


def test_impossible_dates_are_refused(books: Books) -> None:
    problems = refused(books, "A1,C1,Acme,2013-02-30,2013-03-30,1.00")
    assert problems == [(2, "issue_date", "must be a real date (that day does not exist)")]


def test_a_due_date_before_the_issue_date_is_refused(books: Books) -> None:
    problems = refused(books, "A1,C1,Acme,2026-02-01,2026-01-31,1.00")
    assert problems == [(2, "due_date", "must be on or after issue_date (2026-02-01)")]


@pytest.mark.parametrize(
    ("amount", "rule"),
    [
        ("0", "must be more than 0"),
        ("-5.00", "must be more than 0"),
        ("1.001", "must have at most 2 decimals"),
        ("1,000.00", "must be a number like 1234.56 (no thousands separators or currency signs)"),
        ("$10", "must be a number like 1234.56 (no thousands separators or currency signs)"),
        ("1e3", "must be a number like 1234.56 (no thousands separators or currency signs)"),
        ("", "is required"),
    ],
)
def test_amounts_must_be_positive_with_at_most_two_decimals(
    books: Books, amount: str, rule: str
) -> None:
    problems = refused(books, f'A1,C1,Acme,2026-01-01,2026-01-31,"{amount}"')
    assert problems == [(2, "amount", rule)]


def test_another_currency_is_refused(books: Books) -> None:
    problems = refused(
        books, "A1,C1,Acme,2026-01-01,2026-01-31,1.00,EUR", header=INVOICE_HEADER + ",currency"
    )
    assert problems == [(2, "currency", "must be USD, the currency of these books")]


def test_one_customer_id_with_two_names_is_refused(books: Books) -> None:
    problems = refused(
        books,
        "A1,C1,Acme,2026-01-01,2026-01-31,1.00",
        "A2,C1,ACME Inc,2026-01-01,2026-01-31,1.00",
    )
    assert problems == [
        (3, "customer_name", "must be the same on every row of customer_id C1: row 2 has 'Acme'")
    ]


def test_one_customer_id_with_two_emails_is_refused_but_a_blank_one_is_not(books: Books) -> None:
    problems = refused(
        books,
        "A1,C1,Acme,2026-01-01,2026-01-31,1.00,a@acme.example",
        "A2,C1,Acme,2026-01-01,2026-01-31,1.00,",
        "A3,C1,Acme,2026-01-01,2026-01-31,1.00,b@acme.example",
        header=INVOICE_HEADER + ",email",
    )
    assert [p[:2] for p in problems] == [(4, "email")]


@pytest.mark.parametrize(
    ("extra", "column", "rule"),
    [
        (",2026-04-01,", "paid_date", "must not be after today (2026-03-31)"),
        (",2025-12-31,", "paid_date", "must be on or after issue_date (2026-01-01)"),
        (",,100.01", "open_balance", "must be at most the amount (100.00)"),
        (",,-1", "open_balance", "must be 0 or more"),
        (",2026-02-01,10", "open_balance", "must be 0: paid_date is 2026-02-01"),
    ],
)
def test_settlement_columns_must_agree_with_the_invoice(
    books: Books, extra: str, column: str, rule: str
) -> None:
    problems = refused(
        books,
        f"A1,C1,Acme,2026-01-01,2026-01-31,100.00{extra}",
        header=INVOICE_HEADER + ",paid_date,open_balance",
    )
    assert problems == [(2, column, rule)]


@pytest.mark.parametrize("value", ["true", "FALSE", "Yes", "no", "1", "0", ""])
def test_disputed_reads_true_false_yes_no_1_0_in_any_case(books: Books, value: str) -> None:
    report = books.run(
        "invoices",
        csv_text(INVOICE_HEADER + ",disputed", f"A1,C1,Acme,2026-01-01,2026-01-31,1.00,{value}"),
    )
    assert report.status == "imported"
    assert books.ledger.records["A1"].invoice.disputed is (value.lower() in {"true", "yes", "1"})


def test_disputed_refuses_anything_else(books: Books) -> None:
    problems = refused(
        books, "A1,C1,Acme,2026-01-01,2026-01-31,1.00,maybe", header=INVOICE_HEADER + ",disputed"
    )
    assert problems == [(2, "disputed", "must be true or false (yes/no, 1/0; empty is false)")]


def test_open_balances_are_owed_at_the_files_as_of_day(books: Books) -> None:
    text = csv_text(INVOICE_HEADER + ",open_balance", "A1,C1,Acme,2026-01-01,2026-01-31,100,25")
    books.run("invoices", text, as_of="2026-02-28")
    record = books.ledger.records["A1"]
    assert record.balance_as_of(day("2026-02-27")) == Decimal("100.00")
    assert record.balance_as_of(day("2026-02-28")) == Decimal("25.00")


def test_a_later_snapshot_keeps_what_an_earlier_one_settled(books: Books) -> None:
    header = INVOICE_HEADER + ",open_balance"
    books.run(
        "invoices", csv_text(header, "A1,C1,Acme,2026-01-01,2026-01-31,100,60"), as_of="2026-02-15"
    )
    report = books.run(
        "invoices", csv_text(header, "A1,C1,Acme,2026-01-01,2026-01-31,100,10"), as_of="2026-03-15"
    )
    assert report.changes[0].fields == ["settlements"]
    record = books.ledger.records["A1"]
    assert [(s.settled_on, s.amount) for s in record.settlements] == [
        (day("2026-02-15"), Decimal("40.00")),
        (day("2026-03-15"), Decimal("50.00")),
    ]
    assert record.balance_as_of(day("2026-03-01")) == Decimal("60.00")


def test_an_open_balance_above_what_is_recorded_as_paid_is_refused(books: Books) -> None:
    header = INVOICE_HEADER + ",open_balance"
    books.run(
        "invoices", csv_text(header, "A1,C1,Acme,2026-01-01,2026-01-31,100,20"), as_of="2026-02-15"
    )
    report = books.run(
        "invoices", csv_text(header, "A1,C1,Acme,2026-01-01,2026-01-31,100,90"), as_of="2026-03-15"
    )
    assert books.problems(report) == [
        (
            2,
            "open_balance",
            "must be at most 20.00: settlements of 80.00 are recorded by 2026-03-15",
        )
    ]


def test_an_amount_below_the_settlements_recorded_is_refused(books: Books) -> None:
    books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme,2026-01-01,2026-01-31,100"))
    payments = "payment_id,invoice_id,date,amount\nP1,A1,2026-02-01,80\n"
    assert books.run("payments", payments).status == "imported"
    report = books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme,2026-01-01,2026-01-31,50"))
    assert books.problems(report) == [
        (
            2,
            "amount",
            "must be at least 80.00: the settlements recorded against the invoice add up to it",
        )
    ]
    assert books.ledger.records["A1"].invoice.amount == Decimal("100.00")


def test_a_paid_date_before_a_recorded_payment_is_refused(books: Books) -> None:
    books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme,2026-01-01,2026-01-31,100"))
    books.run("payments", "payment_id,invoice_id,date,amount\nP1,A1,2026-03-01,30\n")
    paid = csv_text(
        INVOICE_HEADER + ",paid_date", "A1,C1,Acme,2026-01-01,2026-01-31,100,2026-02-01"
    )
    assert books.problems(books.run("invoices", paid)) == [
        (2, "paid_date", "must be on or after the last settlement recorded, 2026-03-01")
    ]
    later = paid.replace(",2026-02-01", ",2026-03-10")
    assert books.run("invoices", later).status == "imported"
    settlements = books.ledger.records["A1"].settlements
    assert [(s.settlement_id, s.amount) for s in settlements] == [
        ("P1", Decimal("30.00")),
        ("import:2026-03-10", Decimal("70.00")),
    ]


def test_an_issue_date_moved_after_a_recorded_payment_is_refused(books: Books) -> None:
    books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme,2026-01-01,2026-01-31,100"))
    books.run("payments", "payment_id,invoice_id,date,amount\nP1,A1,2026-01-10,30\n")
    report = books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme,2026-01-15,2026-01-31,100"))
    assert books.problems(report) == [
        (2, "issue_date", "must be on or before the settlement recorded on 2026-01-10")
    ]


def test_an_invoice_issued_after_the_as_of_day_owes_its_whole_amount(books: Books) -> None:
    header = INVOICE_HEADER + ",open_balance"
    report = books.run(
        "invoices", csv_text(header, "A1,C1,Acme,2026-03-01,2026-03-31,100,40"), as_of="2026-02-28"
    )
    assert books.problems(report) == [
        (
            2,
            "open_balance",
            "must equal the amount: the invoice was issued after the as-of day 2026-02-28",
        )
    ]
    ok = books.run(
        "invoices", csv_text(header, "A1,C1,Acme,2026-03-01,2026-03-31,100,100"), as_of="2026-02-28"
    )
    assert ok.status == "imported"
    assert books.ledger.records["A1"].settlements == ()


def test_a_customers_terms_and_hold_survive_a_rename(books: Books) -> None:
    books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme,2026-01-01,2026-01-31,1"))
    held = books.ledger.customers["C1"].model_copy(
        update={"payment_terms_days": 45, "hold_reason": "payment plan", "email": "a@b.example"}
    )
    books.ledger.put_customers([held])
    books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme Group,2026-01-01,2026-01-31,1"))
    customer = books.ledger.customers["C1"]
    assert (customer.name, customer.payment_terms_days, customer.hold_reason, customer.email) == (
        "Acme Group",
        45,
        "payment plan",
        "a@b.example",
    )
