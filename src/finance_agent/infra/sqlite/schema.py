"""The embedded store's tables and indexes, created when a file is opened.

This is the one place the file's layout is written down: a change to it (new tables, a
schema version and the in-place migration from the one before) goes here.
"""

from __future__ import annotations

import sqlite3

ACTIONS_INDEX = "actions_newest_first"

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
-- The days reminders named each invoice: the invoice list's last_reminder_date by key.
-- New tables need no data upgrade, so one older files lack is simply made here.
CREATE TABLE IF NOT EXISTS invoice_reminders (
    invoice_id TEXT NOT NULL, remind_date TEXT NOT NULL, PRIMARY KEY (invoice_id, remind_date)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS idempotency_expiry ON idempotency (expires_at);
CREATE INDEX IF NOT EXISTS chat_sessions_expiry ON chat_sessions (expires_at);
"""


def create_schema(conn: sqlite3.Connection) -> None:
    """Make the tables and indexes a file lacks; those it has are left as they are."""
    conn.executescript(SCHEMA)
