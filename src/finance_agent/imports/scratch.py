"""A scratch SQLite file that holds a books file's parsed rows while it is imported.

It is what keeps memory flat at a million rows: duplicate ids, one customer id with two
names, the payments of one invoice spread over the file are all found by the scratch file's
indexes on disk, not by sets in memory, and the use case is served the rows in key order a
batch at a time. SQLite's page cache is capped, and the file is deleted when closed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
INSERT_BATCH = 2000
_CACHE_KIB = 4096


def chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """``rows`` in lists of ``size`` (the last one shorter)."""
    chunk: list[T] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Scratch:
    def __init__(self, schema: str) -> None:
        handle, self._path = tempfile.mkstemp(prefix="finance-agent-import-", suffix=".db")
        os.close(handle)
        self._db = sqlite3.connect(self._path, isolation_level=None)
        # Nothing here needs to survive a crash: no journal, no fsync.
        for pragma in ("journal_mode=OFF", "synchronous=OFF", f"cache_size=-{_CACHE_KIB}"):
            self._db.execute(f"PRAGMA {pragma}")
        self._db.executescript(schema)
        self._db.execute("BEGIN")

    def insert(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(sql, rows)

    def finish(self, indexes: str) -> None:
        """End the writing: indexes are built once, after the rows (faster than during)."""
        self._db.execute("COMMIT")
        self._db.executescript(indexes)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of ``sql``, streamed from disk."""
        cursor = self._db.execute(sql, params)
        while chunk := cursor.fetchmany(INSERT_BATCH):
            yield from chunk

    def close(self) -> None:
        self._db.close()
        with contextlib.suppress(FileNotFoundError):  # removed by someone else: fine
            os.unlink(self._path)
