"""API Gateway HTTP API (payload v2) responses: JSON bodies, DESIGN.md's error shape, CORS.

Success bodies are the response model's JSON with no envelope. Errors are
``{"error": CODE, "message": ..., "details": [...]}``. Money is Decimal and leaves as a
JSON number rounded to cents.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from finance_agent.shared.settings import SettingsError, get_settings

Response = dict[str, Any]

ALLOWED_HEADERS = "Authorization,Content-Type,Idempotency-Key"
ALLOWED_METHODS = "GET,POST,OPTIONS"
EXPOSED_HEADERS = "X-Request-Id,Idempotent-Replayed"


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        # Amounts are already rounded to cents, so the float prints exactly (1234.56).
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def to_json(data: Any) -> str:
    if isinstance(data, BaseModel):
        return data.model_dump_json()
    return json.dumps(data, default=_default, separators=(",", ":"))


def cors_headers(origin: str | None = None) -> dict[str, str]:
    """CORS headers for ``origin`` (the request's Origin header), from CORS_ALLOW_ORIGINS."""
    try:
        allowed = get_settings().cors_origins
    except SettingsError:
        allowed = ()  # a broken configuration allows no origin; the error is reported elsewhere
    headers = {
        "access-control-allow-headers": ALLOWED_HEADERS,
        "access-control-allow-methods": ALLOWED_METHODS,
        "access-control-expose-headers": EXPOSED_HEADERS,
        "access-control-max-age": "600",
    }
    if "*" in allowed:
        headers["access-control-allow-origin"] = "*"
    else:
        # The answer depends on the Origin header, so caches must key on it either way.
        headers["vary"] = "Origin"
        if origin is not None and origin in allowed:
            headers["access-control-allow-origin"] = origin
    return headers


def json_response(
    status_code: int, body: Any, headers: dict[str, str] | None = None, origin: str | None = None
) -> Response:
    return {
        "statusCode": status_code,
        "headers": {"content-type": "application/json", **cors_headers(origin), **(headers or {})},
        "body": to_json(body),
        "isBase64Encoded": False,
    }


def ok(data: Any, status_code: int = 200) -> Response:
    return json_response(status_code, data)


def error(
    status_code: int,
    code: str,
    message: str,
    details: list[dict[str, Any]] | None = None,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response:
    """An error body; ``extra`` adds fields such as ``request_id``."""
    body: dict[str, Any] = {"error": code, "message": message, "details": details or []}
    body.update(extra)
    return json_response(status_code, body, headers)


def bad_request(message: str, details: list[dict[str, Any]] | None = None) -> Response:
    return error(400, "validation_error", message, details)


def unauthorized(message: str = "a valid bearer token is required") -> Response:
    return error(401, "unauthorized", message, headers={"www-authenticate": "Bearer"})


def forbidden(message: str) -> Response:
    return error(403, "forbidden", message)


def not_found(message: str) -> Response:
    return error(404, "not_found", message)


def conflict(message: str) -> Response:
    return error(409, "conflict", message)


def server_error(
    message: str = "internal error", details: list[dict[str, Any]] | None = None, **extra: Any
) -> Response:
    return error(500, "internal_error", message, details, **extra)
