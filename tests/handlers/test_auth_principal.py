"""The caller's name from a token is recorded as who acted: it must be printable text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

KPIS = "/agent/tools/kpis"


@pytest.mark.parametrize("name", ["ana@example.com\nadmin@example.com", "ana\u0000", "ana\u202e"])
def test_a_token_whose_identity_has_control_characters_is_401(
    api: Callable[..., Any], mint: Callable[..., str], name: str
) -> None:
    token = mint({"sub": name, "scope": "agent:actions"})

    reply = api("GET", KPIS, claims=None, token=token)

    assert reply.status == 401
    assert "control characters" in reply.json["message"]


def test_a_token_whose_identity_is_printable_is_accepted(
    api: Callable[..., Any], mint: Callable[..., str]
) -> None:
    token = mint({"sub": "Ana Müller <ana@example.com>", "scope": "agent:actions"})

    assert api("GET", KPIS, claims=None, token=token).status == 200


@pytest.mark.parametrize(
    ("verified", "expected"),
    [
        (True, "ana@example.com"),
        ("true", "ana@example.com"),  # API Gateway passes every claim on as text
        ("True", "ana@example.com"),
        (False, "ana.c"),
        ("false", "ana.c"),
        (None, "ana.c"),
        ("yes", "ana.c"),
    ],
    ids=["bool-true", "text-true", "text-True", "bool-false", "text-false", "absent", "other"],
)
def test_the_email_names_the_caller_only_when_the_issuer_verified_it(
    verified: Any, expected: str
) -> None:
    from finance_agent.shared.auth import authenticate

    claims: dict[str, Any] = {"sub": "u-1", "email": "ana@example.com", "username": "ana.c"}
    if verified is not None:
        claims["email_verified"] = verified
    event = {"requestContext": {"authorizer": {"jwt": {"claims": claims, "scopes": None}}}}

    assert authenticate(event).principal == expected


def test_an_unverified_email_cannot_record_a_reminder_as_a_colleague(
    api: Callable[..., Any], seeded: Any
) -> None:
    from finance_agent.bootstrap import get_ledger
    from ledger_fixtures import debtor_ids

    debtor = debtor_ids(get_ledger())[0]
    claims = {
        "sub": "mallory-sub",
        "email": "ana.controller@example.com",  # changed to a colleague's, not verified
        "email_verified": "false",
        "scope": "agent:actions",
    }

    reply = api(
        "POST", "/agent/actions/collection-reminder", body={"customer_id": debtor}, claims=claims
    )

    assert reply.status == 201
    assert reply.json["performed_by"] == "mallory-sub"
