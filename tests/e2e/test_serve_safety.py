"""``finance-agent serve`` against something other than its own demo store: a DynamoDB
table is never written to, and a server reachable from other machines says so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .conftest import SECRET, ServerFactory

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient


def test_serve_on_an_empty_dynamodb_table_writes_nothing_and_says_how_to_seed(
    server_factory: ServerFactory,
    dynamodb_endpoint: str,
    dynamodb_table: str,
    dynamodb_client: DynamoDBClient,
) -> None:
    server = server_factory(
        "dynamo",
        {
            "ENV": "prod",
            "STORE": "dynamodb",
            "TABLE_NAME": dynamodb_table,
            "DYNAMODB_ENDPOINT_URL": dynamodb_endpoint,
            "AWS_REGION": "us-east-1",  # the moto fixtures' region
            "JWT_SECRET": SECRET,
        },
    )

    assert dynamodb_client.scan(TableName=dynamodb_table)["Count"] == 0
    out = server.stdout()
    assert "writing the demo data" not in out
    (line,) = [line for line in out.splitlines() if "not seeded" in line]
    assert dynamodb_table in line
    assert "finance-agent seed" in line
