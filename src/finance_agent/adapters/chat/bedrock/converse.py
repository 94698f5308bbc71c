"""The chat on a Bedrock model with tools: ``converse`` in a bounded tool loop.

The model sees the route table's tool routes (``tools``) and calls them as the chat's
caller. The loop stops after ``MAX_TOOL_ROUNDS`` rounds of tool calls, or when the time
budget has no room for another model call, with an answer saying so. The session's last
turns come from the store, so follow-up questions have their context; only the question
and the final answer are kept, not the tool traffic.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from finance_agent import bootstrap
from finance_agent.adapters.chat.bedrock.calls import (
    CONNECT_TIMEOUT,
    Budget,
    call_with_retry,
    domain_error,
    shared_client,
)
from finance_agent.adapters.chat.bedrock.tools import run_tool, tool_config
from finance_agent.adapters.chat.types import ChatAnswer, ChatRequest
from finance_agent.domain.errors import DomainError
from finance_agent.domain.models import ChatTurn
from finance_agent.domain.models.chat import MAX_CHAT_TEXT
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared.log import logger
from finance_agent.shared.settings import Settings

SERVICE = "the Bedrock model"
MAX_TOOL_ROUNDS = 5
# A whole chat answer fits in here, leaving API Gateway's 30 s room for the rest.
BUDGET_SECONDS = 25.0
READ_TIMEOUT = 13.0
# A model call started with less time left could outlive the budget.
MIN_CALL_SECONDS = CONNECT_TIMEOUT + READ_TIMEOUT

ROUND_LIMIT_REPLY = (
    f"I could not finish: answering this needed more than {MAX_TOOL_ROUNDS} rounds of "
    "lookups. Please ask a narrower question, for example about one period or one customer."
)
OUT_OF_TIME_REPLY = (
    "I could not finish in time: answering this needed more lookups than fit in one "
    "request. Please ask a narrower question."
)
EMPTY_REPLY = "The model gave no answer. Please rephrase the question."
CUT_SHORT = " (The answer was cut short at the output limit.)"

SYSTEM_PROMPT = """\
You are the finance-operations assistant of one company. You answer questions about its \
KPIs (revenue, gross margin, receivables), cash-flow outlook, unusual sales days, customers' \
overdue balances and the actions recorded so far, and you can record a collection reminder \
when the user asks for one.
Rules:
- Every figure you give must come from a tool result in this conversation. Never invent, \
estimate or round a figure differently from the tool; if no tool gives it, say you do not have it.
- Periods are written last_<N>d: the N days ending today, N from 1 to 365.
- Amounts are in {currency}. Today is {today} ({timezone}).
- Use method "auto" for cash-flow forecasts and method "robust" for unusual days unless the \
user asks for another method: they follow the weekly pattern of sales.
- When a tool answers with an error, explain it plainly; "forbidden" means the user lacks \
the permission for that action.
- Record a reminder only when the user asks for it. Answer in a few plain sentences."""


def _append(messages: list[dict[str, Any]], role: str, text: str) -> None:
    """Add a text turn; Converse wants user first and roles alternating, so merge repeats."""
    if not messages and role != "user":
        return
    if messages and messages[-1]["role"] == role:
        messages[-1]["content"].append({"text": text})
    else:
        messages.append({"role": role, "content": [{"text": text}]})


def history_messages(turns: Sequence[ChatTurn], question: str) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    for turn in turns:
        _append(messages, turn.role, turn.text)
    _append(messages, "user", question)
    return messages


def _final_text(message: dict[str, Any], stop_reason: str) -> str:
    texts = [b["text"].strip() for b in message.get("content", []) if b.get("text")]
    text = "\n\n".join(t for t in texts if t)
    if not text:
        return EMPTY_REPLY
    return text + CUT_SHORT if stop_reason == "max_tokens" else text


class BedrockConverseProvider:
    name = "bedrock-model"

    def __init__(
        self,
        settings: Settings,
        *,
        client: Any = None,
        repo: FinanceRepository | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.bedrock_model_id:
            raise ValueError("BEDROCK_MODEL_ID must be set")
        self._settings = settings
        self._model_id = settings.bedrock_model_id
        self._client = client
        self._repo = repo
        self._clock = clock
        self._sleep = sleep

    def _get_client(self) -> Any:
        if self._client is None:
            self._client = shared_client("bedrock-runtime", self._settings.aws_region, READ_TIMEOUT)
        return self._client

    def _base_params(self) -> dict[str, Any]:
        settings = self._settings
        system = SYSTEM_PROMPT.format(
            currency=settings.currency,
            today=datetime.now(settings.tz).date().isoformat(),
            timezone=settings.timezone,
        )
        params: dict[str, Any] = {
            "modelId": self._model_id,
            "system": [{"text": system}],
            "inferenceConfig": {"maxTokens": settings.chat_max_output_tokens},
            "toolConfig": tool_config(),
        }
        if settings.bedrock_guardrail_id:
            params["guardrailConfig"] = {
                "guardrailIdentifier": settings.bedrock_guardrail_id,
                # An unpinned guardrail runs its working draft.
                "guardrailVersion": settings.bedrock_guardrail_version or "DRAFT",
            }
        return params

    def _converse(self, params: dict[str, Any], budget: Budget) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError
        from urllib3.exceptions import HTTPError as Urllib3Error

        client = self._get_client()
        try:
            response: dict[str, Any] = call_with_retry(
                lambda: client.converse(**params), budget, min_left=MIN_CALL_SECONDS
            )
        except (ClientError, BotoCoreError, Urllib3Error) as exc:
            raise domain_error(exc, SERVICE) from exc
        return response

    def answer(self, request: ChatRequest) -> ChatAnswer:
        budget = Budget(BUDGET_SECONDS, self._clock, self._sleep)
        repo = self._repo or bootstrap.get_repo()
        owner = request.identity.principal
        history = repo.get_chat_history(owner, request.session_id)
        messages = history_messages(history, request.message)
        params = self._base_params()
        tools_used: list[str] = []
        rounds, calls, tokens_in, tokens_out = 0, 0, 0, 0
        stop_reason = ""
        while True:
            if calls and budget.remaining() < MIN_CALL_SECONDS:
                reply = OUT_OF_TIME_REPLY
                break
            response = self._converse({**params, "messages": messages}, budget)
            calls += 1
            usage = response.get("usage", {})
            tokens_in += usage.get("inputTokens", 0)
            tokens_out += usage.get("outputTokens", 0)
            message = response["output"]["message"]
            stop_reason = response.get("stopReason", "")
            messages.append(message)
            tool_uses = [b["toolUse"] for b in message.get("content", []) if "toolUse" in b]
            if stop_reason != "tool_use" or not tool_uses:
                reply = _final_text(message, stop_reason)
                break
            if rounds == MAX_TOOL_ROUNDS:
                reply = ROUND_LIMIT_REPLY
                break
            rounds += 1
            results = []
            for tool_use in tool_uses:
                block, operation_id = run_tool(tool_use, request.identity, request.request_id)
                results.append(block)
                if operation_id is not None and operation_id not in tools_used:
                    tools_used.append(operation_id)
            messages.append({"role": "user", "content": results})
        self._remember(repo, request, reply)
        logger.bind(
            provider=self.name,
            request_id=request.request_id,
            session_id=request.session_id,
            history_turns=len(history),
            model_calls=calls,
            tool_rounds=rounds,
            tools=tools_used,
            stop_reason=stop_reason,
            input_tokens=tokens_in,
            output_tokens=tokens_out,
            reply_length=len(reply),
            duration_ms=round(budget.elapsed() * 1000),
        ).info("model answered")
        return ChatAnswer(reply=reply, provider=self.name, tools_used=tuple(tools_used))

    def _remember(self, repo: FinanceRepository, request: ChatRequest, reply: str) -> None:
        """Keep the question and the answer; the answer stands even if the store fails."""
        now = datetime.now(UTC)
        turns = [
            ChatTurn(role="user", text=request.message[:MAX_CHAT_TEXT], at=now),
            ChatTurn(role="assistant", text=reply[:MAX_CHAT_TEXT], at=now),
        ]
        try:
            repo.append_chat_turns(request.identity.principal, request.session_id, turns)
        except DomainError as exc:
            logger.bind(request_id=request.request_id, code=exc.code).warning(
                "chat history not saved"
            )
