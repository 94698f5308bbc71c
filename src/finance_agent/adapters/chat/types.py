"""What every chat provider shares: the request, the answer, the provider protocol, and the
methods the chat uses when the user names none. It imports no provider, so the providers
(``bedrock/``, ``local/``) and their callers can all depend on it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Protocol

from finance_agent.shared.auth import Identity

# The methods the chat uses when the user names none, by tool (operation id): they follow the
# weekly pattern of sales. The API's own defaults (FORECAST_METHOD, ANOMALY_METHOD) keep the
# seed's methods for callers that name none.
CHAT_METHODS: Final[Mapping[str, str]] = MappingProxyType(
    {"cashflow_forecast": "auto", "detect_anomalies": "robust"}
)


@dataclass(frozen=True)
class ChatRequest:
    message: str
    session_id: str
    identity: Identity
    request_id: str


@dataclass(frozen=True)
class ChatAnswer:
    reply: str
    provider: str
    tools_used: tuple[str, ...] = field(default_factory=tuple)


class ChatProvider(Protocol):
    name: str

    def answer(self, request: ChatRequest) -> ChatAnswer:
        """Reply to ``request.message``; raises domain errors (429/502/503) on upstream failure."""
        ...
