"""A store that cannot be reached now is a 503 the caller may retry, not a 500."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.domain.errors import StoreError, StoreUnavailableError
from finance_agent.domain.models import SalesDay
from finance_agent.infra.dynamo_repo import DynamoRepo
from finance_agent.infra.sqlite_repo import SqliteRepo
from finance_agent.shared.settings import get_settings

KPIS = "/agent/tools/kpis"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
def unreachable_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "STORE": "dynamodb",
        "TABLE_NAME": "finance",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
        "DYNAMODB_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    get_repo.cache_clear()


def test_an_unreachable_dynamodb_is_a_503_saying_to_retry(
    unreachable_dynamodb: None, api: Callable[..., Any]
) -> None:
    reply = api("GET", KPIS, {"period": "last_7d"})

    assert reply.status == 503
    assert reply.json["error"] == "service_unavailable"
    assert reply.json["message"] == "the data store is not reachable right now; try again shortly"
    assert reply.headers["retry-after"] == "5"
    assert reply.json["request_id"]
    assert "DynamoDB" not in reply.text  # no internals leave


def test_the_store_says_unreachable_apart_from_other_failures(unreachable_dynamodb: None) -> None:
    repo = get_repo()
    assert isinstance(repo, DynamoRepo)

    with pytest.raises(StoreUnavailableError, match="EndpointConnectionError"):
        repo.get_kpis("last_7d")


def test_a_sqlite_file_locked_by_another_writer_is_unavailable_not_broken(tmp_path: Path) -> None:
    repo = SqliteRepo(tmp_path / "store.db")
    repo.get_kpis("last_7d")  # creates the schema
    other = sqlite3.connect(tmp_path / "store.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("finance_agent.infra.sqlite.connection.BUSY_TIMEOUT_SECONDS", 0.1)
            locked = SqliteRepo(tmp_path / "store.db")
            day = SalesDay(date=date(2026, 1, 5), revenue=Decimal("10.00"), cogs=Decimal("6.00"))
            with pytest.raises(StoreUnavailableError, match="locked"):
                locked.put_sales_days([day])
    finally:
        other.execute("ROLLBACK")
        other.close()
        repo.close()


def test_a_file_that_is_not_a_database_stays_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "not.db"
    path.write_bytes(b"not a database, just bytes" * 100)
    with pytest.raises(StoreError) as caught:
        SqliteRepo(path).get_kpis("last_7d")
    assert not isinstance(caught.value, StoreUnavailableError)
