"""POST /agent/chat: body bounds, session ids, identity, error shapes, and logs without text."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.routes import route_by_id

CHAT = "/agent/chat"
ANA = {
    "sub": "actor-0002",
    "email": "ana.controller@example.com",
    "email_verified": "true",
    "scope": "agent:actions",
}
READER = {"sub": "reader-0001", "email": "rita.reader@example.com", "email_verified": "true"}

pytestmark = pytest.mark.usefixtures("seeded")

Api = Callable[..., Any]


def chat(api: Api, body: Any, claims: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    return api("POST", CHAT, body=body, claims=ANA if claims is None else claims, **kwargs)


def test_the_chat_is_in_the_route_table_but_not_a_tool() -> None:
    route = route_by_id("agent_chat")
    assert (route.method, route.path, route.is_tool) == ("POST", CHAT, False)


def test_a_question_is_answered_by_the_local_provider_with_the_tools_it_used(api: Api) -> None:
    reply = chat(api, {"message": "what was revenue in the last 30 days?"})
    assert reply.status == 200
    body = reply.json
    assert set(body) == {"session_id", "reply", "provider", "tools_used"}
    assert body["provider"] == "local"
    assert body["tools_used"] == ["get_kpis"]
    assert "revenue" in body["reply"]


def test_a_session_id_is_generated_when_absent(api: Api) -> None:
    first = chat(api, {"message": "hello"}).json["session_id"]
    second = chat(api, {"message": "hello"}).json["session_id"]
    assert uuid.UUID(first).version == 4
    assert first != second


def test_a_given_session_id_is_kept_and_the_turns_stored_for_the_caller(api: Api) -> None:
    reply = chat(api, {"message": "hello", "session_id": "desk:42.a_b-c"})
    assert reply.json["session_id"] == "desk:42.a_b-c"
    turns = get_repo().get_chat_history(ANA["email"], "desk:42.a_b-c")
    assert [t.role for t in turns] == ["user", "assistant"]
    assert turns[0].text == "hello"
    assert get_repo().get_chat_history(READER["email"], "desk:42.a_b-c") == []


@pytest.mark.parametrize("length", [1, 4000])
def test_messages_of_one_to_four_thousand_characters_are_accepted(api: Api, length: int) -> None:
    assert chat(api, {"message": "x" * length}).status == 200


@pytest.mark.parametrize("session_id", ["ab", "s" * 100, "A.b_c:d-9"])
def test_session_ids_within_the_rules_are_accepted(api: Api, session_id: str) -> None:
    reply = chat(api, {"message": "hi", "session_id": session_id})
    assert reply.status == 200
    assert reply.json["session_id"] == session_id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "x" * 4001}, "message"),
        ({}, "message"),
        ({"message": 42}, "message"),
        ({"message": "hi", "session_id": "a"}, "session_id"),
        ({"message": "hi", "session_id": "s" * 101}, "session_id"),
        ({"message": "hi", "session_id": "has space"}, "session_id"),
        ({"message": "hi", "session_id": "a/b"}, "session_id"),
        ({"message": "hi", "session_id": "émoji"}, "session_id"),
        ({"message": "hi", "extra": True}, "extra"),
    ],
)
def test_a_body_out_of_bounds_is_a_400_naming_the_field(
    api: Api, body: dict[str, Any], field: str
) -> None:
    reply = chat(api, body)
    assert reply.status == 400
    assert reply.json["error"] == "validation_error"
    assert field in reply.error_fields()
    assert reply.json["message"]


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", ""])
def test_a_body_that_is_not_a_json_object_is_a_400(api: Api, raw: str) -> None:
    reply = chat(api, raw)
    assert reply.status == 400
    assert reply.error_fields() == ["body"]


def test_without_an_identity_the_chat_is_a_401(api: Api) -> None:
    reply = api("POST", CHAT, body={"message": "what was revenue?"}, claims=None)
    assert reply.status == 401
    body = reply.json
    assert body["error"] == "unauthorized"
    assert body["details"] == []
    assert reply.headers["www-authenticate"] == "Bearer"


def test_a_bearer_token_verified_in_process_is_an_identity(
    api: Api, mint: Callable[..., str]
) -> None:
    reply = api("POST", CHAT, body={"message": "hello"}, claims=None, token=mint(READER))
    assert reply.status == 200


def test_a_reminder_through_the_chat_needs_the_scope(api: Api) -> None:
    refused = chat(api, {"message": "remind CUST001 to pay"}, claims=READER, scopes=None)
    assert refused.status == 200
    assert "agent:actions" in refused.json["reply"]
    assert get_repo().get_chat_history(READER["email"], refused.json["session_id"])
    done = chat(api, {"message": "remind CUST001 to pay"})
    assert "Done" in done.json["reply"]
    assert done.json["tools_used"] == ["create_collection_reminder"]


def _log_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_logs_carry_lengths_ids_and_timings_but_never_the_text(
    api: Api, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = "Zanzibar-quokka what was revenue in the last 30 days for ana.controller"
    capsys.readouterr()
    reply = chat(api, {"message": secret, "session_id": "log-check"})
    out = capsys.readouterr().out
    assert reply.status == 200
    assert "Zanzibar" not in out
    assert "quokka" not in out
    assert reply.json["reply"][:40] not in out
    answered = [line for line in _log_lines(out) if line["message"] == "chat answered"]
    assert len(answered) == 1
    line = answered[0]
    assert line["message_length"] == len(secret)
    assert line["session_id"] == "log-check"
    assert line["provider"] == "local"
    assert line["tools"] == ["get_kpis"]
    assert line["reply_length"] == len(reply.json["reply"])
    assert line["chat_ms"] >= 0


def test_a_provider_failure_is_logged_without_the_text_and_mapped(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from finance_agent.adapters.chat.local.provider import LocalChatProvider
    from finance_agent.domain.errors import RateLimitedError

    def throttled(self: Any, request: Any) -> Any:
        raise RateLimitedError("the model is busy; try again shortly")

    monkeypatch.setattr(LocalChatProvider, "answer", throttled)
    capsys.readouterr()
    reply = chat(api, {"message": "Zanzibar revenue"})
    out = capsys.readouterr().out
    assert reply.status == 429
    assert reply.json["error"] == "rate_limited"
    assert "Zanzibar" not in out
    failed = [line for line in _log_lines(out) if line["message"] == "chat failed"]
    assert failed[0]["error"] == "RateLimitedError"
