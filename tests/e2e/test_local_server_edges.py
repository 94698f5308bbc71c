"""The local server app (in process) where it plays API Gateway: ids, slashes, body limits."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import jwt
import pytest
from httpx import Headers
from starlette.testclient import TestClient

from finance_agent.adapters.local_server.app import create_app
from finance_agent.bootstrap import get_repo
from finance_agent.routes import route_by_id
from finance_agent.shared.settings import get_settings
from finance_agent.tools.seed_data import seed

SECRET = "local-server-edges-secret-0123456789abcdef0123456789abcdef012345"
REMINDER = "/agent/actions/collection-reminder"
ANA = {"sub": "actor-0002", "email": "ana.controller@example.com", "scope": "agent:actions"}


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("JWT_SECRET", SECRET)
    get_settings.cache_clear()
    seed(get_repo())
    claims = {**ANA, "exp": int(time.time()) + 3600}
    token = jwt.encode(claims, SECRET, algorithm="HS256")
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(), headers=headers, follow_redirects=False) as test_client:
        yield test_client


def assert_request_id(headers: Headers) -> None:
    assert uuid.UUID(headers.get("x-request-id") or "")


def test_a_cors_preflight_carries_a_request_id(client: TestClient) -> None:
    preflight = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST"}
    response = client.options(REMINDER, headers=preflight)
    assert response.status_code == 204
    assert_request_id(response.headers)


@pytest.mark.parametrize("path", ["/app.js", "/index.html"])
def test_the_web_page_files_carry_a_request_id(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert_request_id(response.headers)


def test_a_path_with_a_trailing_slash_is_the_apis_json_404(client: TestClient) -> None:
    response = client.get("/agent/tools/kpis/")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert_request_id(response.headers)


def test_a_body_over_the_limit_is_told_the_routes_own_limit(client: TestClient) -> None:
    limit = route_by_id("create_collection_reminder").max_body_bytes
    response = client.post(REMINDER, content=b" " * (11 * 1024 * 1024))
    assert response.status_code == 400
    details = response.json()["details"]
    assert details == [{"field": "body", "rule": f"must be at most {limit} bytes"}]
    assert limit == 65536
