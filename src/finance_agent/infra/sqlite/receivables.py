"""Receivables aging by customer in the embedded store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from finance_agent.domain.models import ARAging
from finance_agent.domain.money import cents, from_cents
from finance_agent.infra.sqlite.connection import SqliteFile

_BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


class ReceivableRecords(SqliteFile):
    """The receivables methods of ``SqliteRepo``."""

    @staticmethod
    def _aging(row: sqlite3.Row) -> ARAging:
        names = {k: row[k] for k in ("customer_id", "customer_name", "email")}
        return ARAging(**names, **{b: from_cents(row[f"{b}_cents"]) for b in _BUCKETS})

    def get_ar_aging(self) -> list[ARAging]:
        return [self._aging(r) for r in self._read("SELECT * FROM ar_aging ORDER BY customer_id")]

    def get_customer_aging(self, customer_id: str) -> ARAging | None:
        rows = self._read("SELECT * FROM ar_aging WHERE customer_id = ?", (customer_id,))
        return self._aging(rows[0]) if rows else None

    def put_ar_aging(self, rows: Iterable[ARAging]) -> None:
        values = (
            (a.customer_id, a.customer_name, a.email, *(cents(getattr(a, b)) for b in _BUCKETS))
            for a in rows
        )
        self._write("INSERT OR REPLACE INTO ar_aging VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
