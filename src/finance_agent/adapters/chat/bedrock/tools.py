"""The route table's tool routes as Bedrock Converse tools, and tool calls run as the caller.

A tool's input schema is its route's query or body model's JSON schema, self-contained
(``$defs`` inlined, titles dropped), so the model is told exactly what the API validates.
A call goes through the route's handler as a v2 event carrying the caller's identity:
validation and scope checks are the API's own, and their error bodies go back to the model.
"""

from __future__ import annotations

import time
from functools import cache
from typing import Any

from pydantic import BaseModel

from finance_agent.adapters.http.v2_events import call_route
from finance_agent.routes import Route, tool_routes
from finance_agent.shared.auth import Identity
from finance_agent.shared.log import logger

_DEFS_PREFIX = "#/$defs/"


def _inline(node: Any, defs: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(node, list):
        return [_inline(item, defs, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEFS_PREFIX):
        name = ref.removeprefix(_DEFS_PREFIX)
        if name in seen:
            raise ValueError(f"schema {name} refers to itself; a tool schema must be finite")
        merged = {**defs[name], **{k: v for k, v in node.items() if k != "$ref"}}
        return _inline(merged, defs, (*seen, name))
    inlined: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("title", "$defs"):
            continue
        if key == "properties" and isinstance(value, dict):
            # Property names are data, not keywords: a field called "title" stays.
            inlined[key] = {name: _inline(sub, defs, seen) for name, sub in value.items()}
        else:
            inlined[key] = _inline(value, defs, seen)
    return inlined


def input_schema(model: type[BaseModel] | None) -> dict[str, Any]:
    """``model``'s JSON schema with every ``$ref`` inlined: no ``$defs`` left to resolve."""
    if model is None:
        return {"type": "object", "properties": {}, "additionalProperties": False}
    schema = model.model_json_schema()
    inlined: dict[str, Any] = _inline(schema, schema.get("$defs", {}), ())
    inlined.setdefault("properties", {})
    return inlined


def tool_description(route: Route) -> str:
    text = f"{route.summary}. {route.description}"
    if route.scope:
        text += f" Needs the caller's {route.scope} scope; without it the call is refused (403)."
    return text


@cache
def tool_config() -> dict[str, Any]:
    """Converse's ``toolConfig``: one tool per tool route, named by its operation id."""
    tools = [
        {
            "toolSpec": {
                "name": route.operation_id,
                "description": tool_description(route),
                "inputSchema": {"json": input_schema(route.body_model or route.query_model)},
            }
        }
        for route in tool_routes()
    ]
    return {"tools": tools}


def _result(tool_use_id: str, body: Any, ok: bool) -> dict[str, Any]:
    # Converse wants a JSON object; every API body is one, anything else is wrapped.
    content = body if isinstance(body, dict) else {"result": body}
    return {
        "toolResult": {
            "toolUseId": tool_use_id,
            "content": [{"json": content}],
            "status": "success" if ok else "error",
        }
    }


def run_tool(
    tool_use: dict[str, Any], identity: Identity, request_id: str
) -> tuple[dict[str, Any], str | None]:
    """The ``toolResult`` block answering ``tool_use``, and the operation id it ran (if any)."""
    tool_use_id = str(tool_use.get("toolUseId", ""))
    name = tool_use.get("name")
    routes = {route.operation_id: route for route in tool_routes()}
    route = routes.get(name) if isinstance(name, str) else None
    if route is None:
        body = {"error": "unknown_tool", "message": f"there is no tool named {name!r}"}
        return _result(tool_use_id, body, ok=False), None
    arguments = tool_use.get("input")
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, dict):
        body = {"error": "validation_error", "message": "the tool input must be a JSON object"}
        return _result(tool_use_id, body, ok=False), route.operation_id
    started = time.monotonic()
    try:
        status, body = call_route(route, identity, arguments, request_id=request_id)
    except Exception:
        # Handlers answer errors themselves; this is a bug, and the model must not see it.
        logger.bind(operation_id=route.operation_id).exception("tool call crashed")
        status, body = 500, {"error": "internal_error", "message": "the tool failed"}
    logger.bind(
        operation_id=route.operation_id,
        status=status,
        request_id=request_id,
        duration_ms=round((time.monotonic() - started) * 1000),
    ).info("chat tool call")
    return _result(tool_use_id, body, ok=200 <= status < 300), route.operation_id
