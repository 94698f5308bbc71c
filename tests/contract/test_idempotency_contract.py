"""Idempotency records: every store claims, completes and expires them the same way."""

from __future__ import annotations

import threading
from datetime import timedelta

from finance_agent.domain.models import IdempotencyRecord
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared.clock import now_utc

LATER = now_utc() + timedelta(days=1)


def record(
    key: str = "k1", fingerprint: str = "f1", ttl: timedelta = timedelta(hours=1)
) -> IdempotencyRecord:
    return IdempotencyRecord(key=key, fingerprint=fingerprint, expires_at=now_utc() + ttl)


def test_the_first_claim_owns_the_key(repo: FinanceRepository) -> None:
    assert repo.claim_idempotency_key(record()) is None
    stored = repo.get_idempotency_record("k1")
    assert stored is not None
    assert (stored.status, stored.fingerprint) == ("in_progress", "f1")


def test_a_second_claim_gets_the_first_record(repo: FinanceRepository) -> None:
    repo.claim_idempotency_key(record(fingerprint="first"))
    existing = repo.claim_idempotency_key(record(fingerprint="second"))
    assert existing is not None
    assert existing.fingerprint == "first"


def test_a_completed_record_keeps_the_response_to_replay(repo: FinanceRepository) -> None:
    repo.claim_idempotency_key(record())
    repo.complete_idempotency_key("k1", 201, '{"action_id":"a1"}', expires_at=LATER)
    existing = repo.claim_idempotency_key(record())
    assert existing is not None
    assert (existing.status, existing.status_code) == ("completed", 201)
    assert existing.response_body == '{"action_id":"a1"}'


def test_a_released_key_can_be_claimed_again(repo: FinanceRepository) -> None:
    repo.claim_idempotency_key(record())
    repo.release_idempotency_key("k1")
    assert repo.get_idempotency_record("k1") is None
    assert repo.claim_idempotency_key(record()) is None


def test_an_expired_record_is_gone_and_its_key_reusable(repo: FinanceRepository) -> None:
    repo.claim_idempotency_key(record(fingerprint="old", ttl=timedelta(seconds=-1)))
    assert repo.get_idempotency_record("k1") is None
    assert repo.claim_idempotency_key(record(fingerprint="new")) is None
    stored = repo.get_idempotency_record("k1")
    assert stored is not None
    assert stored.fingerprint == "new"


def test_keys_are_independent(repo: FinanceRepository) -> None:
    assert repo.claim_idempotency_key(record("a")) is None
    assert repo.claim_idempotency_key(record("b")) is None
    assert repo.get_idempotency_record("c") is None


def test_of_concurrent_claims_exactly_one_wins(repo: FinanceRepository) -> None:
    results: list[IdempotencyRecord | None] = []
    barrier = threading.Barrier(6)

    def claim(i: int) -> None:
        barrier.wait()
        results.append(repo.claim_idempotency_key(record(fingerprint=f"f{i}")))

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is None for r in results) == 1
    winners = {r.fingerprint for r in results if r is not None}
    assert len(winners) == 1


def test_completing_keeps_the_record_for_its_own_time_not_the_claims_lease(
    repo: FinanceRepository,
) -> None:
    repo.claim_idempotency_key(record(ttl=timedelta(minutes=5)))
    kept_until = now_utc() + timedelta(hours=24)

    repo.complete_idempotency_key("k1", 201, "{}", expires_at=kept_until)

    stored = repo.get_idempotency_record("k1")
    assert stored is not None
    assert stored.status == "completed"
    assert abs((stored.expires_at - kept_until).total_seconds()) < 1


def test_a_claim_whose_lease_ran_out_can_be_taken_over(repo: FinanceRepository) -> None:
    # The first request died midway (no completion, no release): its lease frees the key.
    repo.claim_idempotency_key(record(fingerprint="died", ttl=timedelta(seconds=-1)))

    assert repo.claim_idempotency_key(record(fingerprint="retry")) is None
    stored = repo.get_idempotency_record("k1")
    assert stored is not None
    assert stored.fingerprint == "retry"
