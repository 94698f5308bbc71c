"""CreateCollectionReminderUC against the books: what it reads to find what is past due (the
customer's open invoices by key, no further than the first not yet due), what the reminder
lists, and the notes it leaves on the invoices it names."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from finance_agent.domain.errors import ConflictError, NotFoundError
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases.create_collection_reminder import (
    MAX_LISTED,
    CreateCollectionReminderUC,
)
from ledger_factory import customer, record
from ledger_memory_store import MemoryLedger

TODAY = date(2026, 3, 31)


def on(days: int) -> str:
    return (TODAY + timedelta(days=days)).isoformat()


class CountingLedger(MemoryLedger):
    """Remembers how each listing was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.listings: list[dict[str, Any]] = []

    def list_invoices(self, **kwargs: Any) -> Any:
        self.listings.append(kwargs)
        return super().list_invoices(**kwargs)


@pytest.fixture
def ledger() -> CountingLedger:
    books = CountingLedger()
    books.put_customers([customer("C1", "Acme"), customer("C2", "Bolt")])
    past_due = [record(f"P{n:03d}", "C1", on(-90), on(-60 + n % 50), "10.00") for n in range(150)]
    not_due = [record(f"N{n:03d}", "C1", on(-5), on(1 + n % 30), "20.00") for n in range(300)]
    paid = [
        record(f"D{n:03d}", "C1", on(-200), on(-170), "30.00", paid=[(on(-160), "30.00")])
        for n in range(500)
    ]
    other = [record(f"O{n:04d}", "C2", on(-90), on(-60), "40.00") for n in range(1000)]
    books.put_invoice_records([*past_due, *not_due, *paid, *other])
    return books


def remind(repo: FinanceRepository, ledger: MemoryLedger, **kwargs: Any) -> Any:
    uc = CreateCollectionReminderUC(repo, ledger, today=lambda: TODAY)
    return uc.execute(performed_by="ana@example.com", **kwargs)


def test_past_due_is_read_from_the_customers_open_invoices_by_key_and_no_further(
    sqlite_repo: FinanceRepository, ledger: CountingLedger
) -> None:
    remind(sqlite_repo, ledger, customer_id="C1")

    assert ledger.examined["open_invoices_as_of"] == 0  # not the whole receivables
    assert all((call["customer_id"], call["open_only"]) == ("C1", True) for call in ledger.listings)
    # Pages of 100 in due-date order: the 150 past due, and the rest of the page that
    # reaches the first invoice not yet due; none of the 250 not yet due after it.
    assert len(ledger.listings) == 2
    assert ledger.examined["list_invoices"] == 200


def test_a_reminder_lists_the_first_past_due_invoices_and_counts_the_rest(
    sqlite_repo: FinanceRepository, ledger: CountingLedger
) -> None:
    payload = remind(sqlite_repo, ledger, customer_id="C1").action.payload

    assert len(payload["invoices"]) == MAX_LISTED == 100
    assert payload["invoices_not_listed"] == 50
    assert payload["amount_past_due"] == "1500.00"  # all 150, listed or not
    due = [entry["due_date"] for entry in payload["invoices"]]
    assert due == sorted(due)  # the oldest due first
    assert {entry["open_balance"] for entry in payload["invoices"]} == {"10.00"}


def test_a_named_invoice_is_read_by_key_alone(
    sqlite_repo: FinanceRepository, ledger: CountingLedger
) -> None:
    payload = remind(sqlite_repo, ledger, customer_id="C1", invoice_id="P007").action.payload

    assert ledger.listings == []
    assert ledger.examined["get_invoice_records"] == 1
    assert payload["amount_past_due"] == "10.00"
    assert [entry["invoice_id"] for entry in payload["invoices"]] == ["P007"]


def test_the_invoices_named_are_noted_with_the_reminder_day(
    sqlite_repo: FinanceRepository, ledger: CountingLedger
) -> None:
    remind(sqlite_repo, ledger, customer_id="C1", remind_date=on(2))

    noted = {i for i, days in ledger.reminders.items() if days == {TODAY + timedelta(days=2)}}
    assert len(noted) == MAX_LISTED  # those the reminder lists
    assert all(i.startswith("P") for i in noted)
    assert ledger.last_reminder_dates(["P000"], TODAY) == {}  # dated ahead: not yet sent


def test_a_repeat_notes_what_the_first_reminder_named(
    sqlite_repo: FinanceRepository, ledger: CountingLedger
) -> None:
    first = remind(sqlite_repo, ledger, customer_id="C1", invoice_id="P001")
    ledger.reminders.clear()  # as if the note had failed after the action was recorded
    again = remind(sqlite_repo, ledger, customer_id="C1", invoice_id="P001")

    assert (first.created, again.created) == (True, False)
    assert ledger.last_reminder_dates(["P001"], TODAY) == {"P001": TODAY}


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"customer_id": "C9"}, NotFoundError, "customer C9 not found"),
        ({"customer_id": "C2", "invoice_id": "P001"}, NotFoundError, "invoice_id P001"),
        ({"customer_id": "C1", "invoice_id": "D001"}, ConflictError, "D001 is paid"),
        ({"customer_id": "C1", "invoice_id": "N001"}, ConflictError, "N001 is not past due"),
    ],
)
def test_what_cannot_be_reminded_is_refused_and_nothing_is_recorded(
    sqlite_repo: FinanceRepository,
    ledger: CountingLedger,
    kwargs: dict[str, str],
    error: type[Exception],
    words: str,
) -> None:
    with pytest.raises(error, match=words):
        remind(sqlite_repo, ledger, **kwargs)
    assert sqlite_repo.list_agent_actions().items == []
    assert ledger.reminders == {}


def test_a_customer_whose_invoices_are_all_due_later_or_paid_gets_no_reminder(
    sqlite_repo: FinanceRepository,
) -> None:
    books = CountingLedger()
    books.put_customers([customer("C3")])
    books.put_invoice_records(
        [
            record("X1", "C3", on(-10), on(0), "5.00"),  # due today: not past due
            record("X2", "C3", on(-60), on(-30), "5.00", paid=[(on(-20), "5.00")]),
        ]
    )
    with pytest.raises(ConflictError, match="C3 has nothing past due"):
        remind(sqlite_repo, books, customer_id="C3")
    assert books.examined["list_invoices"] == 1  # the open one, and it was not yet past due


def test_money_in_the_payload_is_text_to_the_cent(sqlite_repo: FinanceRepository) -> None:
    books = CountingLedger()
    books.put_customers([customer("C4")])
    books.put_invoice_records(
        [record("Y1", "C4", on(-40), on(-10), "100.10", paid=[(on(-5), "0.05")])]
    )
    payload = remind(sqlite_repo, books, customer_id="C4").action.payload
    assert payload["amount_past_due"] == "100.05"
    assert payload["invoices"][0]["open_balance"] == "100.05"
    assert Decimal(payload["amount_past_due"]) == Decimal("100.05")
