"""The DynamoDB table, defined once: ``init-table`` creates it from here and the
deployment template's tests compare against it.

Single table: ``pk`` is the only key of the base table; listed items also carry the
``gsi1`` keys (see DESIGN.md, "Data model"). Idempotency records expire via ``expires_at``.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Final

from finance_agent.domain.errors import StoreError
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

PARTITION_KEY: Final = "pk"
GSI1_NAME: Final = "gsi1"
GSI1_PARTITION_KEY: Final = "gsi1pk"
GSI1_SORT_KEY: Final = "gsi1sk"
TTL_ATTRIBUTE: Final = "expires_at"
BILLING_MODE: Final = "PAY_PER_REQUEST"

KEY_SCHEMA: Final[tuple[dict[str, str], ...]] = (
    {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
)
ATTRIBUTE_DEFINITIONS: Final[tuple[dict[str, str], ...]] = (
    {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": GSI1_PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": GSI1_SORT_KEY, "AttributeType": "S"},
)
GLOBAL_SECONDARY_INDEXES: Final[tuple[dict[str, Any], ...]] = (
    {
        "IndexName": GSI1_NAME,
        "KeySchema": [
            {"AttributeName": GSI1_PARTITION_KEY, "KeyType": "HASH"},
            {"AttributeName": GSI1_SORT_KEY, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    },
)

# Retries with botocore's standard mode (exponential backoff with jitter on throttling and
# transient errors). Worst case 3 x (2 s + 5 s) plus backoff stays under API Gateway's 29 s,
# so a stuck call becomes our 5xx with a request id rather than the gateway's bare 504.
CLIENT_CONFIG: Final[dict[str, Any]] = {
    "retries": {"mode": "standard", "max_attempts": 3},
    "connect_timeout": 2,
    "read_timeout": 5,
    "tcp_keepalive": True,
}


def table_definition(table_name: str) -> dict[str, Any]:
    """The CreateTable parameters (also the template's property names), as fresh lists."""
    return {
        "TableName": table_name,
        "KeySchema": copy.deepcopy(list(KEY_SCHEMA)),
        "AttributeDefinitions": copy.deepcopy(list(ATTRIBUTE_DEFINITIONS)),
        "GlobalSecondaryIndexes": copy.deepcopy(list(GLOBAL_SECONDARY_INDEXES)),
        "BillingMode": BILLING_MODE,
    }


def create_client(
    region: str, endpoint_url: str | None = None, *, profile: str | None = None
) -> DynamoDBClient:
    """A new low-level DynamoDB client (``endpoint_url`` for a local server such as moto)."""
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(profile_name=profile, region_name=region)
    return session.client("dynamodb", endpoint_url=endpoint_url, config=Config(**CLIENT_CONFIG))


def ensure_table(client: DynamoDBClient, table_name: str) -> bool:
    """Create the table unless it exists, wait until it is ACTIVE, enable TTL.

    Returns whether this call created it. Safe to run twice, or by two processes at once.
    SDK failures (no credentials, no permission, timeout) raise ``StoreError``.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        created = _create_if_missing(client, table_name)
        # Real tables take seconds to become ACTIVE (allowed 5 minutes); local ones are instant.
        waiter = client.get_waiter("table_exists")
        waiter.wait(TableName=table_name, WaiterConfig={"Delay": 2, "MaxAttempts": 150})
        _enable_ttl(client, table_name)
    except (BotoCoreError, ClientError) as exc:
        raise StoreError(f"could not create DynamoDB table {table_name}: {exc}") from exc
    logger.bind(table=table_name, created=created).info("table ready")
    return created


def _create_if_missing(client: DynamoDBClient, table_name: str) -> bool:
    try:
        client.describe_table(TableName=table_name)
        return False
    except client.exceptions.ResourceNotFoundException:
        pass
    try:
        client.create_table(**table_definition(table_name))
    except client.exceptions.ResourceInUseException:
        return False  # another process created it between our describe and create
    return True


def _enable_ttl(client: DynamoDBClient, table_name: str) -> None:
    described = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    if described.get("TimeToLiveStatus") in {"ENABLED", "ENABLING"}:
        return
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
