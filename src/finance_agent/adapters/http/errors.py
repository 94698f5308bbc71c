"""Domain and auth errors to HTTP responses: the one place a status code is chosen for an error."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticValidationError
from pydantic_core import ErrorDetails

from finance_agent.domain import errors
from finance_agent.shared import responses
from finance_agent.shared.auth import AuthError, ForbiddenError, UnauthorizedError
from finance_agent.shared.responses import Response

# Every error code the API answers and its status: the OpenAPI document's enum of codes.
ERROR_STATUS: dict[str, int] = {
    "validation_error": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "response_too_large": 413,
    "rate_limited": 429,
    "internal_error": 500,
    "not_implemented": 501,
    "bad_gateway": 502,
    "service_unavailable": 503,
}
# Problems listed in one 400, at most; the rest are counted.
MAX_DETAILS = 10


def _rule(item: ErrorDetails) -> str:
    """pydantic's wording as a rule for a person; the schemas' own rules pass unchanged."""
    kind, ctx = item["type"], item.get("ctx") or {}
    if kind == "extra_forbidden":
        return "is not a known parameter"
    if kind == "missing":
        return "is required"
    if kind == "literal_error":
        return "must be one of " + str(ctx.get("expected", "")).replace("'", "").replace(
            " or ", ", "
        )
    if kind == "string_type":
        return "must be a string"
    if kind == "string_too_short":
        return f"must be at least {ctx.get('min_length')} characters"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    return str(item["msg"]).removeprefix("Value error, ")


def validation_details(exc: PydanticValidationError, prefix: str = "") -> list[dict[str, Any]]:
    """pydantic's report as DESIGN.md's ``[{"field", "rule"}]``."""
    details = []
    for item in exc.errors(include_url=False):
        loc = ".".join(str(part) for part in item["loc"])
        field = f"{prefix}.{loc}" if prefix and loc else (loc or prefix or "body")
        details.append({"field": field, "rule": _rule(item)})
    return details


def _capped(details: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Thousands of unknown parameters must not make an answer of hundreds of kilobytes.
    if len(details) <= MAX_DETAILS:
        return details
    rest = len(details) - MAX_DETAILS
    return [*details[:MAX_DETAILS], {"field": "input", "rule": f"and {rest} more problems"}]


def invalid_input(details: list[dict[str, Any]]) -> Response:
    details = _capped(details)
    summary = "; ".join(f"{d['field']}: {d['rule']}" for d in details)
    return responses.bad_request(f"invalid input: {summary}", details)


def error_response(exc: errors.DomainError | AuthError, request_id: str) -> Response:
    if isinstance(exc, errors.ValidationError):
        return invalid_input([{"field": i.field, "rule": i.rule} for i in exc.issues])
    if isinstance(exc, UnauthorizedError):
        return responses.unauthorized(exc.message)
    if isinstance(exc, ForbiddenError):
        return responses.forbidden(exc.message)
    if isinstance(exc, errors.NotFoundError):
        return responses.not_found(exc.message)
    if isinstance(exc, errors.ConflictError):
        return responses.conflict(exc.message)
    if isinstance(exc, errors.RateLimitedError):
        status = ERROR_STATUS[exc.code]
        return responses.error(status, exc.code, exc.message, headers={"retry-after": "2"})
    if isinstance(exc, errors.StoreUnavailableError):
        # Retryable, but its message names store internals: the caller gets a plain one.
        return responses.error(
            ERROR_STATUS[exc.code],
            exc.code,
            "the data store is not reachable right now; try again shortly",
            headers={"retry-after": "5"},
            request_id=request_id,
        )
    if isinstance(exc, errors.UpstreamError | errors.UnavailableError):
        return responses.error(ERROR_STATUS[exc.code], exc.code, exc.message, request_id=request_id)
    # StoreError and anything new: the caller cannot fix it; the log has the details.
    return responses.server_error(request_id=request_id)
