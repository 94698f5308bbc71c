"""DynamoDB-specific behaviour of the ledger, against the moto server over HTTP: the stored
items and their index keys, what each read examines, Query and batch pages, malformed
items skipped. The shared behaviour is in ``tests/contract/test_ledger_*``.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from dynamo_fixtures import Calls
from finance_agent.domain.errors import StoreError
from finance_agent.domain.ledger.records import (
    Customer,
    Invoice,
    InvoiceRecord,
    Settlement,
    SettlementKind,
)
from finance_agent.infra.dynamo_repo import DynamoRepo

if TYPE_CHECKING:
    from loguru import Record
    from mypy_boto3_dynamodb.client import DynamoDBClient

REGION = "us-east-1"
D = date(2024, 6, 30)


def rec(
    invoice_id: str, *paid: tuple[int, str], customer: str = "C1", due: int = 0
) -> InvoiceRecord:
    """Due ``due`` days from D, issued 30 days before; payments (days from D, amount)."""
    invoice = Invoice(
        invoice_id=invoice_id,
        customer_id=customer,
        issue_date=D + timedelta(days=due - 30),
        due_date=D + timedelta(days=due),
        amount=Decimal("100.00"),
    )
    settlements = tuple(
        Settlement(
            settlement_id=f"P{n}",
            invoice_id=invoice_id,
            settled_on=D + timedelta(days=offset),
            amount=Decimal(amount),
        )
        for n, (offset, amount) in enumerate(paid)
    )
    return InvoiceRecord(invoice=invoice, settlements=settlements)


def repo_on(table: str, client: DynamoDBClient, **options: Any) -> DynamoRepo:
    return DynamoRepo(table, REGION, client=client, **options)


def raw(client: DynamoDBClient, table: str, pk: str) -> dict[str, Any]:
    return client.get_item(TableName=table, Key={"pk": {"S": pk}})["Item"]


# -- stored form --


def test_an_open_invoice_is_filed_under_open_by_due_date_and_its_customer(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient
) -> None:
    dynamodb_repo.put_invoice_records([rec("INV-1", (-3, "40.10"), customer="C7", due=5)])

    item = raw(dynamodb_client, dynamodb_repo.table_name, "INVOICE#INV-1")
    keys = {name: item[name]["S"] for name in item if name[:3] in {"pk", "gsi"}}
    assert keys == {
        "pk": "INVOICE#INV-1",
        "gsi1pk": "INVOICE",
        "gsi1sk": "2024-07-05#INV-1",
        "gsi2pk": "INVOICE_OPEN",
        "gsi2sk": "2024-07-05#INV-1",
        "gsi3pk": "CUSTOMER_INVOICES#C7",
        "gsi3sk": "2024-07-05#INV-1",
    }
    assert item["amount"] == {"N": "100.00"}
    assert item["open_balance"] == {"N": "59.90"}
    assert "settled_on" not in item
    (settlement,) = item["settlements"]["L"]
    assert settlement["M"] == {
        "settlement_id": {"S": "P0"},
        "kind": {"S": "payment"},
        "settled_on": {"S": "2024-06-27"},
        "amount": {"N": "40.10"},
        "inferred": {"BOOL": False},
    }


def test_a_settled_invoice_is_filed_under_settled_by_its_last_settlement(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient
) -> None:
    dynamodb_repo.put_invoice_records([rec("INV-2", (9, "60.00"), (-2, "40.00"))])

    item = raw(dynamodb_client, dynamodb_repo.table_name, "INVOICE#INV-2")
    assert (item["gsi2pk"]["S"], item["gsi2sk"]["S"]) == ("INVOICE_SETTLED", "2024-07-09#INV-2")
    assert (item["open_balance"], item["settled_on"]) == ({"N": "0.00"}, {"S": "2024-07-09"})
    assert [s["M"]["settled_on"]["S"] for s in item["settlements"]["L"]] == [
        "2024-06-28",
        "2024-07-09",
    ]


def test_a_customer_is_listed_through_gsi1_without_empty_attributes(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient
) -> None:
    dynamodb_repo.put_customers([Customer(customer_id="C1", name="One", payment_terms_days=30)])

    item = raw(dynamodb_client, dynamodb_repo.table_name, "CUSTOMER#C1")
    assert item == {
        "pk": {"S": "CUSTOMER#C1"},
        "gsi1pk": {"S": "CUSTOMER"},
        "gsi1sk": {"S": "C1"},
        "customer_id": {"S": "C1"},
        "name": {"S": "One"},
        "payment_terms_days": {"N": "30"},
    }


# -- what reads examine --


def fill_history(repo: DynamoRepo, paid: int, open_: int) -> None:
    repo.put_invoice_records(
        [
            *(
                rec(f"PAID-{n:04d}", (-(n % 200) - 1, "100.00"), due=-(n % 300))
                for n in range(paid)
            ),
            *(rec(f"OPEN-{n:03d}", due=n % 40 - 20) for n in range(open_)),
        ]
    )


def test_todays_aging_examines_the_open_invoices_only(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client)
    fill_history(repo, paid=300, open_=40)
    meter = Calls(own_client)

    assert len(repo.open_invoices_as_of(D)) == 40

    assert meter.scanned == 40
    assert set(meter.ops) == {"Query"}


def test_a_past_day_adds_only_the_invoices_settled_after_it(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client)
    fill_history(repo, paid=300, open_=40)
    settled_after = sum(1 for n in range(300) if -(n % 200) - 1 > -10)  # paid within 9 days
    meter = Calls(own_client)

    found = repo.open_invoices_as_of(D - timedelta(days=10))

    assert meter.scanned == 40 + settled_after
    assert len(found) == 40 + settled_after  # every one of them was open that day


def test_a_customers_invoices_are_read_from_its_own_partition(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client)
    repo.put_invoice_records(rec(f"X-{n:03d}", customer=f"C{n % 10}") for n in range(200))
    meter = Calls(own_client)

    page = repo.list_invoices(customer_id="C3", limit=100)

    assert len(page.items) == 20
    assert meter.scanned == 20


def test_a_page_examines_one_item_more_than_it_returns(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client)
    fill_history(repo, paid=100, open_=40)
    meter = Calls(own_client)

    page = repo.list_invoices(open_only=True, limit=10)
    repo.list_invoices(open_only=True, limit=10, after=page.next_token)

    assert meter.scanned == 22
    assert meter.ops["Query"] == 2


# -- pages --


def test_lists_are_assembled_from_several_query_pages(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, page_size=2)
    repo.put_invoice_records(
        rec(f"INV-{n:02d}", *([(-1, "100.00")] if n % 2 else []), due=n) for n in range(15)
    )
    repo.put_customers(Customer(customer_id=f"C{n}", name=f"Co {n}") for n in range(5))

    assert [r.invoice_id for r in repo.list_invoices(limit=7).items] == [
        f"INV-{n:02d}" for n in range(7)
    ]
    open_c1 = repo.list_invoices(customer_id="C1", open_only=True, limit=5)
    assert [r.invoice_id for r in open_c1.items] == [f"INV-{n:02d}" for n in range(0, 10, 2)]
    assert open_c1.next_token is not None
    assert len(repo.open_invoices_as_of(D)) == 8
    assert len(repo.list_customers()) == 5


def test_unprocessed_keys_of_a_batch_read_are_read_again(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, backoff_seconds=0.001)
    repo.put_invoice_records(rec(f"INV-{n:03d}") for n in range(150))
    held = {"keys": 0}

    def hold_back_half_once(parsed: dict[str, Any], **_: Any) -> None:
        if held["keys"]:
            return
        items = parsed["Responses"][dynamodb_table]
        kept, dropped = items[: len(items) // 2], items[len(items) // 2 :]
        held["keys"] = len(dropped)
        parsed["Responses"][dynamodb_table] = kept
        parsed["UnprocessedKeys"] = {
            dynamodb_table: {"Keys": [{"pk": i["pk"]} for i in dropped], "ConsistentRead": True}
        }

    own_client.meta.events.register("after-call.dynamodb.BatchGetItem", hold_back_half_once)
    meter = Calls(own_client)

    found = repo.get_invoice_records(f"INV-{n:03d}" for n in range(150))

    assert len(found) == 150
    assert held["keys"] == 50
    assert meter.ops["BatchGetItem"] == 3  # 100 keys, the 50 held back, then 50


def test_a_batch_read_that_stays_unprocessed_gives_up_with_a_store_error(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, max_batch_attempts=2, backoff_seconds=0.001)

    def nothing_read(parsed: dict[str, Any], **_: Any) -> None:
        parsed["Responses"] = {}
        parsed["UnprocessedKeys"] = {dynamodb_table: {"Keys": [{"pk": {"S": "CUSTOMER#C1"}}]}}

    own_client.meta.events.register("after-call.dynamodb.BatchGetItem", nothing_read)

    with pytest.raises(StoreError, match="unprocessed"):
        repo.get_customers(["C1"])


def test_a_long_stream_is_written_in_chunks_keeping_the_first_issue_date_once(
    dynamodb_table: str, own_client: DynamoDBClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("finance_agent.infra.dynamo.ledger.WRITE_CHUNK", 10)
    repo = repo_on(dynamodb_table, own_client)
    meter = Calls(own_client)
    dues = [-(n // 10) for n in range(30)] + [0] * 20  # chunks due 0, -1, -2, then 0, 0

    repo.put_invoice_records(rec(f"INV-{n:02d}", due=due) for n, due in enumerate(dues))

    assert meter.ops["BatchWriteItem"] == 5  # one chunk of 10 at a time
    assert meter.ops["UpdateItem"] == 3  # only chunks beginning earlier than any before
    assert repo.first_issue_date() == D - timedelta(days=32)
    assert len(repo.list_invoices(limit=100).items) == 50


# -- malformed items --


def test_malformed_ledger_items_are_logged_by_key_and_skipped(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    table = dynamodb_repo.table_name
    dynamodb_repo.put_invoice_records([rec("GOOD"), rec("SAYS-OPEN", (-1, "100.00"))])
    dynamodb_repo.put_customers([Customer(customer_id="C1", name="One")])
    says_open = raw(dynamodb_client, table, "INVOICE#SAYS-OPEN")
    says_open |= {"gsi2pk": {"S": "INVOICE_OPEN"}, "gsi2sk": {"S": "2024-06-30#SAYS-OPEN"}}
    bad_settlements = raw(dynamodb_client, table, "INVOICE#GOOD") | {
        "pk": {"S": "INVOICE#NOT-A-LIST"},
        "invoice_id": {"S": "NOT-A-LIST"},
        "settlements": {"S": "none"},
    }
    wrong_balance = raw(dynamodb_client, table, "INVOICE#GOOD") | {
        "pk": {"S": "INVOICE#GOOD"},
        "open_balance": {"N": "1.00"},
    }
    other_customer = raw(dynamodb_client, table, "CUSTOMER#C1") | {"pk": {"S": "CUSTOMER#C2"}}
    for item in (says_open, bad_settlements, other_customer):
        dynamodb_client.put_item(TableName=table, Item=item)

    assert [r.invoice_id for r in dynamodb_repo.open_invoices_as_of(D)] == ["GOOD"]
    assert dynamodb_repo.get_customers(["C1", "C2"]).keys() == {"C1"}
    assert [c.customer_id for c in dynamodb_repo.list_customers()] == ["C1"]
    dynamodb_client.put_item(TableName=table, Item=wrong_balance)
    assert dynamodb_repo.get_invoice_records(["GOOD", "NOT-A-LIST"]) == {}

    skipped = {r["extra"]["pk"] for r in log_records if r["message"] == "skipping malformed item"}
    assert skipped == {"INVOICE#SAYS-OPEN", "INVOICE#NOT-A-LIST", "INVOICE#GOOD", "CUSTOMER#C2"}


def test_an_unreadable_first_issue_date_reads_as_none(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    dynamodb_client.put_item(
        TableName=dynamodb_repo.table_name,
        Item={"pk": {"S": "LEDGER#META"}, "first_issue_date": {"S": "last spring"}},
    )

    assert dynamodb_repo.first_issue_date() is None
    assert any(r["extra"].get("pk") == "LEDGER#META" for r in log_records)


def test_kinds_and_inferred_settlements_round_trip(dynamodb_repo: DynamoRepo) -> None:
    base = rec("INV-1")
    settlements = tuple(
        Settlement(
            settlement_id=f"S-{kind.value}",
            invoice_id="INV-1",
            kind=kind,
            settled_on=D,
            amount=Decimal("0.01"),
            inferred=kind is SettlementKind.WRITE_OFF,
        )
        for kind in sorted(SettlementKind, key=lambda k: k.value)  # stored in (date, id) order
    )
    stored = InvoiceRecord(invoice=base.invoice, settlements=settlements)
    dynamodb_repo.put_invoice_records([stored])

    assert dynamodb_repo.get_invoice_records(["INV-1"])["INV-1"] == stored
