"""The ledger part of ``store_scaling.py``: what today's aging reads in a ledger with a long
paid history.

Writes the same invoices to both stores: ``open`` of them open (issued over the last four
months, every fifth partly paid) and the rest paid, spread over three years. On DynamoDB
(a moto server) it sums ``ScannedCount`` over the Query calls of each read; on SQLite it
times each read (median of several), and again on a store holding the open invoices only:
a read that costs what it returns takes the same time on both.

    python benchmarks/store_scaling.py --only ledger [--invoices 100000 --open 2000]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from moto_local import start_moto_server, stop
from store_scaling import REGION, QueryMeter, Reading, measure

TODAY = date(2025, 1, 31)
PAST = TODAY - timedelta(days=30)
CUSTOMERS = 200
HISTORY_DAYS = 3 * 365
TIMING_RUNS = 7


def invoices(total: int, open_count: int) -> Iterator[Any]:
    """Deterministic invoice records: the first ``open_count`` open, the rest paid."""
    from finance_agent.domain.ledger.records import Invoice, InvoiceRecord, Settlement

    for n in range(total):
        is_open = n < open_count
        age = n % 120 if is_open else 30 + n % (HISTORY_DAYS - 30)
        issued = TODAY - timedelta(days=age)
        amount = Decimal(100 + n % 900) + Decimal(n % 100) / 100
        invoice = Invoice(
            invoice_id=f"INV-{n:07d}",
            customer_id=f"CUST{n % CUSTOMERS:04d}",
            issue_date=issued,
            due_date=issued + timedelta(days=30),
            amount=amount,
        )
        paid_on = min(issued + timedelta(days=20 + n % 25), TODAY - timedelta(days=1))
        if is_open:  # every fifth partly paid
            paid = [(paid_on, amount / 2)] if n % 5 == 0 and paid_on >= issued else []
        else:
            paid = [(paid_on, amount)]
        settlements = tuple(
            Settlement(
                settlement_id=f"PAY-{n:07d}",
                invoice_id=invoice.invoice_id,
                settled_on=day,
                amount=Decimal(part).quantize(Decimal("0.01")),
            )
            for day, part in paid
        )
        yield InvoiceRecord(invoice=invoice, settlements=settlements)


def ledger_reads(repo: Any) -> dict[str, Callable[[], int]]:
    """Each measured read, returning how many records it gave back."""
    return {
        "open_invoices_as_of(today)": lambda: len(repo.open_invoices_as_of(TODAY)),
        "open_invoices_as_of(30 days ago)": lambda: len(repo.open_invoices_as_of(PAST)),
        "list_invoices(open_only, limit=50)": lambda: len(
            repo.list_invoices(open_only=True, limit=50).items
        ),
        "list_invoices(customer_id, limit=100)": lambda: len(
            repo.list_invoices(customer_id="CUST0007", limit=100).items
        ),
    }


@dataclass(frozen=True)
class LedgerResult:
    dynamodb: dict[str, Reading]
    sqlite_ms: dict[str, float]  # the full ledger
    sqlite_open_only_ms: dict[str, float]  # a store of the open invoices alone
    fill_seconds: float


def run_dynamodb(total: int, open_count: int) -> tuple[dict[str, Reading], float]:
    import boto3
    from botocore.config import Config

    from finance_agent.infra.dynamo_repo import DynamoRepo
    from finance_agent.infra.dynamo_table import CLIENT_CONFIG, ensure_table

    url, process = start_moto_server()
    try:
        # moto walks its whole item list on every Query: allow it more than DynamoDB's 5 s.
        config = Config(**{**CLIENT_CONFIG, "read_timeout": 600})
        session = boto3.session.Session(region_name=REGION)
        client = session.client("dynamodb", endpoint_url=url, config=config)
        ensure_table(client, "finance-ledger-bench")
        repo = DynamoRepo("finance-ledger-bench", REGION, client=client)
        started = time.perf_counter()
        repo.put_invoice_records(invoices(total, open_count))
        fill = time.perf_counter() - started
        print(f"{total:>7} invoices: written to DynamoDB in {fill:.0f}s", file=sys.stderr)
        meter = QueryMeter()
        meter.attach(client)
        return {name: measure(meter, read) for name, read in ledger_reads(repo).items()}, fill
    finally:
        stop(process)


def time_sqlite(total: int, open_count: int) -> dict[str, float]:
    """Median milliseconds of each read on a SQLite store of ``total`` invoices."""
    from finance_agent.infra.sqlite_repo import SqliteRepo

    with tempfile.TemporaryDirectory() as folder:
        repo = SqliteRepo(Path(folder) / "ledger.db")
        repo.put_invoice_records(invoices(total, open_count))
        timings: dict[str, float] = {}
        for name, read in ledger_reads(repo).items():
            runs = []
            for _ in range(TIMING_RUNS):
                started = time.perf_counter()
                read()
                runs.append((time.perf_counter() - started) * 1000)
            timings[name] = statistics.median(runs)
        repo.close()
    return timings


def run(total: int, open_count: int) -> LedgerResult:
    dynamodb, fill = run_dynamodb(total, open_count)
    return LedgerResult(
        dynamodb=dynamodb,
        sqlite_ms=time_sqlite(total, open_count),
        sqlite_open_only_ms=time_sqlite(open_count, open_count),
        fill_seconds=fill,
    )


def table(result: LedgerResult, total: int, open_count: int) -> str:
    head = [
        "read",
        "records returned",
        "Query calls",
        f"DynamoDB ScannedCount @ {total:,} invoices",
        f"SQLite ms @ {total:,} invoices",
        f"SQLite ms @ {open_count:,} invoices (all open)",
    ]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|",
    ]
    for name, reading in result.dynamodb.items():
        cells = [
            f"`{name}`",
            f"{reading.returned:,}",
            str(reading.calls),
            f"{reading.scanned:,}",
            f"{result.sqlite_ms[name]:.1f}",
            f"{result.sqlite_open_only_ms[name]:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
