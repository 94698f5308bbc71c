"""The invoice list through the Bedrock action group: a page of long invoice lines is over the
25 KB Bedrock accepts, so it is asked for again smaller, and its next_token carries on right
after the last invoice shown until every one has been listed, each once, in due-date order.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from action_group_calls import ask as ask_tool
from finance_agent.adapters.action_group_size import MAX_ANSWER_BYTES, answer_size
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.bootstrap import get_ledger
from finance_agent.domain.ledger.records import Customer, Invoice, InvoiceRecord
from finance_agent.routes import route_by_id
from finance_agent.shared.auth import Identity
from finance_agent.shared.clock import today

READER = Identity(principal="bedrock-agent:unverified")
INVOICES = 260  # open, of 40 customers whose names take room


@pytest.fixture(autouse=True)
def _long_ledger() -> None:
    ledger = get_ledger()
    end = today()
    ledger.put_customers(
        Customer(
            customer_id=f"CUST{n:03d}",
            name=f"Customer number {n} of a long ledger, trading as a rather long name",
        )
        for n in range(40)
    )
    ledger.put_invoice_records(
        InvoiceRecord(
            invoice=Invoice(
                invoice_id=f"INVOICE-2026-{n:06d}",
                customer_id=f"CUST{n % 40:03d}",
                issue_date=end - timedelta(days=200 - n % 150),
                due_date=end - timedelta(days=170 - n % 150),
                amount=Decimal("1234.56") + n,
                disputed=n % 17 == 0,
            )
        )
        for n in range(INVOICES)
    )


def ask(**arguments: str) -> tuple[int, dict[str, Any]]:
    status, body, _ = ask_tool("list_invoices", **arguments)
    return status, body


def everything(**arguments: Any) -> list[dict[str, Any]]:
    """Every invoice as the API lists it, page by page."""
    route = route_by_id("list_invoices")
    found: list[dict[str, Any]] = []
    token = None
    while True:
        status, body = call_route(
            route, READER, {**arguments, "limit": 100} | ({"next_token": token} if token else {})
        )
        assert status == 200, body
        found += body["invoices"]
        token = body["next_token"]
        if token is None:
            return found


def test_a_page_of_100_invoices_is_over_the_limit_as_the_api_answers_it() -> None:
    status, body = call_route(route_by_id("list_invoices"), READER, {"limit": 100})
    assert status == 200
    assert answer_size({"body": json.dumps(body)}) > MAX_ANSWER_BYTES


@pytest.mark.parametrize("status", ["open", "all"])
def test_long_invoice_pages_are_asked_for_smaller_and_nothing_is_skipped(status: str) -> None:
    expected = [i["invoice_id"] for i in everything(status=status)]
    assert len(expected) == INVOICES
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        arguments = {"status": status, "limit": "100"} | ({"next_token": token} if token else {})
        code, body = ask(**arguments)
        assert code == 200, body
        pages += 1
        if "truncated" in body:
            cut = body["truncated"]
            assert (cut["field"], cut["asked"]) == ("invoices", 100)
            assert cut["shown"] == len(body["invoices"]) < 100
            assert "next page" in cut["narrow"]
        seen += [i["invoice_id"] for i in body["invoices"]]
        token = body["next_token"]
        if token is None:
            break
        assert pages < 50, "paging does not end"
    assert pages > INVOICES // 100 + 1  # more pages than the API needs: each was cut
    assert seen == expected  # in due-date order, nothing skipped, nothing twice


def test_a_small_page_goes_as_it_is() -> None:
    code, body = ask(limit="5", status="overdue")
    assert code == 200
    assert "truncated" not in body
    assert (
        body
        == call_route(route_by_id("list_invoices"), READER, {"limit": 5, "status": "overdue"})[1]
    )


def test_the_action_group_refuses_what_the_api_refuses() -> None:
    code, body = ask(status="late")
    assert code == 400
    assert [d["field"] for d in body["details"]] == ["status"]
