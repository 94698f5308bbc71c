"""POST /agent/actions/collection-reminder against the books: what is owed comes from the
ledger (tests/ledger_fixtures.py, the small books, dated from today)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.domain.usecases import ListActionsUC
from ledger_fixtures import write_small_books

REMINDER = "/agent/actions/collection-reminder"
INVOICES = "/agent/tools/invoices"
ACTOR = {
    "sub": "u-7",
    "email": "ana@example.com",
    "email_verified": "true",
    "scope": "agent:actions",
}

Api = Callable[..., Any]


@pytest.fixture
def today() -> date:
    return write_small_books(get_repo())


def post(api: Api, body: dict[str, Any]) -> Any:
    return api("POST", REMINDER, body=body, claims=ACTOR)


def recorded() -> int:
    return len(ListActionsUC(get_repo()).execute(limit=100).items)


def last_reminders(api: Api, customer_id: str, **query: str) -> dict[str, str | None]:
    reply = api("GET", INVOICES, {"customer_id": customer_id, "status": "all", **query})
    assert reply.status == 200
    return {i["invoice_id"]: i["last_reminder_date"] for i in reply.json["invoices"]}


def test_a_past_due_invoice_of_the_customer_is_reminded_with_what_it_owes(
    api: Api, today: date
) -> None:
    reply = post(api, {"customer_id": "ACME", "invoice_id": "A-1"})
    assert reply.status == 201
    payload = reply.json["payload"]
    assert payload["invoice_id"] == "A-1"
    assert payload["customer_name"] == "Acme Corp"
    assert payload["amount_past_due"] == "600.00"
    due = (today - timedelta(days=70)).isoformat()
    assert payload["invoices"] == [
        {"invoice_id": "A-1", "due_date": due, "open_balance": "600.00", "disputed": False}
    ]


def test_without_an_invoice_the_reminder_lists_every_past_due_invoice_oldest_first(
    api: Api, today: date
) -> None:
    payload = post(api, {"customer_id": "ACME"}).json["payload"]
    assert payload["invoice_id"] is None
    assert [(i["invoice_id"], i["open_balance"]) for i in payload["invoices"]] == [
        ("A-1", "600.00"),
        ("A-2", "250.00"),
    ]
    assert payload["invoices"][1]["due_date"] == (today - timedelta(days=10)).isoformat()
    assert payload["amount_past_due"] == "850.00"  # A-3 is not due yet, A-4 is paid


def test_a_disputed_invoice_past_due_is_reminded_and_marked(api: Api, today: date) -> None:
    payload = post(api, {"customer_id": "BOLT"}).json["payload"]
    assert payload["invoices"] == [
        {
            "invoice_id": "B-2",
            "due_date": (today - timedelta(days=100)).isoformat(),
            "open_balance": "80.00",
            "disputed": True,
        }
    ]


@pytest.mark.parametrize(
    ("customer_id", "invoice_id"),
    [("BOLT", "A-1"), ("ACME", "B-2"), ("ACME", "NOPE-1"), ("ACME", "a-1")],
    ids=["another-customers", "the-other-way", "unknown", "ids-are-exact"],
)
def test_an_invoice_that_is_not_the_customers_is_404_naming_invoice_id(
    api: Api, today: date, customer_id: str, invoice_id: str
) -> None:
    reply = post(api, {"customer_id": customer_id, "invoice_id": invoice_id})
    assert reply.status == 404
    assert reply.json["error"] == "not_found"
    assert "invoice_id" in reply.json["message"]
    assert invoice_id in reply.json["message"]
    assert recorded() == 0


def test_a_paid_invoice_is_409(api: Api, today: date) -> None:
    reply = post(api, {"customer_id": "ACME", "invoice_id": "A-4"})
    assert reply.status == 409
    assert reply.json["error"] == "conflict"
    assert "A-4 is paid" in reply.json["message"]
    assert recorded() == 0


@pytest.mark.parametrize(
    ("customer_id", "invoice_id", "due_in"),
    [("ACME", "A-3", 25), ("BOLT", "B-1", 0)],
    ids=["not-yet-due", "due-today"],
)
def test_an_invoice_not_yet_past_due_is_409(
    api: Api, today: date, customer_id: str, invoice_id: str, due_in: int
) -> None:
    reply = post(api, {"customer_id": customer_id, "invoice_id": invoice_id})
    assert reply.status == 409
    due = (today + timedelta(days=due_in)).isoformat()
    assert f"{invoice_id} is not past due (due {due})" in reply.json["message"]
    assert recorded() == 0


def test_a_customer_with_nothing_past_due_is_409(api: Api, today: date) -> None:
    reply = post(api, {"customer_id": "CALM"})  # C-1 due today, C-2 paid
    assert reply.status == 409
    assert "CALM has nothing past due" in reply.json["message"]
    assert recorded() == 0


def test_an_unknown_customer_is_404_even_with_an_invoice_of_another(api: Api, today: date) -> None:
    reply = post(api, {"customer_id": "ZED", "invoice_id": "A-1"})
    assert reply.status == 404
    assert "customer ZED not found" in reply.json["message"]


def test_the_invoices_a_reminder_names_show_it_as_their_last_reminder(
    api: Api, today: date
) -> None:
    assert set(last_reminders(api, "ACME").values()) == {None}
    assert post(api, {"customer_id": "ACME"}).status == 201

    shown = last_reminders(api, "ACME")
    assert shown == {"A-4": None, "A-1": today.isoformat(), "A-2": today.isoformat(), "A-3": None}
    # As of yesterday no reminder had been sent yet.
    yesterday = (today - timedelta(days=1)).isoformat()
    assert set(last_reminders(api, "ACME", as_of=yesterday).values()) == {None}


def test_a_reminder_dated_ahead_is_not_the_last_reminder_until_its_day(
    api: Api, today: date
) -> None:
    ahead = (today + timedelta(days=3)).isoformat()
    assert post(api, {"customer_id": "ACME", "invoice_id": "A-2"}).status == 201
    body = {"customer_id": "ACME", "invoice_id": "A-2", "remind_date": ahead}
    assert post(api, body).status == 201

    assert last_reminders(api, "ACME")["A-2"] == today.isoformat()


def test_the_same_reminder_again_is_200_and_changes_no_last_reminder(api: Api, today: date) -> None:
    first = post(api, {"customer_id": "ACME", "invoice_id": "A-1"})
    again = post(api, {"customer_id": "ACME", "invoice_id": "A-1"})
    assert (first.status, again.status) == (201, 200)
    assert again.json == first.json
    assert recorded() == 1
    assert last_reminders(api, "ACME")["A-1"] == today.isoformat()
