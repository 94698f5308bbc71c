"""Adding an index waits for DynamoDB: while the table is busy or the index is backfilling,
it polls, and it gives up with a StoreError after its limit. A local server builds indexes
at once, so these paths run against a scripted client (no network)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.exceptions import ClientError

from finance_agent.domain.errors import StoreError
from finance_agent.infra.dynamo import indexes as dynamo_indexes
from finance_agent.infra.dynamo.indexes import add_indexes
from finance_agent.infra.dynamo.table import GLOBAL_SECONDARY_INDEXES

GSI2 = GLOBAL_SECONDARY_INDEXES[1]
TYPES = {"gsi2pk": "S", "gsi2sk": "S"}


def table(status: str = "ACTIVE", gsi2: str | None = None, **extra: Any) -> dict[str, Any]:
    indexes = [{"IndexName": "gsi1", "IndexStatus": "ACTIVE"}]
    if gsi2 is not None:
        indexes.append({"IndexName": "gsi2", "IndexStatus": gsi2})
    return {
        "TableName": "t",
        "TableStatus": status,
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": indexes,
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"},
        **extra,
    }


class ScriptedClient:
    """Answers DescribeTable with the next table of ``states`` (the last one repeats) and
    records UpdateTable calls, raising ``update_error`` from the first."""

    def __init__(self, states: list[dict[str, Any]], update_error: str = "") -> None:
        self._states: Iterator[dict[str, Any]] = iter(states)
        self._last = states[-1]
        self.updates: list[dict[str, Any]] = []
        self._update_error = update_error

    def describe_table(self, TableName: str) -> dict[str, Any]:
        self._last = next(self._states, self._last)
        return {"Table": self._last}

    def update_table(self, **params: Any) -> None:
        self.updates.append(params)
        if self._update_error:
            error, self._update_error = self._update_error, ""
            raise ClientError({"Error": {"Code": error, "Message": "no"}}, "UpdateTable")


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr(dynamo_indexes.time, "sleep", slept.append)
    return slept


def test_it_waits_while_the_new_index_backfills(no_sleep: list[float]) -> None:
    client = ScriptedClient(
        [
            table(),
            table("UPDATING", "CREATING"),
            table("ACTIVE", "CREATING"),
            table("ACTIVE", "ACTIVE"),
        ]
    )

    assert add_indexes(client, "t", [GSI2], TYPES, poll_seconds=3) == ["gsi2"]

    (update,) = client.updates
    assert update["GlobalSecondaryIndexUpdates"] == [{"Create": GSI2}]
    assert {a["AttributeName"] for a in update["AttributeDefinitions"]} == {
        "pk",
        "gsi2pk",
        "gsi2sk",
    }
    assert no_sleep == [3, 3]


def test_an_index_another_run_is_building_is_waited_for_not_created_again() -> None:
    client = ScriptedClient([table("UPDATING", "CREATING"), table("ACTIVE", "ACTIVE")])

    assert add_indexes(client, "t", [GSI2], TYPES) == []
    assert client.updates == []


def test_a_busy_table_is_waited_for_then_the_index_added(no_sleep: list[float]) -> None:
    client = ScriptedClient(
        [table(), table(), table("ACTIVE", "ACTIVE")], update_error="ResourceInUseException"
    )

    assert add_indexes(client, "t", [GSI2], TYPES, poll_seconds=1) == ["gsi2"]
    assert len(client.updates) == 2
    assert no_sleep == [1]


def test_other_update_errors_are_raised() -> None:
    client = ScriptedClient([table()], update_error="AccessDeniedException")

    with pytest.raises(ClientError):
        add_indexes(client, "t", [GSI2], TYPES)


def test_it_gives_up_after_its_limit_saying_to_run_again(no_sleep: list[float]) -> None:
    client = ScriptedClient([table("ACTIVE", "CREATING")])

    with pytest.raises(StoreError, match="still CREATING after 0 minutes; run init-table again"):
        add_indexes(client, "t", [GSI2], TYPES, max_wait_seconds=0)


def test_an_index_of_a_provisioned_table_gets_the_tables_capacity() -> None:
    provisioned = table(
        BillingModeSummary={"BillingMode": "PROVISIONED"},
        ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 3, "Other": 1},
    )
    client = ScriptedClient([provisioned, {**provisioned, **table("ACTIVE", "ACTIVE")}])

    add_indexes(client, "t", [GSI2], TYPES)

    (update,) = client.updates
    create = update["GlobalSecondaryIndexUpdates"][0]["Create"]
    assert create["ProvisionedThroughput"] == {"ReadCapacityUnits": 5, "WriteCapacityUnits": 3}
