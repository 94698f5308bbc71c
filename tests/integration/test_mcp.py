"""The MCP server, driven by the ``mcp`` SDK's own client.

Over stdio the client spawns ``python -m finance_agent.cli mcp`` as an MCP host would, on a
seeded SQLite file; over streamable HTTP it talks to a real ``finance-agent serve`` at
``/mcp`` with a bearer token. Every tool is listed and called, and each result is compared
with what the API answers for the same call.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, MCPError, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import INVALID_PARAMS, CallToolResult
from starlette.testclient import TestClient

from e2e.conftest import SECRET, LocalServer, make_token, start_server
from finance_agent.adapters import mcp_server
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.adapters.local_server.app import create_app
from finance_agent.bootstrap import get_repo
from finance_agent.routes import Route, route_by_id, tool_routes
from finance_agent.shared.auth import Identity, UnauthorizedError
from finance_agent.shared.settings import get_settings
from finance_agent.tools.seed_data import seed
from ledger_fixtures import write_demo_ledger

READER = Identity(principal="reader@example.com")
# Arguments for every read tool, typed as an MCP client sends them.
READS: dict[str, dict[str, Any]] = {
    "get_kpis": {"period": "last_30d"},
    "cashflow_forecast": {"horizon": 14, "method": "sma"},
    "detect_anomalies": {"period": "last_60d", "threshold": 2.5},
    "get_sales": {"days": 30},
    "get_ar_aging": {"min_days_overdue": 61},
    "list_invoices": {"status": "overdue", "limit": 5},
    "list_actions": {"limit": 5},
}
# Everything CUST001 owes past due, on a day of its own (no demo action is for that day).
REMINDER = {"customer_id": "CUST001", "remind_date": str(date.today() + timedelta(days=300))}
Session = Callable[[Client], Awaitable[Any]]


def _run(client: Callable[[], Client], session: Session) -> Any:
    async def main() -> Any:
        async with client() as connected:
            return await session(connected)

    # A thread of its own: another suite's browser driver may keep an event loop running
    # in this one, and anyio refuses to nest.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, main).result()


def _body(result: CallToolResult) -> Any:
    import json

    text = result.content[0].text  # type: ignore[union-attr]
    body = json.loads(text)
    assert result.structured_content == body
    return body


async def _list_and_call(client: Client, calls: dict[str, dict[str, Any]]) -> dict[str, Any]:
    tools = (await client.list_tools()).tools
    results = {name: await client.call_tool(name, args) for name, args in calls.items()}
    return {"tools": tools, "results": results}


# --- stdio ---------------------------------------------------------------------------------


@pytest.fixture
def store() -> Path:
    """The test's SQLite file, seeded: the MCP process and this one read the same store."""
    seed(get_repo())
    write_demo_ledger(get_repo())  # the demo books, if the seed has not written them
    return get_settings().sqlite_file


def stdio(store: Path, *args: str, env: dict[str, str] | None = None) -> Callable[[], Client]:
    # The SDK passes only a safe base environment (PATH, HOME, ...) plus ``env``.
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "finance_agent.cli", "mcp", *args],
        env={"SQLITE_PATH": str(store), "JWT_SECRET": SECRET, **(env or {})},
    )
    return lambda: Client(params)


def test_stdio_lists_every_tool_route_typed_by_its_models(store: Path) -> None:
    tools = _run(stdio(store), lambda c: c.list_tools()).tools
    assert [tool.name for tool in tools] == [route.operation_id for route in tool_routes()]
    for tool in tools:
        route = route_by_id(tool.name)
        model = route.query_model or route.body_model
        assert model is not None
        assert tool.description.startswith(route.description)
        assert tool.input_schema == model.model_json_schema(mode="validation")
        assert tool.output_schema == route.response_model.model_json_schema(mode="serialization")
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is (route.method == "GET")
    reminder = next(tool for tool in tools if tool.name == "create_collection_reminder")
    assert "agent:actions" in (reminder.description or "")


def test_stdio_answers_what_the_api_answers_and_refuses_writes_without_a_token(
    store: Path,
) -> None:
    calls: dict[str, dict[str, Any]] = {**READS, "create_collection_reminder": REMINDER}
    outcome = _run(stdio(store), lambda c: _list_and_call(c, calls))
    for name, arguments in READS.items():
        result = outcome["results"][name]
        assert not result.is_error, name
        assert _body(result) == call_route(route_by_id(name), READER, arguments)[1], name
    refused = outcome["results"]["create_collection_reminder"]
    assert refused.is_error
    assert _body(refused)["error"] == "forbidden"
    recorded = get_repo().list_agent_actions(limit=100).items
    assert all(action.payload.get("remind_date") != REMINDER["remind_date"] for action in recorded)


def test_stdio_with_a_scoped_token_records_the_reminder_as_its_owner(store: Path) -> None:
    client = stdio(store, env={"MCP_TOKEN": make_token(email="ops@example.com")})
    calls: dict[str, dict[str, Any]] = {"create_collection_reminder": REMINDER}
    calls["list_actions"] = {"limit": 1}
    results = _run(client, lambda c: _list_and_call(c, calls))["results"]
    created = _body(results["create_collection_reminder"])
    assert not results["create_collection_reminder"].is_error
    assert created["performed_by"] == "ops@example.com"
    assert created["payload"]["remind_date"] == REMINDER["remind_date"]
    assert _body(results["list_actions"])["items"][0]["action_id"] == created["action_id"]


def test_stdio_token_flag_without_the_scope_reads_but_cannot_write(store: Path) -> None:
    client = stdio(store, "--token", make_token(scope=None))
    calls = {"get_kpis": READS["get_kpis"], "create_collection_reminder": REMINDER}
    results = _run(client, lambda c: _list_and_call(c, calls))["results"]
    assert not results["get_kpis"].is_error
    assert _body(results["create_collection_reminder"])["error"] == "forbidden"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("not-a-token", id="garbage"),
        pytest.param(make_token(expires_in=timedelta(seconds=-60)), id="expired"),
        pytest.param(make_token("another-secret-0123456789abcdef0123456789abcdef"), id="foreign"),
    ],
)
def test_stdio_refuses_to_start_with_a_bad_token(store: Path, token: str) -> None:
    env = {"SQLITE_PATH": str(store), "JWT_SECRET": SECRET, "PATH": "", "MCP_TOKEN": token}
    done = subprocess.run(
        [sys.executable, "-m", "finance_agent.cli", "mcp"],
        env=env,
        input=b"",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == b""  # stdout is the protocol's: nothing else may go there
    assert b"bearer token" in done.stderr
    assert token.encode() not in done.stderr


# --- streamable HTTP at /mcp of the local server -------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalServer]:
    running = start_server(tmp_path_factory.mktemp("mcp-server"), {"JWT_SECRET": SECRET})
    write_demo_ledger(running.repo())
    yield running
    running.stop()


def http(server: LocalServer, token: str) -> Callable[[], Client]:
    def connect() -> Client:
        headers = {"Authorization": f"Bearer {token}"}
        transport = streamable_http_client(
            f"{server.url}/mcp", http_client=httpx2.AsyncClient(headers=headers, timeout=30.0)
        )
        return Client(transport)

    return connect


def _api_get(server: LocalServer, token: str, route: Route, arguments: dict[str, Any]) -> Any:
    with server.client(token) as api:
        response = api.get(route.path, params=arguments)
    assert response.status_code == 200, response.text
    return response.json()


def test_http_lists_and_calls_every_tool_as_the_api_answers(server: LocalServer) -> None:
    token = make_token(email="mcp.http@example.com")
    calls: dict[str, dict[str, Any]] = {**READS, "create_collection_reminder": REMINDER}
    outcome = _run(http(server, token), lambda c: _list_and_call(c, calls))
    assert [t.name for t in outcome["tools"]] == [r.operation_id for r in tool_routes()]
    for name, arguments in READS.items():
        result = outcome["results"][name]
        assert not result.is_error, name
        if name != "list_actions":  # the reminder below changes it; compared after
            assert _body(result) == _api_get(server, token, route_by_id(name), arguments), name
    created = _body(outcome["results"]["create_collection_reminder"])
    assert created["performed_by"] == "mcp.http@example.com"
    actions = _run(http(server, token), lambda c: c.call_tool("list_actions", {"limit": 5}))
    assert _body(actions) == _api_get(server, token, route_by_id("list_actions"), {"limit": 5})
    assert _body(actions)["items"][0]["action_id"] == created["action_id"]


def test_http_write_is_refused_without_the_scope(server: LocalServer) -> None:
    token = make_token(scope=None)
    calls: dict[str, dict[str, Any]] = {"get_sales": {"days": 7}}
    calls["create_collection_reminder"] = REMINDER
    results = _run(http(server, token), lambda c: _list_and_call(c, calls))["results"]
    assert not results["get_sales"].is_error
    assert len(_body(results["get_sales"])["days"]) == 7
    refused = results["create_collection_reminder"]
    assert refused.is_error
    assert _body(refused)["error"] == "forbidden"


def test_http_bad_arguments_are_the_apis_400(server: LocalServer) -> None:
    result = _run(http(server, make_token()), lambda c: c.call_tool("get_sales", {"days": 0}))
    assert result.is_error
    body = _body(result)
    assert body["error"] == "validation_error"
    assert [d["field"] for d in body["details"]] == ["days"]


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="no-token"),
        pytest.param({"Authorization": "Bearer not-a-token"}, id="garbage"),
        pytest.param({"Authorization": "Basic dXNlcjpwYXNz"}, id="basic"),
        pytest.param(
            {"Authorization": f"Bearer {make_token(expires_in=timedelta(seconds=-60))}"},
            id="expired",
        ),
    ],
)
def test_http_without_a_valid_token_is_401(server: LocalServer, headers: dict[str, str]) -> None:
    ping = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
    response = httpx.post(f"{server.url}/mcp", json=ping, headers=headers, timeout=30.0)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorized"


def test_http_refusal_is_the_same_in_process() -> None:
    with TestClient(create_app()) as client:
        response = client.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_http_only_post_is_served(server: LocalServer, method: str) -> None:
    """No server stream to open (GET) and no session to end (DELETE): nothing hangs."""
    headers = {"Authorization": f"Bearer {make_token()}", "Accept": "text/event-stream"}
    response = httpx.request(method, f"{server.url}/mcp", headers=headers, timeout=10.0)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["error"] == "method_not_allowed"


# --- in process: what the transports do not reach -----------------------------------------


def _rpc(client: TestClient, token: str, method: str, params: dict[str, Any]) -> Any:
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-06-18",
    }
    message = {"jsonrpc": "2.0", "id": 1, "method": method, "params": params}
    response = client.post("/mcp", json=message, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["result"]


def test_http_json_rpc_in_process_runs_as_the_tokens_identity(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_SECRET", SECRET)
    get_settings.cache_clear()
    token = make_token(email="in.process@example.com")
    hello = {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    }
    with TestClient(create_app()) as client:
        assert _rpc(client, token, "initialize", hello)["serverInfo"]["name"] == "finance-agent"
        listed = _rpc(client, token, "tools/list", {})["tools"]
        arguments = {"name": "create_collection_reminder", "arguments": REMINDER}
        called = _rpc(client, token, "tools/call", arguments)
    assert {tool["name"] for tool in listed} == {route.operation_id for route in tool_routes()}
    assert called["isError"] is False
    assert called["structuredContent"]["performed_by"] == "in.process@example.com"


def test_a_stdio_token_is_checked_at_start_and_at_each_call(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("JWT_SECRET", SECRET)
    get_settings.cache_clear()
    assert mcp_server.stdio_identity(None)(None) == mcp_server.READ_ONLY
    identity_of = mcp_server.stdio_identity(make_token(email="desk@example.com"))
    assert identity_of(None).principal == "desk@example.com"
    with pytest.raises(UnauthorizedError):
        mcp_server.stdio_identity("not-a-token")


def test_an_unknown_tool_is_a_protocol_error() -> None:
    server = mcp_server.build_server(lambda _request: READER)

    async def session(client: Client) -> Any:
        try:
            await client.call_tool("drop_tables", {})
        except MCPError as exc:
            return exc
        return None

    error = _run(lambda: Client(server), session)
    assert isinstance(error, MCPError)
    assert error.code == INVALID_PARAMS
    assert "no tool named 'drop_tables'" in error.message


def test_a_caller_that_cannot_be_verified_gets_the_apis_401() -> None:
    def expired(_request: Any) -> Identity:
        raise UnauthorizedError("the bearer token has expired")

    server = mcp_server.build_server(expired)
    result = _run(lambda: Client(server), lambda c: c.call_tool("get_kpis", {}))
    assert result.is_error
    assert _body(result) == {
        "error": "unauthorized",
        "message": "the bearer token has expired",
        "details": [],
    }


def test_an_http_call_without_a_verified_identity_is_refused() -> None:
    with pytest.raises(UnauthorizedError):
        mcp_server.http_identity(None)


def test_without_the_sdk_the_command_names_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from finance_agent.cli import main

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "mcp" else find_spec(name, *a)
    )
    assert main(["mcp"]) == 1
    assert "pip install 'finance-agent[mcp]'" in capsys.readouterr().err


def test_with_stdin_closed_the_command_says_so_in_one_line() -> None:
    # `finance-agent mcp <&-`: Python starts with sys.stdin None.
    closed = subprocess.run(
        [sys.executable, "-m", "finance_agent.cli", "mcp"],
        stdin=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(0),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    (line,) = closed.stderr.strip().splitlines()
    assert line.startswith("finance-agent: error: stdin is closed: finance-agent mcp talks")
    assert closed.returncode == 1
