"""SQLite's ledger transaction, which an import checks and writes in: all of it or nothing,
seen by its own reads, unseen by others until committed."""

from __future__ import annotations

from pathlib import Path

import pytest

from finance_agent.infra.sqlite_repo import SqliteRepo
from ledger_factory import customer, record


def test_writes_in_a_ledger_transaction_are_kept_together_or_not_at_all(tmp_path: Path) -> None:
    repo = SqliteRepo(tmp_path / "ledger.db")
    other = SqliteRepo(tmp_path / "ledger.db")  # another process's view of the file
    paid = record("INV1", "ACME", "2026-01-05", "2026-02-04", "100.00", paid=[("2026-02-10", "40")])

    def stopped_midway() -> None:
        with repo.ledger_transaction() as writes:
            writes.put_customers([customer("ACME")])
            writes.put_invoice_records([paid])
            assert repo.get_invoice_records(["INV1"]) == {"INV1": paid}  # its own reads see them
            assert other.get_invoice_records(["INV1"]) == {}  # others do not, yet
            raise RuntimeError("stopped midway")

    with pytest.raises(RuntimeError):
        stopped_midway()
    assert repo.get_invoice_records(["INV1"]) == {}
    assert repo.get_customers(["ACME"]) == {}
    assert repo.first_issue_date() is None
    with repo.ledger_transaction() as writes:
        writes.put_customers([customer("ACME")])
        writes.put_invoice_records([paid])
    assert other.get_invoice_records(["INV1"]) == {"INV1": paid}
    assert other.get_customers(["ACME"]) == {"ACME": customer("ACME")}
    assert [r.invoice_id for r in other.open_invoices_as_of(paid.invoice.due_date)] == ["INV1"]


def test_the_page_cache_is_raised_for_the_transaction_only(tmp_path: Path) -> None:
    repo = SqliteRepo(tmp_path / "ledger.db")
    conn = repo._conn()
    (before,) = conn.execute("PRAGMA cache_size").fetchone()
    with repo.ledger_transaction():
        (during,) = conn.execute("PRAGMA cache_size").fetchone()
    (after,) = conn.execute("PRAGMA cache_size").fetchone()
    assert during == -32 * 1024
    assert after == before != during
