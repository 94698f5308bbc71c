"""``finance-agent serve`` end to end: a real process on a free port, driven over HTTP."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from pydantic import BaseModel

from finance_agent.domain.models import ActionPage, AgentAction
from finance_agent.domain.usecases import (
    CashflowForecastUC,
    DetectAnomaliesUC,
    GetKPIsUC,
    GetSalesHistoryUC,
    ListActionsUC,
)
from finance_agent.domain.usecases.create_collection_reminder import past_due_invoices
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC
from finance_agent.domain.usecases.list_invoices import ListInvoicesUC
from finance_agent.routes import ROUTES
from finance_agent.shared import clock
from finance_agent.tools.seed_data import seed
from ledger_fixtures import write_demo_ledger

from .conftest import SECRET, LocalServer, ServerFactory, make_token

REMINDER = "/agent/actions/collection-reminder"
GET_ROUTES = [route for route in ROUTES if route.method == "GET"]


def as_json(model: BaseModel) -> Any:
    return json.loads(model.model_dump_json())


# Each reminder a test sends is dated a day of its own, so no two tests send the same one
# (today is left to the test of the last reminder date).
_REMINDER_DAYS = itertools.count()


def past_due_invoice(server: LocalServer) -> tuple[str, str]:
    """(customer, invoice) of the demo books with money past due today."""
    repo = server.repo()
    write_demo_ledger(repo)
    debtor = AgingAsOfUC(repo).execute(min_days_overdue=1).customers[0].customer_id
    first = next(past_due_invoices(repo, debtor, clock.today()))
    return debtor, first.invoice_id


def reminder_body(server: LocalServer) -> dict[str, str]:
    """A reminder about a past-due invoice of the demo books that no test has sent."""
    customer_id, invoice_id = past_due_invoice(server)
    day = clock.today() + timedelta(days=1 + next(_REMINDER_DAYS) % 365)
    return {"customer_id": customer_id, "invoice_id": invoice_id, "remind_date": day.isoformat()}


def actions_for(server: LocalServer, body: dict[str, str]) -> list[AgentAction]:
    """The recorded actions of the reminder ``body`` asks for."""
    page = server.repo().list_agent_actions(limit=100)
    return [
        a
        for a in page.items
        if (a.payload.get("invoice_id"), a.payload.get("remind_date"))
        == (body["invoice_id"], body["remind_date"])
    ]


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == code
    assert body["message"]
    assert isinstance(body["details"], list)
    return body


# -- start-up ----------------------------------------------------------------------------------


def test_an_empty_store_is_seeded_with_demo_data_through_today(server: LocalServer) -> None:
    repo = server.repo()
    assert repo.latest_sales_date() == clock.today()
    assert len(repo.list_customers()) == 50  # the demo customers, with their books
    assert repo.first_issue_date() is not None
    assert repo.get_agent_action("action-001") is not None
    assert "demo data" in server.stdout()


def test_a_port_in_use_is_one_line_naming_the_address_and_what_to_try(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = {**os.environ, "SQLITE_PATH": str(tmp_path / "finance.db"), "JWT_SECRET": SECRET}
        refused = subprocess.run(
            [sys.executable, "-m", "finance_agent.cli", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
    (line,) = refused.stderr.strip().splitlines()
    assert line.startswith(f"finance-agent: error: cannot listen on 127.0.0.1:{port}: ")
    assert line.endswith("choose another port with --port, or --port 0 for any free one")
    assert refused.returncode == 1
    assert refused.stdout == ""


def test_the_banner_prints_the_url_and_how_to_authenticate(server: LocalServer) -> None:
    out = server.stdout()
    assert server.url in out
    assert "Authorization: Bearer" in out
    assert "export TOKEN=" in out
    assert "curl " in out


# -- every route -------------------------------------------------------------------------------


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.operation_id)
def test_every_read_route_answers_200_with_its_response_model(
    api: httpx.Client, route: Any
) -> None:
    response = api.get(route.path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    schema = route.response_model.model_json_schema(mode="serialization")
    jsonschema.validate(response.json(), schema)


def test_kpis_equal_what_the_use_case_computes(server: LocalServer, api: httpx.Client) -> None:
    response = api.get("/agent/tools/kpis", params={"period": "last_90d"})
    expected = GetKPIsUC(server.repo()).execute(period="last_90d")
    assert response.json() == as_json(expected)


def test_cashflow_equals_what_the_use_case_computes(server: LocalServer, api: httpx.Client) -> None:
    response = api.get("/agent/tools/cashflow", params={"horizon": 14})
    expected = CashflowForecastUC(server.repo()).execute(horizon_days=14)
    assert response.json() == as_json(expected)
    assert len(response.json()["points"]) == 14


def test_anomalies_find_the_seeded_unusual_days(server: LocalServer, api: httpx.Client) -> None:
    response = api.get("/agent/tools/anomalies", params={"period": "last_60d", "threshold": 2})
    expected = DetectAnomaliesUC(server.repo(), threshold=2.0).execute(period="last_60d")
    assert response.json() == as_json(expected)
    assert len(response.json()["anomalies"]) >= 4


def test_sales_equal_the_stored_series(server: LocalServer, api: httpx.Client) -> None:
    response = api.get("/agent/tools/sales", params={"days": 30})
    start, end, days = GetSalesHistoryUC(server.repo()).execute(days=30)
    series = response.json()
    assert (series["start_date"], series["end_date"]) == (start.isoformat(), end.isoformat())
    assert series["days"] == [as_json(day) for day in days]
    assert len(days) == 30


def test_ar_aging_lists_the_overdue_customers(server: LocalServer, api: httpx.Client) -> None:
    write_demo_ledger(server.repo())
    response = api.get("/agent/tools/ar-aging", params={"min_days_overdue": 61})
    expected = AgingAsOfUC(server.repo()).execute(min_days_overdue=61).customers
    assert response.json()["customers"] == [as_json(row) for row in expected]
    assert expected  # the demo data has seriously overdue customers


def test_ar_aging_as_of_a_past_day_by_invoice_date(server: LocalServer, api: httpx.Client) -> None:
    write_demo_ledger(server.repo())
    day = (clock.today() - timedelta(days=45)).isoformat()
    query = {"as_of": day, "basis": "invoice_date"}
    response = api.get("/agent/tools/ar-aging", params=query)
    assert response.status_code == 200, response.text
    expected = AgingAsOfUC(server.repo()).execute(as_of=day, basis="invoice_date")
    assert response.json()["customers"] == [as_json(row) for row in expected.customers]
    assert (response.json()["as_of"], response.json()["basis"]) == (day, "invoice_date")
    later = (clock.today() + timedelta(days=1)).isoformat()
    body = assert_error(
        api.get("/agent/tools/ar-aging", params={"as_of": later}), 400, "validation_error"
    )
    assert body["details"][0]["field"] == "as_of"


def test_invoices_page_through_in_due_date_order(server: LocalServer, api: httpx.Client) -> None:
    write_demo_ledger(server.repo())
    customer_id, _ = past_due_invoice(server)
    query: dict[str, Any] = {"customer_id": customer_id, "status": "all", "limit": 7}
    seen: list[dict[str, Any]] = []
    while True:
        response = api.get("/agent/tools/invoices", params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["invoices"]) <= 7
        seen += page["invoices"]
        if page["next_token"] is None:
            break
        query["next_token"] = page["next_token"]
    expected = ListInvoicesUC(server.repo()).execute(
        customer_id=customer_id, status="all", limit=100
    )
    assert seen == [as_json(view) for view in expected.invoices]
    assert [i["due_date"] for i in seen] == sorted(i["due_date"] for i in seen)
    overdue = api.get("/agent/tools/invoices", params={"status": "overdue"}).json()["invoices"]
    assert overdue
    assert all(i["days_past_due"] > 0 and i["open_balance"] > 0 for i in overdue)


def test_a_reminder_shows_as_the_invoice_s_last_reminder(
    server: LocalServer, api: httpx.Client
) -> None:
    customer_id, invoice_id = past_due_invoice(server)
    today = clock.today().isoformat()
    body = {"customer_id": customer_id, "invoice_id": invoice_id}
    assert api.post(REMINDER, json=body).status_code in (200, 201)
    params = {"customer_id": customer_id, "status": "overdue", "limit": 100}
    listed = api.get("/agent/tools/invoices", params=params).json()["invoices"]
    (shown,) = [i for i in listed if i["invoice_id"] == invoice_id]
    assert shown["last_reminder_date"] == today


def test_actions_come_newest_first_a_page_at_a_time(server: LocalServer, api: httpx.Client) -> None:
    first = api.get("/agent/actions", params={"limit": 3})
    assert first.json() == as_json(ListActionsUC(server.repo()).execute(limit=3))
    page = ActionPage.model_validate(first.json())
    assert len(page.items) == 3
    assert page.next_token is not None
    second = ActionPage.model_validate(
        api.get("/agent/actions", params={"limit": 3, "next_token": page.next_token}).json()
    )
    assert {a.action_id for a in page.items}.isdisjoint(a.action_id for a in second.items)
    assert page.items[-1].created_at >= second.items[0].created_at


def test_a_reminder_is_recorded_by_the_verified_caller(
    server: LocalServer, api: httpx.Client
) -> None:
    body = reminder_body(server)
    response = api.post(REMINDER, json={**body, "performed_by": "someone@else"})
    assert_error(response, 400, "validation_error")  # performed_by is never a body field
    response = api.post(REMINDER, json=body)
    assert response.status_code == 201, response.text
    action = AgentAction.model_validate(response.json())
    assert action.action == "collection_reminder"
    assert action.performed_by == "tester@example.com"
    assert action.payload["invoice_id"] == body["invoice_id"]
    assert server.repo().get_agent_action(action.action_id) == action


def test_the_same_reminder_again_answers_200_with_the_existing_action(
    server: LocalServer, api: httpx.Client
) -> None:
    body = reminder_body(server)
    first = api.post(REMINDER, json=body)
    again = api.post(REMINDER, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(actions_for(server, body)) == 1


def test_a_reminder_for_an_unknown_customer_is_404(api: httpx.Client) -> None:
    response = api.post(REMINDER, json={"customer_id": "NOPE999"})
    assert_error(response, 404, "not_found")


def test_openapi_document_describes_every_route(
    server: LocalServer, anonymous: httpx.Client
) -> None:
    response = anonymous.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    for route in ROUTES:
        assert route.method.lower() in document["paths"][route.path]
    assert server.url in json.dumps(document.get("servers", []))


def test_the_openapi_command_prints_the_document_the_server_serves(
    anonymous: httpx.Client,
) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "finance_agent.cli", "openapi"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    document = json.loads(printed.stdout)
    served = anonymous.get("/openapi.json").json()
    assert document["paths"] == served["paths"]
    assert document["components"] == served["components"]


def test_the_root_points_to_the_openapi_document(anonymous: httpx.Client) -> None:
    response = anonymous.get("/")
    assert response.status_code == 200
    assert response.json()["openapi"] == "/openapi.json"


# -- authentication and scope ------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_route_without_a_token_is_401(anonymous: httpx.Client, route: Any) -> None:
    response = anonymous.request(route.method, route.path, json={"customer_id": "CUST001"})
    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "authorization",
    [
        f"Bearer {make_token('another-secret-that-is-long-enough-for-hs256')}",
        f"Bearer {make_token(expires_in=timedelta(minutes=-5))}",
        f"Bearer {make_token(algorithm='HS512')}",
        "Bearer not-a-token",
        f"Basic {make_token()}",
        "Bearer",
    ],
    ids=["bad-signature", "expired", "other-algorithm", "garbage", "not-bearer", "empty"],
)
def test_a_bad_token_is_401(server: LocalServer, authorization: str) -> None:
    body = reminder_body(server)
    with server.client() as client:
        response = client.post(REMINDER, json=body, headers={"Authorization": authorization})
        assert_error(response, 401, "unauthorized")
        assert_error(
            client.get("/agent/tools/kpis", headers={"Authorization": authorization}),
            401,
            "unauthorized",
        )
    assert actions_for(server, body) == []


def test_alg_none_is_refused(anonymous: httpx.Client) -> None:
    import jwt

    unsigned = jwt.encode({"sub": "x", "scope": "agent:actions"}, key=None, algorithm="none")
    response = anonymous.get("/agent/tools/kpis", headers={"Authorization": f"Bearer {unsigned}"})
    assert_error(response, 401, "unauthorized")


def test_a_reminder_without_the_actions_scope_is_403(server: LocalServer) -> None:
    body = reminder_body(server)
    with server.client(make_token(scope=None)) as client:
        assert client.get("/agent/tools/kpis").status_code == 200  # reading needs no scope
        assert_error(client.post(REMINDER, json=body), 403, "forbidden")
    with server.client(make_token(scope="agent:read")) as client:
        assert_error(client.post(REMINDER, json=body), 403, "forbidden")
    assert actions_for(server, body) == []


def test_a_scope_list_claim_reaches_the_handler_as_api_gateway_passes_it(
    server: LocalServer,
) -> None:
    # Arrays arrive stringified as "[a b]"; the handler still finds the scope.
    with server.client(make_token(scope=["agent:read", "agent:actions"])) as client:
        assert client.post(REMINDER, json=reminder_body(server)).status_code == 201


def test_the_subject_is_the_identity_when_there_is_no_email(server: LocalServer) -> None:
    with server.client(make_token(email=None)) as client:
        response = client.post(REMINDER, json=reminder_body(server))
    assert response.status_code == 201
    assert response.json()["performed_by"] == "tester"


# -- bad input, unknown paths ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/agent/actions", {"limit": "500"}, "limit"),
        ("/agent/actions", {"limit": "0"}, "limit"),
        ("/agent/actions", {"next_token": "not-a-cursor"}, "next_token"),
        ("/agent/tools/cashflow", {"horizon": "0"}, "horizon"),
        ("/agent/tools/cashflow", {"horizon": "366"}, "horizon"),
        ("/agent/tools/anomalies", {"threshold": "-1"}, "threshold"),
        ("/agent/tools/anomalies", {"period": "last_0d"}, "period"),
        ("/agent/tools/kpis", {"period": "yesterday"}, "period"),
        ("/agent/tools/kpis", {"period": "last_366d"}, "period"),
        ("/agent/tools/kpis", {"limt": "5"}, "limt"),
        ("/agent/tools/sales", {"days": "abc"}, "days"),
        ("/agent/tools/ar-aging", {"min_days_overdue": "-1"}, "min_days_overdue"),
    ],
)
def test_out_of_range_parameters_are_400_naming_the_field_and_rule(
    api: httpx.Client, path: str, params: dict[str, str], field: str
) -> None:
    body = assert_error(api.get(path, params=params), 400, "validation_error")
    assert any(d["field"] == field and d["rule"] for d in body["details"]), body


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('{"customer_id": "bad id!"}', "customer_id"),
        ('{"invoice_id": "INV-1"}', "customer_id"),
        ('{"customer_id": "CUST001", "remind_date": "2000-01-01"}', "remind_date"),
        ("[1, 2]", "body"),
        ("not json", "body"),
        ("", "body"),
    ],
)
def test_a_bad_reminder_body_is_400_naming_the_field(
    api: httpx.Client, content: str, field: str
) -> None:
    response = api.post(REMINDER, content=content, headers={"Content-Type": "application/json"})
    body = assert_error(response, 400, "validation_error")
    assert any(d["field"] == field and d["rule"] for d in body["details"]), body


def test_an_unknown_path_is_404_in_the_error_format(api: httpx.Client) -> None:
    response = api.get("/agent/tools/nothing-here")
    assert_error(response, 404, "not_found")
    assert response.headers["x-request-id"]


def test_another_method_on_a_known_path_is_405(api: httpx.Client) -> None:
    response = api.delete("/agent/actions")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "GET"
    assert api.get(REMINDER).headers["allow"] == "POST"


# -- CORS and request ids ----------------------------------------------------------------------


def test_cors_preflight_is_answered_without_a_token(anonymous: httpx.Client) -> None:
    response = anonymous.options(
        REMINDER,
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "Idempotency-Key" in response.headers["access-control-allow-headers"]
    assert "Authorization" in response.headers["access-control-allow-headers"]


def test_responses_carry_cors_headers_and_a_request_id(
    server: LocalServer, api: httpx.Client
) -> None:
    seen = set()
    for path in ("/agent/tools/kpis", "/agent/tools/kpis?period=bad", "/nowhere"):
        response = api.get(path, headers={"Origin": "http://localhost:5173"})
        assert response.headers["access-control-allow-origin"] == "*"
        assert "X-Request-Id" in response.headers["access-control-expose-headers"]
        request_id = response.headers["x-request-id"]
        assert uuid.UUID(request_id)
        seen.add(request_id)
    unauthorized = httpx.get(f"{server.url}/agent/tools/kpis")
    assert uuid.UUID(unauthorized.headers["x-request-id"])
    assert len(seen) == 3


# -- idempotency and concurrency ---------------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_replays_the_first_response(
    server: LocalServer, api: httpx.Client
) -> None:
    body = reminder_body(server)
    key = {"Idempotency-Key": f"retry-{uuid.uuid4()}"}
    first = api.post(REMINDER, json=body, headers=key)
    retry = api.post(REMINDER, json=body, headers=key)
    assert first.status_code == 201, first.text
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert retry.headers.get("idempotent-replayed") == "true"
    assert len(actions_for(server, body)) == 1


def test_the_same_idempotency_key_with_another_body_is_409(
    server: LocalServer, api: httpx.Client
) -> None:
    key = {"Idempotency-Key": f"conflict-{uuid.uuid4()}"}
    first_body, other_body = reminder_body(server), reminder_body(server)
    assert api.post(REMINDER, json=first_body, headers=key).status_code == 201
    assert_error(api.post(REMINDER, json=other_body, headers=key), 409, "conflict")
    assert actions_for(server, other_body) == []


def _post_concurrently(
    server: LocalServer, token: str, body: dict[str, str], headers: dict[str, str], count: int = 8
) -> list[httpx.Response]:
    barrier = threading.Barrier(count)

    def post(_: int) -> httpx.Response:
        with server.client(token) as client:
            barrier.wait()
            return client.post(REMINDER, json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(post, range(count)))


@pytest.mark.parametrize("with_key", [True, False], ids=["same-key", "no-key"])
def test_concurrent_duplicate_posts_create_exactly_one_action(
    server: LocalServer, token: str, with_key: bool
) -> None:
    body = reminder_body(server)
    headers = {"Idempotency-Key": f"burst-{uuid.uuid4()}"} if with_key else {}
    responses = _post_concurrently(server, token, body, headers)
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses]
    assert len({r.json()["action_id"] for r in responses}) == 1
    assert len(actions_for(server, body)) == 1
    if not with_key:
        assert sorted(r.status_code for r in responses) == [200] * 7 + [201]


# -- a server without JWT_SECRET, on a demo store that went stale ------------------------------


def _printed(server: LocalServer, prefix: str) -> list[str]:
    lines = [line.strip() for line in server.stdout().splitlines()]
    return [line for line in lines if line.startswith(prefix)]


def _printed_token(server: LocalServer) -> str:
    (line,) = _printed(server, "export TOKEN=")
    return line.removeprefix("export TOKEN=").strip("'")


@pytest.fixture
def secretless(server_factory: ServerFactory, tmp_path: Any) -> LocalServer:
    """A server with no JWT_SECRET on a demo store whose sales stopped ten days ago."""
    from finance_agent.infra.sqlite_repo import SqliteRepo

    folder = tmp_path / "secretless"
    folder.mkdir()
    stale = clock.today() - timedelta(days=10)
    seed(SqliteRepo(folder / "finance.db"), today=stale)
    write_demo_ledger(SqliteRepo(folder / "finance.db"), today=stale)
    return server_factory("secretless")


def test_without_jwt_secret_the_printed_token_works(secretless: LocalServer) -> None:
    token = _printed_token(secretless)
    with secretless.client(token) as client:
        assert client.get("/agent/tools/kpis").status_code == 200
        created = client.post(REMINDER, json=reminder_body(secretless))
        assert created.status_code == 201, created.text
        assert created.json()["performed_by"] == "local@finance-agent.local"
    # The run's secret is its own: a token made with any other one is refused.
    with secretless.client(make_token(SECRET)) as client:
        assert_error(client.get("/agent/tools/kpis"), 401, "unauthorized")


def test_a_stale_demo_store_is_extended_to_today(secretless: LocalServer) -> None:
    repo = secretless.repo()
    assert repo.latest_sales_date() == clock.today()
    assert "extending it to" in secretless.stdout()


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("curl") is None, reason="curl")
def test_the_printed_curl_examples_work_as_printed(secretless: LocalServer) -> None:
    script = "\n".join(_printed(secretless, "export TOKEN=") + _printed(secretless, "curl "))
    assert script.count("curl ") >= 3
    result = subprocess.run(
        ["bash", "-e", "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(answers) == script.count("curl ")
    assert all("error" not in answer for answer in answers), answers


def test_a_store_that_is_not_the_demo_is_left_alone(
    server_factory: ServerFactory, tmp_path: Any
) -> None:
    from finance_agent.domain.models import SalesDay
    from finance_agent.infra.sqlite_repo import SqliteRepo

    folder = tmp_path / "own-data"
    folder.mkdir()
    last = clock.today() - timedelta(days=3)
    SqliteRepo(folder / "finance.db").put_sales_days(
        [SalesDay(date=last, revenue="100.00", cogs="60.00")]  # type: ignore[arg-type]
    )
    running = server_factory("own-data", {"JWT_SECRET": SECRET})
    assert running.repo().latest_sales_date() == last
    assert running.repo().list_customers() == []


@pytest.mark.skipif(sys.platform == "win32", reason="no Ctrl+C for another process on Windows")
def test_ctrl_c_stops_the_server_cleanly(server_factory: ServerFactory) -> None:
    running = server_factory("ctrl-c", {"JWT_SECRET": SECRET})
    running.stop()
    assert running.process.returncode == 0
    assert "Traceback" not in running.stderr()
    assert "Server stopped." in running.stdout()
