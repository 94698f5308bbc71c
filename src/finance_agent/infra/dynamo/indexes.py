"""Adding global secondary indexes to an existing table, as ``init-table`` does to a table
made by an older release: one UpdateTable per index (DynamoDB creates or deletes only
one per call, and takes no other UpdateTable while the table is UPDATING), waiting until
each is ACTIVE (built from the items already there) before the next.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

from botocore.exceptions import ClientError

from finance_agent.domain.errors import StoreError
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

# Backfilling a large table takes minutes to hours; init-table can be run again to keep
# waiting, and the index is only created once.
POLL_SECONDS: Final = 5.0
MAX_WAIT_SECONDS: Final = 3600.0


def add_indexes(
    client: DynamoDBClient,
    table_name: str,
    indexes: Iterable[Mapping[str, Any]],
    attribute_types: Mapping[str, str],
    *,
    poll_seconds: float = POLL_SECONDS,
    max_wait_seconds: float = MAX_WAIT_SECONDS,
) -> list[str]:
    """Create each index of ``indexes`` the table lacks, one at a time, waiting until each
    is ACTIVE (also one another run began) before the next. Returns the names it created."""
    created = []
    for index in indexes:
        name = index["IndexName"]
        deadline = time.monotonic() + max_wait_seconds
        while True:
            table = client.describe_table(TableName=table_name)["Table"]
            status = _index_status(table, name)
            idle = table.get("TableStatus") == "ACTIVE"
            if idle and status == "ACTIVE":
                break
            if idle and status == "MISSING" and _create(client, table, index, attribute_types):
                created.append(name)
                logger.bind(table=table_name, index=name).info("adding index")
                continue  # a local server builds it at once: look again before sleeping
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"index {name} of DynamoDB table {table_name} is still {status} after"
                    f" {max_wait_seconds / 60:.0f} minutes; run init-table again to keep"
                    " waiting"
                )
            logger.bind(table=table_name, index=name, status=status).info("waiting for index")
            time.sleep(poll_seconds)
    return created


def _index_status(table: Mapping[str, Any], name: str) -> str:
    for index in table.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] == name:
            return str(index.get("IndexStatus", "ACTIVE"))
    return "MISSING"


def _create(
    client: DynamoDBClient,
    table: Mapping[str, Any],
    index: Mapping[str, Any],
    attribute_types: Mapping[str, str],
) -> bool:
    """Start building ``index``; False when the table is busy (another run's update)."""
    # The table's own attribute definitions stay listed beside the new keys': the call
    # describes every key attribute of the table and its indexes.
    defined = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
    for key in index["KeySchema"]:
        defined.setdefault(key["AttributeName"], attribute_types[key["AttributeName"]])
    create = copy.deepcopy(dict(index))
    billing = table.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    if billing == "PROVISIONED":  # an index of a provisioned table needs its own capacity
        throughput = table["ProvisionedThroughput"]
        create["ProvisionedThroughput"] = {
            "ReadCapacityUnits": throughput["ReadCapacityUnits"],
            "WriteCapacityUnits": throughput["WriteCapacityUnits"],
        }
    try:
        client.update_table(
            TableName=table["TableName"],
            AttributeDefinitions=[
                {"AttributeName": name, "AttributeType": kind} for name, kind in defined.items()
            ],
            GlobalSecondaryIndexUpdates=[{"Create": create}],  # type: ignore[typeddict-item]
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code not in {"ResourceInUseException", "LimitExceededException"}:
            raise
        logger.bind(table=table["TableName"], index=index["IndexName"], code=code).warning(
            "table busy; waiting before adding the index"
        )
        return False
    return True
