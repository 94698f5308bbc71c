"""The one place the chat's provider is chosen, by settings:

1. Bedrock Agent (``bedrock/agent.py``) when AGENT_ID and AGENT_ALIAS_ID are set.
2. Bedrock model with tools (``bedrock/converse.py``) when BEDROCK_MODEL_ID is set.
3. Local (``local/``): offline and deterministic, the default.

Each provider is imported only when chosen, so a cold start loads one of them.
"""

from __future__ import annotations

from finance_agent.adapters.chat.types import ChatProvider
from finance_agent.shared.settings import Settings, get_settings


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
        from finance_agent.adapters.chat.bedrock.agent import BedrockAgentProvider

        return BedrockAgentProvider(settings)
    if name == "bedrock-model":
        from finance_agent.adapters.chat.bedrock.converse import BedrockConverseProvider

        return BedrockConverseProvider(settings)
    from finance_agent.adapters.chat.local.provider import LocalChatProvider

    return LocalChatProvider()
