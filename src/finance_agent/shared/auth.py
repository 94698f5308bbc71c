"""Who is calling: claims from API Gateway's JWT authorizer, or a Bearer token verified here.

On AWS the HTTP API's JWT authorizer has verified the token before the handler runs; its
claims arrive in ``requestContext.authorizer.jwt.claims`` as strings (arrays as
``"[a b]"``), scopes in ``jwt.scopes`` (a list, or null) or the ``scope``/``scp`` claim.
Where no authorizer ran (the local server, a deployment without one), the Bearer token is
verified here with JWT_SECRET and JWT_ALGORITHM. There is no anonymous access.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from finance_agent.shared.settings import DEFAULT_ACTIONS_SCOPE, get_settings

ACTIONS_SCOPE = DEFAULT_ACTIONS_SCOPE
# Verified tokens kept per process: a local server or warm Lambda sees few distinct tokens.
VERIFIED_TOKENS_CACHED = 256
MAX_PRINCIPAL_LENGTH = 254  # an email address's limit; performed_by holds it
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class AuthError(Exception):
    """The caller was refused: who they are or what they may do. Its own type rather than a
    domain error, so that this module depends on nothing above it; the HTTP layer maps it
    (adapters/http/errors.py) beside the domain's errors."""

    code = "auth_error"

    @property
    def message(self) -> str:
        """For a person, as the domain's errors carry theirs."""
        return str(self)


class UnauthorizedError(AuthError):
    """No verified identity (HTTP 401)."""

    code = "unauthorized"


class ForbiddenError(AuthError):
    """A verified caller without the permission the operation needs (HTTP 403)."""

    code = "forbidden"


@dataclass(frozen=True)
class Identity:
    """A verified caller."""

    principal: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    claims: Mapping[str, Any] = field(default_factory=dict)

    def has_scope(self, scope: str) -> bool:
        """``scope`` itself; for the actions scope also the form ACTIONS_SCOPE names (behind
        this deployment's resource server, as Cognito writes ``finance-agent/agent:actions``).

        Any other ``<name>/agent:actions`` is another resource server's scope: the same issuer
        may sign it for another API, so it grants nothing here.
        """
        if scope in self.scopes:
            return True
        return scope == ACTIONS_SCOPE and get_settings().actions_scope in self.scopes


def _split_scopes(value: Any) -> set[str]:
    """Scopes from a list, a space-separated string, or API Gateway's "[a b]" array text."""
    if value is None:
        return set()
    if isinstance(value, list | tuple):
        return {str(v) for v in value if str(v)}
    text = str(value).strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return {part for part in text.replace(",", " ").split() if part}


def _authorizer_jwt(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    context = event.get("requestContext") or {}
    authorizer = context.get("authorizer") if isinstance(context, Mapping) else None
    jwt_context = authorizer.get("jwt") if isinstance(authorizer, Mapping) else None
    if isinstance(jwt_context, Mapping) and isinstance(jwt_context.get("claims"), Mapping):
        return jwt_context
    return None


def _bearer_token(event: Mapping[str, Any]) -> str | None:
    headers = event.get("headers") or {}
    if not isinstance(headers, Mapping):
        return None
    value = next((v for k, v in headers.items() if str(k).lower() == "authorization"), None)
    if not isinstance(value, str):
        return None
    scheme, _, token = value.strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def verify_token(token: str) -> dict[str, Any]:
    """Claims of a token signed with JWT_SECRET; anything else is UnauthorizedError."""
    settings = get_settings()
    if settings.jwt_secret is None:
        raise UnauthorizedError("bearer tokens cannot be verified: JWT_SECRET is not configured")
    claims = _verified(
        token,
        settings.jwt_secret.get_secret_value(),
        settings.jwt_algorithm,
        settings.jwt_audience,
        settings.jwt_issuer,
    )
    # A token verified earlier is served from the cache: its expiry is checked every time.
    if float(claims["exp"]) <= time.time():
        raise UnauthorizedError("the bearer token has expired")
    return dict(claims)


@functools.lru_cache(maxsize=VERIFIED_TOKENS_CACHED)
def _verified(
    token: str, secret: str, algorithm: str, audience: str | None, issuer: str | None
) -> dict[str, Any]:
    """Signature and claims checked once per token and configuration (failures not cached).

    The same token under the same key always verifies the same way, so only the expiry,
    checked by the caller, can change the answer later.
    """
    import jwt  # PyJWT: loaded only where tokens are verified in-process

    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[algorithm],  # pinned: "none" and others are refused
            audience=audience,
            issuer=issuer,
            options={"require": ["exp"], "verify_aud": audience is not None},
        )
    except jwt.ExpiredSignatureError:
        raise UnauthorizedError("the bearer token has expired") from None
    except jwt.PyJWTError:
        raise UnauthorizedError("the bearer token is not valid") from None
    if not isinstance(claims.get("exp"), int | float):
        raise UnauthorizedError("the bearer token is not valid")
    return claims


def get_claims_from_event(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The verified claims of the caller, or None when there is no identity at all.

    Raises UnauthorizedError for a token that is present but fails verification.
    """
    jwt_context = _authorizer_jwt(event)
    if jwt_context is not None:
        return dict(jwt_context["claims"])
    token = _bearer_token(event)
    return verify_token(token) if token is not None else None


def _email_verified(claims: Mapping[str, Any]) -> bool:
    """True only when the issuer says so: a boolean, or the text API Gateway passes on."""
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _principal(claims: Mapping[str, Any]) -> str | None:
    """Who acted: the email only when verified, else username, else subject.

    An unverified email is whatever the user typed (Cognito lets a user change theirs before
    verifying it), so it would let one user be recorded as a colleague.
    """
    names: tuple[str, ...] = ("username", "cognito:username", "preferred_username", "sub")
    if _email_verified(claims):
        names = ("email", *names)
    for name in names:
        value = claims.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def authenticate(event: Mapping[str, Any]) -> Identity:
    """The verified identity of the caller; UnauthorizedError when there is none."""
    claims = get_claims_from_event(event)
    if claims is None:
        raise UnauthorizedError("a bearer token is required")
    principal = _principal(claims)
    if principal is None:
        raise UnauthorizedError("the token names no subject")
    if len(principal) > MAX_PRINCIPAL_LENGTH:
        raise UnauthorizedError("the token's identity is too long")
    if not principal.isprintable():
        # It is recorded as who performed an action: a line break would forge log lines.
        raise UnauthorizedError("the token's identity contains control characters")
    jwt_context = _authorizer_jwt(event)
    scopes = _split_scopes(claims.get("scope")) | _split_scopes(claims.get("scp"))
    if jwt_context is not None:
        scopes |= _split_scopes(jwt_context.get("scopes"))
    return Identity(principal=principal, scopes=frozenset(scopes), claims=claims)


def check_scope(identity: Identity, scope: str) -> None:
    if not identity.has_scope(scope):
        raise ForbiddenError(f"this action requires the {scope} scope")


def require_scope(scope: str) -> Callable[[Handler], Handler]:
    """Decorator for ``handler(event, context)``: 401 without identity, 403 without ``scope``."""

    def decorate(handler: Handler) -> Handler:
        @functools.wraps(handler)
        def wrapper(event: dict[str, Any], context: Any) -> dict[str, Any]:
            from finance_agent.shared import responses

            try:
                check_scope(authenticate(event), scope)
            except UnauthorizedError as exc:
                return responses.unauthorized(exc.message)
            except ForbiddenError as exc:
                return responses.forbidden(exc.message)
            return handler(event, context)

        return wrapper

    return decorate
