"""The caller's identity in Bedrock session attributes: signed, verified, refused when forged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance_agent.shared.auth import ACTIONS_SCOPE, Identity
from finance_agent.shared.session_signing import (
    ISSUED_AT,
    PRINCIPAL,
    SCOPES,
    SESSION,
    SIGNATURE,
    sign_identity,
    verify_identity,
)

SECRET = "session-signing-test-secret-0123456789abcdef"
NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
MAX_AGE = timedelta(minutes=5)
ACTOR = Identity(
    principal="ana.controller@example.com",
    scopes=frozenset({ACTIONS_SCOPE, "openid"}),
    claims={"email": "ana.controller@example.com", "sub": "u-1"},
)


def signed(**changes: str) -> dict[str, str]:
    attributes = sign_identity(ACTOR, SECRET, NOW, session_id="s-1")
    attributes.update(changes)
    return attributes


def verify(attributes: dict[str, str] | None, **kwargs: object) -> Identity | None:
    options: dict[str, object] = {"now": NOW, "session_id": "s-1", **kwargs}
    return verify_identity(attributes, SECRET, MAX_AGE, **options)  # type: ignore[arg-type]


def test_signed_attributes_name_the_principal_and_scopes_and_nothing_secret() -> None:
    attributes = signed()
    assert set(attributes) == {PRINCIPAL, SCOPES, ISSUED_AT, SESSION, SIGNATURE}
    assert attributes[PRINCIPAL] == "ana.controller@example.com"
    assert attributes[SCOPES] == "agent:actions openid"
    assert attributes[ISSUED_AT] == str(int(NOW.timestamp()))
    assert len(attributes[SIGNATURE]) == 64
    assert all(isinstance(v, str) for v in attributes.values())
    assert SECRET not in "".join(attributes.values())


def test_verified_attributes_give_back_the_identity() -> None:
    identity = verify(signed())
    assert identity is not None
    assert identity.principal == ACTOR.principal
    assert identity.scopes == ACTOR.scopes
    assert identity.has_scope(ACTIONS_SCOPE)


def test_an_identity_without_scopes_verifies_with_none() -> None:
    attributes = sign_identity(Identity(principal="reader@example.com"), SECRET, NOW)
    assert attributes[SCOPES] == ""
    identity = verify(attributes, session_id=None)
    assert identity is not None
    assert identity.scopes == frozenset()


@pytest.mark.parametrize(
    "change",
    [
        {PRINCIPAL: "mallory@example.com"},
        {SCOPES: "agent:actions openid admin"},
        {SCOPES: "agent:actions"},
        {ISSUED_AT: str(int(NOW.timestamp()) + 1)},
        {SESSION: "s-2"},
        {SIGNATURE: "0" * 64},
        {SIGNATURE: "not hex"},
        {SIGNATURE: ""},
    ],
    ids=lambda change: next(iter(change)),
)
def test_tampered_attributes_are_refused(change: dict[str, str]) -> None:
    assert verify(signed(**change)) is None


@pytest.mark.parametrize("missing", [PRINCIPAL, SCOPES, ISSUED_AT, SIGNATURE])
def test_attributes_missing_a_field_are_refused(missing: str) -> None:
    attributes = signed()
    del attributes[missing]
    assert verify(attributes) is None


@pytest.mark.parametrize("attributes", [None, {}, {PRINCIPAL: "ana.controller@example.com"}])
def test_unsigned_attributes_are_refused(attributes: dict[str, str] | None) -> None:
    assert verify(attributes) is None


def test_attributes_signed_with_another_secret_are_refused() -> None:
    forged = sign_identity(ACTOR, "another-secret", NOW, session_id="s-1")
    assert verify(forged) is None


def test_attributes_are_good_until_max_age_and_refused_after() -> None:
    assert verify(signed(), now=NOW + MAX_AGE) is not None
    assert verify(signed(), now=NOW + MAX_AGE + timedelta(seconds=1)) is None


def test_attributes_from_the_future_beyond_clock_skew_are_refused() -> None:
    assert verify(signed(), now=NOW - timedelta(seconds=30)) is not None
    assert verify(signed(), now=NOW - timedelta(minutes=5)) is None


def test_attributes_bound_to_a_session_verify_only_with_that_session() -> None:
    assert verify(signed(), session_id="s-2") is None
    assert verify(signed(), session_id=None) is None
    unbound = sign_identity(ACTOR, SECRET, NOW)
    assert SESSION not in unbound
    assert verify(unbound, session_id=None) is not None
    assert verify(unbound, session_id="s-1") is None


@pytest.mark.parametrize("issued_at", ["-1", " 1", "1.5", "1e9", "9" * 12, "9" * 13, ""])
def test_malformed_timestamps_are_refused_even_when_signed(issued_at: str) -> None:
    from finance_agent.shared import session_signing

    attributes = signed(**{ISSUED_AT: issued_at})
    key = SECRET.encode()
    attributes[SIGNATURE] = session_signing._signature(
        key, ACTOR.principal, attributes[SCOPES], issued_at, "s-1"
    )
    assert verify(attributes) is None


def test_an_empty_principal_is_refused_even_when_signed() -> None:
    from finance_agent.shared import session_signing

    attributes = signed(**{PRINCIPAL: ""})
    attributes[SIGNATURE] = session_signing._signature(
        SECRET.encode(), "", attributes[SCOPES], attributes[ISSUED_AT], "s-1"
    )
    assert verify(attributes) is None


def test_non_string_values_are_refused() -> None:
    attributes: dict[str, object] = dict(signed())
    attributes[ISSUED_AT] = int(NOW.timestamp())
    assert verify_identity(attributes, SECRET, MAX_AGE, now=NOW, session_id="s-1") is None


def test_values_cannot_be_shifted_between_fields() -> None:
    # "a b" as principal with scope "c" must not sign the same text as "a" with scopes "b c".
    first = sign_identity(Identity("a b", frozenset({"c"})), SECRET, NOW)
    second = sign_identity(Identity("a", frozenset({"b", "c"})), SECRET, NOW)
    assert first[SIGNATURE] != second[SIGNATURE]
    swapped = {**first, PRINCIPAL: "a", SCOPES: "b c"}
    assert verify(swapped, session_id=None) is None


def test_signing_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="empty"):
        sign_identity(ACTOR, "", NOW)
    with pytest.raises(ValueError, match="timezone"):
        sign_identity(ACTOR, SECRET, datetime(2026, 3, 1, 12, 0))
    with pytest.raises(ValueError, match="whitespace"):
        sign_identity(Identity("a", frozenset({"two words"})), SECRET, NOW)
    with pytest.raises(ValueError, match="principal"):
        sign_identity(Identity("x" * 255), SECRET, NOW)


def test_the_secret_may_be_bytes() -> None:
    attributes = sign_identity(ACTOR, SECRET.encode(), NOW)
    assert verify_identity(attributes, SECRET, MAX_AGE, now=NOW) is not None


@given(
    principal=st.text(min_size=1, max_size=254).filter(str.strip),
    scopes=st.frozensets(st.text(alphabet="abcdefghijklmnopqrstuvwxyz:._-", min_size=1)),
    session=st.from_regex(r"[0-9a-zA-Z._:-]{2,100}", fullmatch=True),
)
def test_any_identity_round_trips(principal: str, scopes: frozenset[str], session: str) -> None:
    identity = Identity(principal, scopes)
    attributes = sign_identity(identity, SECRET, NOW, session_id=session)
    verified = verify_identity(attributes, SECRET, MAX_AGE, now=NOW, session_id=session)
    assert verified == Identity(principal, scopes)
