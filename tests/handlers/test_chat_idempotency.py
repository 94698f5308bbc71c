"""POST /agent/chat honours Idempotency-Key as the reminder route does.

A stand-in provider counts the questions that reach it: a replayed answer asks nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from finance_agent.adapters.chat.types import ChatAnswer, ChatRequest
from finance_agent.adapters.handlers.chat import agent_chat
from finance_agent.adapters.http import idempotency

CHAT = "/agent/chat"
ANA = {"sub": "actor-0002", "email": "ana.controller@example.com", "scope": "agent:actions"}

Api = Callable[..., Any]


class CountingProvider:
    name = "counting"

    def __init__(self) -> None:
        self.questions: list[str] = []

    def answer(self, request: ChatRequest) -> ChatAnswer:
        self.questions.append(request.message)
        return ChatAnswer(reply=f"answer {len(self.questions)}", provider=self.name)


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> CountingProvider:
    counting = CountingProvider()
    monkeypatch.setattr(agent_chat, "get_provider", lambda: counting)
    return counting


def chat(api: Api, body: Any, key: str) -> Any:
    return api("POST", CHAT, body=body, claims=ANA, headers={"Idempotency-Key": key})


def test_a_chat_retry_with_the_same_key_replays_the_first_answer(
    api: Api, provider: CountingProvider
) -> None:
    body = {"message": "what was revenue in the last 30 days?", "session_id": "desk-7"}
    first = chat(api, body, "chat-retry-1")
    retry = chat(api, body, "chat-retry-1")
    assert first.status == retry.status == 200
    assert retry.text == first.text
    assert "idempotent-replayed" not in first.headers
    assert retry.headers["idempotent-replayed"] == "true"
    assert "x-request-id" in retry.headers
    assert len(provider.questions) == 1


def test_a_chat_without_session_id_replays_the_same_session(
    api: Api, provider: CountingProvider
) -> None:
    first = chat(api, {"message": "hello"}, "chat-retry-2")
    again = chat(api, {"message": "hello"}, "chat-retry-2")
    assert again.json["session_id"] == first.json["session_id"]
    assert len(provider.questions) == 1


def test_the_same_chat_key_with_another_message_is_409(
    api: Api, provider: CountingProvider
) -> None:
    assert chat(api, {"message": "hello"}, "chat-key-3").status == 200
    reply = chat(api, {"message": "revenue?"}, "chat-key-3")
    assert reply.status == 409
    assert reply.json["error"] == "conflict"
    assert provider.questions == ["hello"]


def test_an_answer_too_large_to_keep_is_given_and_its_key_left_free(
    api: Api, provider: CountingProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(idempotency, "MAX_KEPT_BODY_BYTES", 10)
    assert chat(api, {"message": "hello"}, "chat-big-4").status == 200
    again = chat(api, {"message": "hello"}, "chat-big-4")
    assert again.status == 200
    assert "idempotent-replayed" not in again.headers
    assert len(provider.questions) == 2
