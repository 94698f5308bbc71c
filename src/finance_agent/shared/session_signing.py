"""The caller's identity in a Bedrock agent's session attributes, signed with an HMAC.

The chat puts the verified caller in ``sessionState.sessionAttributes`` of ``invoke_agent``;
Bedrock hands those attributes to the action group, which verifies them before it acts as
that caller. Unsigned, tampered, expired or foreign-session attributes verify to None, and
the action group then offers the read-only tools only. No token ever travels: only the
principal, the scopes, when they were signed and (optionally) the agent session they are for.

The signature is HMAC-SHA256, in hex, over a canonical JSON array of a format label and the
other attributes, so no value can be shifted into another field.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from finance_agent.shared.auth import MAX_PRINCIPAL_LENGTH, Identity

PRINCIPAL = "fa_principal"
SCOPES = "fa_scopes"
ISSUED_AT = "fa_issued_at"
SESSION = "fa_session"
SIGNATURE = "fa_signature"
ATTRIBUTES = (PRINCIPAL, SCOPES, ISSUED_AT, SESSION, SIGNATURE)

FORMAT = "finance-agent/session-attributes/v1"
# Clocks of the chat and the action group may disagree a little; beyond this it is forged.
MAX_CLOCK_SKEW = timedelta(seconds=60)
_DIGITS = re.compile(r"[0-9]{1,12}")
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def _key(secret: str | bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("the session signing secret is empty")
    return key


def _canonical(principal: str, scopes: str, issued_at: str, session: str) -> bytes:
    fields = [FORMAT, principal, scopes, issued_at, session]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()


def _signature(key: bytes, principal: str, scopes: str, issued_at: str, session: str) -> str:
    message = _canonical(principal, scopes, issued_at, session)
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _scope_text(scopes: Iterable[str]) -> str:
    names = sorted(set(scopes))
    if any(not name or any(ch.isspace() for ch in name) for name in names):
        raise ValueError("scope names must be non-empty and contain no whitespace")
    return " ".join(names)


def sign_identity(
    identity: Identity,
    secret: str | bytes,
    now: datetime,
    *,
    session_id: str | None = None,
) -> dict[str, str]:
    """Session attributes naming ``identity``, signed at ``now`` (an aware datetime).

    With ``session_id`` the attributes are good for that agent session only.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    principal = identity.principal
    if not principal or len(principal) > MAX_PRINCIPAL_LENGTH:
        raise ValueError("the principal must be 1 to 254 characters")
    scopes = _scope_text(identity.scopes)
    issued_at = str(int(now.timestamp()))
    session = session_id or ""
    attributes = {PRINCIPAL: principal, SCOPES: scopes, ISSUED_AT: issued_at}
    if session:
        attributes[SESSION] = session
    attributes[SIGNATURE] = _signature(_key(secret), principal, scopes, issued_at, session)
    return attributes


def verify_identity(
    attributes: Mapping[str, object] | None,
    secret: str | bytes,
    max_age: timedelta,
    *,
    now: datetime | None = None,
    session_id: str | None = None,
) -> Identity | None:
    """The identity the attributes were signed for, or None when they cannot be trusted.

    None when: any attribute is missing or malformed, the signature does not match (compared
    in constant time), they were signed more than ``max_age`` ago or in the future, or their
    agent session is not ``session_id`` (attributes signed for a session verify only with
    that session's id; unbound ones only without one).
    """
    if not attributes:
        return None
    values = {name: attributes.get(name) for name in ATTRIBUTES}
    principal, scopes, issued_at = values[PRINCIPAL], values[SCOPES], values[ISSUED_AT]
    session, signature = values[SESSION] or "", values[SIGNATURE]
    if not (
        isinstance(principal, str)
        and isinstance(scopes, str)
        and isinstance(issued_at, str)
        and isinstance(session, str)
        and isinstance(signature, str)
    ):
        return None
    if not principal or len(principal) > MAX_PRINCIPAL_LENGTH:
        return None
    if not _DIGITS.fullmatch(issued_at) or not _HEX_SHA256.fullmatch(signature):
        return None
    expected = _signature(_key(secret), principal, scopes, issued_at, session)
    if not hmac.compare_digest(expected, signature):
        return None
    if session != (session_id or ""):
        return None
    now = now or datetime.now(UTC)
    try:
        signed_at = datetime.fromtimestamp(int(issued_at), UTC)
    except (OverflowError, ValueError, OSError):
        return None
    if signed_at > now + MAX_CLOCK_SKEW or now - signed_at > max_age:
        return None
    return Identity(principal=principal, scopes=frozenset(scopes.split()))
