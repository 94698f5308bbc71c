"""Turns a route's small logic function into an API Gateway HTTP API (v2) Lambda handler.

Everything every route needs happens here once: request id and log context,
authentication and scope, query and body validation, idempotency, error mapping, CORS.
A handler module only parses nothing and calls one use case.
"""

from __future__ import annotations

import base64
import binascii
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from finance_agent.adapters.http.api_request import ApiRequest, ApiResult
from finance_agent.adapters.http.errors import error_response, invalid_input, validation_details
from finance_agent.adapters.http.json_body import load_json_object
from finance_agent.domain.errors import DomainError, ValidationError
from finance_agent.routes import Route, route_by_id
from finance_agent.shared import responses
from finance_agent.shared.auth import AuthError, authenticate, check_scope
from finance_agent.shared.log import logger

# What a handler module imports from here: the request and result types come along.
__all__ = ["ApiRequest", "ApiResult", "endpoint"]

Event = dict[str, Any]
Handler = Callable[[Event, Any], dict[str, Any]]
Logic = Callable[[ApiRequest[Any, Any]], BaseModel | ApiResult]


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    raw = event.get("headers") or {}
    return {str(k).lower(): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def _request_id(event: Mapping[str, Any], context: Any) -> str:
    rc = event.get("requestContext")
    rid = rc.get("requestId") if isinstance(rc, Mapping) else None
    return str(rid or getattr(context, "aws_request_id", None) or uuid.uuid4())


def _repeated(event: Mapping[str, Any]) -> list[str]:
    # API Gateway comma-joins a repeated parameter; only the raw query string shows it.
    raw = event.get("rawQueryString")
    if not isinstance(raw, str) or not raw:
        return []
    names = Counter(name for name, _ in parse_qsl(raw, keep_blank_values=True))
    return sorted(name for name, count in names.items() if count > 1)


def _parse_query(route: Route, event: Mapping[str, Any]) -> Any:
    params = event.get("queryStringParameters") or {}
    if "" in params:  # "?=x": there is no name to report, so say so
        raise _InvalidInput([{"field": "query", "rule": "parameter names must not be empty"}])
    if repeated := _repeated(event):
        raise _InvalidInput([{"field": name, "rule": "must be given once"} for name in repeated])
    if route.query_model is None:
        if params:  # a typo'd or misplaced parameter is an error, not silently ignored
            rule = "is not a known parameter"
            raise _InvalidInput([{"field": str(name), "rule": rule} for name in sorted(params)])
        return None
    try:
        return route.query_model.model_validate(dict(params))
    except PydanticValidationError as exc:
        raise _InvalidInput(validation_details(exc)) from None


def _parse_body(route: Route, event: Mapping[str, Any]) -> Any:
    if route.body_model is None:
        return None
    raw = event.get("body")
    if raw is None or raw == "":
        raise ValidationError("body", "must be a JSON object")
    try:
        data = base64.b64decode(raw, validate=True) if event.get("isBase64Encoded") else raw
    except (binascii.Error, ValueError):
        raise ValidationError("body", "must be valid base64 when isBase64Encoded") from None
    size = len(data.encode()) if isinstance(data, str) else len(data)
    if size > route.max_body_bytes:
        raise ValidationError("body", f"must be at most {route.max_body_bytes} bytes")
    parsed = load_json_object(data)
    try:
        return route.body_model.model_validate(parsed)
    except PydanticValidationError as exc:
        raise _InvalidInput(validation_details(exc)) from None


class _InvalidInput(Exception):
    def __init__(self, details: list[dict[str, Any]]) -> None:
        super().__init__("invalid input")
        self.details = details


def _serve(route: Route, logic: Logic, event: Event, request_id: str) -> dict[str, Any]:
    headers = _headers(event)
    try:
        identity = authenticate(event)
        if route.scope is not None:
            check_scope(identity, route.scope)
        request = ApiRequest(
            identity=identity,
            query=_parse_query(route, event),
            body=_parse_body(route, event),
            request_id=request_id,
            headers=headers,
        )
        if route.idempotent and headers.get("idempotency-key"):
            from finance_agent.adapters.http.idempotency import run_idempotent

            return run_idempotent(route, request, lambda: _respond(route, logic(request)))
        return _respond(route, logic(request))
    except _InvalidInput as exc:
        return invalid_input(exc.details)
    except (DomainError, AuthError) as exc:
        if exc.code in ("store_error", "domain_error"):
            logger.opt(exception=exc).error("store failure")
        return error_response(exc, request_id)


def _respond(route: Route, result: BaseModel | ApiResult) -> dict[str, Any]:
    if isinstance(result, ApiResult):
        return responses.ok(result.body, result.status)
    return responses.ok(result, route.success_status)


def endpoint(operation_id: str) -> Callable[[Logic], Handler]:
    """Make ``logic(request) -> model`` the ``handler(event, context)`` of ``operation_id``."""
    route = route_by_id(operation_id)

    def decorate(logic: Logic) -> Handler:
        def handler(event: Event, context: Any) -> dict[str, Any]:
            request_id = _request_id(event, context)
            started = time.perf_counter()
            with logger.contextualize(request_id=request_id, route=route.route_key):
                try:
                    response = _serve(route, logic, event, request_id)
                except Exception:
                    # Logged with its stack trace; the caller gets only the request id.
                    logger.exception("unhandled error")
                    response = responses.server_error(request_id=request_id)
                origin = _headers(event).get("origin")
                response["headers"].update(responses.cors_headers(origin))
                response["headers"]["x-request-id"] = request_id
                logger.info(
                    "request served",
                    status=response["statusCode"],
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                )
                return response

        handler.__name__ = f"{operation_id}_handler"
        handler.__doc__ = logic.__doc__
        return handler

    return decorate
