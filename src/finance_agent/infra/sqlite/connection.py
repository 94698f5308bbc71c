"""One SQLite file under the store: a connection per thread, storage failures as StoreError,
reads, one-transaction writes, and the purge of expired records."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from finance_agent.domain.errors import StoreError, StoreUnavailableError
from finance_agent.infra.sqlite.migrations import upgrade
from finance_agent.infra.sqlite.schema import create_schema
from finance_agent.shared import clock

BUSY_TIMEOUT_SECONDS = 10.0
# DynamoDB deletes expired records by TTL; here a write deletes them, at most this often.
PURGE_EVERY_SECONDS = 600.0
# The tables whose records expire, each with an index on ``expires_at``.
ExpiringTable = Literal["idempotency", "chat_sessions"]


class SqliteFile:
    """The file the records of every kind live in; safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._connections: list[sqlite3.Connection] = []
        self._next_purge: dict[str, float] = {}
        try:
            with self._errors():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = self._conn()
                # WAL lets readers run while a writer commits; the mode is stored in the file.
                conn.execute("PRAGMA journal_mode=WAL")
                create_schema(conn)
                upgrade(conn, clock.today())  # a file from an older release, or a new one
        except StoreError:
            self.close()  # a failed open leaves no connection behind
            raise

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection: a sqlite3 connection must not serve two threads at once."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            # check_same_thread=False only so close() can close every thread's connection.
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Storage failures the caller cannot fix become StoreError; domain errors pass."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            # Still locked after the busy timeout: another writer holds the file; later works.
            error = StoreUnavailableError if "locked" in str(exc) else StoreError
            raise error(f"sqlite store {self.path}: {exc}") from exc
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"sqlite store {self.path}: {exc}") from exc

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._errors():
            return self._conn().execute(sql, params).fetchall()

    def _write(self, sql: str, rows: Iterable[Any]) -> None:
        # One transaction; rows are streamed into it, so a failure midway rolls all back.
        with self._errors(), self._conn() as conn:
            conn.executemany(sql, rows)

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._local = threading.local()  # a later call reopens instead of failing

    def _purge_expired(self, conn: sqlite3.Connection, table: ExpiringTable, now: str) -> None:
        """Delete ``table``'s expired records (through its expiry index), now and then."""
        due = time.monotonic()
        with self._lock:
            if self._next_purge.get(table, 0.0) > due:
                return
            self._next_purge[table] = due + PURGE_EVERY_SECONDS
        # ``table`` is one of the ExpiringTable literals, never input.
        conn.execute(f"DELETE FROM {table} WHERE expires_at <= ?", (now,))  # noqa: S608
