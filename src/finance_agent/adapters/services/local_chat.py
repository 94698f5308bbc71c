"""The local chat provider: offline, deterministic, no model.

It reads the question with ``local_intents`` (plain pattern matching), calls the route that
answers it as the caller (``call_route``: the API's own validation and scope checks), and
says the route's figures back in sentences. What it does not understand gets the help
answer, which holds no figure. It calls itself "local" and never claims to be a model.

This module dispatches; the rest lives beside it: ``local_tools`` (route calls),
``local_history`` (the session and follow-ups), the reading of a message (``local_intents``
for its topic, ``local_spans`` and ``local_calendar`` for its period, ``local_requests`` for
a request to act), the answers (``local_kpis``, ``local_figures``, ``local_dated`` for
calendar periods, ``local_collections``, ``local_customers``, ``local_reminders``),
``local_format`` (how figures are said) and ``local_replies`` (help, refusals).
"""

from __future__ import annotations

from collections.abc import Callable

from finance_agent.adapters.services import local_intents as intents
from finance_agent.adapters.services.chat import ChatAnswer, ChatRequest
from finance_agent.adapters.services.local_collections import actions, overdue
from finance_agent.adapters.services.local_compare import asks_comparison
from finance_agent.adapters.services.local_customers import about_a_customer
from finance_agent.adapters.services.local_figures import cashflow
from finance_agent.adapters.services.local_history import History, follow_up
from finance_agent.adapters.services.local_kpis import compared, kpis, previous
from finance_agent.adapters.services.local_reminders import remind
from finance_agent.adapters.services.local_replies import (
    HELP,
    NO_BULK_REMINDERS,
    NO_DELETING,
    refusal,
)
from finance_agent.adapters.services.local_spans import normalize
from finance_agent.adapters.services.local_tools import Ask, ToolError, Tools
from finance_agent.adapters.services.local_unusual import anomalies
from finance_agent.shared.log import logger

NAME = "local"


class LocalChatProvider:
    name = NAME

    def answer(self, request: ChatRequest) -> ChatAnswer:
        tools = Tools(request)
        history = History(request)
        text = normalize(request.message)
        intent = intents.detect_intent(text, request.message) or follow_up(text, history)
        if intent in (None, "kpis") and asks_comparison(text):
            intent = "compare"
        ask = Ask(tools, text, request, history)
        try:
            if intent in (None, "kpis") and about_a_customer(tools, request.message, text):
                intent = "overdue"
            reply = _ANSWERS[intent](ask) if intent else HELP
        except ToolError as exc:
            reply = refusal(exc)
        history.remember(request.message, reply)
        logger.info("local chat", intent=intent or "help", tools=tools.used)
        return ChatAnswer(reply=reply, provider=NAME, tools_used=tuple(tools.used))


_ANSWERS: dict[str, Callable[[Ask], str]] = {
    "kpis": kpis,
    "previous": previous,
    "compare": compared,
    "cashflow": cashflow,
    "anomalies": anomalies,
    "overdue": overdue,
    "actions": actions,
    "remind": remind,
    "remind_many": lambda _: NO_BULK_REMINDERS,
    "delete_actions": lambda _: NO_DELETING,
}
