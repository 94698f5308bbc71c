"""Handler test helpers: API Gateway HTTP API (payload v2.0) events, a seeded store, tokens.

Every event starts as a deep copy of ``tests/fixtures/apigw_v2_event.json``, an event in the
format API Gateway sends (lower-case headers, ``rawQueryString`` and comma-joined
``queryStringParameters``, no ``body`` key on a GET, JWT authorizer claims as strings with
arrays written ``"[a b]"``), and is adjusted to the route under test. Handlers are found
through the route table, as every front door finds them.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.routes import find_route
from finance_agent.shared.settings import get_settings
from finance_agent.tools.seed_data import SeedReport, seed
from ledger_fixtures import write_demo_ledger

SAMPLE_EVENT_PATH = Path(__file__).resolve().parent.parent / "fixtures" / "apigw_v2_event.json"
# Long enough for HS512 (64 bytes), so PyJWT never complains about a short HMAC key.
TEST_SECRET = "handler-tests-secret-0123456789abcdef0123456789abcdef0123456789ab"
ACTOR = {
    "sub": "actor-0002",
    "email": "ana.controller@example.com",
    "email_verified": "true",
    "scope": "agent:actions",
}

# Settings the root conftest does not reset but these tests depend on.
_MORE_SETTINGS_VARS = ["JWT_AUDIENCE", "JWT_ISSUER", "CORS_ALLOW_ORIGINS", "TIMEZONE"]


class _Sample:
    """Marker: keep what the sample event has."""

    def __repr__(self) -> str:
        return "SAMPLE"


SAMPLE: Any = _Sample()


def load_sample_event() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SAMPLE_EVENT_PATH.read_text(encoding="utf-8"))
    return data


def _claim_text(value: Any) -> str:
    """A claim as API Gateway's JWT authorizer passes it on: always a string."""
    if isinstance(value, list | tuple):
        return "[" + " ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _query(params: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """``rawQueryString`` and ``queryStringParameters``: repeated keys comma-joined."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        pairs.extend((key, str(v)) for v in values)
    joined: dict[str, str] = {}
    for key, value in pairs:
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    return urlencode(pairs), joined


def make_event(
    method: str,
    path: str,
    query: Mapping[str, Any] | None = None,
    body: Any = None,
    claims: Mapping[str, Any] | None = SAMPLE,
    scopes: list[str] | None = SAMPLE,
    headers: Mapping[str, str | None] | None = None,
    *,
    token: str | None = None,
    base64_body: bool = False,
    request_id: str | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API v2 event for ``method path``.

    ``claims``: the JWT authorizer's claims (SAMPLE: the sample's Cognito access token;
    None: no authorizer ran, as behind the local server). ``scopes``: ``jwt.scopes``
    (SAMPLE: the sample's list when its claims are kept, else null). ``body``: a str is
    sent as is, anything else as JSON. ``headers``: merged in, None removes one.
    ``token``: sent as ``Authorization: Bearer <token>``.
    """
    event = load_sample_event()
    method = method.upper()
    now = datetime.now(UTC)
    context = event["requestContext"]

    event["routeKey"] = context["routeKey"] = f"{method} {path}"
    event["rawPath"] = context["http"]["path"] = path
    context["http"]["method"] = method
    context["requestId"] = request_id or base64.b64encode(uuid.uuid4().bytes[:11]).decode()
    context["time"] = now.strftime("%d/%b/%Y:%H:%M:%S +0000")
    context["timeEpoch"] = int(now.timestamp() * 1000)

    event.pop("queryStringParameters", None)
    event["rawQueryString"] = ""
    if query:
        event["rawQueryString"], event["queryStringParameters"] = _query(query)

    event_headers: dict[str, str] = event["headers"]
    if claims is None:
        # No authorizer ran: there is no authorizer context and no token unless one is given.
        del context["authorizer"]
        event_headers.pop("authorization", None)
    else:
        jwt_context = context["authorizer"]["jwt"]
        if claims is not SAMPLE:
            jwt_context["claims"] = {k: _claim_text(v) for k, v in claims.items()}
        if scopes is not SAMPLE:
            jwt_context["scopes"] = scopes
        elif claims is not SAMPLE:
            jwt_context["scopes"] = None

    if body is not None:
        text = body if isinstance(body, str) else json.dumps(body)
        raw = text.encode()
        event["body"] = base64.b64encode(raw).decode() if base64_body else text
        event["isBase64Encoded"] = base64_body
        event_headers["content-type"] = "application/json"
        event_headers["content-length"] = str(len(raw))
    if token is not None:
        event_headers["authorization"] = f"Bearer {token}"
    for name, value in (headers or {}).items():
        if value is None:
            event_headers.pop(name.lower(), None)
        else:
            event_headers[name.lower()] = value
    return event


@dataclass(frozen=True)
class FakeLambdaContext:
    function_name: str = "finance-agent-handler"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 256

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


@dataclass(frozen=True)
class Reply:
    """A handler's answer, with its body parsed."""

    status: int
    headers: dict[str, str]
    text: str
    raw: dict[str, Any]

    @property
    def json(self) -> Any:
        return json.loads(self.text)

    @property
    def exact_json(self) -> Any:
        """The body with every JSON number read as Decimal, to see its digits as sent."""
        return json.loads(self.text, parse_float=Decimal, parse_int=Decimal)

    def error_fields(self) -> list[str]:
        return [d["field"] for d in self.json["details"]]


def invoke(event: dict[str, Any]) -> Reply:
    """Call the handler the route table names for the event's route key."""
    method, _, path = event["routeKey"].partition(" ")
    route = find_route(method, path)
    assert route is not None, f"no route for {event['routeKey']}"
    response = route.load_handler()(event, FakeLambdaContext())
    assert set(response) >= {"statusCode", "headers", "body"}
    assert isinstance(response["body"], str)
    return Reply(
        status=response["statusCode"],
        headers=dict(response["headers"]),
        text=response["body"],
        raw=response,
    )


def mint_token(
    claims: Mapping[str, Any] | None = None,
    *,
    secret: str = TEST_SECRET,
    algorithm: str = "HS256",
    expires_in: int | None = 3600,
    headers: dict[str, Any] | None = None,
) -> str:
    """A signed JWT; ``exp``/``iat`` are added unless ``expires_in`` is None."""
    payload: dict[str, Any] = dict(ACTOR if claims is None else claims)
    now = int(time.time())
    if expires_in is not None:
        payload.setdefault("iat", now)
        payload.setdefault("exp", now + expires_in)
    return jwt.encode(payload, secret, algorithm=algorithm, headers=headers)


@pytest.fixture(autouse=True)
def _handler_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in _MORE_SETTINGS_VARS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    get_repo.cache_clear()
    yield
    get_settings.cache_clear()
    get_repo.cache_clear()


@pytest.fixture
def sample_event() -> dict[str, Any]:
    return load_sample_event()


@pytest.fixture
def seeded() -> SeedReport:
    """The demo data set (seed 42, sales ending today) in the test's SQLite store, with the
    demo customers' books."""
    report = seed(get_repo())
    write_demo_ledger(get_repo(), report.seed, report.today)
    return report


@pytest.fixture
def jwt_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """JWT_SECRET set, so Bearer tokens are verified in-process (no authorizer ran)."""
    monkeypatch.setenv("JWT_SECRET", TEST_SECRET)
    get_settings.cache_clear()
    return TEST_SECRET


ApiCall = Callable[..., Reply]


@pytest.fixture
def api() -> ApiCall:
    """``api(method, path, **make_event kwargs)``: build the event, call the handler."""

    def call(method: str, path: str, *args: Any, **kwargs: Any) -> Reply:
        return invoke(make_event(method, path, *args, **kwargs))

    return call


@pytest.fixture(name="make_event")
def _make_event() -> Callable[..., dict[str, Any]]:
    """The ``make_event`` function (test modules take helpers as fixtures, not imports)."""
    return make_event


@pytest.fixture(name="invoke")
def _invoke() -> Callable[[dict[str, Any]], Reply]:
    return invoke


@pytest.fixture
def mint(jwt_secret: str) -> Callable[..., str]:
    """``mint(claims=None, *, secret, algorithm, expires_in, headers)`` with JWT_SECRET set."""

    def signed(claims: Mapping[str, Any] | None = None, **kwargs: Any) -> str:
        kwargs.setdefault("secret", jwt_secret)
        return mint_token(claims, **kwargs)

    return signed
