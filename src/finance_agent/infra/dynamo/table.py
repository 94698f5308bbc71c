"""The DynamoDB table, defined once: ``init-table`` creates it from here and the
deployment template's tests compare against it.

Single table: ``pk`` is the only key of the base table; listed items also carry the
``gsi1`` keys (see DESIGN.md, "Data model"), invoices also the ``gsi2`` (open by due date,
settled by date) and ``gsi3`` (a customer's) keys. Idempotency records expire via
``expires_at``. A table made before the ledger (``gsi1`` only) gets ``gsi2`` and ``gsi3``
added by ``ensure_table``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from finance_agent.domain.errors import StoreError
from finance_agent.infra.dynamo.indexes import add_indexes
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

PARTITION_KEY: Final = "pk"
GSI1_NAME: Final = "gsi1"
GSI1_PARTITION_KEY: Final = "gsi1pk"
GSI1_SORT_KEY: Final = "gsi1sk"
GSI2_NAME: Final = "gsi2"  # sparse: invoices only, open ones by due date, settled by date
GSI3_NAME: Final = "gsi3"  # sparse: invoices only, by customer then due date
TTL_ATTRIBUTE: Final = "expires_at"
BILLING_MODE: Final = "PAY_PER_REQUEST"

KEY_SCHEMA: Final[tuple[dict[str, str], ...]] = (
    {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
)
ATTRIBUTE_DEFINITIONS: Final[tuple[dict[str, str], ...]] = (
    {"AttributeName": PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": GSI1_PARTITION_KEY, "AttributeType": "S"},
    {"AttributeName": GSI1_SORT_KEY, "AttributeType": "S"},
    {"AttributeName": "gsi2pk", "AttributeType": "S"},
    {"AttributeName": "gsi2sk", "AttributeType": "S"},
    {"AttributeName": "gsi3pk", "AttributeType": "S"},
    {"AttributeName": "gsi3sk", "AttributeType": "S"},
)


def _index(name: str) -> dict[str, Any]:
    return {
        "IndexName": name,
        "KeySchema": [
            {"AttributeName": f"{name}pk", "KeyType": "HASH"},
            {"AttributeName": f"{name}sk", "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }


GLOBAL_SECONDARY_INDEXES: Final = (_index(GSI1_NAME), _index(GSI2_NAME), _index(GSI3_NAME))

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
    A table made by an older release (``gsi1`` only) gets the indexes it lacks, one at a
    time (``indexes.py``). SDK failures (no credentials, no permission, timeout)
    raise ``StoreError``, and so does an existing table whose keys or indexes differ from
    the definition above.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        created = _create_if_missing(client, table_name)
        # Real tables take seconds to become ACTIVE (allowed 5 minutes); local ones are instant.
        waiter = client.get_waiter("table_exists")
        waiter.wait(TableName=table_name, WaiterConfig={"Delay": 2, "MaxAttempts": 150})
        missing = _check_schema(client, table_name)  # before any change: never one not ours
        add_indexes(client, table_name, missing, _DEFINED_TYPES)
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


def _check_schema(client: DynamoDBClient, table_name: str) -> list[dict[str, Any]]:
    """Raise ``StoreError`` unless the table's key schema and its ``gsi1`` (keys, types,
    all attributes projected) are the definition's: with any other, every read and write
    would fail or find nothing, far from the cause. ``gsi2`` and ``gsi3`` must be the
    definition's too when present; returns those absent (a table made before the ledger),
    which ``ensure_table`` adds. Other indexes are left alone."""
    table = client.describe_table(TableName=table_name)["Table"]
    types = {a["AttributeName"]: a["AttributeType"] for a in table.get("AttributeDefinitions", [])}
    indexes = {i["IndexName"]: i for i in table.get("GlobalSecondaryIndexes", [])}
    keys = _describe_keys(table.get("KeySchema", []), types)
    found = f"key schema {keys} and " + (
        _describe_index(indexes[GSI1_NAME], types)
        if GSI1_NAME in indexes
        else f"no index {GSI1_NAME}"
    )
    if found != _EXPECTED:
        raise StoreError(
            f"DynamoDB table {table_name} exists with {found}; finance-agent needs"
            f" {_describe_keys(KEY_SCHEMA, _DEFINED_TYPES)} as its only key and"
            f" {_describe_index(_GSI1, _DEFINED_TYPES)}: {_ELSEWHERE}"
        )
    missing = []
    for wanted in GLOBAL_SECONDARY_INDEXES[1:]:
        index = indexes.get(wanted["IndexName"])
        if index is None:
            missing.append(copy.deepcopy(wanted))
        elif (have := _describe_index(index, types)) != _describe_index(wanted, _DEFINED_TYPES):
            raise StoreError(
                f"DynamoDB table {table_name} has {have}; finance-agent needs"
                f" {_describe_index(wanted, _DEFINED_TYPES)}: {_ELSEWHERE}"
            )
    return missing


def _describe_index(index: Mapping[str, Any], types: Mapping[str, str]) -> str:
    projection = index.get("Projection", {}).get("ProjectionType", "?")
    keys = _describe_keys(index["KeySchema"], types)
    return f"index {index['IndexName']} on {keys} projecting {projection}"


def _describe_keys(keys: Iterable[Mapping[str, object]], types: Mapping[str, str]) -> str:
    """``pk (S), sk (S, sort)``: each key attribute with its type, as a person reads them."""
    described = []
    for key in keys:
        name = str(key.get("AttributeName"))
        sort = ", sort" if key.get("KeyType") == "RANGE" else ""
        described.append(f"{name} ({types.get(name, '?')}{sort})")
    return ", ".join(described)


_DEFINED_TYPES: Final = {a["AttributeName"]: a["AttributeType"] for a in ATTRIBUTE_DEFINITIONS}
_GSI1: Final = GLOBAL_SECONDARY_INDEXES[0]
_EXPECTED: Final = (
    f"key schema {_describe_keys(KEY_SCHEMA, _DEFINED_TYPES)} and"
    f" {_describe_index(_GSI1, _DEFINED_TYPES)}"
)
_ELSEWHERE: Final = "set TABLE_NAME to another table, or delete this one and run init-table again"


def _enable_ttl(client: DynamoDBClient, table_name: str) -> None:
    described = client.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    if described.get("TimeToLiveStatus") in {"ENABLED", "ENABLING"}:
        return
    client.update_time_to_live(
        TableName=table_name,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TTL_ATTRIBUTE},
    )
