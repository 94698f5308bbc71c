"""The chat session as the local assistant sees it: the earlier questions a follow-up
continues (``followups`` reads them), and each answered turn saved for the next one."""

from __future__ import annotations

from typing import Any

from finance_agent.adapters.chat.types import ChatRequest
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
