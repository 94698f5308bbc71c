"""Memory and time of importing an invoices CSV as it grows 100x: memory must stay flat.

For each size, writes an invoices file (5,000 customers, most invoices paid, some open with a
balance, a few disputed), then imports it in a process of its own (so each peak is its own):
the whole-file scan, the check against the ledger and the write pass, into a ledger that
keeps nothing, so the figures are the import's own and not a store's. Also times the
baseline the issue names: the ``csv`` module and ``executemany`` into a plain SQLite table
in one transaction. Prints a markdown table; exits 1 if the peak memory at the largest size
is more than 1.5 times the smallest's.

    python benchmarks/import_memory.py [--sizes 10000 100000 1000000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TODAY = date(2026, 3, 31)
HEADER = "invoice_id,customer_id,customer_name,issue_date,due_date,amount,email,paid_date,open_balance,disputed\n"  # noqa: E501
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)


def write_invoices(path: Path, rows: int) -> None:
    rng = random.Random(rows)
    start = date(2024, 1, 1)
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for n in range(rows):
            customer = rng.randrange(5000)
            issued = start + timedelta(days=rng.randrange(800))
            amount = rng.randrange(100, 1_000_000) / 100
            paid = owed = ""
            if rng.random() < 0.9:
                day = issued + timedelta(days=rng.randrange(60))
                paid = day.isoformat() if day <= TODAY else ""
            elif rng.random() < 0.5:
                owed = f"{amount / 2:.2f}"
            disputed = "yes" if rng.random() < 0.01 else ""
            out.write(
                f"INV{n:07d},CUST{customer:05d},Customer {customer},{issued},"
                f"{issued + timedelta(days=30)},{amount:.2f},c{customer}@example.com,"
                f"{paid},{owed},{disputed}\n"
            )


def baseline(path: Path, folder: Path) -> None:
    """The issue's baseline: csv + executemany into a plain table, one transaction."""
    db = sqlite3.connect(folder / "baseline.db")
    db.execute(f"CREATE TABLE invoices ({HEADER.strip()})")
    with path.open(newline="", encoding="utf-8") as source, db:
        reader = csv.reader(source)
        next(reader)
        db.executemany(f"INSERT INTO invoices VALUES ({', '.join('?' * 10)})", reader)
    db.close()
    (folder / "baseline.db").unlink()


def baseline_seconds(path: Path) -> float:
    """CPU seconds of the baseline."""
    started = time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        baseline(path, Path(folder))
    return time.process_time() - started


def import_once(path: Path) -> dict[str, Any]:
    """One import in this process: CPU seconds, peak memory, what the report says."""
    from finance_agent.domain.usecases.import_ledger import ImportLedgerUC
    from finance_agent.imports import CsvOptions, open_books
    from finance_agent.infra.sqlite_repo import SqliteRepo

    class NothingKept:
        """The part of a ledger an import uses, empty and staying so: every record is new,
        every write dropped, so the figures are the import's own."""

        def get_customers(self, _ids: Iterable[str]) -> dict[str, Any]:
            return {}

        def get_invoice_records(self, _ids: Iterable[str]) -> dict[str, Any]:
            return {}

        def put_customers(self, customers: Iterable[Any]) -> None:
            for _ in customers:
                pass

        def put_invoice_records(self, records: Iterable[Any]) -> None:
            for _ in records:
                pass

    with tempfile.TemporaryDirectory() as folder:
        finance = SqliteRepo(Path(folder) / "finance.db")
        uc = ImportLedgerUC(NothingKept(), finance, today=lambda: TODAY)  # type: ignore[arg-type]
        started = time.process_time()
        with open_books("invoices", path, CsvOptions(currency="USD", today=TODAY)) as books:
            report = uc.execute(books, performed_by="benchmark")
        seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return {
        "rows": report.rows,
        "status": report.status,
        "seconds": seconds,
        "peak_mib": peak,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # the child's file
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(import_once(args.one)))
        return 0
    print("| rows | import CPU s | baseline CPU s | ratio | peak memory MiB |")
    print("|---:|---:|---:|---:|---:|")
    peaks = []
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"invoices-{size}.csv"
            write_invoices(path, size)
            child = subprocess.run(
                [sys.executable, __file__, "--one", str(path)],
                check=True,
                capture_output=True,
                text=True,
            )
            result = json.loads(child.stdout)
            assert (result["status"], result["rows"]) == ("imported", size), result
            base = baseline_seconds(path)
            peaks.append(result["peak_mib"])
            print(
                f"| {size:,} | {result['seconds']:.1f} | {base:.2f} | "
                f"{result['seconds'] / base:.0f}x | {result['peak_mib']:.0f} |"
            )
            path.unlink()
    return 0 if peaks[-1] <= 1.5 * peaks[0] else 1


if __name__ == "__main__":
    sys.exit(main())
