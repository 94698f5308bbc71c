"""The local chat provider: offline, deterministic, no model.

It reads the question with ``intents`` (plain pattern matching; ``followups`` for a message
that continues the session), calls the route that answers it as the caller (``tools``:
the API's own validation and scope checks), and says the route's figures back in
sentences (``answers/``, ``reminders``). What it does not understand gets the help answer,
which holds no figure. It calls itself "local" and never claims to be a model. The package
docstring (``local/__init__.py``) says where each decision lives.
"""

from __future__ import annotations

from collections.abc import Callable

from finance_agent.adapters.chat.local import intents
from finance_agent.adapters.chat.local.answers.actions import actions
from finance_agent.adapters.chat.local.answers.cashflow import cashflow
from finance_agent.adapters.chat.local.answers.customers import about_a_customer
from finance_agent.adapters.chat.local.answers.kpis import compared, kpis, previous
from finance_agent.adapters.chat.local.answers.overdue import overdue
from finance_agent.adapters.chat.local.answers.unusual import anomalies
from finance_agent.adapters.chat.local.followups import follow_up
from finance_agent.adapters.chat.local.reminders import remind
from finance_agent.adapters.chat.local.replies import (
    HELP,
    NO_BULK_REMINDERS,
    NO_DELETING,
    refusal,
)
from finance_agent.adapters.chat.local.session import History
from finance_agent.adapters.chat.local.tools import Ask, ToolError, Tools
from finance_agent.adapters.chat.local.words import normalize
from finance_agent.adapters.chat.types import ChatAnswer, ChatRequest
from finance_agent.shared.log import logger

NAME = "local"


class LocalChatProvider:
    name = NAME

    def answer(self, request: ChatRequest) -> ChatAnswer:
        tools = Tools(request)
        history = History(request)
        text = normalize(request.message)
        intent = intents.detect_intent(text, request.message) or follow_up(text, history)
        if intent in (None, "kpis") and intents.asks_comparison(text):
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
