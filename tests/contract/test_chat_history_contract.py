"""Chat history: every store keeps, trims, expires and isolates sessions the same way."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import timedelta
from typing import Any

import pytest

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import ChatTurn
from finance_agent.domain.models.chat import MAX_CHAT_TEXT, MAX_KEPT_TEXT_BYTES
from finance_agent.domain.ports import CHAT_TURNS_KEPT, FinanceRepository
from finance_agent.shared.clock import now_utc

OWNER = "ana.controller@example.com"


def turn(text: str, role: str = "user") -> ChatTurn:
    return ChatTurn.model_validate({"role": role, "text": text, "at": now_utc()})


def texts(turns: list[ChatTurn]) -> list[str]:
    return [t.text for t in turns]


def test_turns_come_back_as_they_were_stored(repo: FinanceRepository) -> None:
    stored = [turn("what was revenue?"), turn("Revenue was 1,234.56 USD.", "assistant")]
    repo.append_chat_turns(OWNER, "s-1", stored)
    assert repo.get_chat_history(OWNER, "s-1") == stored


def test_turns_are_kept_oldest_first_across_appends(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "s-1", [turn("one"), turn("two", "assistant")])
    repo.append_chat_turns(OWNER, "s-1", [turn("three"), turn("four", "assistant")])
    assert texts(repo.get_chat_history(OWNER, "s-1")) == ["one", "two", "three", "four"]


def test_only_the_last_turns_are_kept(repo: FinanceRepository) -> None:
    for i in range(5):
        repo.append_chat_turns(OWNER, "s-1", [turn(f"q{i}"), turn(f"a{i}", "assistant")], keep=4)
    assert texts(repo.get_chat_history(OWNER, "s-1")) == ["q3", "a3", "q4", "a4"]


def test_twenty_turns_are_kept_by_default(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "s-1", [turn(f"t{i}") for i in range(CHAT_TURNS_KEPT + 3)])
    kept = texts(repo.get_chat_history(OWNER, "s-1"))
    assert kept == [f"t{i}" for i in range(3, CHAT_TURNS_KEPT + 3)]


def test_long_turns_are_dropped_oldest_first_so_the_session_stays_one_item(
    repo: FinanceRepository,
) -> None:
    # Twenty turns of 16,000 four-byte characters would be 1.28 MB: over DynamoDB's 400 KB.
    long = "€" * MAX_CHAT_TEXT  # 3 bytes each in UTF-8: 48,000 bytes a turn
    for i in range(10):
        repo.append_chat_turns(
            OWNER, "s-1", [turn(f"q{i} {long}"[:MAX_CHAT_TEXT]), turn(f"a{i}", "assistant")]
        )
    kept = repo.get_chat_history(OWNER, "s-1")
    assert sum(len(t.text.encode()) for t in kept) <= MAX_KEPT_TEXT_BYTES
    # The newest turns are the ones kept, in order, and as many as fit.
    assert texts(kept)[-1] == "a9"
    assert [t.text.split()[0] for t in kept if t.role == "user"] == [
        f"q{i}" for i in range(10 - len([t for t in kept if t.role == "user"]), 10)
    ]
    assert len(kept) >= 12  # 6 long questions fit in 300,000 bytes, with their answers


def test_an_expired_session_is_empty(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "s-1", [turn("old")], ttl=timedelta(seconds=-1))
    assert repo.get_chat_history(OWNER, "s-1") == []


def test_an_expired_session_starts_afresh_on_the_next_append(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "s-1", [turn("old")], ttl=timedelta(seconds=-1))
    repo.append_chat_turns(OWNER, "s-1", [turn("new")])
    assert texts(repo.get_chat_history(OWNER, "s-1")) == ["new"]


def test_each_append_extends_the_session_s_life(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "s-1", [turn("first")], ttl=timedelta(hours=1))
    repo.append_chat_turns(OWNER, "s-1", [turn("second")], ttl=timedelta(hours=1))
    assert texts(repo.get_chat_history(OWNER, "s-1")) == ["first", "second"]


def test_another_owner_sees_nothing_of_a_session(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "shared-id", [turn("mine")])
    assert repo.get_chat_history("someone.else@example.com", "shared-id") == []
    repo.append_chat_turns("someone.else@example.com", "shared-id", [turn("theirs")])
    assert texts(repo.get_chat_history(OWNER, "shared-id")) == ["mine"]
    assert texts(repo.get_chat_history("someone.else@example.com", "shared-id")) == ["theirs"]


def test_sessions_of_one_owner_are_independent(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "s-1", [turn("one")])
    repo.append_chat_turns(OWNER, "s-2", [turn("two")])
    assert texts(repo.get_chat_history(OWNER, "s-1")) == ["one"]
    assert texts(repo.get_chat_history(OWNER, "s-2")) == ["two"]


def test_an_unknown_session_is_empty(repo: FinanceRepository) -> None:
    assert repo.get_chat_history(OWNER, "never-used") == []


def test_session_ids_with_separators_stay_apart(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "a:b.c-d_e", [turn("punctuated")])
    repo.append_chat_turns(OWNER, "a", [turn("plain")])
    assert texts(repo.get_chat_history(OWNER, "a:b.c-d_e")) == ["punctuated"]
    assert texts(repo.get_chat_history(OWNER, "a")) == ["plain"]


def test_unicode_text_survives(repo: FinanceRepository) -> None:
    repo.append_chat_turns(OWNER, "s-1", [turn("¿cuánto facturamos? 営業 €")])
    assert texts(repo.get_chat_history(OWNER, "s-1")) == ["¿cuánto facturamos? 営業 €"]


def test_keep_below_one_is_refused(repo: FinanceRepository) -> None:
    with pytest.raises(ValidationError) as caught:
        repo.append_chat_turns(OWNER, "s-1", [turn("x")], keep=0)
    assert caught.value.field == "keep"


def test_concurrent_appends_lose_no_turn(repo: FinanceRepository) -> None:
    barrier = threading.Barrier(4)

    def append(i: int) -> None:
        barrier.wait()
        repo.append_chat_turns(OWNER, "busy", [turn(f"t{i}")])

    threads = [threading.Thread(target=append, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(texts(repo.get_chat_history(OWNER, "busy"))) == ["t0", "t1", "t2", "t3"]


def test_the_dynamodb_item_hides_the_owner_and_carries_the_ttl(dynamodb_repo: Any) -> None:
    """One item per session: the owner hashed into the key, TTL in epoch seconds."""
    dynamodb_repo.append_chat_turns(OWNER, "s-1", [turn("hello")], ttl=timedelta(hours=2))
    digest = hashlib.sha256(OWNER.encode()).hexdigest()[:32]
    raw = dynamodb_repo.client.get_item(
        TableName=dynamodb_repo.table_name, Key={"pk": {"S": f"CHAT#{digest}#s-1"}}
    )["Item"]
    assert OWNER not in json.dumps(raw)
    expected = (now_utc() + timedelta(hours=2)).timestamp()
    assert abs(int(raw["expires_at"]["N"]) - expected) < 60


def test_an_unreadable_dynamodb_session_reads_empty_and_is_replaced(dynamodb_repo: Any) -> None:
    digest = hashlib.sha256(OWNER.encode()).hexdigest()[:32]
    dynamodb_repo.client.put_item(
        TableName=dynamodb_repo.table_name,
        Item={"pk": {"S": f"CHAT#{digest}#s-1"}, "turns": {"S": "not a list"}},
    )
    assert dynamodb_repo.get_chat_history(OWNER, "s-1") == []
    dynamodb_repo.append_chat_turns(OWNER, "s-1", [turn("fresh")])
    assert texts(dynamodb_repo.get_chat_history(OWNER, "s-1")) == ["fresh"]
