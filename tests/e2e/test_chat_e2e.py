"""``finance-agent serve`` with nothing configured: the chat answers with the tools' figures.

No JWT_SECRET, no Bedrock settings: the server seeds the demo data, prints a token, and
POST /agent/chat is answered by the local provider from the same routes a client calls.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from ledger_fixtures import write_demo_ledger

from .conftest import LocalServer, ServerFactory


def money(value: Any, currency: str) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f} {currency}"


def printed_token(server: LocalServer) -> str:
    lines = [line.strip() for line in server.stdout().splitlines()]
    (line,) = [line for line in lines if line.startswith("export TOKEN=")]
    return line.removeprefix("export TOKEN=").strip("'")


@pytest.fixture
def client(server_factory: ServerFactory) -> Any:
    server = server_factory("unconfigured")
    write_demo_ledger(server.repo())  # the demo books, if the seed has not written them
    with server.client(printed_token(server)) as http:
        yield http


def chat(client: httpx.Client, message: str) -> dict[str, Any]:
    response = client.post("/agent/chat", json={"message": message})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["provider"] == "local"
    return body


def test_revenue_and_overdue_customers_match_the_tool_routes(client: httpx.Client) -> None:
    kpis = client.get("/agent/tools/kpis", params={"period": "last_30d"}).json()
    answer = chat(client, "what was revenue in the last 30 days?")
    assert answer["tools_used"] == ["get_kpis"]
    assert f"revenue was {money(kpis['revenue'], kpis['currency'])}" in answer["reply"]
    assert f"({kpis['start_date']} to {kpis['end_date']})" in answer["reply"]

    aging = client.get("/agent/tools/ar-aging", params={"min_days_overdue": 61}).json()
    rows, cur = aging["customers"], aging["currency"]
    over_60 = sum(
        (Decimal(str(r["days_61_90"])) + Decimal(str(r["days_over_90"])) for r in rows),
        Decimal(0),
    )
    answer = chat(client, "which customers are more than 60 days overdue?")
    assert answer["tools_used"] == ["get_ar_aging"]
    assert f"{len(rows)} customers owe money more than 60 days past due" in answer["reply"]
    assert f"{money(over_60, cur)} in all" in answer["reply"]
    top = rows[0]  # the route lists the most overdue first
    top_owed = Decimal(str(top["days_61_90"])) + Decimal(str(top["days_over_90"]))
    assert (
        f"{top['customer_name']} ({top['customer_id']}) {money(top_owed, cur)}" in (answer["reply"])
    )
