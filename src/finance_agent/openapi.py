"""The OpenAPI 3.1 document of the HTTP API, generated from the route table and its models.

Nothing here is written by hand per route: operations, parameters (with their limits),
request and response schemas and security all come from ``ROUTES`` and the pydantic
models, so the document cannot drift from what the handlers accept and answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import JsonSchemaMode, SkipJsonSchema, models_json_schema

from finance_agent import __version__
from finance_agent.adapters.http.errors import ERROR_STATUS
from finance_agent.routes import ROUTES, Route

OPENAPI_VERSION = "3.1.0"
REF_TEMPLATE = "#/components/schemas/{model}"
SECURITY_SCHEME = "bearerAuth"
DESCRIPTION = (
    "The backend of a finance-operations AI agent: read tools (KPIs, cash-flow forecast, "
    "anomalies, sales history, receivables aging and invoices as of any day) and recorded "
    "actions (collection reminders). "
    "Every request needs a bearer token (JWT); recording an action needs the scope it names. "
    "Money is a JSON number rounded to cents; errors are "
    '`{"error", "message", "details": [{"field", "rule"}]}`.'
)
TAGS = {
    "tools": "Read-only tools: figures for people and agents.",
    "actions": "Actions the agent takes, each one recorded.",
    "chat": "The finance assistant: questions in plain words, answers with real figures.",
}
IDEMPOTENCY_HEADER = "Idempotency-Key"


class ErrorDetail(BaseModel):
    field: str = Field(description="the input at fault (a parameter, a body field, a header)")
    rule: str = Field(description="what it must be")


def _no_default(schema: dict[str, Any]) -> None:
    """An absent field, not a null one: no ``default: null`` in the schema."""
    schema.pop("default", None)


class Error(BaseModel):
    """Every error: a code, a message for a person and, on a 400, each broken rule."""

    error: str = Field(
        description="what went wrong, for a program", json_schema_extra={"enum": [*ERROR_STATUS]}
    )
    message: str = Field(description="for a person")
    details: list[ErrorDetail]
    request_id: str | SkipJsonSchema[None] = Field(
        None,
        description="present on 500: quote it to the operators",
        json_schema_extra=_no_default,
    )


ERRORS: dict[int, str] = {
    400: "Invalid input: `details` names each field and the rule it breaks.",
    401: "No valid bearer token.",
    403: "The token lacks the scope this operation needs.",
    404: "A resource the request names does not exist.",
    409: (
        "The request contradicts what is recorded (a reminder for an invoice that is paid or "
        "not yet past due, or for a customer with nothing past due), or the Idempotency-Key "
        "was used with a different request, or that request is running."
    ),
    429: "The model or agent behind the chat asks to slow down; retry after `Retry-After`.",
    500: "Unexpected error: the body carries only the `request_id`.",
    502: "The model or agent behind the chat failed or refused; the body has the `request_id`.",
    503: "The model or agent behind the chat is unavailable or timed out; retry later.",
}


def _schemas(routes: tuple[Route, ...]) -> tuple[dict[Any, Any], dict[str, Any]]:
    """Refs of every (model, mode) the routes use, and the schemas they point to."""
    pairs: list[tuple[type[BaseModel], JsonSchemaMode]] = [(Error, "serialization")]
    for route in routes:
        pairs.append((route.response_model, "serialization"))
        if route.body_model is not None:
            pairs.append((route.body_model, "validation"))
    refs, top = models_json_schema(pairs, ref_template=REF_TEMPLATE)
    defs: dict[str, Any] = top.get("$defs", {})
    return dict(refs), defs


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: ``anyOf [X, null]`` becomes ``X``."""
    variants = schema.get("anyOf")
    if isinstance(variants, list):
        kept = [v for v in variants if v != {"type": "null"}]
        if len(kept) == 1:
            rest = {k: v for k, v in schema.items() if k != "anyOf"}
            schema = {**kept[0], **rest}
    if schema.get("default", 0) is None:
        schema = {k: v for k, v in schema.items() if k != "default"}
    return schema


def _query_parameters(model: type[BaseModel], defs: dict[str, Any]) -> list[dict[str, Any]]:
    """One parameter per field; nested definitions (enums, say) go to ``defs``."""
    schema = model.model_json_schema(mode="validation", ref_template=REF_TEMPLATE)
    defs.update(schema.get("$defs", {}))
    required = set(schema.get("required", []))
    parameters = []
    for name, field_schema in schema.get("properties", {}).items():
        field = _without_null({k: v for k, v in field_schema.items() if k != "title"})
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in field:
            parameter["description"] = field.pop("description")
        parameter["schema"] = field
        parameters.append(parameter)
    return parameters


def _idempotency_parameter() -> dict[str, Any]:
    return {
        "name": IDEMPOTENCY_HEADER,
        "in": "header",
        "required": False,
        "description": (
            "Makes a retry return the first response and record nothing new; the same key "
            "with a different body is a 409. Kept 24 hours."
        ),
        "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    }


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _responses(route: Route, refs: dict[Any, Any]) -> dict[str, Any]:
    model = route.response_model
    outcome = "Created" if route.success_status == 201 else "OK"
    body = _json(refs[(model, "serialization")])
    request_id = {"X-Request-Id": {"$ref": "#/components/headers/RequestId"}}
    responses: dict[str, Any] = {
        str(route.success_status): {
            "description": f"{outcome}: the {model.__name__}.",
            "headers": request_id,
            "content": body,
        }
    }
    if route.success_status == 201:
        responses["200"] = {
            "description": f"Already recorded: the existing {model.__name__}.",
            "headers": request_id,
            "content": body,
        }
    statuses = [400, 401, 500]
    statuses += [403] if route.scope is not None else []
    statuses += [404] if route.body_model is not None else []
    statuses += [409] if route.idempotent else []
    statuses += [429, 502, 503] if route.calls_upstream else []
    for status in sorted(statuses):
        responses[str(status)] = {"$ref": f"#/components/responses/Error{status}"}
    return dict(sorted(responses.items()))


def _operation(route: Route, refs: dict[Any, Any], defs: dict[str, Any]) -> dict[str, Any]:
    tag = "chat" if not route.is_tool else "actions" if route.scope is not None else "tools"
    if route.path.startswith("/agent/actions"):
        tag = "actions"
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "description": route.description,
        "tags": [tag],
    }
    parameters = _query_parameters(route.query_model, defs) if route.query_model else []
    if route.idempotent:
        parameters.append(_idempotency_parameter())
    if parameters:
        operation["parameters"] = parameters
    if route.body_model is not None:
        operation["requestBody"] = {
            "required": True,
            "content": _json(refs[(route.body_model, "validation")]),
        }
    operation["responses"] = _responses(route, refs)
    if route.scope is not None:
        operation["security"] = [{SECURITY_SCHEME: [route.scope]}]
        operation["x-required-scopes"] = [route.scope]
    return operation


def build_openapi(server_url: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every route in ``ROUTES``; the same input, the same dict."""
    refs, schemas = _schemas(ROUTES)
    paths: dict[str, dict[str, Any]] = {}
    for route in ROUTES:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs, schemas)
    document: dict[str, Any] = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "finance-agent", "version": __version__, "description": DESCRIPTION},
    }
    if server_url:
        document["servers"] = [{"url": server_url}]
    document["tags"] = [{"name": name, "description": text} for name, text in TAGS.items()]
    document["paths"] = {path: dict(sorted(ops.items())) for path, ops in sorted(paths.items())}
    document["components"] = {
        "schemas": dict(sorted(schemas.items())),
        "responses": {
            f"Error{status}": {
                "description": text,
                "headers": {"X-Request-Id": {"$ref": "#/components/headers/RequestId"}},
                "content": _json(refs[(Error, "serialization")]),
            }
            for status, text in ERRORS.items()
        },
        "headers": {
            "RequestId": {
                "description": "The request's id, also in the logs.",
                "schema": {"type": "string"},
            }
        },
        "securitySchemes": {
            SECURITY_SCHEME: {
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": "JWT",
                "description": "A JWT; recording actions needs the agent:actions scope.",
            }
        },
    }
    document["security"] = [{SECURITY_SCHEME: []}]
    return document
