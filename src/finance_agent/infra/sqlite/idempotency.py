"""Idempotency-Key records in the embedded store: claimed in one statement, completed with
the response to replay, released when the request fails, purged once expired."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from finance_agent.domain.models import IdempotencyRecord
from finance_agent.infra import action_keys
from finance_agent.infra.sqlite.connection import SqliteFile
from finance_agent.shared import clock

# One statement, so of two concurrent claims exactly one inserts (or takes over an expired
# record); the loser's statement changes nothing and it reads the winner's record.
CLAIM_SQL = (
    "INSERT INTO idempotency VALUES (:key, :fingerprint, :status, NULL, NULL, :expires_at)"
    " ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint,"
    " status = excluded.status, status_code = NULL, response_body = NULL,"
    " expires_at = excluded.expires_at WHERE idempotency.expires_at <= :now"
)


class IdempotencyRecords(SqliteFile):
    """The idempotency-record methods of ``SqliteRepo``."""

    @staticmethod
    def _idempotency(row: sqlite3.Row) -> IdempotencyRecord:
        return IdempotencyRecord(
            key=row["key"],
            fingerprint=row["fingerprint"],
            status=row["status"],
            status_code=row["status_code"],
            response_body=row["response_body"],
            expires_at=action_keys.parse_timestamp(row["expires_at"]),
        )

    def claim_idempotency_key(self, record: IdempotencyRecord) -> IdempotencyRecord | None:
        now = action_keys.sortable_timestamp(clock.now_utc())
        params = {
            "key": record.key,
            "fingerprint": record.fingerprint,
            "status": record.status,
            "expires_at": action_keys.sortable_timestamp(record.expires_at),
            "now": now,
        }
        with self._errors(), self._conn() as conn:
            self._purge_expired(conn, "idempotency", now)
            if conn.execute(CLAIM_SQL, params).rowcount == 1:
                return None
            row = conn.execute("SELECT * FROM idempotency WHERE key = ?", (record.key,)).fetchone()
        return self._idempotency(row)

    def get_idempotency_record(self, key: str) -> IdempotencyRecord | None:
        now = action_keys.sortable_timestamp(clock.now_utc())
        rows = self._read("SELECT * FROM idempotency WHERE key = ? AND expires_at > ?", (key, now))
        return self._idempotency(rows[0]) if rows else None

    def complete_idempotency_key(
        self, key: str, status_code: int, response_body: str, *, expires_at: datetime
    ) -> None:
        self._write(
            "UPDATE idempotency SET status = 'completed', status_code = ?, response_body = ?,"
            " expires_at = ? WHERE key = ?",
            [(status_code, response_body, action_keys.sortable_timestamp(expires_at), key)],
        )

    def release_idempotency_key(self, key: str) -> None:
        self._write("DELETE FROM idempotency WHERE key = ?", [(key,)])
