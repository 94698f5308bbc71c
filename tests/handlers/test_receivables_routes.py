"""GET /agent/tools/ar-aging and GET /agent/tools/invoices on the small books
(tests/ledger_fixtures.py): figures as of a day, both bases, statuses, pages, and the 400s
that name their rule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from finance_agent.bootstrap import get_ledger, get_repo
from finance_agent.domain.usecases.list_invoices import ListInvoicesUC
from finance_agent.shared import clock
from ledger_fixtures import FIRST_ISSUE_AGO, INVOICE_FIELDS, write_small_books

AR_AGING = "/agent/tools/ar-aging"
INVOICES = "/agent/tools/invoices"
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")

Api = Callable[..., Any]


@pytest.fixture
def today() -> date:
    return write_small_books(get_repo())


def ago(today: date, days: int) -> str:
    return (today - timedelta(days=days)).isoformat()


def aging(api: Api, **query: str) -> dict[str, Any]:
    reply = api("GET", AR_AGING, query)
    assert reply.status == 200, reply.text
    body: dict[str, Any] = reply.exact_json
    return body


def rows_by_id(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["customer_id"]: row for row in body["customers"]}


def buckets(row: dict[str, Any]) -> tuple[Decimal, ...]:
    return tuple(row[name] for name in BUCKETS)


def invoices(api: Api, **query: str) -> dict[str, Any]:
    reply = api("GET", INVOICES, query)
    assert reply.status == 200, reply.text
    body: dict[str, Any] = reply.exact_json
    return body


def ids(body: dict[str, Any]) -> list[str]:
    return [i["invoice_id"] for i in body["invoices"]]


# -- ar-aging ---------------------------------------------------------------------------------


def test_aging_today_by_due_date_most_overdue_first(api: Api, today: date) -> None:
    body = aging(api)
    assert (body["as_of"], body["basis"], body["currency"]) == (
        today.isoformat(),
        "due_date",
        "USD",
    )
    assert [r["customer_id"] for r in body["customers"]] == ["ACME", "BOLT", "CALM"]
    rows = rows_by_id(body)
    assert buckets(rows["ACME"]) == (300, 250, 0, 600, 0)
    assert rows["ACME"]["total"] == Decimal("1150.00")
    assert buckets(rows["BOLT"]) == (120, 0, 0, 0, 80)  # B-1 is due today: current
    assert rows["BOLT"]["disputed"] == Decimal("80.00")
    assert buckets(rows["CALM"]) == (75, 0, 0, 0, 0)
    for row in body["customers"]:
        assert row["total"] == sum(buckets(row))


def test_a_customer_without_an_email_has_a_null_email(api: Api, today: date) -> None:
    rows = rows_by_id(aging(api))
    assert rows["BOLT"]["email"] is None
    assert rows["ACME"]["email"] == "ap@acme.example"


def test_aging_as_of_a_past_day_counts_payments_made_after_it_as_open(
    api: Api, today: date
) -> None:
    body = aging(api, as_of=ago(today, 60))
    assert body["as_of"] == ago(today, 60)
    rows = rows_by_id(body)
    # A-1 was due 10 days before and its 400.00 came 10 days after: all 1000.00 open.
    assert buckets(rows["ACME"]) == (0, 1000, 0, 0, 0)
    assert buckets(rows["BOLT"]) == (0, 0, 80, 0, 0)
    assert buckets(rows["CALM"]) == (60, 0, 0, 0, 0)  # C-2 issued that day, paid later


def test_aging_by_invoice_date_counts_days_since_issue(api: Api, today: date) -> None:
    rows = rows_by_id(aging(api, basis="invoice_date"))
    assert buckets(rows["ACME"]) == (300, 0, 250, 0, 600)
    assert buckets(rows["BOLT"]) == (120, 0, 0, 0, 80)
    assert rows["ACME"]["total"] == Decimal("1150.00")  # the same money, aged otherwise


def test_min_days_overdue_keeps_working_with_as_of(api: Api, today: date) -> None:
    body = aging(api, min_days_overdue="61")
    assert [r["customer_id"] for r in body["customers"]] == ["ACME", "BOLT"]
    assert body["min_days_overdue"] == 61
    assert aging(api, min_days_overdue="61", as_of=ago(today, 60))["customers"] == []


def test_the_first_invoice_s_issue_date_is_the_earliest_as_of(api: Api, today: date) -> None:
    first = ago(today, FIRST_ISSUE_AGO)
    assert get_ledger().first_issue_date() == date.fromisoformat(first)
    assert aging(api, as_of=first)["as_of"] == first
    reply = api("GET", AR_AGING, {"as_of": ago(today, FIRST_ISSUE_AGO + 1)})
    assert reply.status == 400
    (detail,) = reply.json["details"]
    assert detail == {
        "field": "as_of",
        "rule": f"must not be before the first invoice's issue date ({first})",
    }


@pytest.mark.parametrize("path", [AR_AGING, INVOICES])
def test_as_of_after_today_is_a_400_naming_the_rule(api: Api, today: date, path: str) -> None:
    reply = api("GET", path, {"as_of": (today + timedelta(days=1)).isoformat()})
    assert reply.status == 400
    assert reply.json["details"] == [
        {"field": "as_of", "rule": f"must not be after today ({today.isoformat()})"}
    ]


def test_a_basis_other_than_the_two_is_a_400_naming_them(api: Api, today: date) -> None:
    reply = api("GET", AR_AGING, {"basis": "issue_date"})
    assert reply.status == 400
    assert reply.json["details"] == [
        {"field": "basis", "rule": "must be one of due_date, invoice_date"}
    ]


def test_an_as_of_that_reads_two_ways_is_refused(api: Api, today: date) -> None:
    reply = api("GET", AR_AGING, {"as_of": "03/04/2026"})
    assert reply.status == 400
    assert reply.json["details"] == [{"field": "as_of", "rule": "must be a date as YYYY-MM-DD"}]


def test_an_empty_ledger_answers_no_customers_as_of_today(api: Api) -> None:
    body = aging(api)
    assert (body["customers"], body["as_of"]) == ([], clock.today().isoformat())
    assert invoices(api, status="all") == {"invoices": [], "next_token": None}


# -- invoices ---------------------------------------------------------------------------------


def test_open_invoices_today_in_due_date_order_with_their_figures(api: Api, today: date) -> None:
    body = invoices(api)
    assert ids(body) == ["B-2", "A-1", "A-2", "B-1", "C-1", "A-3"]
    assert body["next_token"] is None
    first = body["invoices"][1]
    assert set(first) == INVOICE_FIELDS
    assert first == {
        "invoice_id": "A-1",
        "customer_id": "ACME",
        "customer_name": "Acme Corp",
        "issue_date": ago(today, 100),
        "due_date": ago(today, 70),
        "amount": Decimal("1000.00"),
        "open_balance": Decimal("600.00"),
        "days_past_due": 70,
        "bucket": "days_61_90",
        "disputed": False,
        "last_reminder_date": None,
    }
    assert body["invoices"][0]["disputed"] is True
    due_today = body["invoices"][3]
    assert (due_today["days_past_due"], due_today["bucket"]) == (0, "current")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", ["A-1", "A-2", "A-3"]),
        ("overdue", ["A-1", "A-2"]),
        ("paid", ["A-4"]),
        ("all", ["A-4", "A-1", "A-2", "A-3"]),
    ],
)
def test_each_status_of_one_customer(
    api: Api, today: date, status: str, expected: list[str]
) -> None:
    assert ids(invoices(api, customer_id="ACME", status=status)) == expected


def test_invoices_as_of_a_past_day(api: Api, today: date) -> None:
    body = invoices(api, as_of=ago(today, 60), status="all")
    # Issued by then: A-4 (paid), A-1, B-2, C-2; A-1 was still open in full.
    assert ids(body) == ["A-4", "B-2", "A-1", "C-2"]
    a1 = body["invoices"][2]
    assert (a1["open_balance"], a1["days_past_due"], a1["bucket"]) == (1000, 10, "days_1_30")
    assert ids(invoices(api, as_of=ago(today, 60), status="paid")) == ["A-4"]
    assert ids(invoices(api, as_of=ago(today, 60), status="overdue")) == ["B-2", "A-1"]


@pytest.mark.parametrize("status", ["open", "all"])
def test_pages_follow_each_other_with_next_token_and_end(
    api: Api, today: date, status: str
) -> None:
    expected = ids(invoices(api, status=status))
    seen: list[str] = []
    token: str | None = None
    for _ in range(10):
        query = {"status": status, "limit": "2"} | ({"next_token": token} if token else {})
        body = invoices(api, **query)
        assert len(body["invoices"]) <= 2
        seen += ids(body)
        token = body["next_token"]
        if token is None:
            break
    assert seen == expected


def test_a_token_used_with_another_query_is_a_400(api: Api, today: date) -> None:
    token = invoices(api, limit="1")["next_token"]
    assert token
    for other in ({"status": "all"}, {"customer_id": "ACME"}, {"as_of": ago(today, 1)}):
        reply = api("GET", INVOICES, {"limit": "1", "next_token": token, **other})
        assert reply.status == 400
        assert reply.error_fields() == ["next_token"]


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("status", "late", "must be one of open, overdue, paid, all"),
        ("limit", "0", "must be a whole number from 1 to 100"),
        ("limit", "101", "must be a whole number from 1 to 100"),
        (
            "next_token",
            "bm90IGEgdG9rZW4",
            "must be the next_token of the previous page of the same list",
        ),
    ],
)
def test_invoice_list_inputs_are_checked_naming_the_rule(
    api: Api, today: date, name: str, value: str, rule: str
) -> None:
    reply = api("GET", INVOICES, {name: value})
    assert reply.status == 400
    assert reply.json["details"] == [{"field": name, "rule": rule}]


def test_an_unknown_customer_has_no_invoices(api: Api, today: date) -> None:
    assert invoices(api, customer_id="NOBODY") == {"invoices": [], "next_token": None}


def test_the_route_answers_what_the_use_case_gives(api: Api, today: date) -> None:
    expected = ListInvoicesUC(get_ledger()).execute(status="all", limit=3)
    body = api("GET", INVOICES, {"status": "all", "limit": "3"}).json
    assert body == expected.model_dump(mode="json")
