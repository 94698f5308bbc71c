"""The Bedrock Agent action group: one Lambda function for every tool route.

Bedrock sends an action-group event (``messageVersion`` 1.0) naming the operation by
``apiPath`` and ``httpMethod``, with ``parameters`` and ``requestBody`` properties as lists
of ``{name, type, value}`` whose values are strings. The matching tool route runs through
the route table as a v2 event (``call_route``), so the API's checks, errors and figures
are the same here. The answer is Bedrock's response shape, with the session attributes
passed back, and kept under the 25 KB Bedrock accepts (``action_group_size``).

Who acts: the identity the chat signed into ``sessionAttributes`` for this agent session
(``shared.session_signing``). Unsigned, tampered, expired or foreign-session attributes,
or no SESSION_SIGNING_SECRET, give a read-only caller: reads work, a reminder is the API's
403. A malformed event gets a Bedrock error response, never an exception.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping
from datetime import timedelta
from functools import cache
from typing import Any

from finance_agent.adapters.action_group_size import answer_size, fit
from finance_agent.adapters.chat.types import CHAT_METHODS
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.routes import Route, tool_routes
from finance_agent.shared import responses
from finance_agent.shared.auth import Identity
from finance_agent.shared.log import logger
from finance_agent.shared.session_signing import verify_identity
from finance_agent.shared.settings import SettingsError, get_settings

MESSAGE_VERSION = "1.0"
JSON = "application/json"
# Signed attributes older than this are not trusted (the chat signs them at each turn).
MAX_ATTRIBUTE_AGE = timedelta(minutes=5)
UNVERIFIED = Identity(principal="bedrock-agent:unverified")
MAX_LOGGED_ID = 128
Event = Mapping[str, Any]


class MalformedEvent(Exception):
    """The event is not an action-group event this function can serve."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _text(event: Event, name: str) -> str:
    value = event.get(name)
    if not isinstance(value, str) or not value:
        raise MalformedEvent(400, "validation_error", f"{name} must be a non-empty string", name)
    return value


def _mapping(event: Event, name: str) -> Mapping[str, Any]:
    value = event.get(name)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise MalformedEvent(400, "validation_error", f"{name} must be an object", name)
    return value


def find_tool(api_path: str, http_method: str) -> Route:
    """The tool route Bedrock names; 404 for an unknown path, 405 for another method."""
    on_path = [route for route in tool_routes() if route.path == api_path]
    if not on_path:
        raise MalformedEvent(404, "not_found", f"no tool at {api_path}", "apiPath")
    for route in on_path:
        if route.method == http_method.upper():
            return route
    allowed = ", ".join(sorted(route.method for route in on_path))
    raise MalformedEvent(
        405, "method_not_allowed", f"{http_method} is not allowed on {api_path}; use {allowed}"
    )


@cache
def _field_types(model: Any) -> dict[str, str]:
    """JSON types of a model's fields (``anyOf [X, null]`` counted as X)."""
    if model is None:
        return {}
    types: dict[str, str] = {}
    for name, schema in model.model_json_schema().get("properties", {}).items():
        variants = schema.get("anyOf", [schema])
        kinds = [v.get("type") for v in variants if v.get("type") not in (None, "null")]
        if len(kinds) == 1 and isinstance(kinds[0], str):
            types[name] = kinds[0]
    return types


def _coerce(value: str, kind: str | None) -> Any:
    """A string as the field's JSON type; left as text when it is not one (the API says 400)."""
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value
    if kind == "boolean" and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _collect(items: Any, where: str, types: dict[str, str], into: dict[str, Any]) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        raise MalformedEvent(400, "validation_error", f"{where} must be a list", where)
    for item in items:
        name = item.get("name") if isinstance(item, Mapping) else None
        value = item.get("value") if isinstance(item, Mapping) else None
        if not isinstance(name, str) or not name:
            raise MalformedEvent(400, "validation_error", f"{where}: each needs a name", where)
        if name in into:
            raise MalformedEvent(400, "validation_error", f"{name} is given twice", name)
        if value is None:
            continue  # not given: the route's default applies
        if not isinstance(value, str | int | float | bool):
            raise MalformedEvent(400, "validation_error", f"{name} must be a single value", name)
        declared = item.get("type") if isinstance(item.get("type"), str) else None
        kind = types.get(name, declared)
        into[name] = _coerce(value, kind) if isinstance(value, str) else value


def arguments_of(event: Event, route: Route) -> dict[str, Any]:
    """The tool call's arguments from ``parameters`` and the JSON body's ``properties``."""
    arguments: dict[str, Any] = {}
    types = _field_types(route.query_model) | _field_types(route.body_model)
    _collect(event.get("parameters"), "parameters", types, arguments)
    body = event.get("requestBody")
    if body is not None:
        content = body.get("content") if isinstance(body, Mapping) else None
        if not isinstance(content, Mapping):
            message = "requestBody needs content"
            raise MalformedEvent(400, "validation_error", message, "requestBody")
        if set(content) != {JSON}:
            message = f"requestBody content must be {JSON} only"
            raise MalformedEvent(400, "validation_error", message, "requestBody")
        part = content[JSON]
        properties = part.get("properties") if isinstance(part, Mapping) else None
        _collect(properties, "requestBody", types, arguments)
    return arguments


def caller(event: Event, session_id: str) -> tuple[Identity, bool]:
    """The signed identity for this agent session, or the read-only caller; and which."""
    attributes = _mapping(event, "sessionAttributes")
    try:
        secret = get_settings().session_signing_secret
    except SettingsError:
        secret = None
    if secret is None or not attributes:
        return UNVERIFIED, False
    identity = verify_identity(
        attributes, secret.get_secret_value(), MAX_ATTRIBUTE_AGE, session_id=session_id
    )
    return (identity, True) if identity is not None else (UNVERIFIED, False)


def bedrock_response(event: Event, status: int, body: Any) -> dict[str, Any]:
    """Bedrock's response shape; the session attributes go back as they came."""

    def echo(name: str) -> str:
        value = event.get(name)
        return value if isinstance(value, str) else ""

    answer: dict[str, Any] = {
        "messageVersion": MESSAGE_VERSION,
        "response": {
            "actionGroup": echo("actionGroup"),
            "apiPath": echo("apiPath"),
            "httpMethod": echo("httpMethod"),
            "httpStatusCode": status,
            "responseBody": {JSON: {"body": responses.to_json(body)}},
        },
    }
    for name in ("sessionAttributes", "promptSessionAttributes"):
        value = event.get(name)
        answer[name] = dict(value) if isinstance(value, Mapping) else {}
    return answer


def _error_body(exc: MalformedEvent) -> dict[str, Any]:
    details = [{"field": exc.field, "rule": exc.message}] if exc.field else []
    return {"error": exc.code, "message": exc.message, "details": details}


def _serve(event: Event, request_id: str) -> tuple[int, Any, str | None, bool]:
    """Run the tool Bedrock names; (status, body as it fits Bedrock, operation, verified)."""
    version = event.get("messageVersion", MESSAGE_VERSION)
    if version != MESSAGE_VERSION:
        message = f"messageVersion must be {MESSAGE_VERSION}"
        raise MalformedEvent(400, "validation_error", message, "messageVersion")
    _text(event, "actionGroup")
    session_id = _text(event, "sessionId")
    route = find_tool(_text(event, "apiPath"), _text(event, "httpMethod"))
    arguments = arguments_of(event, route)
    if route.operation_id in CHAT_METHODS:
        # The action group serves the chat's Bedrock Agent: the chat's methods by default.
        arguments.setdefault("method", CHAT_METHODS[route.operation_id])
    _mapping(event, "promptSessionAttributes")
    identity, verified = caller(event, session_id)
    status, body = call_route(route, identity, arguments, request_id=request_id)

    def measure(status: int, body: Any) -> int:
        return answer_size(bedrock_response(event, status, body))

    def call_again(changed: Mapping[str, Any]) -> tuple[int, Any]:
        return call_route(route, identity, changed, request_id=request_id)

    status, body = fit(route, status, body, arguments, measure, call_again)
    return status, body, route.operation_id, verified


def _loggable(value: Any) -> str | None:
    """An id from the event, for the logs: text only, and never more than an id's length."""
    return value[:MAX_LOGGED_ID] if isinstance(value, str) else None


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point of the action group (``finance_agent.adapters.action_group.handler``)."""
    started = time.perf_counter()
    request_id = str(getattr(context, "aws_request_id", None) or uuid.uuid4())
    event = event if isinstance(event, Mapping) else {}
    operation, verified = None, False
    try:
        status, body, operation, verified = _serve(event, request_id)
    except MalformedEvent as exc:
        status, body = exc.status, _error_body(exc)
    except Exception:
        # The route's handler answers its own errors; this is a failure around it.
        logger.exception("action group failure", request_id=request_id)
        status = 500
        body = {
            "error": "internal_error",
            "message": "internal error",
            "details": [],
            "request_id": request_id,
        }
    agent = event.get("agent")
    logger.bind(
        request_id=request_id,
        agent_id=_loggable(agent.get("id") if isinstance(agent, Mapping) else None),
        session_id=_loggable(event.get("sessionId")),
        action_group=_loggable(event.get("actionGroup")),
        api_path=_loggable(event.get("apiPath")),
        operation=operation,
        verified=verified,
        status=status,
        duration_ms=round((time.perf_counter() - started) * 1000, 2),
    ).info("action group call")
    return bedrock_response(event, status, body)
