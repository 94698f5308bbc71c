"""``init-table`` on a table that already exists with another schema: a StoreError that says
what differs, printed by the CLI as one line, and nothing changed on that table.

Tables are created by hand with the test's own client on the moto server, over HTTP.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.domain.errors import StoreError
from finance_agent.infra.dynamo_table import ensure_table, table_definition
from finance_agent.shared.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

S = "S"


def attr(name: str, kind: str = S) -> dict[str, str]:
    return {"AttributeName": name, "AttributeType": kind}


def hash_key(name: str) -> dict[str, str]:
    return {"AttributeName": name, "KeyType": "HASH"}


def range_key(name: str) -> dict[str, str]:
    return {"AttributeName": name, "KeyType": "RANGE"}


def gsi(name: str, projection: str = "ALL") -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [hash_key("gsi1pk"), range_key("gsi1sk")],
        "Projection": {"ProjectionType": projection},
    }


GSI1_ATTRS = [attr("gsi1pk"), attr("gsi1sk")]

WRONG_TABLES: dict[str, dict[str, Any]] = {
    "keyed on id": {"KeySchema": [hash_key("id")], "AttributeDefinitions": [attr("id")]},
    "pk and sk": {
        "KeySchema": [hash_key("pk"), range_key("sk")],
        "AttributeDefinitions": [attr("pk"), attr("sk"), *GSI1_ATTRS],
        "GlobalSecondaryIndexes": [gsi("gsi1")],
    },
    "pk as a number": {
        "KeySchema": [hash_key("pk")],
        "AttributeDefinitions": [attr("pk", "N"), *GSI1_ATTRS],
        "GlobalSecondaryIndexes": [gsi("gsi1")],
    },
    "no gsi1": {"KeySchema": [hash_key("pk")], "AttributeDefinitions": [attr("pk")]},
    "gsi1 named otherwise": {
        "KeySchema": [hash_key("pk")],
        "AttributeDefinitions": [attr("pk"), *GSI1_ATTRS],
        "GlobalSecondaryIndexes": [gsi("byDate")],
    },
    "gsi1 with keys only": {
        "KeySchema": [hash_key("pk")],
        "AttributeDefinitions": [attr("pk"), *GSI1_ATTRS],
        "GlobalSecondaryIndexes": [gsi("gsi1", "KEYS_ONLY")],
    },
    "gsi1 without a sort key": {
        "KeySchema": [hash_key("pk")],
        "AttributeDefinitions": [attr("pk"), attr("gsi1pk")],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": "gsi1",
                "KeySchema": [hash_key("gsi1pk")],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    },
}


@pytest.fixture
def table_name(dynamodb_client: DynamoDBClient, fake_aws: None) -> Iterator[str]:
    name = f"finance-schema-{uuid.uuid4().hex[:8]}"
    yield name
    with contextlib.suppress(dynamodb_client.exceptions.ResourceNotFoundException):
        dynamodb_client.delete_table(TableName=name)


def create(client: DynamoDBClient, name: str, schema: dict[str, Any]) -> None:
    client.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **schema)


@pytest.mark.parametrize("case", list(WRONG_TABLES))
def test_an_existing_table_with_another_schema_is_a_store_error_saying_what_differs(
    dynamodb_client: DynamoDBClient, table_name: str, case: str
) -> None:
    create(dynamodb_client, table_name, WRONG_TABLES[case])

    with pytest.raises(StoreError) as caught:
        ensure_table(dynamodb_client, table_name)

    message = caught.value.message
    assert f"table {table_name} exists with key schema" in message
    assert "finance-agent needs pk (S) as its only key and index gsi1" in message
    assert "\n" not in message
    ttl = dynamodb_client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    assert ttl["TimeToLiveStatus"] == "DISABLED"  # nothing changed on someone else's table


def test_the_message_names_the_existing_keys_and_indexes(
    dynamodb_client: DynamoDBClient, table_name: str
) -> None:
    create(dynamodb_client, table_name, WRONG_TABLES["pk and sk"])

    with pytest.raises(StoreError, match=r"pk \(S\), sk \(S, sort\).*index gsi1") as caught:
        ensure_table(dynamodb_client, table_name)
    assert "keyed on id" not in caught.value.message


def test_a_table_with_the_definition_and_an_extra_index_is_accepted(
    dynamodb_client: DynamoDBClient, table_name: str
) -> None:
    definition = table_definition(table_name)
    definition["AttributeDefinitions"].append(attr("other"))
    definition["GlobalSecondaryIndexes"].append(
        {
            "IndexName": "other",
            "KeySchema": [hash_key("other")],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }
    )
    dynamodb_client.create_table(**definition)

    assert ensure_table(dynamodb_client, table_name) is False


def test_init_table_on_a_wrong_table_prints_one_line_and_fails(
    monkeypatch: pytest.MonkeyPatch,
    dynamodb_endpoint: str,
    dynamodb_client: DynamoDBClient,
    table_name: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("STORE", "dynamodb")
    monkeypatch.setenv("TABLE_NAME", table_name)
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", dynamodb_endpoint)
    get_settings.cache_clear()
    get_repo.cache_clear()
    create(dynamodb_client, table_name, WRONG_TABLES["keyed on id"])

    assert main(["init-table"]) != 0

    out, err = capsys.readouterr()
    assert "already exists" not in out
    (line,) = [text for text in err.splitlines() if text.strip()]
    assert f"table {table_name} exists with key schema id (S)" in line
    assert "Traceback" not in err
