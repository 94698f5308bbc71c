"""The action group's answers stay under the 25 KB Bedrock accepts, and say what they left out.

A store with a year of sales, 300 customers and 120 actions makes the long answers long; each
is compared with what the API itself answers for the same arguments.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from action_group_calls import ask
from demo_ledger_fixtures import put_aging
from finance_agent.adapters.action_group_size import MAX_ANSWER_BYTES, answer_size, fit
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.bootstrap import get_repo
from finance_agent.domain.models import ARAging, SalesDay
from finance_agent.routes import route_by_id
from finance_agent.shared.auth import Identity
from finance_agent.shared.clock import today

READER = Identity(principal="bedrock-agent:unverified")
CUSTOMERS = 300
ACTIONS = 120


@pytest.fixture(autouse=True)
def _large_store() -> None:
    repo = get_repo()
    end = today()
    repo.put_sales_days(
        SalesDay(
            date=end - timedelta(days=back),
            revenue=Decimal("1234567.89") + back,  # a business of some size
            cogs=Decimal("701234.56") + back,
        )
        for back in range(365)
    )
    put_aging(
        repo,
        (
            ARAging(
                customer_id=f"CUST{n:04d}",
                customer_name=f"Customer number {n} of a long ledger",
                email=f"ap@customer-{n}.example.com",
                current=Decimal(100),
                days_1_30=Decimal(200),
                days_31_60=Decimal(0),
                days_61_90=Decimal(n),
                days_over_90=Decimal(0),
            )
            for n in range(1, CUSTOMERS + 1)
        ),
        end,
    )
    for n in range(ACTIONS):
        repo.create_agent_action(
            "collection_reminder", {"customer_id": f"CUST{n:04d}", "note": "x" * 300}, "ana"
        )


def api(operation_id: str, **arguments: Any) -> dict[str, Any]:
    status, body = call_route(route_by_id(operation_id), READER, arguments)
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def test_a_year_of_forecast_keeps_the_first_days_and_the_whole_total() -> None:
    full = api("cashflow_forecast", horizon=365, method="auto")  # the chat's method
    assert answer_size({"body": json.dumps(full)}) > MAX_ANSWER_BYTES  # too big as it is
    status, body, _ = ask("cashflow_forecast", horizon="365")
    assert status == 200
    cut = body["truncated"]
    assert cut["field"] == "points"
    assert cut["total"] == 365
    assert 100 < cut["shown"] < 365
    assert cut["kept"] == "the first"
    assert "25 KB" in cut["reason"]
    assert "shorter horizon" in cut["narrow"]
    assert body["points"] == full["points"][: cut["shown"]]
    # The figures outside the list still cover the whole horizon.
    assert (body["total"], body["horizon_days"]) == (full["total"], 365)


def test_a_year_of_sales_keeps_the_most_recent_days() -> None:
    full = api("get_sales", days=365)
    status, body, _ = ask("get_sales", days="365")
    assert status == 200
    cut = body["truncated"]
    assert (cut["field"], cut["total"], cut["kept"]) == ("days", 365, "the last")
    assert body["days"] == full["days"][-cut["shown"] :]
    assert body["days"][-1]["date"] == today().isoformat()


def test_a_long_ledger_keeps_the_most_overdue_customers() -> None:
    full = api("get_ar_aging")
    status, body, _ = ask("get_ar_aging")
    assert status == 200
    cut = body["truncated"]
    assert (cut["field"], cut["total"]) == ("customers", CUSTOMERS)
    assert body["customers"] == full["customers"][: cut["shown"]]
    assert body["customers"][0]["customer_id"] == f"CUST{CUSTOMERS:04d}"  # owes most over 60


def test_a_page_too_large_is_asked_for_smaller_and_its_token_carries_on() -> None:
    first = api("list_actions", limit=100)
    rest = api("list_actions", limit=100, next_token=first["next_token"])
    everything = [a["action_id"] for a in first["items"] + rest["items"]]
    assert len(everything) == ACTIONS
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        arguments = {"limit": "100"} | ({"next_token": token} if token else {})
        status, body, _ = ask("list_actions", **arguments)
        assert status == 200
        pages += 1
        if "truncated" in body:
            assert body["truncated"]["asked"] == 100
            assert body["truncated"]["shown"] == len(body["items"]) < 100
        seen += [a["action_id"] for a in body["items"]]
        token = body.get("next_token")
        if token is None:
            break
    assert pages > 2  # 120 actions of this size do not fit in two answers
    assert seen == everything  # nothing skipped, nothing twice, newest first


def test_a_small_answer_goes_as_it_is() -> None:
    status, body, _ = ask("get_sales", days="30")
    assert status == 200
    assert "truncated" not in body
    assert body == api("get_sales", days=30)


def test_an_answer_with_no_list_to_cut_is_a_413() -> None:
    route = route_by_id("get_kpis")

    def measure(status: int, body: Any) -> int:
        return len(json.dumps(body))

    def never(arguments: Any) -> Any:
        raise AssertionError("no second call")

    status, body = fit(route, 200, {"note": "x" * 30_000}, {}, measure, never)
    assert status == 413
    assert body["error"] == "response_too_large"
    assert "25 KB" in body["message"]
