"""A SQLite file written by the release before the ledger (schema version 0) opens with this
one: everything it held is still read, and the schema version is recorded. The ledger it
gains is checked on every store in ``tests/contract/test_ledger_upgrade_contract.py``.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from finance_agent.domain.errors import StoreError
from finance_agent.infra.sqlite.migrations import SCHEMA_VERSION
from finance_agent.infra.sqlite_repo import SqliteRepo
from legacy_aging import read_legacy_aging

if TYPE_CHECKING:
    from loguru import Record

FIXTURE = Path(__file__).parents[1] / "fixtures" / "release_store.sqlite"
LAST_SALES_DAY = date(2025, 6, 30)
UPGRADE_DAY = date(2025, 7, 15)


@pytest.fixture
def release_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: UPGRADE_DAY)
    path = tmp_path / "release.sqlite"
    shutil.copyfile(FIXTURE, path)
    return path


@pytest.fixture
def opened(release_file: Path) -> Iterator[SqliteRepo]:
    repo = SqliteRepo(release_file)
    yield repo
    repo.close()


def version_of(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        (version,) = conn.execute("PRAGMA user_version").fetchone()
    conn.close()
    return int(version)


def test_the_fixture_is_a_file_of_the_release_before_the_ledger(release_file: Path) -> None:
    with sqlite3.connect(release_file) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert version_of(release_file) == 0
    assert "ar_aging" in tables
    assert not tables & {"customers", "invoices", "settlements"}


def test_every_record_of_the_release_is_still_read(opened: SqliteRepo) -> None:
    sales = opened.get_sales_series(5, end=LAST_SALES_DAY)
    assert [d.revenue for d in sales] == [Decimal(1004 - i) for i in range(5)]
    snapshot = opened.get_kpis("last_30d")
    assert snapshot is not None
    assert snapshot.computed_for == LAST_SALES_DAY
    assert snapshot.kpis.ar_total == Decimal("468.00")
    action = opened.get_agent_action("release-action-1")
    assert action is not None
    assert action.payload == {"customer_id": "CUST002", "amount": "340.00"}
    turns = opened.get_chat_history("ops@example.com", "session-1")
    assert [t.text for t in turns] == ["Who owes us?"]
    assert [a.customer_id for a in read_legacy_aging(opened)] == ["CUST001", "CUST002", "CUST003"]


def test_the_schema_version_is_recorded_and_the_upgrade_runs_once(
    opened: SqliteRepo, release_file: Path
) -> None:
    assert version_of(release_file) == SCHEMA_VERSION == 1
    opened.put_invoice_records([])  # writes still work on the upgraded file
    opened.close()

    again = SqliteRepo(release_file)
    assert len(again.list_invoices().items) == 5
    again.close()


def test_a_file_from_a_newer_release_is_refused_and_left_alone(release_file: Path) -> None:
    with sqlite3.connect(release_file) as conn:
        conn.execute("PRAGMA user_version = 7")
    conn.close()

    with pytest.raises(StoreError, match="schema version 7, written by a newer finance-agent"):
        SqliteRepo(release_file)
    assert version_of(release_file) == 7
    with sqlite3.connect(release_file) as conn:
        assert (
            conn.execute("SELECT name FROM sqlite_master WHERE name = 'invoices'").fetchall() == []
        )
    conn.close()


def test_an_aging_row_no_model_accepts_is_skipped_with_a_warning(
    release_file: Path, log_records: list[Record]
) -> None:
    with sqlite3.connect(release_file) as conn:
        conn.execute("UPDATE ar_aging SET email = 'x' WHERE customer_id = 'CUST002'")
    conn.close()

    repo = SqliteRepo(release_file)

    assert [c.customer_id for c in repo.list_customers()] == ["CUST001", "CUST003"]
    (warning,) = [r for r in log_records if r["message"] == "skipping malformed AR aging row"]
    assert warning["extra"]["customer_id"] == "CUST002"
    repo.close()


def test_a_new_file_starts_at_the_current_version_with_an_empty_ledger(tmp_path: Path) -> None:
    repo = SqliteRepo(tmp_path / "new.sqlite")

    assert version_of(tmp_path / "new.sqlite") == SCHEMA_VERSION
    assert repo.list_customers() == []
    assert repo.first_issue_date() is None
    repo.close()


def test_opening_invoices_age_from_the_upgrade_day(opened: SqliteRepo) -> None:
    later = UPGRADE_DAY + timedelta(days=20)
    (record,) = [
        r for r in opened.open_invoices_as_of(later) if r.invoice_id == "OPENING-CUST001-current"
    ]
    assert (later - record.invoice.due_date).days == 20  # now 1-30 days past due
