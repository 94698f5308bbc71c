"""How fast ``finance-agent import invoices`` is, against the baseline the issue names.

1. SQLite. 100,000 invoices (``import_memory.py``'s file: 5,000 customers, nine in ten paid,
   some open with a balance, a few disputed) imported by the command's own code path
   (``finance_agent.cli.main(["import", "invoices", FILE])``, settings, store and report
   included) into a fresh SQLite store, against the baseline: the same file read with the
   ``csv`` module and ``executemany``'d into a plain table in one transaction. The two run
   in turns in one process, ``--rounds`` times; medians of wall and CPU time, and their
   ratios. Each round also imports the file a second time into the same store (nothing
   changes).
2. DynamoDB. ``--dynamo-rows`` invoices through the same command into moto's server:
   BatchWriteItem calls, the items they carried, and the items resent after coming back
   unprocessed. Moto processes every item, so one call in four is made to hand its last
   five items back unprocessed, as a throttled table does; the import must resend them. A
   second import of the file then must find every record unchanged.
3. Memory. The command importing 10,000, 100,000 and 1,000,000 rows into SQLite, each in a
   process of its own: its peak resident memory (VmHWM, so Linux only). It grows while
   SQLite's page caches fill (bounded: the store's during an import, and the scratch
   file's), then stays: exits 1 if ten times the rows (the last size against the one before)
   take more than a quarter more memory.

    python benchmarks/import_speed.py [--rows 100000] [--rounds 5] [--dynamo-rows 10000]
                                      [--memory-sizes 10000 100000 1000000] [--skip ...]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from import_memory import baseline, write_invoices
from moto_local import FAKE_AWS_ENV, start_moto_server, stop

REGION = "us-east-1"
UNPROCESSED_EVERY = 4  # one BatchWriteItem call in this many hands items back
UNPROCESSED_ITEMS = 5  # that many, the last of the call


def timed(action: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, what ``action`` returned)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def use_store(**settings: str) -> None:
    """Point the settings (and the cached store) at a store, as a fresh command would."""
    from finance_agent.bootstrap import get_repo
    from finance_agent.shared.settings import get_settings

    for name in ("STORE", "SQLITE_PATH", "TABLE_NAME", "DYNAMODB_ENDPOINT_URL"):
        os.environ.pop(name, None)
    os.environ.update(settings)
    get_settings.cache_clear()
    get_repo.cache_clear()


def cli_import(path: Path) -> dict[str, Any]:
    """``finance-agent import invoices FILE --json`` in this process: its report."""
    from finance_agent.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["import", "invoices", str(path), "--json", "--as", "benchmark"])
    report: dict[str, Any] = json.loads(out.getvalue())
    if code != 0 or report["status"] != "imported":
        sys.exit(f"the import failed ({code}): {report['status']}, {report['problems'][:3]}")
    return report


def counts(report: dict[str, Any]) -> str:
    return "; ".join(
        f"{kind}: {c['new']:,} new, {c['updated']:,} updated, {c['unchanged']:,} unchanged"
        for kind, c in report["counts"].items()
    )


def store_writes(ledger: Path, folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of the rows an import wrote, written again straight into a fresh
    store's tables in one transaction with the import's page cache: what no faster reading
    or checking can remove."""
    from finance_agent.infra.sqlite.ledger_transaction import IMPORT_CACHE_KIB
    from finance_agent.infra.sqlite_repo import SqliteRepo

    source = sqlite3.connect(ledger)
    invoices = source.execute("SELECT * FROM invoices ORDER BY invoice_id").fetchall()
    settlements = source.execute("SELECT * FROM settlements").fetchall()
    source.close()
    repo = SqliteRepo(folder / "store-writes.db")
    conn = repo._conn()
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")

    def insert() -> None:
        with conn:
            conn.executemany("INSERT INTO invoices VALUES (?, ?, ?, ?, ?, ?, ?, ?)", invoices)
            conn.executemany("INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?)", settlements)

    wall, cpu, _ = timed(insert)
    repo.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{folder / 'store-writes.db'}{suffix}").unlink(missing_ok=True)
    return wall, cpu


def sqlite_speed(rows: int, rounds: int, folder: Path) -> None:
    from finance_agent.bootstrap import get_repo

    path = folder / "invoices.csv"
    write_invoices(path, rows)
    runs: dict[str, list[tuple[float, float]]] = {
        "baseline": [],
        "import": [],
        "again": [],
        "store": [],
    }
    for n in range(rounds):
        wall, cpu, _ = timed(lambda: baseline(path, folder))
        runs["baseline"].append((wall, cpu))
        use_store(STORE="sqlite", SQLITE_PATH=str(folder / f"ledger-{n}.db"))
        wall, cpu, first = timed(lambda: cli_import(path))
        runs["import"].append((wall, cpu))
        wall, cpu, second = timed(lambda: cli_import(path))
        runs["again"].append((wall, cpu))
        get_repo().close()  # type: ignore[attr-defined]
        runs["store"].append(store_writes(folder / f"ledger-{n}.db", folder))
        print(f"round {n + 1}: {counts(first)}; again: {counts(second)}", file=sys.stderr)
    base_wall = statistics.median(w for w, _ in runs["baseline"])
    base_cpu = statistics.median(c for _, c in runs["baseline"])
    print(f"\n{rows:,} invoices into SQLite, median of {rounds} rounds\n")
    print("| run | wall s | CPU s | wall ratio | CPU ratio |")
    print("|---|---:|---:|---:|---:|")
    names = {
        "baseline": "baseline: csv + executemany, one transaction",
        "import": "finance-agent import invoices (a new ledger)",
        "again": "the same file again (nothing changes)",
        "store": "its rows alone, inserted into the store's tables",
    }
    for key, name in names.items():
        wall = statistics.median(w for w, _ in runs[key])
        cpu = statistics.median(c for _, c in runs[key])
        print(
            f"| {name} | {wall:.2f} | {cpu:.2f} | {wall / base_wall:.1f}x | {cpu / base_cpu:.1f}x |"
        )


class BatchWriteMeter:
    """Counts BatchWriteItem calls and items, and hands some items back unprocessed."""

    def __init__(self, client: Any, table: str) -> None:
        self.table = table
        self.calls = self.items = self.resent = 0
        self._sent: list[Any] = []
        events = client.meta.events
        events.register("provide-client-params.dynamodb.BatchWriteItem", self._params)
        events.register("after-call.dynamodb.BatchWriteItem", self._answer)

    def _params(self, params: dict[str, Any], **_: Any) -> None:
        self._sent = params["RequestItems"][self.table]
        self.calls += 1
        self.items += len(self._sent)

    def _answer(self, parsed: dict[str, Any], **_: Any) -> None:
        if self.calls % UNPROCESSED_EVERY == 0 and len(self._sent) > UNPROCESSED_ITEMS:
            back = self._sent[-UNPROCESSED_ITEMS:]  # written; a resend puts them again
            parsed["UnprocessedItems"] = {self.table: back}
            self.resent += len(back)


def dynamo_speed(rows: int, folder: Path) -> None:
    from finance_agent.infra.dynamo.calls import shared_client
    from finance_agent.infra.dynamo.table import ensure_table

    path = folder / "invoices-dynamo.csv"
    write_invoices(path, rows)
    os.environ.update(FAKE_AWS_ENV | {"AWS_REGION": REGION})
    url, server = start_moto_server()
    try:
        client = shared_client(REGION, url)
        ensure_table(client, "import-bench")
        meter = BatchWriteMeter(client, "import-bench")
        use_store(STORE="dynamodb", TABLE_NAME="import-bench", DYNAMODB_ENDPOINT_URL=url)
        wall, cpu, first = timed(lambda: cli_import(path))
        calls, items, resent = meter.calls, meter.items, meter.resent
        again_wall, _, second = timed(lambda: cli_import(path))
    finally:
        stop(server)
    unchanged = all(c["new"] == c["updated"] == 0 for c in second["counts"].values())
    print(f"\n{rows:,} invoices into DynamoDB (moto server)\n")
    print("| run | wall s | CPU s | BatchWriteItem calls | items sent | of them resent |")
    print("|---|---:|---:|---:|---:|---:|")
    sent = f"{calls:,} | {items:,} | {resent:,}"
    print(f"| import | {wall:.1f} | {cpu:.1f} | {sent} |")
    print(f"| the same file again | {again_wall:.1f} | | {meter.calls - calls:,} | | |")
    print(f"\nimport: {counts(first)}\nagain: {counts(second)}")
    if not unchanged:
        sys.exit("the second import found records to write: the first one lost some")


# The command, then its peak resident memory as the kernel counts it for this program:
# VmHWM is the new program's own (ru_maxrss of a child also counts the parent it was
# forked from, before it became this program).
_MEASURED = (
    "import sys; from finance_agent.cli import main; code = main(sys.argv[1:]); "
    "sys.stderr.write(next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))); "
    "sys.exit(code)"
)


def peak_memory(rows: int, folder: Path) -> tuple[float, float]:
    """(peak RSS in MiB, wall seconds) of the command importing ``rows`` in a new process."""
    path = folder / f"invoices-{rows}.csv"
    write_invoices(path, rows)
    env = os.environ | {"STORE": "sqlite", "SQLITE_PATH": str(folder / f"memory-{rows}.db")}
    command = [sys.executable, "-c", _MEASURED, "import", "invoices", str(path)]
    started = time.perf_counter()
    child = subprocess.run(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False
    )
    wall = time.perf_counter() - started
    if child.returncode != 0:
        sys.exit(f"the import of {rows:,} rows exited with {child.returncode}: {child.stderr}")
    path.unlink()
    peak_kib = int(child.stderr.strip().splitlines()[-1].split()[1])  # "VmHWM:  123 kB"
    return peak_kib / 1024, wall


def memory(sizes: list[int], folder: Path) -> int:
    print("\nPeak memory of the command (a process of its own), SQLite\n")
    print("| rows | peak RSS MiB | wall s |")
    print("|---:|---:|---:|")
    peaks = []
    for rows in sizes:
        peak, wall = peak_memory(rows, folder)
        peaks.append(peak)
        print(f"| {rows:,} | {peak:.0f} | {wall:.1f} |")
    return 0 if len(peaks) < 2 or peaks[-1] <= 1.25 * peaks[-2] else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--dynamo-rows", type=int, default=10_000)
    parser.add_argument("--memory-sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--skip", nargs="+", default=[], choices=["sqlite", "dynamodb", "memory"])
    args = parser.parse_args(argv)
    status = 0
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if "sqlite" not in args.skip:
            sqlite_speed(args.rows, args.rounds, folder)
        if "dynamodb" not in args.skip:
            dynamo_speed(args.dynamo_rows, folder)
        if "memory" not in args.skip:
            status = memory(args.memory_sizes, folder)
    return status


if __name__ == "__main__":
    sys.exit(main())
