"""AR aging records as the release before the ledger kept them (``AR_AGING#<customer_id>``
items, the SQLite ``ar_aging`` table), for the tests of the upgrade that converts them.

Nothing in finance-agent writes them any more, so tests write them here as that release
did, and read them back the way the upgrade does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from contextlib import closing
from typing import Any

from finance_agent.domain.models import ARAging
from finance_agent.domain.money import cents
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.receivables import AR_AGING, ar_from_item, ar_pk
from finance_agent.infra.dynamo_repo import DynamoRepo
from finance_agent.infra.sqlite.receivables import BUCKETS, aging_from_row
from finance_agent.infra.sqlite_repo import SqliteRepo


def ar_item(row: ARAging) -> items.Item:
    """The item that release wrote for ``row``, listed through ``gsi1``."""
    values: dict[str, Any] = {
        "pk": ar_pk(row.customer_id),
        "gsi1pk": AR_AGING,
        "gsi1sk": row.customer_id,
        "customer_id": row.customer_id,
        "customer_name": row.customer_name,
        "email": row.email,
    }
    values.update({bucket: getattr(row, bucket) for bucket in BUCKETS})
    return items.encode(values)


def write_legacy_aging(repo: SqliteRepo | DynamoRepo, rows: Iterable[ARAging]) -> None:
    if isinstance(repo, DynamoRepo):
        for row in rows:
            repo.client.put_item(TableName=repo.table_name, Item=ar_item(row))
        return
    with closing(sqlite3.connect(repo.path)) as conn, conn:
        conn.executemany(
            "INSERT OR REPLACE INTO ar_aging VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (r.customer_id, r.customer_name, r.email, *(cents(getattr(r, b)) for b in BUCKETS))
                for r in rows
            ),
        )


def read_legacy_aging(repo: SqliteRepo | DynamoRepo) -> list[ARAging]:
    """Every AR aging record the store still holds, by customer id."""
    if isinstance(repo, DynamoRepo):
        response = repo.client.query(
            TableName=repo.table_name,
            IndexName="gsi1",
            KeyConditionExpression="gsi1pk = :pk",
            ExpressionAttributeValues={":pk": {"S": AR_AGING}},
        )
        return [ar_from_item(item) for item in response["Items"]]
    with closing(sqlite3.connect(repo.path)) as conn:
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM ar_aging ORDER BY customer_id").fetchall()
    return [aging_from_row(row) for row in rows]
