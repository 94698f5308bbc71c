"""The embedded store: the FinanceRepository protocol over one SQLite file (stdlib sqlite3).

Same logical records as the DynamoDB table, with keys that give the same read costs: sales
by date and AR aging by customer id are primary-key ranges; the action log is read newest
first through ``ACTIONS_INDEX`` with the keyset cursor both stores share.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pydantic

from finance_agent.domain.errors import (
    ConflictError,
    StoreError,
    StoreUnavailableError,
    ValidationError,
)
from finance_agent.domain.models import (
    ActionPage,
    AgentAction,
    ARAging,
    ChatTurn,
    IdempotencyRecord,
    KPIs,
    KPISnapshot,
    SalesDay,
)
from finance_agent.domain.models.chat import last_turns
from finance_agent.domain.money import cents, from_cents
from finance_agent.domain.ports import CHAT_TTL, CHAT_TURNS_KEPT, MAX_ACTIONS_PAGE
from finance_agent.infra import action_keys, sqlite_schema
from finance_agent.infra.sqlite_ledger import SqliteLedger
from finance_agent.shared import clock
from finance_agent.shared.log import logger

BUSY_TIMEOUT_SECONDS = 10.0
ACTIONS_INDEX = "actions_newest_first"
_BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")

# WITHOUT ROWID keeps each record in its primary-key b-tree, so a key range reads only what
# it returns. Money is INTEGER cents: exact, unlike REAL.
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS sales_days (
    day TEXT PRIMARY KEY, revenue_cents INTEGER NOT NULL, cogs_cents INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS ar_aging (
    customer_id TEXT PRIMARY KEY, customer_name TEXT NOT NULL, email TEXT NOT NULL,
    current_cents INTEGER NOT NULL, days_1_30_cents INTEGER NOT NULL,
    days_31_60_cents INTEGER NOT NULL, days_61_90_cents INTEGER NOT NULL,
    days_over_90_cents INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kpi_snapshots (
    period TEXT PRIMARY KEY, computed_for TEXT NOT NULL, kpis_json TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS agent_actions (
    action_id TEXT PRIMARY KEY, action TEXT NOT NULL, payload_json TEXT NOT NULL,
    performed_by TEXT NOT NULL, created_at TEXT NOT NULL, status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS {ACTIONS_INDEX}
    ON agent_actions (created_at DESC, action_id DESC);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status TEXT NOT NULL,
    status_code INTEGER, response_body TEXT, expires_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chat_sessions (
    owner TEXT NOT NULL, session_id TEXT NOT NULL, turns_json TEXT NOT NULL,
    expires_at TEXT NOT NULL, PRIMARY KEY (owner, session_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);
CREATE INDEX IF NOT EXISTS chat_sessions_expiry ON chat_sessions (expires_at);
"""
# DynamoDB deletes expired records by TTL; here a write deletes them, at most this often.
PURGE_EVERY_SECONDS = 600.0
# One statement, so of two concurrent claims exactly one inserts (or takes over an expired
# record); the loser's statement changes nothing and it reads the winner's record.
CLAIM_SQL = (
    "INSERT INTO idempotency VALUES (:key, :fingerprint, :status, NULL, NULL, :expires_at)"
    " ON CONFLICT(key) DO UPDATE SET fingerprint = excluded.fingerprint,"
    " status = excluded.status, status_code = NULL, response_body = NULL,"
    " expires_at = excluded.expires_at WHERE idempotency.expires_at <= :now"
)
LIST_ACTIONS_SQL = "SELECT * FROM agent_actions ORDER BY created_at DESC, action_id DESC LIMIT ?"
# A row-value comparison, so SQLite seeks into the index instead of filtering a scan.
LIST_ACTIONS_BEFORE_SQL = (
    "SELECT * FROM agent_actions WHERE (created_at, action_id) < (?, ?)"
    " ORDER BY created_at DESC, action_id DESC LIMIT ?"
)


class SqliteRepo(SqliteLedger):
    """FinanceRepository and LedgerRepository on a local SQLite file; safe to share between
    threads."""

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
                conn.executescript(SCHEMA)
                sqlite_schema.upgrade(conn, clock.today())  # a file from an older release
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

    # -- KPIs cache --
    def get_kpis(self, period: str) -> KPISnapshot | None:
        rows = self._read("SELECT * FROM kpi_snapshots WHERE period = ?", (period,))
        if not rows:
            return None
        try:
            return KPISnapshot(
                computed_for=date.fromisoformat(rows[0]["computed_for"]),
                kpis=KPIs.model_validate_json(rows[0]["kpis_json"]),
            )
        except (pydantic.ValidationError, ValueError) as exc:
            # A cache record this version cannot read (written by an older one, or damaged)
            # is a cache miss: the KPIs are computed instead, as DynamoRepo does.
            logger.bind(period=period, reason=str(exc).splitlines()[0]).warning(
                "skipping malformed KPI record"
            )
            return None

    def put_kpis(self, snapshot: KPISnapshot) -> None:
        kpis = snapshot.kpis
        row = (kpis.period, snapshot.computed_for.isoformat(), kpis.model_dump_json())
        self._write("INSERT OR REPLACE INTO kpi_snapshots VALUES (?, ?, ?)", [row])

    # -- daily sales --
    def get_sales_series(self, days: int, end: date | None = None) -> list[SalesDay]:
        if days < 1:
            raise ValidationError("days", "must be at least 1")
        end = clock.today() if end is None else end
        try:
            start = end - timedelta(days=days - 1)
        except OverflowError:  # more days than the calendar holds: everything up to end
            start = date.min
        rows = self._read(
            "SELECT * FROM sales_days WHERE day BETWEEN ? AND ? ORDER BY day",
            (start.isoformat(), end.isoformat()),
        )
        return [
            SalesDay(
                date=date.fromisoformat(r["day"]),
                revenue=from_cents(r["revenue_cents"]),
                cogs=from_cents(r["cogs_cents"]),
            )
            for r in rows
        ]

    def put_sales_days(self, days: Iterable[SalesDay]) -> None:
        rows = ((d.date.isoformat(), cents(d.revenue), cents(d.cogs)) for d in days)
        self._write("INSERT OR REPLACE INTO sales_days VALUES (?, ?, ?)", rows)

    def latest_sales_date(self) -> date | None:
        # MAX over the primary key is one b-tree seek, not a scan.
        (latest,) = self._read("SELECT MAX(day) FROM sales_days")[0]
        return None if latest is None else date.fromisoformat(latest)

    # -- receivables --
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

    # -- agent actions --
    def create_agent_action(
        self,
        action: str,
        payload: Mapping[str, Any],
        performed_by: str,
        *,
        action_id: str | None = None,
        created_at: datetime | None = None,
        status: str = "pending",
    ) -> str:
        try:
            # Validated through the model, so nothing is stored that could not be read back.
            record = AgentAction(
                action_id=action_keys.new_action_id() if action_id is None else action_id,
                action=action,
                payload=dict(payload),
                performed_by=performed_by,
                created_at=clock.now_utc() if created_at is None else created_at,
                status=status,
            )
            payload_json = json.dumps(record.payload, ensure_ascii=False, allow_nan=False)
        except pydantic.ValidationError as exc:
            first = exc.errors()[0]
            raise ValidationError(str(first["loc"][0]), first["msg"]) from None
        except (TypeError, ValueError):
            raise ValidationError("payload", "must contain only JSON values") from None
        created = action_keys.sortable_timestamp(record.created_at)
        row = {**record.model_dump(), "payload": payload_json, "created_at": created}
        try:
            # A plain INSERT, never OR REPLACE: the primary key refuses a second record.
            self._write(
                "INSERT INTO agent_actions VALUES"
                " (:action_id, :action, :payload, :performed_by, :created_at, :status)",
                [row],
            )
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise ConflictError(f"action {record.action_id} already exists") from exc.__cause__
            raise
        return record.action_id

    @staticmethod
    def _action(row: sqlite3.Row) -> AgentAction:
        return AgentAction(
            action_id=row["action_id"],
            action=row["action"],
            payload=json.loads(row["payload_json"]),
            performed_by=row["performed_by"],
            created_at=action_keys.parse_timestamp(row["created_at"]),
            status=row["status"],
        )

    def get_agent_action(self, action_id: str) -> AgentAction | None:
        rows = self._read("SELECT * FROM agent_actions WHERE action_id = ?", (action_id,))
        return self._action(rows[0]) if rows else None

    def list_agent_actions(self, limit: int = 50, before: str | None = None) -> ActionPage:
        if not 1 <= limit <= MAX_ACTIONS_PAGE:
            raise ValidationError("limit", f"must be between 1 and {MAX_ACTIONS_PAGE}")
        # One row more than asked tells whether another page exists, without a second query.
        if before is None:
            rows = self._read(LIST_ACTIONS_SQL, (limit + 1,))
        else:
            created_at, action_id = action_keys.decode_cursor(before)
            rows = self._read(LIST_ACTIONS_BEFORE_SQL, (created_at, action_id, limit + 1))
        next_token = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_token = action_keys.encode_cursor(last["created_at"], last["action_id"])
        return ActionPage(items=[self._action(r) for r in rows[:limit]], next_token=next_token)

    def _purge_expired(self, conn: sqlite3.Connection, table: str, now: str) -> None:
        """Delete ``table``'s expired records (through its expiry index), now and then."""
        due = time.monotonic()
        with self._lock:
            if self._next_purge.get(table, 0.0) > due:
                return
            self._next_purge[table] = due + PURGE_EVERY_SECONDS
        # ``table`` is one of two literals above, never input.
        conn.execute(f"DELETE FROM {table} WHERE expires_at <= ?", (now,))  # noqa: S608

    # -- idempotency records --
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

    # -- chat history --
    def get_chat_history(self, owner: str, session_id: str) -> list[ChatTurn]:
        now = action_keys.sortable_timestamp(clock.now_utc())
        rows = self._read(
            "SELECT turns_json FROM chat_sessions"
            " WHERE owner = ? AND session_id = ? AND expires_at > ?",
            (owner, session_id, now),
        )
        return _CHAT_TURNS.validate_json(rows[0]["turns_json"]) if rows else []

    def append_chat_turns(
        self,
        owner: str,
        session_id: str,
        turns: Sequence[ChatTurn],
        *,
        keep: int = CHAT_TURNS_KEPT,
        ttl: timedelta = CHAT_TTL,
    ) -> None:
        if keep < 1:
            raise ValidationError("keep", "must be at least 1")
        now = clock.now_utc()
        key = (owner, session_id)
        with self._errors(), self._conn() as conn:
            # IMMEDIATE takes the write lock before the read, so two appends to one session
            # cannot both read the same turns and lose one another's.
            conn.execute("BEGIN IMMEDIATE")
            self._purge_expired(conn, "chat_sessions", action_keys.sortable_timestamp(now))
            row = conn.execute(
                "SELECT turns_json, expires_at FROM chat_sessions"
                " WHERE owner = ? AND session_id = ?",
                key,
            ).fetchone()
            kept: list[ChatTurn] = []
            if row is not None and row["expires_at"] > action_keys.sortable_timestamp(now):
                kept = _CHAT_TURNS.validate_json(row["turns_json"])
            kept = last_turns([*kept, *turns], keep)
            conn.execute(
                "INSERT OR REPLACE INTO chat_sessions VALUES (?, ?, ?, ?)",
                (
                    *key,
                    _CHAT_TURNS.dump_json(kept).decode(),
                    action_keys.sortable_timestamp(now + ttl),
                ),
            )


_CHAT_TURNS = pydantic.TypeAdapter(list[ChatTurn])
