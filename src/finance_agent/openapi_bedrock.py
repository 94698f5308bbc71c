"""The Bedrock action group's schema: the tool routes of the OpenAPI 3.1 document, in 3.0 form.

Bedrock Agents read an OpenAPI 3.0 subset ("openapi": "3.0.0"): every operation needs an
operationId and a description, and ``enum`` is not supported (allowed values belong in the
description). This module derives that document from ``build_openapi()`` rather than from
the route table directly, so the two cannot drift: only the tool routes are kept,
references are inlined, and 3.1-only schema constructs are rewritten in 3.0 terms.
"""

from __future__ import annotations

import copy
from typing import Any

from finance_agent.openapi import build_openapi
from finance_agent.routes import tool_routes

BEDROCK_OPENAPI_VERSION = "3.0.0"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# Keywords a 3.0 Schema Object does not have; dropped wherever they appear.
UNSUPPORTED_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "$defs",
        "const",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "dependentRequired",
        "dependentSchemas",
        "else",
        "examples",
        "if",
        # pydantic's titles repeat the field names; descriptions carry the meaning.
        "title",
        "patternProperties",
        "prefixItems",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
        "enum",
    }
)
MAX_DEPTH = 32


def _allowed_values(schema: dict[str, Any]) -> list[Any] | None:
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    if "const" in schema:
        return [schema["const"]]
    return None


def _with_allowed(description: str | None, values: list[Any] | None) -> str | None:
    """The description naming the allowed values, as Bedrock asks instead of ``enum``."""
    if not values:
        return description
    listed = ", ".join(str(v) for v in values)
    note = f"One of: {listed}." if len(values) > 1 else f"Always {listed}."
    if description and all(str(v) in description for v in values):
        return description
    return f"{description.rstrip('.')}. {note}" if description else note


class _Converter:
    """Rewrites 3.1 schemas (JSON Schema 2020-12) as 3.0 Schema Objects, refs inlined."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document

    def resolve(self, ref: str) -> Any:
        if not ref.startswith("#/"):
            raise ValueError(f"only local references can be inlined, got {ref!r}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def inline(self, node: Any, depth: int = 0) -> Any:
        """``node`` with every ``$ref`` replaced by what it points to (schemas are acyclic)."""
        if depth > MAX_DEPTH:
            raise ValueError("references nest too deep to inline (a recursive schema?)")
        if isinstance(node, dict):
            if "$ref" in node:
                target = self.inline(copy.deepcopy(self.resolve(node["$ref"])), depth + 1)
                siblings = {k: v for k, v in node.items() if k != "$ref"}
                return {**target, **self.inline(siblings, depth + 1)}
            return {k: self.inline(v, depth + 1) for k, v in node.items()}
        if isinstance(node, list):
            return [self.inline(item, depth + 1) for item in node]
        return node

    def schema(self, node: dict[str, Any]) -> dict[str, Any]:
        """One (inlined) schema in 3.0 form."""
        node = dict(node)
        nullable = False
        variants = node.get("anyOf")
        if isinstance(variants, list):
            kept = [v for v in variants if v != {"type": "null"}]
            nullable = len(kept) < len(variants)
            node.pop("anyOf")
            if len(kept) == 1:
                node = {**kept[0], **node}
            elif kept:
                node["anyOf"] = kept
        types = node.get("type")
        if isinstance(types, list):
            kept_types = [t for t in types if t != "null"]
            nullable = nullable or len(kept_types) < len(types)
            if len(kept_types) == 1:
                node["type"] = kept_types[0]
            else:
                node.pop("type")
                node["anyOf"] = [{"type": t} for t in kept_types]
        for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            value = node.get(bound)
            if isinstance(value, int | float) and not isinstance(value, bool):
                node[plain] = value
                node[bound] = True
        if isinstance(node.get("examples"), list) and node["examples"] and "example" not in node:
            node["example"] = node["examples"][0]
        description = _with_allowed(node.get("description"), _allowed_values(node))
        converted: dict[str, Any] = {}
        for key, value in node.items():
            if key in UNSUPPORTED_KEYWORDS:
                continue
            if key == "properties" and isinstance(value, dict):
                converted[key] = {name: self.schema(s) for name, s in value.items()}
            elif key in ("items", "additionalProperties", "not") and isinstance(value, dict):
                converted[key] = self.schema(value)
            elif key in ("anyOf", "oneOf", "allOf") and isinstance(value, list):
                converted[key] = [self.schema(s) for s in value]
            else:
                converted[key] = value
        if description is not None:
            converted["description"] = description
        if nullable:
            converted["nullable"] = True
        if converted.get("default", 0) is None:
            converted.pop("default")  # absent means none; a null default says nothing more
        return converted

    def parameter(self, parameter: dict[str, Any]) -> dict[str, Any]:
        schema = dict(parameter.get("schema") or {"type": "string"})
        description = _with_allowed(
            parameter.get("description") or schema.get("description") or parameter["name"],
            _allowed_values(schema),
        )
        converted = self.schema(schema)
        converted.pop("description", None)  # the parameter's own description says it all
        return {
            "name": parameter["name"],
            "in": parameter["in"],
            "description": description,
            "required": bool(parameter.get("required", False)),
            "schema": converted,
        }

    def content(self, content: dict[str, Any]) -> dict[str, Any]:
        return {
            media: {"schema": self.schema(body["schema"])}
            for media, body in content.items()
            if isinstance(body, dict) and "schema" in body
        }

    def operation(self, operation: dict[str, Any]) -> dict[str, Any]:
        operation = self.inline(operation)
        converted: dict[str, Any] = {
            "operationId": operation["operationId"],
            "summary": operation.get("summary", operation["operationId"]),
            "description": operation.get("description") or operation.get("summary", ""),
        }
        # Bedrock sets no headers (Idempotency-Key): only query and path parameters stay.
        parameters = [
            self.parameter(p)
            for p in operation.get("parameters", [])
            if p.get("in") in ("query", "path")
        ]
        if parameters:
            converted["parameters"] = parameters
        if "requestBody" in operation:
            body = operation["requestBody"]
            converted["requestBody"] = {
                "required": bool(body.get("required", False)),
                "content": self.content(body["content"]),
            }
        converted["responses"] = {
            status: {
                "description": response.get("description", status),
                **({"content": self.content(response["content"])} if "content" in response else {}),
            }
            for status, response in operation["responses"].items()
        }
        return converted


def build_bedrock_openapi() -> dict[str, Any]:
    """The action group's API schema: every tool route, OpenAPI 3.0, nothing referenced."""
    source = build_openapi()
    converter = _Converter(source)
    tools = {(route.path, route.method.lower()): route for route in tool_routes()}
    paths: dict[str, dict[str, Any]] = {}
    for path, item in source["paths"].items():
        for method in METHODS:
            if (path, method) in tools and method in item:
                operation = converter.operation(item[method])
                long_list = tools[path, method].long_list
                if long_list is not None:  # the action group cuts it to Bedrock's 25 KB
                    operation["description"] += (
                        f" An answer over 25 KB has its {long_list.field} list cut to fit and "
                        f"says so in truncated ({long_list.narrow})."
                    )
                paths.setdefault(path, {})[method] = operation
    info = source["info"]
    return {
        "openapi": BEDROCK_OPENAPI_VERSION,
        "info": {
            "title": f"{info['title']} tools",
            "version": info["version"],
            "description": (
                "The finance agent's tools: KPIs, cash-flow forecast, unusual sales days, sales "
                "history, receivables aging and invoices, recorded actions and collection "
                "reminders. Money is "
                "a JSON number rounded to cents; errors are "
                '{"error", "message", "details": [{"field", "rule"}]}.'
            ),
        },
        "paths": paths,
    }
