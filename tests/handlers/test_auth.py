"""The auth suite: who may call what, on AWS (JWT authorizer context) and off it (Bearer token).

With an authorizer context the claims API Gateway verified are trusted and the Authorization
header is never read; without one the Bearer token is verified in-process with JWT_SECRET and
JWT_ALGORITHM. There is no anonymous access in any mode.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from finance_agent.routes import ROUTES
from finance_agent.shared.auth import UnauthorizedError, get_claims_from_event, require_scope
from finance_agent.shared.settings import SettingsError, get_settings, load_settings

KPIS = "/agent/tools/kpis"
REMINDER = "/agent/actions/collection-reminder"
ANA = {
    "sub": "actor-0002",
    "email": "ana.controller@example.com",
    "email_verified": "true",
    "scope": "agent:actions",
}
READER = {"sub": "reader-0001", "email": "reader@example.com"}
OTHER_SECRET = "not-the-configured-secret-0123456789abcdef0123456789abcdef0123"

pytestmark = pytest.mark.usefixtures("seeded")

Api = Callable[..., Any]
Mint = Callable[..., str]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unsigned_token(claims: dict[str, Any], alg: str = "none") -> str:
    """A JWT with ``alg`` in its header and no signature, as an attacker would send it."""
    header = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = b64url(json.dumps({**claims, "exp": int(time.time()) + 3600}).encode())
    return f"{header}.{payload}."


def assert_unauthorized(reply: Any) -> None:
    assert reply.status == 401
    assert reply.json["error"] == "unauthorized"
    assert reply.headers["www-authenticate"] == "Bearer"
    assert reply.headers["access-control-allow-origin"] == "*"
    assert "x-request-id" in reply.headers


def remind(api: Api, **kwargs: Any) -> Any:
    """POST a reminder for a seeded customer who owes money."""
    return api("POST", REMINDER, body={"customer_id": _debtor_id()}, **kwargs)


def _debtor_id() -> str:
    from finance_agent.bootstrap import get_ledger
    from ledger_fixtures import debtor_ids

    return debtor_ids(get_ledger())[0]


# -- no identity --------------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.operation_id)
def test_every_route_refuses_a_request_without_a_token_with_401(
    api: Api, jwt_secret: str, route: Any
) -> None:
    body = {"customer_id": "CUST001"} if route.method == "POST" else None
    reply = api(route.method, route.path, body=body, claims=None)
    assert_unauthorized(reply)


def test_without_jwt_secret_and_without_an_authorizer_nobody_gets_in(
    api: Api, mint: Mint, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = mint(ANA)
    monkeypatch.delenv("JWT_SECRET")
    get_settings.cache_clear()
    assert_unauthorized(api("GET", KPIS, claims=None))
    assert_unauthorized(api("GET", KPIS, claims=None, token=token))
    assert_unauthorized(remind(api, claims=None, token=token))


# -- Bearer tokens verified in-process ------------------------------------------------------------


def test_a_valid_bearer_token_reads_and_acts_as_its_subject(api: Api, mint: Mint) -> None:
    token = mint(ANA)
    assert api("GET", KPIS, claims=None, token=token).status == 200
    reply = remind(api, claims=None, token=token)
    assert reply.status == 201
    assert reply.json["performed_by"] == ANA["email"]


def test_the_bearer_scheme_is_case_insensitive(api: Api, mint: Mint) -> None:
    reply = api("GET", KPIS, claims=None, headers={"authorization": f"bearer {mint(READER)}"})
    assert reply.status == 200


def test_a_token_with_a_bad_signature_is_401(api: Api, mint: Mint) -> None:
    token = mint(ANA, secret=OTHER_SECRET)
    assert_unauthorized(api("GET", KPIS, claims=None, token=token))


def test_a_token_whose_payload_was_altered_after_signing_is_401(api: Api, mint: Mint) -> None:
    header, _, signature = mint(READER).split(".")
    escalated = b64url(json.dumps({**ANA, "exp": int(time.time()) + 3600}).encode())
    token = f"{header}.{escalated}.{signature}"
    assert_unauthorized(remind(api, claims=None, token=token))


def test_an_expired_token_is_401_saying_so(api: Api, mint: Mint) -> None:
    reply = api("GET", KPIS, claims=None, token=mint(ANA, expires_in=-60))
    assert_unauthorized(reply)
    assert "expired" in reply.json["message"]


def test_a_token_without_an_expiry_is_401(api: Api, mint: Mint) -> None:
    assert_unauthorized(api("GET", KPIS, claims=None, token=mint(ANA, expires_in=None)))


@pytest.mark.parametrize("alg", ["none", "None", "NONE"])
def test_an_unsigned_alg_none_token_is_401(api: Api, jwt_secret: str, alg: str) -> None:
    token = unsigned_token(ANA, alg)
    assert_unauthorized(api("GET", KPIS, claims=None, token=token))
    assert_unauthorized(remind(api, claims=None, token=token))


def test_an_alg_none_token_carrying_the_real_signature_is_401(api: Api, mint: Mint) -> None:
    _, payload, signature = mint(ANA).split(".")
    header = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    assert_unauthorized(api("GET", KPIS, claims=None, token=f"{header}.{payload}.{signature}"))


def test_a_token_signed_with_hs512_when_hs256_is_configured_is_401(api: Api, mint: Mint) -> None:
    assert_unauthorized(api("GET", KPIS, claims=None, token=mint(ANA, algorithm="HS512")))


def test_a_token_signed_with_the_configured_algorithm_hs512_is_accepted(
    api: Api, mint: Mint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_ALGORITHM", "HS512")
    get_settings.cache_clear()
    assert api("GET", KPIS, claims=None, token=mint(ANA, algorithm="HS512")).status == 200
    assert_unauthorized(api("GET", KPIS, claims=None, token=mint(ANA, algorithm="HS256")))


def test_an_rs256_token_is_401(api: Api, jwt_secret: str) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {**ANA, "exp": int(time.time()) + 3600}
    token = jwt.encode(claims, key, algorithm="RS256")
    assert_unauthorized(api("GET", KPIS, claims=None, token=token))


@pytest.mark.parametrize(
    "token",
    ["garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "....", "Bearer", "\u00e9t\u00e9.x.y"],
)
def test_a_garbage_token_is_401(api: Api, jwt_secret: str, token: str) -> None:
    assert_unauthorized(api("GET", KPIS, claims=None, token=token))


@pytest.mark.parametrize("scheme", ["Basic", "Token", "JWT", ""])
def test_an_authorization_header_with_another_scheme_is_401(
    api: Api, mint: Mint, scheme: str
) -> None:
    value = f"{scheme} {mint(ANA)}".strip() if scheme else mint(ANA)
    if scheme == "Basic":
        value = "Basic " + base64.b64encode(b"ana:secret").decode()
    assert_unauthorized(api("GET", KPIS, claims=None, headers={"authorization": value}))


def test_a_token_naming_no_subject_is_401(api: Api, mint: Mint) -> None:
    token = mint({"scope": "agent:actions", "aud": "finance"})
    assert_unauthorized(api("GET", KPIS, claims=None, token=token))


def test_a_token_without_the_scope_may_read_but_not_act(api: Api, mint: Mint) -> None:
    token = mint(READER)
    assert api("GET", KPIS, claims=None, token=token).status == 200
    assert api("GET", "/agent/actions", claims=None, token=token).status == 200
    reply = remind(api, claims=None, token=token)
    assert reply.status == 403
    assert reply.json["error"] == "forbidden"
    assert "agent:actions" in reply.json["message"]


@pytest.mark.parametrize(
    "scope_claims",
    [{"scope": "agent:actions"}, {"scp": "agent:actions"}, {"scp": ["openid", "agent:actions"]}],
    ids=["scope-string", "scp-string", "scp-list"],
)
def test_a_bearer_token_grants_the_scope_from_scope_or_scp(
    api: Api, mint: Mint, scope_claims: dict[str, Any]
) -> None:
    token = mint({"sub": "svc-agent", **scope_claims})
    assert remind(api, claims=None, token=token).status == 201


def test_jwt_audience_is_enforced_when_set(
    api: Api, mint: Mint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_AUDIENCE", "finance-agent-api")
    get_settings.cache_clear()
    right = mint({**ANA, "aud": "finance-agent-api"})
    assert api("GET", KPIS, claims=None, token=right).status == 200
    assert_unauthorized(api("GET", KPIS, claims=None, token=mint({**ANA, "aud": "other-api"})))
    assert_unauthorized(api("GET", KPIS, claims=None, token=mint(ANA)))


def test_jwt_issuer_is_enforced_when_set(
    api: Api, mint: Mint, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JWT_ISSUER", "https://login.example.com/")
    get_settings.cache_clear()
    right = mint({**ANA, "iss": "https://login.example.com/"})
    assert api("GET", KPIS, claims=None, token=right).status == 200
    wrong = mint({**ANA, "iss": "https://evil.example.net/"})
    assert_unauthorized(api("GET", KPIS, claims=None, token=wrong))
    assert_unauthorized(api("GET", KPIS, claims=None, token=mint(ANA)))


def test_tokens_never_reach_the_logs(
    api: Api, mint: Mint, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad = mint(ANA), mint(ANA, secret=OTHER_SECRET)
    capsys.readouterr()
    api("GET", KPIS, claims=None, token=good)
    api("GET", KPIS, claims=None, token=bad)
    remind(api, claims=None, token=good)
    out = capsys.readouterr()
    for token in (good, bad):
        signature = token.rsplit(".", 1)[1]
        assert signature not in out.out
        assert signature not in out.err


# -- the API Gateway JWT authorizer context -------------------------------------------------------


def test_cognito_access_token_claims_in_the_authorizer_context_grant_the_scope(
    api: Api,
) -> None:
    claims = {
        "sub": "3f6b2c1a-8d4e-4b7f-a9c0-5e1d2f3a4b6c",
        "cognito:username": "maria.lopez",
        "cognito:groups": ["finance-controllers"],
        "token_use": "access",
        "scope": "agent:actions openid",
        "client_id": "6q1vj4k2m8n3p5r7s9t0u2w4y6",
        "exp": 1_735_812_000,
    }
    reply = remind(api, claims=claims, scopes=["agent:actions", "openid"])
    assert reply.status == 201
    assert reply.json["performed_by"] == "maria.lopez"


def test_cognito_scopes_listed_only_in_jwt_scopes_are_honoured(api: Api) -> None:
    claims = {"sub": "c-1", "username": "maria.lopez", "token_use": "access"}
    assert remind(api, claims=claims, scopes=["openid", "agent:actions"]).status == 201


def test_a_cognito_id_token_without_scopes_may_read_but_not_act(api: Api) -> None:
    claims = {"sub": "c-2", "email": "maria@example.com", "token_use": "id", "aud": "6q1v"}
    assert api("GET", KPIS, claims=claims, scopes=None).status == 200
    reply = remind(api, claims=claims, scopes=None)
    assert reply.status == 403
    assert reply.json["error"] == "forbidden"


def test_auth0_claims_with_a_scope_string_and_null_scopes_grant_the_scope(api: Api) -> None:
    claims = {
        "iss": "https://finance-tenant.eu.auth0.com/",
        "sub": "auth0|65f1c0ffee",
        "aud": ["https://api.finance.example.com", "https://finance-tenant.eu.auth0.com/userinfo"],
        "azp": "Jx9Lq2",
        "scope": "read agent:actions",
        "permissions": ["agent:actions", "other"],
        "exp": 1_735_812_000,
    }
    reply = remind(api, claims=claims, scopes=None)
    assert reply.status == 201
    assert reply.json["performed_by"] == "auth0|65f1c0ffee"


def test_an_scp_claim_in_array_text_grants_the_scope(api: Api) -> None:
    claims = {"sub": "okta-00u1", "scp": ["agent:actions"]}
    assert remind(api, claims=claims, scopes=None).status == 201


@pytest.mark.parametrize(
    "scope", ["agent:actions:read", "agent:actionsX", "read:agent:actions", "agent", "actions"]
)
def test_a_scope_that_only_resembles_agent_actions_does_not_grant_it(api: Api, scope: str) -> None:
    claims = {"sub": "u-9", "scope": f"openid {scope}"}
    assert remind(api, claims=claims, scopes=[scope]).status == 403


def test_the_authorizer_context_is_trusted_without_an_authorization_header(api: Api) -> None:
    reply = remind(api, claims=ANA, scopes=None, headers={"authorization": None})
    assert reply.status == 201
    assert reply.json["performed_by"] == ANA["email"]


def test_a_forged_authorization_header_is_ignored_when_the_authorizer_context_is_present(
    api: Api, jwt_secret: str
) -> None:
    forged = unsigned_token({"sub": "mallory", "email": "mallory@example.net"})
    reply = remind(api, claims=ANA, scopes=None, token=forged)
    assert reply.status == 201
    assert reply.json["performed_by"] == ANA["email"]


def test_a_valid_token_in_the_header_adds_nothing_to_the_authorizer_identity(
    api: Api, mint: Mint
) -> None:
    header_token = mint({"sub": "boss", "email": "boss@example.com", "scope": "agent:actions"})
    reply = remind(api, claims=READER, scopes=None, token=header_token)
    assert reply.status == 403  # the verified caller is the reader, who lacks the scope


def test_an_authorizer_context_naming_no_subject_is_401(api: Api) -> None:
    assert_unauthorized(api("GET", KPIS, claims={"scope": "agent:actions"}, scopes=None))


def test_get_claims_from_event_reads_the_context_or_a_verified_token(
    make_event: Callable[..., Any], mint: Mint
) -> None:
    from_context = get_claims_from_event(make_event("GET", KPIS))
    assert from_context is not None
    assert from_context["username"] == "maria.lopez"
    assert from_context["exp"] == "1735812000"  # authorizer claims stay strings
    assert get_claims_from_event(make_event("GET", KPIS, claims=None)) is None
    from_token = get_claims_from_event(make_event("GET", KPIS, claims=None, token=mint(ANA)))
    assert from_token is not None
    assert from_token["email"] == ANA["email"]
    bad_event = make_event("GET", KPIS, claims=None, token="not-a-jwt")
    with pytest.raises(UnauthorizedError):
        get_claims_from_event(bad_event)


# -- settings -----------------------------------------------------------------------------------


def test_settings_refuse_env_local_inside_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "finance-agent-get-kpis")
    with pytest.raises(SettingsError, match="ENV=local"):
        load_settings()
    monkeypatch.setenv("ENV", "local")
    with pytest.raises(SettingsError, match="ENV=local"):
        load_settings()
    monkeypatch.setenv("ENV", "prod")
    assert load_settings().env == "prod"


def test_a_handler_inside_lambda_with_env_local_serves_nothing(
    make_event: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from finance_agent.adapters.handlers.figures.get_kpis import handler

    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "finance-agent-get-kpis")
    get_settings.cache_clear()
    # Failing the invocation (API Gateway then answers 500) or answering 500 both refuse.
    try:
        response = handler(make_event("GET", KPIS), None)
    except SettingsError:
        return
    assert response["statusCode"] == 500
    assert "revenue" not in response["body"]


# -- @require_scope on a plain handler ------------------------------------------------------------


@pytest.fixture
def plain_handler() -> tuple[Callable[..., Any], list[Any]]:
    calls: list[Any] = []

    @require_scope("agent:actions")
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        """Does something that needs the scope."""
        calls.append((event, context))
        return {"statusCode": 204, "headers": {"x-handled": "yes"}, "body": ""}

    return handler, calls


def test_require_scope_answers_401_without_identity_and_does_not_call_the_handler(
    plain_handler: tuple[Callable[..., Any], list[Any]],
    make_event: Callable[..., Any],
    jwt_secret: str,
) -> None:
    handler, calls = plain_handler
    for event in (
        make_event("POST", REMINDER, claims=None),
        make_event("POST", REMINDER, claims=None, token="forged.token.value"),
    ):
        response = handler(event, None)
        assert response["statusCode"] == 401
        assert json.loads(response["body"])["error"] == "unauthorized"
    assert calls == []


def test_require_scope_answers_403_without_the_scope_and_does_not_call_the_handler(
    plain_handler: tuple[Callable[..., Any], list[Any]], make_event: Callable[..., Any]
) -> None:
    handler, calls = plain_handler
    response = handler(make_event("POST", REMINDER, claims=READER, scopes=["openid"]), None)
    assert response["statusCode"] == 403
    assert json.loads(response["body"])["error"] == "forbidden"
    assert calls == []


def test_require_scope_passes_the_event_through_when_the_scope_is_granted(
    plain_handler: tuple[Callable[..., Any], list[Any]],
    make_event: Callable[..., Any],
    mint: Mint,
) -> None:
    handler, calls = plain_handler
    context = object()
    for event in (
        make_event("POST", REMINDER),  # the sample's Cognito context has the scope
        make_event("POST", REMINDER, claims=None, token=mint(ANA)),
    ):
        response = handler(event, context)
        assert response == {"statusCode": 204, "headers": {"x-handled": "yes"}, "body": ""}
        assert calls[-1] == (event, context)
    assert len(calls) == 2
    assert handler.__name__ == "handler"
    assert handler.__doc__ == "Does something that needs the scope."


def test_the_configured_resource_servers_scope_counts_and_look_alikes_do_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from finance_agent.shared.auth import Identity

    monkeypatch.setenv("ACTIONS_SCOPE", "finance-agent/agent:actions")
    get_settings.cache_clear()
    for scope in ("finance-agent/agent:actions", "agent:actions"):
        assert Identity(principal="p", scopes=frozenset({scope})).has_scope("agent:actions")
    for scope in (
        "other-api/agent:actions",
        "read:agent:actions",
        "agent:actions:read",
        "finance-agent/agent:actionsX",
    ):
        assert not Identity(principal="p", scopes=frozenset({scope})).has_scope("agent:actions")


def test_without_actions_scope_configured_another_resource_servers_scope_does_not_count() -> None:
    from finance_agent.shared.auth import Identity

    for scope in ("finance-agent/agent:actions", "other-api/agent:actions"):
        assert not Identity(principal="p", scopes=frozenset({scope})).has_scope("agent:actions")


def test_a_token_for_another_resource_server_cannot_record_a_reminder(api: Api) -> None:
    claims = {"sub": "svc-other", "scope": "other-api/agent:actions"}
    reply = remind(api, claims=claims, scopes=["other-api/agent:actions"])
    assert reply.status == 403
    assert reply.json["error"] == "forbidden"


def test_the_scope_behind_the_configured_resource_server_records_a_reminder(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONS_SCOPE", "finance-agent/agent:actions")
    get_settings.cache_clear()
    claims = {"sub": "svc-finance", "scope": "finance-agent/agent:actions"}
    assert remind(api, claims=claims, scopes=["finance-agent/agent:actions"]).status == 201


@pytest.mark.parametrize(
    "value", ["other:scope", "a b/agent:actions", "/agent:actions", "x/y/agent:actions"]
)
def test_settings_refuse_an_actions_scope_that_is_not_agent_actions(value: str) -> None:
    with pytest.raises(SettingsError, match="ACTIONS_SCOPE: must be agent:actions"):
        load_settings(actions_scope=value)


def test_a_cached_verified_token_is_still_refused_once_it_expires(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time as clock_time

    import jwt as pyjwt

    from finance_agent.shared.auth import UnauthorizedError, verify_token
    from finance_agent.shared.settings import get_settings

    secret = "a-secret-of-at-least-thirty-two-bytes!"
    monkeypatch.setenv("JWT_SECRET", secret)
    get_settings.cache_clear()
    now = clock_time.time()
    token = pyjwt.encode({"sub": "u1", "exp": int(now) + 60}, secret, algorithm="HS256")
    assert verify_token(token)["sub"] == "u1"
    assert verify_token(token)["sub"] == "u1"  # served from the cache
    monkeypatch.setattr("finance_agent.shared.auth.time.time", lambda: now + 120)
    with pytest.raises(UnauthorizedError, match="expired"):
        verify_token(token)
    monkeypatch.setenv("JWT_SECRET", "another-secret-of-thirty-two-bytes!!")
    monkeypatch.setattr("finance_agent.shared.auth.time.time", lambda: now)
    get_settings.cache_clear()
    with pytest.raises(UnauthorizedError, match="not valid"):
        verify_token(token)  # another key: verified again, not served from the cache
