"""``init-table`` on tables made before the ledger, against the moto server: the indexes
added one UpdateTable at a time, a table with other indexes of those names refused, and the
AR aging converted once, never over what the ledger already holds. What an upgraded store
shows is in ``tests/contract/test_ledger_upgrade_contract.py``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from finance_agent.domain.errors import StoreError
from finance_agent.domain.ledger.records import Customer
from finance_agent.domain.models import ARAging
from finance_agent.infra.dynamo_repo import DynamoRepo
from finance_agent.infra.dynamo_table import ensure_table, table_definition
from legacy_aging import write_legacy_aging

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

REGION = "us-east-1"
DAY = date(2025, 7, 15)


def definition_without(name: str, *indexes: str) -> dict[str, Any]:
    definition = table_definition(name)
    definition["GlobalSecondaryIndexes"] = [
        i for i in definition["GlobalSecondaryIndexes"] if i["IndexName"] not in indexes
    ]
    definition["AttributeDefinitions"] = [
        a for a in definition["AttributeDefinitions"] if a["AttributeName"][:4] not in indexes
    ]
    return definition


def aging(customer_id: str, over_90: str = "0.00") -> ARAging:
    return ARAging(
        customer_id=customer_id,
        customer_name=f"Co {customer_id}",
        email=f"{customer_id.lower()}@example.com",
        current=Decimal("10.00"),
        days_1_30=Decimal(0),
        days_31_60=Decimal(0),
        days_61_90=Decimal(0),
        days_over_90=Decimal(over_90),
    )


@pytest.fixture
def client(own_client: DynamoDBClient) -> DynamoDBClient:
    return own_client


@pytest.fixture
def table(client: DynamoDBClient) -> Iterator[str]:
    name = f"finance-upgrade-{uuid.uuid4().hex[:8]}"
    yield name
    with contextlib.suppress(client.exceptions.ResourceNotFoundException):
        client.delete_table(TableName=name)


def index_updates(client: DynamoDBClient) -> list[list[str]]:
    """Per UpdateTable call, the names of the indexes it creates."""
    calls: list[list[str]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        updates = params.get("GlobalSecondaryIndexUpdates", [])
        calls.append([u["Create"]["IndexName"] for u in updates if "Create" in u])

    client.meta.events.register("provide-client-params.dynamodb.UpdateTable", record)
    return calls


def index_names(client: DynamoDBClient, table: str) -> list[str]:
    described = client.describe_table(TableName=table)["Table"]
    return sorted(i["IndexName"] for i in described.get("GlobalSecondaryIndexes", []))


@pytest.mark.parametrize(
    ("lacking", "added"),
    [(("gsi2", "gsi3"), [["gsi2"], ["gsi3"]]), (("gsi3",), [["gsi3"]]), ((), [])],
)
def test_init_table_adds_the_indexes_a_table_lacks_one_call_each(
    client: DynamoDBClient, table: str, lacking: tuple[str, ...], added: list[list[str]]
) -> None:
    client.create_table(**definition_without(table, *lacking))
    calls = index_updates(client)

    assert ensure_table(client, table) is False

    assert calls == added
    assert index_names(client, table) == ["gsi1", "gsi2", "gsi3"]
    ensure_table(client, table)
    assert calls == added  # nothing more to add


def test_the_upgraded_table_serves_the_ledger(client: DynamoDBClient, table: str) -> None:
    client.create_table(**definition_without(table, "gsi2", "gsi3"))
    repo = DynamoRepo(table, REGION, client=client)
    write_legacy_aging(repo, [aging("C1")])

    ensure_table(client, table)
    repo.convert_ar_aging(DAY)

    assert [r.invoice_id for r in repo.open_invoices_as_of(DAY)] == ["OPENING-C1-current"]
    assert [r.invoice_id for r in repo.list_invoices(customer_id="C1").items] == [
        "OPENING-C1-current"
    ]


@pytest.mark.parametrize("projection", ["KEYS_ONLY", "INCLUDE"])
def test_a_table_with_another_index_of_the_same_name_is_refused_unchanged(
    client: DynamoDBClient, table: str, projection: str
) -> None:
    definition = definition_without(table, "gsi3")
    gsi2 = definition["GlobalSecondaryIndexes"][1]
    gsi2["Projection"] = {"ProjectionType": projection}
    if projection == "INCLUDE":
        gsi2["Projection"]["NonKeyAttributes"] = ["amount"]
    client.create_table(**definition)
    calls = index_updates(client)

    with pytest.raises(StoreError) as caught:
        ensure_table(client, table)

    assert caught.value.message.startswith(f"DynamoDB table {table} has index gsi2 on")
    assert f"projecting {projection}; finance-agent needs index gsi2" in caught.value.message
    assert calls == []
    assert index_names(client, table) == ["gsi1", "gsi2"]
    ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "DISABLED"


def test_a_customer_or_invoice_already_in_the_ledger_is_kept(
    client: DynamoDBClient, table: str
) -> None:
    client.create_table(**definition_without(table, "gsi2", "gsi3"))
    ensure_table(client, table)
    repo = DynamoRepo(table, REGION, client=client)
    write_legacy_aging(repo, [aging("C1", over_90="5.00"), aging("C2")])
    imported = Customer(customer_id="C1", name="Imported name", payment_terms_days=14)
    repo.put_customers([imported])
    client.delete_item(TableName=table, Key={"pk": {"S": "LEDGER#META"}})  # as if never run

    assert repo.convert_ar_aging(DAY) == 2

    assert repo.get_customers(["C1", "C2"])["C1"] == imported
    assert repo.get_customers(["C2"])["C2"].email == "c2@example.com"
    assert len(repo.list_invoices().items) == 3


def test_a_conversion_that_stopped_midway_is_finished_by_running_again(
    client: DynamoDBClient, table: str
) -> None:
    client.create_table(**definition_without(table, "gsi2", "gsi3"))
    repo = DynamoRepo(table, REGION, client=client)
    write_legacy_aging(repo, [aging("C1", over_90="5.00"), aging("C2")])
    ensure_table(client, table)
    puts = {"n": 0}

    def fail_the_third_put(**_: Any) -> None:
        puts["n"] += 1
        if puts["n"] == 3:
            raise ConnectionError("cut off")

    client.meta.events.register("before-send.dynamodb.PutItem", fail_the_third_put)
    with pytest.raises(ConnectionError):
        repo.convert_ar_aging(DAY)
    client.meta.events.unregister("before-send.dynamodb.PutItem", fail_the_third_put)
    assert len(repo.list_invoices().items) == 1

    assert repo.convert_ar_aging(DAY) == 2
    assert [r.invoice_id for r in repo.list_invoices().items] == [
        "OPENING-C1-days_over_90",
        "OPENING-C1-current",
        "OPENING-C2-current",
    ]
    assert repo.convert_ar_aging(DAY) == 0


def test_a_table_made_by_this_release_is_never_converted(
    client: DynamoDBClient, table: str
) -> None:
    ensure_table(client, table)
    repo = DynamoRepo(table, REGION, client=client)
    assert repo.convert_ar_aging(DAY) == 0  # nothing to convert: marked done

    write_legacy_aging(repo, [aging("C1")])  # an older seed's summary, written later

    assert repo.convert_ar_aging(DAY) == 0
    assert repo.list_customers() == []
