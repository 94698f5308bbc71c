"""Receivables as kept before the ledger: the ``ar_aging`` table's rows, five numbers per
customer. Only the upgrade to the ledger reads them (``migrations.py``); nothing writes them
any more, and the table stays so that a file of an older release keeps what it held."""

from __future__ import annotations

import sqlite3
from typing import Final

from finance_agent.domain.models import ARAging
from finance_agent.domain.money import from_cents

BUCKETS: Final = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def aging_from_row(row: sqlite3.Row) -> ARAging:
    """An ``ar_aging`` row as the model it was written from; pydantic refuses a bad one."""
    names = {k: row[k] for k in ("customer_id", "customer_name", "email")}
    return ARAging(**names, **{b: from_cents(row[f"{b}_cents"]) for b in BUCKETS})
