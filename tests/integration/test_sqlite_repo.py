"""What only the SQLite store promises: a durable file, WAL, atomic batches, indexed
listing, thread safety and storage errors as StoreError."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from finance_agent.domain.errors import StoreError, ValidationError
from finance_agent.domain.ledger.records import Customer
from finance_agent.domain.models import SalesDay
from finance_agent.infra.sqlite import schema as module
from finance_agent.infra.sqlite_repo import SqliteRepo
from finance_agent.shared import clock

JAN_1 = date(2024, 1, 1)
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[SqliteRepo]:
    store = SqliteRepo(tmp_path / "store.db")
    yield store
    store.close()


def day(n: int, revenue: str = "100.00") -> SalesDay:
    return SalesDay(date=JAN_1 + timedelta(days=n), revenue=Decimal(revenue), cogs=Decimal("1.00"))


def customer(customer_id: str) -> Customer:
    return Customer(customer_id=customer_id, name="Acme", email="ap@acme.example")


def test_data_persists_across_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "folder" / "finance.db"
    first = SqliteRepo(path)
    first.put_sales_days([day(0, "1234.56")])
    first.put_customers([customer("C1")])
    action_id = first.create_agent_action("note", {"k": "v"}, "alice", created_at=T0)
    first.close()

    reopened = SqliteRepo(path)
    try:
        assert reopened.get_sales_series(1, end=JAN_1) == [day(0, "1234.56")]
        assert reopened.get_customers(["C1"]) == {"C1": customer("C1")}
        stored = reopened.get_agent_action(action_id)
        assert stored is not None
        assert stored.payload == {"k": "v"}
    finally:
        reopened.close()


def test_the_file_is_in_wal_mode(repo: SqliteRepo) -> None:
    with sqlite3.connect(repo.path) as other:
        assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    other.close()


def test_money_is_stored_as_integer_cents(repo: SqliteRepo) -> None:
    repo.put_sales_days([day(0, "1234.56")])

    with sqlite3.connect(repo.path) as other:
        row = other.execute(
            "SELECT revenue_cents, typeof(revenue_cents) FROM sales_days"
        ).fetchone()
    other.close()

    assert row == (123456, "integer")


def test_a_batch_that_fails_midway_writes_nothing(repo: SqliteRepo) -> None:
    repo.put_sales_days([day(0, "1.00")])

    def failing_batch() -> Iterator[SalesDay]:
        yield day(0, "999.99")  # would overwrite the stored day
        yield day(1)
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError, match="source broke"):
        repo.put_sales_days(failing_batch())

    assert repo.get_sales_series(5, end=JAN_1 + timedelta(days=4)) == [day(0, "1.00")]


def test_a_customers_batch_that_fails_midway_writes_nothing(repo: SqliteRepo) -> None:
    def failing_batch() -> Iterator[Customer]:
        yield customer("C1")
        raise RuntimeError("source broke")

    with pytest.raises(RuntimeError):
        repo.put_customers(failing_batch())

    assert repo.list_customers() == []


def executed_listing_queries(repo: SqliteRepo) -> list[str]:
    """The statements the repo really runs for a first page and a following one."""
    seen: list[str] = []
    # The trace gives each statement with its parameters inlined, ready to EXPLAIN.
    repo._conn().set_trace_callback(seen.append)
    try:
        first = repo.list_agent_actions(limit=5)
        repo.list_agent_actions(limit=5, before=first.next_token)
    finally:
        repo._conn().set_trace_callback(None)
    assert first.next_token is not None
    return seen


def query_plan(path: Path, sql: str) -> list[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
    conn.close()
    return [row[-1] for row in rows]


def test_listing_actions_reads_the_index_without_scanning_the_table(repo: SqliteRepo) -> None:
    for i in range(50):
        repo.create_agent_action("note", {}, "alice", created_at=T0 + timedelta(seconds=i % 7))

    first_page, next_page = executed_listing_queries(repo)

    # First page: the index walked in its own order and stopped by LIMIT, no sort.
    assert query_plan(repo.path, first_page) == [
        f"SCAN agent_actions USING INDEX {module.ACTIONS_INDEX}"
    ]
    # Later pages: a seek to the cursor inside the index, then the same ordered walk.
    (step,) = query_plan(repo.path, next_page)
    assert step.startswith(f"SEARCH agent_actions USING INDEX {module.ACTIONS_INDEX} (")
    assert "(created_at,action_id)<" in step


def test_concurrent_writes_from_several_threads_all_land(repo: SqliteRepo) -> None:
    def work(worker: int) -> None:
        for i in range(20):
            repo.create_agent_action(
                "note", {"worker": worker, "i": i}, f"w{worker}", action_id=f"w{worker}-{i}"
            )
        repo.put_sales_days([day(worker)])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(work, range(8)))

    listed = []
    token = None
    while True:
        page = repo.list_agent_actions(limit=100, before=token)
        listed += [a.action_id for a in page.items]
        if (token := page.next_token) is None:
            break
    assert sorted(listed) == sorted(f"w{w}-{i}" for w in range(8) for i in range(20))
    assert len(repo.get_sales_series(8, end=JAN_1 + timedelta(days=7))) == 8


def test_the_store_reopens_after_close(repo: SqliteRepo) -> None:
    repo.put_sales_days([day(0)])
    repo.close()

    assert repo.latest_sales_date() == JAN_1


def test_the_series_ends_today_by_default(
    repo: SqliteRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clock, "today", lambda: JAN_1 + timedelta(days=1))
    repo.put_sales_days([day(0), day(1), day(2)])

    assert [s.date for s in repo.get_sales_series(2)] == [JAN_1, JAN_1 + timedelta(days=1)]


def test_a_window_longer_than_the_calendar_returns_everything_up_to_its_end(
    repo: SqliteRepo,
) -> None:
    repo.put_sales_days([day(0), day(1)])

    assert len(repo.get_sales_series(10**8, end=JAN_1 + timedelta(days=1))) == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"action_id": "bad id!"}, "action_id"),
        ({"created_at": datetime(2024, 1, 1)}, "created_at"),  # naive on purpose
        ({"payload": {"amount": Decimal("1.00")}}, "payload"),
        ({"payload": {"ratio": float("nan")}}, "payload"),
        ({"performed_by": ""}, "performed_by"),
    ],
)
def test_an_action_that_could_not_be_read_back_is_refused(
    repo: SqliteRepo, kwargs: dict[str, object], field: str
) -> None:
    args: dict[str, object] = {"action": "note", "payload": {}, "performed_by": "alice"}
    with pytest.raises(ValidationError) as caught:
        repo.create_agent_action(**{**args, **kwargs})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert repo.list_agent_actions().items == []


def test_a_path_that_cannot_be_opened_raises_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        SqliteRepo(tmp_path)  # a folder, not a file
    assert isinstance(caught.value.__cause__, sqlite3.Error)


def test_a_file_that_is_not_a_database_raises_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite" * 100)

    with pytest.raises(StoreError):
        SqliteRepo(path)


def test_a_read_that_fails_in_sqlite_raises_store_error(repo: SqliteRepo) -> None:
    with sqlite3.connect(repo.path) as other:
        other.execute("DROP TABLE sales_days")
    other.close()

    with pytest.raises(StoreError) as caught:
        repo.latest_sales_date()
    assert isinstance(caught.value.__cause__, sqlite3.OperationalError)


def test_a_write_that_fails_in_sqlite_raises_store_error_not_conflict(repo: SqliteRepo) -> None:
    with sqlite3.connect(repo.path) as other:
        other.execute("DROP TABLE agent_actions")
    other.close()

    with pytest.raises(StoreError):
        repo.create_agent_action("note", {}, "alice")


def test_expired_idempotency_and_chat_records_are_purged_by_later_writes(tmp_path: Path) -> None:
    from finance_agent.domain.models import ChatTurn, IdempotencyRecord
    from finance_agent.shared.clock import now_utc

    store = SqliteRepo(tmp_path / "purge.db")
    past = now_utc() - timedelta(seconds=1)
    store.claim_idempotency_key(IdempotencyRecord(key="old", fingerprint="f", expires_at=past))
    store.append_chat_turns(
        "owner", "s-old", [ChatTurn(role="user", text="hi", at=past)], ttl=timedelta(seconds=-1)
    )
    store._next_purge.clear()  # the next write is due to purge
    store.claim_idempotency_key(
        IdempotencyRecord(key="new", fingerprint="f", expires_at=now_utc() + timedelta(hours=1))
    )
    store.append_chat_turns("owner", "s-new", [ChatTurn(role="user", text="hi", at=now_utc())])
    conn = sqlite3.connect(tmp_path / "purge.db")
    assert [r[0] for r in conn.execute("SELECT key FROM idempotency")] == ["new"]
    assert [r[0] for r in conn.execute("SELECT session_id FROM chat_sessions")] == ["s-new"]
    conn.close()
    store.close()


def test_a_kpi_record_this_version_cannot_read_is_a_cache_miss(repo: SqliteRepo) -> None:
    # Written by an older version, before KPIs said how many days had sales.
    old = {
        "period": "last_30d",
        "start_date": "2024-01-02",
        "end_date": "2024-01-31",
        "revenue": "1.00",
        "gross_margin": "0.5",
        "ar_total": "0",
        "ar_over_60": "0",
        "currency": "USD",
        "source": "computed",
        "previous": {
            "start_date": "2023-12-03",
            "end_date": "2024-01-01",
            "revenue": "1.00",
            "gross_margin": "0.5",
        },
    }
    with sqlite3.connect(repo.path) as conn:
        conn.execute(
            "INSERT INTO kpi_snapshots VALUES (?, ?, ?)",
            ("last_30d", "2024-01-31", json.dumps(old)),
        )

    assert repo.get_kpis("last_30d") is None
