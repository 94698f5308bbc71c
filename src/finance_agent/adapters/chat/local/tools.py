"""The local assistant's tool calls: each goes through ``call_route`` as the chat's caller, so
the API's own validation and scope checks apply; a refusal is raised as ``ToolError``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from finance_agent.adapters.chat.local.session import History
from finance_agent.adapters.chat.types import ChatRequest
from finance_agent.domain.errors import StoreError


class ToolError(Exception):
    """A route refused the call (4xx): the answer says why, in the route's words."""

    def __init__(self, operation_id: str, status: int, body: Any) -> None:
        super().__init__(f"{operation_id}: {status}")
        self.operation_id, self.status = operation_id, status
        self.body = body if isinstance(body, Mapping) else {}


class Tools:
    """Route calls made as the chat's caller, remembered in order (``tools_used``)."""

    def __init__(self, request: ChatRequest) -> None:
        self._request = request
        self.used: list[str] = []
        self.calls = 0
        self.last_status = 0

    def call(self, operation_id: str, **arguments: Any) -> dict[str, Any]:
        return self._call(operation_id, True, arguments)

    def look_up(self, operation_id: str, **arguments: Any) -> dict[str, Any]:
        """A call that only decides what the question is about: ``tools_used`` leaves it out."""
        return self._call(operation_id, False, arguments)

    def _call(self, operation_id: str, record: bool, arguments: dict[str, Any]) -> dict[str, Any]:
        from finance_agent.adapters.http.v2_events import call_route
        from finance_agent.routes import route_by_id

        if record and operation_id not in self.used:
            self.used.append(operation_id)
        self.calls += 1
        request_id = f"{self._request.request_id}:{self.calls}"
        status, body = call_route(
            route_by_id(operation_id), self._request.identity, arguments, request_id=request_id
        )
        if status >= 500:
            raise StoreError(f"the {operation_id} route failed with {status}")
        if status >= 400:
            raise ToolError(operation_id, status, body)
        self.last_status = status
        result: dict[str, Any] = body
        return result


@dataclass(frozen=True)
class Ask:
    """One question being answered: the tools, the normalized text, the request, the session."""

    tools: Tools
    text: str
    request: ChatRequest
    history: History
