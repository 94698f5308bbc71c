"""The chat on a Bedrock Agent: ``invoke_agent``, its ``completion`` event stream read to the end.

The caller's identity travels in ``sessionState.sessionAttributes``, signed
(``shared.session_signing``) so the action group can act as that caller; no token is sent.
Each caller's chat session maps to an agent session of its own: two callers using the same
``session_id`` never share the agent's memory.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from finance_agent.adapters.chat.bedrock.calls import (
    Budget,
    call_with_retry,
    domain_error,
    shared_client,
)
from finance_agent.adapters.chat.types import ChatAnswer, ChatRequest
from finance_agent.domain.errors import UnavailableError, UpstreamError
from finance_agent.routes import ROUTES
from finance_agent.shared.auth import Identity
from finance_agent.shared.log import logger
from finance_agent.shared.session_signing import sign_identity
from finance_agent.shared.settings import Settings

SERVICE = "the Bedrock agent"
# An agent may think for a while between events (it calls models and the action group).
READ_TIMEOUT = 20.0
# Reading stops here, leaving API Gateway's 30 s room for the answer to leave.
BUDGET_SECONDS = 26.0
# A throttled call is tried again only if this much of the budget remains.
RETRY_MIN_LEFT = 20.0


def agent_session_id(principal: str, session_id: str) -> str:
    """The agent session of ``principal``'s chat session (64 hex digits, a valid SessionId)."""
    key = json.dumps([principal, session_id], separators=(",", ":"))
    return hashlib.sha256(key.encode()).hexdigest()


def _tool_of(part: Mapping[str, Any]) -> str | None:
    """The operation an orchestration trace says the agent called, if it says one."""
    trace = part.get("trace") or {}
    invocation = (trace.get("orchestrationTrace") or {}).get("invocationInput") or {}
    action = invocation.get("actionGroupInvocationInput") or {}
    path, verb, function = action.get("apiPath"), action.get("verb"), action.get("function")
    if isinstance(path, str) and path:
        method = str(verb).upper() if verb else None
        matches = (r for r in ROUTES if r.path == path and method in (None, r.method))
        return next((r.operation_id for r in matches), path)
    return function if isinstance(function, str) and function else None


@dataclass
class Completion:
    """What the ``completion`` stream held."""

    text: str = ""
    tools: list[str] = field(default_factory=list)
    chunks: int = 0
    traces: int = 0


def read_completion(stream: Iterable[Mapping[str, Any]], budget: Budget) -> Completion:
    """Read the event stream to its end; errors inside it raise as botocore raises them."""
    completion = Completion()
    parts: list[bytes] = []
    try:
        for event in stream:
            if "chunk" in event:
                completion.chunks += 1
                parts.append(event["chunk"].get("bytes") or b"")
            elif "trace" in event:
                completion.traces += 1
                tool = _tool_of(event["trace"])
                if tool is not None and tool not in completion.tools:
                    completion.tools.append(tool)
            elif "returnControl" in event:
                # The agent wants its caller to run an action: this one runs them itself.
                raise UpstreamError(
                    f"{SERVICE} asked the caller to run an action; its action group must "
                    "use the finance-agent Lambda function"
                )
            if budget.remaining() <= 0:
                raise UnavailableError(f"{SERVICE} did not finish in time; try again")
    finally:
        close = getattr(stream, "close", None)
        if callable(close):
            close()
    # Chunks may split a multi-byte character: decode once, at the end.
    completion.text = b"".join(parts).decode("utf-8", errors="replace").strip()
    return completion


class BedrockAgentProvider:
    name = "bedrock-agent"

    def __init__(
        self,
        settings: Settings,
        *,
        client: Any = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.agent_id or not settings.agent_alias_id:
            raise ValueError("AGENT_ID and AGENT_ALIAS_ID must both be set")
        self._settings = settings
        self._agent_id = settings.agent_id
        self._alias_id = settings.agent_alias_id
        self._client = client
        self._clock = clock
        self._sleep = sleep

    def _get_client(self) -> Any:
        if self._client is None:
            self._client = shared_client(
                "bedrock-agent-runtime", self._settings.aws_region, READ_TIMEOUT
            )
        return self._client

    def session_attributes(self, identity: Identity, agent_session: str) -> dict[str, str]:
        """The signed identity; none without SESSION_SIGNING_SECRET (read-only tools then)."""
        secret = self._settings.session_signing_secret
        if secret is None:
            logger.warning("SESSION_SIGNING_SECRET is not set: the agent gets read-only tools")
            return {}
        return sign_identity(
            identity, secret.get_secret_value(), datetime.now(UTC), session_id=agent_session
        )

    def answer(self, request: ChatRequest) -> ChatAnswer:
        from botocore.eventstream import ParserError
        from botocore.exceptions import BotoCoreError, ClientError
        from urllib3.exceptions import HTTPError as Urllib3Error

        budget = Budget(BUDGET_SECONDS, self._clock, self._sleep)
        session = agent_session_id(request.identity.principal, request.session_id)
        attributes = self.session_attributes(request.identity, session)
        client = self._get_client()

        def invoke() -> Any:
            return client.invoke_agent(
                agentId=self._agent_id,
                agentAliasId=self._alias_id,
                sessionId=session,
                inputText=request.message,
                enableTrace=True,  # traces name the action-group calls: tools_used
                sessionState={"sessionAttributes": attributes},
            )

        try:
            response = call_with_retry(invoke, budget, min_left=RETRY_MIN_LEFT)
            completion = read_completion(response["completion"], budget)
        except (ClientError, BotoCoreError, Urllib3Error, ParserError) as exc:
            raise domain_error(exc, SERVICE) from exc
        logger.bind(
            provider=self.name,
            request_id=request.request_id,
            session_id=request.session_id,
            signed=bool(attributes),
            chunks=completion.chunks,
            traces=completion.traces,
            tools=completion.tools,
            reply_length=len(completion.text),
            duration_ms=round(budget.elapsed() * 1000),
        ).info("agent answered")
        if not completion.text:
            raise UpstreamError(f"{SERVICE} returned no answer")
        return ChatAnswer(
            reply=completion.text, provider=self.name, tools_used=tuple(completion.tools)
        )
