"""Calling the Bedrock action group as Bedrock does, for the tests of its answers' size."""

from __future__ import annotations

import json
from typing import Any

from finance_agent.adapters import action_group
from finance_agent.adapters.action_group_size import MAX_ANSWER_BYTES, answer_size
from finance_agent.routes import route_by_id


def ask(operation_id: str, **arguments: str) -> tuple[int, dict[str, Any], dict[str, Any]]:
    """The tool's status, parsed body and whole answer, read-only (no signed identity);
    every answer is checked to fit what Bedrock accepts."""
    route = route_by_id(operation_id)
    event = {
        "messageVersion": "1.0",
        "sessionId": "session-1",
        "actionGroup": "finance-tools",
        "apiPath": route.path,
        "httpMethod": route.method,
        "parameters": [{"name": k, "type": "string", "value": v} for k, v in arguments.items()],
        "sessionAttributes": {},
        "promptSessionAttributes": {},
    }
    answer = action_group.handler(event, None)
    assert answer_size(answer) <= MAX_ANSWER_BYTES < 25 * 1024
    response = answer["response"]
    return (
        response["httpStatusCode"],
        json.loads(response["responseBody"]["application/json"]["body"]),
        answer,
    )
