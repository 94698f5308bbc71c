"""ListInvoicesUC on the in-memory ledger: statuses as of a day, paging, the token."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import pytest

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models.invoice_list import InvoiceList
from finance_agent.domain.usecases.list_invoices import ListInvoicesUC
from ledger_factory import customer, day, record
from ledger_memory_store import MemoryLedger

TODAY = day("2026-03-31")


@pytest.fixture
def ledger() -> MemoryLedger:
    store = MemoryLedger()
    store.put_customers([customer("C1", "Acme"), customer("C2", "Bolt")])
    store.put_invoice_records(
        [
            record("P1", "C1", "2026-01-01", "2026-01-31", "10.00", paid=[("2026-02-01", "10.00")]),
            record("P2", "C1", "2026-01-05", "2026-02-04", "20.00", paid=[("2026-03-20", "20.00")]),
            record("O1", "C1", "2026-02-01", "2026-03-03", "30.00", paid=[("2026-03-01", "5.00")]),
            record("O2", "C2", "2026-03-10", "2026-04-09", "40.00", disputed=True),
            record("O3", "C2", "2026-03-01", "2026-03-31", "50.00"),
        ]
    )
    return store


def lister(ledger: MemoryLedger, reminders: Mapping[str, date] | None = None) -> ListInvoicesUC:
    def reminder_dates(ids: Sequence[str]) -> Mapping[str, date]:
        return {i: d for i, d in (reminders or {}).items() if i in ids}

    return ListInvoicesUC(ledger, today=lambda: TODAY, reminder_dates=reminder_dates)


def ids(page: InvoiceList) -> list[str]:
    return [v.invoice_id for v in page.invoices]


def test_open_is_the_default_in_due_date_order_with_figures_as_of_today(
    ledger: MemoryLedger,
) -> None:
    page = lister(ledger, {"O1": day("2026-03-20")}).execute()
    assert ids(page) == ["O1", "O3", "O2"]
    first = page.invoices[0]
    assert (first.customer_name, first.open_balance, first.days_past_due, first.bucket) == (
        "Acme",
        Decimal("25.00"),
        28,
        "days_1_30",
    )
    assert first.last_reminder_date == day("2026-03-20")
    assert page.invoices[1].bucket == "current"  # due today
    assert page.invoices[2].disputed is True
    assert page.next_token is None


def test_statuses_follow_the_as_of_rule(ledger: MemoryLedger) -> None:
    uc = lister(ledger)
    assert ids(uc.execute(status="overdue")) == ["O1"]
    assert ids(uc.execute(status="paid")) == ["P1", "P2"]
    assert ids(uc.execute(status="all")) == ["P1", "P2", "O1", "O3", "O2"]
    # On 2026-03-05: P2 (paid 03-20) is open and overdue, O2 is not issued yet.
    assert ids(uc.execute(status="open", as_of="2026-03-05")) == ["P2", "O1", "O3"]
    assert ids(uc.execute(status="overdue", as_of="2026-03-05")) == ["P2", "O1"]
    assert ids(uc.execute(status="paid", as_of="2026-03-05")) == ["P1"]
    assert ids(uc.execute(status="all", as_of="2026-03-05")) == ["P1", "P2", "O1", "O3"]


def test_a_customer_filter_keeps_that_customers_invoices(ledger: MemoryLedger) -> None:
    uc = lister(ledger)
    assert ids(uc.execute(customer_id="C2")) == ["O3", "O2"]
    assert ids(uc.execute(customer_id="C1", status="all")) == ["P1", "P2", "O1"]


def test_open_invoices_are_read_from_the_open_set_not_the_history(ledger: MemoryLedger) -> None:
    lister(ledger).execute(status="open")
    assert ledger.examined["list_invoices"] == 0
    assert ledger.examined["open_invoices_as_of"] == 3


@pytest.mark.parametrize("status", ["open", "overdue", "paid", "all"])
@pytest.mark.parametrize("limit", [1, 2, 3])
def test_pages_put_together_are_the_whole_list(
    ledger: MemoryLedger, status: str, limit: int
) -> None:
    uc = lister(ledger)
    whole = ids(uc.execute(status=status, as_of="2026-03-25", limit=100))
    seen: list[str] = []
    token = None
    for _ in range(10):
        page = uc.execute(status=status, as_of="2026-03-25", limit=limit, next_token=token)
        assert len(page.invoices) <= limit
        seen += ids(page)
        token = page.next_token
        if token is None:
            break
    assert seen == whole


def test_pages_through_many_store_pages_with_a_filter() -> None:
    store = MemoryLedger()
    store.put_invoice_records(
        record(f"I{n:04}", "C1", "2026-01-01", "2026-02-01", "1.00", paid=[("2026-02-01", "1.00")])
        if n % 7
        else record(f"I{n:04}", "C1", "2026-01-01", "2026-02-01", "1.00")
        for n in range(350)
    )
    uc = ListInvoicesUC(store, today=lambda: TODAY)
    first = uc.execute(status="paid", limit=100)
    second = uc.execute(status="paid", limit=100, next_token=first.next_token)
    assert ids(first)[-1] < ids(second)[0]
    rest: list[str] = []
    token = second.next_token
    while token:
        page = uc.execute(status="paid", limit=100, next_token=token)
        rest += ids(page)
        token = page.next_token
    assert len(ids(first) + ids(second) + rest) == 300


def test_a_page_token_continues_the_same_day_even_when_the_day_changes(
    ledger: MemoryLedger,
) -> None:
    first = lister(ledger).execute(status="all", limit=2)
    later = ListInvoicesUC(ledger, today=lambda: day("2026-04-01"))
    second = later.execute(status="all", limit=2, next_token=first.next_token)
    assert ids(second) == ["O1", "O3"]


@pytest.mark.parametrize(
    "changed",
    [{"status": "paid"}, {"customer_id": "C1"}, {"as_of": "2026-03-30"}],
)
def test_a_token_from_another_list_is_refused(ledger: MemoryLedger, changed: dict) -> None:
    token = lister(ledger).execute(status="all", limit=1).next_token
    query = {"status": "all", "limit": 1, "next_token": token, **changed}
    with pytest.raises(ValidationError) as caught:
        lister(ledger).execute(**query)
    assert caught.value.field == "next_token"


@pytest.mark.parametrize("token", ["x", "", "e30", "bm90IGpzb24", "W10", "eyJjIjoxfQ"])
def test_a_made_up_token_is_refused(ledger: MemoryLedger, token: str) -> None:
    with pytest.raises(ValidationError) as caught:
        lister(ledger).execute(next_token=token)
    assert caught.value.field == "next_token"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": True}, "limit"),
        ({"status": "late"}, "status"),
        ({"customer_id": "C 1"}, "customer_id"),
        ({"as_of": "2026-04-01"}, "as_of"),
    ],
)
def test_bad_inputs_name_their_field(ledger: MemoryLedger, kwargs: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        lister(ledger).execute(**kwargs)
    assert caught.value.field == field


def test_without_a_reminder_lookup_no_date_is_shown(ledger: MemoryLedger) -> None:
    page = ListInvoicesUC(ledger, today=lambda: TODAY).execute()
    assert {v.last_reminder_date for v in page.invoices} == {None}
