"""How many items DynamoDB examines per read as the action log grows 100x, and what
today's aging reads in a ledger of 100,000 invoices of which 2,000 are open.

Starts its own moto server (DynamoDB's API over HTTP on loopback), fills one table with
seed-like data (120 sales days, 50 customers and their open invoices) and 1k, then 10k,
then 100k actions, and after each size runs the store's reads, summing ``ScannedCount``
over the Query calls they make (a botocore after-call hook on the benchmark's own client).
Every read must examine the same number of items at every size. Prints a markdown table;
exits 1 if a count grew.

Time figures from moto are not meaningful (moto scans its own item list on every Query),
so only item counts are reported. The ledger part (``store_scaling_ledger.py``) also times
the same reads on SQLite; it exits 1 if today's aging examines more than the open invoices.

    python benchmarks/store_scaling.py [--sizes 1000 10000 100000]
        [--invoices 100000 --open 2000] [--only actions|ledger]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from moto_local import FAKE_AWS_ENV, start_moto_server, stop

REGION = "us-east-1"
TABLE = "finance-bench"
END = date(2025, 1, 31)  # last sales day; fixed so every run reads the same window
T0 = datetime(2024, 1, 1, tzinfo=UTC)
SALES_DAYS = 120
CUSTOMERS = 50
DEFAULT_SIZES = (1_000, 10_000, 100_000)


# -- measuring -------------------------------------------------------------------------------


@dataclass
class QueryMeter:
    """Sums what the client's Query calls report; reset before each measured read."""

    calls: int = 0
    scanned: int = 0
    returned: int = 0
    other_ops: list[str] = field(default_factory=list)

    def attach(self, client: Any) -> None:
        client.meta.events.register("after-call.dynamodb", self._after)

    def reset(self) -> None:
        self.calls = self.scanned = self.returned = 0
        self.other_ops.clear()

    def _after(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name != "Query":
            self.other_ops.append(model.name)
            return
        self.calls += 1
        self.scanned += parsed.get("ScannedCount", 0)
        self.returned += parsed.get("Count", 0)


@dataclass(frozen=True)
class Reading:
    scanned: int
    calls: int
    returned: int


# -- filling ---------------------------------------------------------------------------------


def batch_write(client: Any, items: Sequence[dict[str, Any]]) -> None:
    for offset in range(0, len(items), 25):
        pending: Any = [{"PutRequest": {"Item": item}} for item in items[offset : offset + 25]]
        while pending:
            response = client.batch_write_item(RequestItems={TABLE: pending})
            pending = response.get("UnprocessedItems", {}).get(TABLE, [])


def action_items(start: int, stop: int) -> Iterator[dict[str, Any]]:
    """Actions in the store's own item format (the repository's converter)."""
    from finance_agent.domain.models import AgentAction
    from finance_agent.infra.dynamo.actions import action_item

    for n in range(start, stop):
        yield action_item(
            AgentAction(
                action_id=f"bench-{n:06d}",
                action="collection_reminder",
                payload={"customer_id": f"CUST{n % CUSTOMERS + 1:03d}", "invoice_id": f"INV{n}"},
                performed_by="bench@example.com",
                created_at=T0 + timedelta(seconds=n * 7),
                status="pending",
            )
        )


def seed_like(repo: Any) -> None:
    from finance_agent.domain.models import ARAging, SalesDay
    from finance_agent.infra.ar_aging_conversion import opening_ledger

    repo.put_sales_days(
        SalesDay(
            date=END - timedelta(days=i),
            revenue=Decimal(f"{12_000 + 37 * i}.{i % 100:02d}"),
            cogs=Decimal(7_000 + 11 * i),
        )
        for i in range(SALES_DAYS)
    )
    # Each customer's aging as its ledger: a customer and an open invoice per bucket.
    opened = [
        opening_ledger(
            ARAging(
                customer_id=f"CUST{n:03d}",
                customer_name=f"Customer {n}",
                email=f"ap{n}@example.com",
                current=Decimal("1000.00") + n,
                days_1_30=Decimal("250.50"),
                days_31_60=Decimal("120.25"),
                days_61_90=Decimal("60.10"),
                days_over_90=Decimal(n % 3) * Decimal("99.99"),
            ),
            END,
        )
        for n in range(1, CUSTOMERS + 1)
    ]
    repo.put_customers(customer for customer, _ in opened)
    repo.put_invoice_records(record for _, records in opened for record in records)


# -- the run ---------------------------------------------------------------------------------


def reads(repo: Any) -> dict[str, Callable[[], int]]:
    """Each measured read, returning how many records it gave back."""

    def second_page() -> int:
        first = repo.list_agent_actions(50)
        return len(repo.list_agent_actions(50, before=first.next_token).items)

    return {
        "list_agent_actions(50)": lambda: len(repo.list_agent_actions(50).items),
        "list_agent_actions(50) + next page": second_page,
        "get_sales_series(30)": lambda: len(repo.get_sales_series(30, end=END)),
        "open_invoices_as_of(today)": lambda: len(repo.open_invoices_as_of(END)),
        "latest_sales_date()": lambda: int(repo.latest_sales_date() is not None),
    }


def measure(meter: QueryMeter, read: Callable[[], int]) -> Reading:
    meter.reset()
    returned = read()
    if meter.other_ops:
        raise SystemExit(f"unexpected operations on a read path: {meter.other_ops}")
    return Reading(scanned=meter.scanned, calls=meter.calls, returned=returned)


def run(sizes: Sequence[int]) -> tuple[dict[str, dict[int, Reading]], dict[int, float]]:
    os.environ.update(FAKE_AWS_ENV)
    from finance_agent.infra.dynamo_repo import DynamoRepo
    from finance_agent.infra.dynamo_table import create_client, ensure_table

    url, process = start_moto_server()
    try:
        client = create_client(REGION, url)
        ensure_table(client, TABLE)
        repo = DynamoRepo(TABLE, REGION, client=client)
        seed_like(repo)
        meter = QueryMeter()
        meter.attach(client)
        results: dict[str, dict[int, Reading]] = {}
        fill_seconds: dict[int, float] = {}
        have = 0
        for size in sorted(sizes):
            started = time.perf_counter()
            batch_write(client, list(action_items(have, size)))
            fill_seconds[size] = time.perf_counter() - started
            have = size
            for name, read in reads(repo).items():
                results.setdefault(name, {})[size] = measure(meter, read)
            print(f"{size:>7} actions: filled in {fill_seconds[size]:.0f}s", file=sys.stderr)
        return results, fill_seconds
    finally:
        stop(process)


def table(results: dict[str, dict[int, Reading]], sizes: Sequence[int]) -> str:
    sizes = sorted(sizes)
    head = ["read", "records returned", "Query calls"] + [
        f"ScannedCount @ {n:,} actions" for n in sizes
    ]
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|",
    ]
    for name, by_size in results.items():
        first = by_size[sizes[0]]
        cells = [f"`{name}`", str(first.returned), str(first.calls)]
        cells += [str(by_size[n].scanned) for n in sizes]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=2_000)
    parser.add_argument("--only", choices=["actions", "ledger"])
    args = parser.parse_args(argv)
    failed = False
    if args.only != "ledger":
        failed |= not run_actions(args.sizes)
    if args.only != "actions":
        failed |= not run_ledger(args.invoices, args.open)
    return 1 if failed else 0


def run_actions(sizes: Sequence[int]) -> bool:
    results, _ = run(sizes)
    print(table(results, sizes))
    grew = [
        name
        for name, by_size in results.items()
        if len({(r.scanned, r.calls, r.returned) for r in by_size.values()}) != 1
    ]
    if grew:
        print(f"\nNOT FLAT: {', '.join(grew)}", file=sys.stderr)
    return not grew


def run_ledger(total: int, open_count: int) -> bool:
    os.environ.update(FAKE_AWS_ENV)
    import store_scaling_ledger as ledger

    result = ledger.run(total, open_count)
    print()
    print(ledger.table(result, total, open_count))
    today = result.dynamodb["open_invoices_as_of(today)"]
    if today.scanned > open_count:
        print(f"\nTODAY'S AGING EXAMINED {today.scanned} ITEMS", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
