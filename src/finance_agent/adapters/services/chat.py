"""The chat's providers behind one small interface, chosen by settings.

1. Bedrock Agent (``bedrock_agent.py``) when AGENT_ID and AGENT_ALIAS_ID are set.
2. Bedrock model with tools (``bedrock_converse.py``) when BEDROCK_MODEL_ID is set.
3. Local (``local_chat.py``): offline and deterministic, the default.

Every tool a provider uses is a route of the route table, called in-process as the chat's
caller (``adapters.http.v2_events.call_route``): validation and scope checks are the API's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final, Protocol

from finance_agent.shared.auth import Identity
from finance_agent.shared.settings import Settings, get_settings

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


def provider_name(settings: Settings) -> str:
    if settings.agent_id and settings.agent_alias_id:
        return "bedrock-agent"
    if settings.bedrock_model_id:
        return "bedrock-model"
    return "local"


def get_provider(settings: Settings | None = None) -> ChatProvider:
    """The provider the settings choose; heavy SDK imports happen only for that one."""
    settings = settings or get_settings()
    name = provider_name(settings)
    if name == "bedrock-agent":
        from finance_agent.adapters.services.bedrock_agent import BedrockAgentProvider

        return BedrockAgentProvider(settings)
    if name == "bedrock-model":
        from finance_agent.adapters.services.bedrock_converse import BedrockConverseProvider

        return BedrockConverseProvider(settings)
    from finance_agent.adapters.services.local_chat import LocalChatProvider

    return LocalChatProvider()
