"""The chat session as the local assistant sees it: the earlier questions a follow-up
continues, and each answered turn saved for the next one."""

from __future__ import annotations

import re
from typing import Any

from finance_agent.adapters.services import local_intents as intents
from finance_agent.adapters.services import local_spans as spans
from finance_agent.adapters.services.chat import ChatRequest
from finance_agent.adapters.services.local_periods import read_period
from finance_agent.domain.errors import DomainError
from finance_agent.domain.models import ChatTurn
from finance_agent.domain.models.chat import MAX_CHAT_TEXT
from finance_agent.shared import clock
from finance_agent.shared.log import logger


class History:
    """The session's turns, read only when a follow-up needs them; kept for the next one."""

    def __init__(self, request: ChatRequest) -> None:
        self._request = request
        self._turns: list[ChatTurn] | None = None

    def _repo(self) -> Any:
        from finance_agent.bootstrap import get_repo

        return get_repo()

    def user_messages(self) -> list[str]:
        """Earlier questions of the session, newest first."""
        if self._turns is None:
            request = self._request
            self._turns = self._repo().get_chat_history(
                request.identity.principal, request.session_id
            )
        return [turn.text for turn in reversed(self._turns) if turn.role == "user"]

    def last_reply(self) -> str:
        """The assistant's latest answer in the session, or ""."""
        self.user_messages()
        turns = self._turns or []
        return next((t.text for t in reversed(turns) if t.role == "assistant"), "")

    def remember(self, message: str, reply: str) -> None:
        now = clock.now_utc()
        turns = [
            ChatTurn(role="user", text=message[:MAX_CHAT_TEXT], at=now),
            ChatTurn(role="assistant", text=reply[:MAX_CHAT_TEXT], at=now),
        ]
        request = self._request
        try:
            self._repo().append_chat_turns(request.identity.principal, request.session_id, turns)
        except DomainError as exc:  # the answer stands; only the follow-up context is lost
            logger.warning("chat history not saved", code=exc.code)


_PERIODIC = ("kpis", "cashflow", "anomalies")  # the topics a period alone can continue


def _names_period(text: str) -> bool:
    today = clock.today()
    return (
        spans.parse_span(text, today) is not None
        or read_period(text, today) is not None
        or spans.mentions_yesterday(text)
    )


def _continued(topic: str, text: str) -> str:
    """Which way the period looks decides between the figures so far and the forecast:
    "what about last week?" after a forecast asks for the past week's figures."""
    if topic == "cashflow" and spans.looks_back(text):
        return "kpis"
    if topic in ("kpis", "anomalies") and spans.looks_ahead(text):
        return "cashflow"
    return topic


def _continues_overdue(text: str, history: History) -> bool:
    """ "and for CUST007?", "what about Acme?", "and over 90?" just after overdue customers."""
    if _names_period(text) or not re.search(
        r"^\W*(?:and|what about|how about|what of|same for)\b", text
    ):
        return False
    for earlier in history.user_messages():  # newest first
        if (intent := intents.detect_intent(spans.normalize(earlier), earlier)) is not None:
            return intent == "overdue"
    return False


def follow_up(text: str, history: History) -> str | None:
    """A message with no topic of its own ("and the previous 30?", "what about this month?")
    continues the session's topic: the last one asked, as the follow-ups since moved it."""
    if intents.asks_previous(text):
        return "previous"
    if _continues_overdue(text, history):
        return "overdue"
    if not _names_period(text):
        return None
    topic: str | None = None
    for earlier in reversed(history.user_messages()):  # oldest first
        said = spans.normalize(earlier)
        if (intent := intents.detect_intent(said, earlier)) is not None:
            topic = intent if intent in _PERIODIC else None
        elif topic is not None and intents.asks_previous(said):
            topic = "kpis"  # the period before is answered with the KPIs
        elif topic is not None and _names_period(said):
            topic = _continued(topic, said)
    return _continued(topic, text) if topic is not None else None
