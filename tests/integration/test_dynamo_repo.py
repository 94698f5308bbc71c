"""DynamoDB-specific behaviour of DynamoRepo, against a real moto server over HTTP.

The shared behaviour is in ``tests/contract``; here is what only DynamoDB has: pages of a
Query, conditional writes, unprocessed batch items, stored attribute types, no Scan.
Faults are injected with botocore event hooks on a client of the test's own.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from demo_ledger_fixtures import put_aging
from dynamo_fixtures import Calls
from finance_agent.domain.errors import ConflictError, StoreError, ValidationError
from finance_agent.domain.ledger.records import Customer
from finance_agent.domain.models import ARAging, IdempotencyRecord, SalesDay
from finance_agent.domain.usecases.get_kpis import GetKPIsUC
from finance_agent.infra.action_keys import decode_cursor, sortable_timestamp
from finance_agent.infra.dynamo_repo import DynamoRepo, shared_client
from finance_agent.infra.dynamo_table import (
    GSI1_NAME,
    TTL_ATTRIBUTE,
    create_client,
    ensure_table,
    table_definition,
)

if TYPE_CHECKING:
    from loguru import Record
    from mypy_boto3_dynamodb.client import DynamoDBClient

REGION = "us-east-1"
JAN_1 = date(2024, 1, 1)
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def repo_on(table: str, client: DynamoDBClient, **options: Any) -> DynamoRepo:
    return DynamoRepo(table, REGION, client=client, **options)


def customer(customer_id: str) -> Customer:
    return Customer(
        customer_id=customer_id,
        name=f"Customer {customer_id}",
        email=f"{customer_id.lower()}@example.com",
        payment_terms_days=30,
    )


def aging(customer_id: str, current: str = "10.00") -> ARAging:
    return ARAging(
        customer_id=customer_id,
        customer_name=f"Customer {customer_id}",
        email=f"{customer_id.lower()}@example.com",
        current=Decimal(current),
        days_1_30=Decimal("1.00"),
        days_31_60=Decimal("2.00"),
        days_61_90=Decimal("3.00"),
        days_over_90=Decimal("4.00"),
    )


def sales(day: date, revenue: str = "100.00") -> SalesDay:
    return SalesDay(date=day, revenue=Decimal(revenue), cogs=Decimal("40.00"))


def put_raw(client: DynamoDBClient, table: str, item: dict[str, Any]) -> None:
    client.put_item(TableName=table, Item=item)


# -- pagination --


def test_customers_beyond_one_query_page_are_read_whole_in_order(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, page_size=3)
    rows = [customer(f"C{n:03d}") for n in range(10, 0, -1)]
    repo.put_customers(rows)
    calls = Calls(own_client)

    stored = repo.list_customers()

    assert stored == sorted(rows, key=lambda r: r.customer_id)
    assert calls.ops["Query"] == 4  # 3 + 3 + 3 + 1
    assert calls.scanned == 10


def test_a_sales_series_beyond_one_query_page_is_read_whole_oldest_first(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, page_size=7)
    repo.put_sales_days(sales(JAN_1 + timedelta(days=i)) for i in range(60))
    calls = Calls(own_client)

    series = repo.get_sales_series(30, end=date(2024, 2, 29))

    assert [s.date for s in series] == [date(2024, 1, 31) + timedelta(days=i) for i in range(30)]
    assert calls.ops["Query"] >= 5
    assert calls.scanned == 30  # only the window's days, never the whole partition


def test_an_action_page_larger_than_a_query_page_is_assembled_from_several(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, page_size=2)
    for i in range(12):
        repo.create_agent_action(
            "note", {}, "alice", action_id=f"a{i:02d}", created_at=T0 + timedelta(seconds=i)
        )

    first = repo.list_agent_actions(limit=5)
    second = repo.list_agent_actions(limit=5, before=first.next_token)
    third = repo.list_agent_actions(limit=5, before=second.next_token)

    ids = [a.action_id for page in (first, second, third) for a in page.items]
    assert ids == [f"a{i:02d}" for i in range(11, -1, -1)]
    assert third.next_token is None


def test_the_next_token_is_the_shared_cursor_of_the_last_item(
    dynamodb_repo: DynamoRepo,
) -> None:
    for i in range(3):
        dynamodb_repo.create_agent_action(
            "note", {}, "alice", action_id=f"a{i}", created_at=T0 + timedelta(seconds=i)
        )

    page = dynamodb_repo.list_agent_actions(limit=2)

    assert page.next_token is not None
    last = page.items[-1]
    assert decode_cursor(page.next_token) == (sortable_timestamp(last.created_at), "a1")


def test_a_cursor_still_works_after_its_action_is_gone(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient
) -> None:
    for i in range(4):
        dynamodb_repo.create_agent_action(
            "note", {}, "alice", action_id=f"a{i}", created_at=T0 + timedelta(seconds=i)
        )
    first = dynamodb_repo.list_agent_actions(limit=2)
    dynamodb_client.delete_item(TableName=dynamodb_repo.table_name, Key={"pk": {"S": "ACTION#a2"}})

    rest = dynamodb_repo.list_agent_actions(limit=2, before=first.next_token)

    assert [a.action_id for a in rest.items] == ["a1", "a0"]


# -- conditional write --


def test_an_existing_action_id_is_a_conflict_raised_from_the_failed_condition(
    dynamodb_repo: DynamoRepo,
) -> None:
    dynamodb_repo.create_agent_action("note", {"n": 1}, "alice", action_id="dup")

    with pytest.raises(ConflictError) as caught:
        dynamodb_repo.create_agent_action("note", {"n": 2}, "mallory", action_id="dup")

    cause = caught.value.__cause__
    assert isinstance(cause, ClientError)
    assert cause.response["Error"]["Code"] == "ConditionalCheckFailedException"
    stored = dynamodb_repo.get_agent_action("dup")
    assert stored is not None
    assert stored.payload == {"n": 1}


# -- batch writes --


def hold_back_half_once(client: DynamoDBClient, table: str) -> Counter[str]:
    """The first BatchWriteItem writes only half its items and reports the rest unprocessed,
    as DynamoDB does when throttled."""
    seen: Counter[str] = Counter()

    def params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> dict[str, Any] | None:
        seen["batches"] += 1
        if seen["held"]:
            return None
        requests = params["RequestItems"][table]
        keep, held = requests[: len(requests) // 2], requests[len(requests) // 2 :]
        seen["held"] += len(held)
        context["held_back"] = held
        return {**params, "RequestItems": {table: keep}}

    def response(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if context.get("held_back"):
            parsed["UnprocessedItems"] = {table: context["held_back"]}

    client.meta.events.register("provide-client-params.dynamodb.BatchWriteItem", params)
    client.meta.events.register("after-call.dynamodb.BatchWriteItem", response)
    return seen


def test_unprocessed_batch_items_are_resent_until_written(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, backoff_seconds=0.001)
    seen = hold_back_half_once(own_client, dynamodb_table)

    repo.put_sales_days(sales(JAN_1 + timedelta(days=i)) for i in range(10))

    assert seen["held"] == 5
    assert seen["batches"] == 2
    assert len(repo.get_sales_series(10, end=JAN_1 + timedelta(days=9))) == 10


class OkResponse:
    status_code = 200


def test_a_batch_that_stays_unprocessed_gives_up_with_a_store_error(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client, max_batch_attempts=3, backoff_seconds=0.001)
    calls = Calls(own_client)

    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["requests"] = params["RequestItems"]

    def nothing_processed(context: dict[str, Any], **_: Any) -> tuple[Any, dict[str, Any]]:
        # A before-call handler that answers stops the request: nothing reaches the server.
        return OkResponse(), {"UnprocessedItems": context["requests"]}

    own_client.meta.events.register("provide-client-params.dynamodb.BatchWriteItem", remember)
    own_client.meta.events.register("before-call.dynamodb.BatchWriteItem", nothing_processed)

    with pytest.raises(StoreError, match="unprocessed"):
        repo.put_customers([customer("C1"), customer("C2")])
    assert calls.ops["BatchWriteItem"] == 3


def test_batches_hold_at_most_25_items_and_one_per_key(
    dynamodb_table: str, own_client: DynamoDBClient
) -> None:
    repo = repo_on(dynamodb_table, own_client)
    calls = Calls(own_client)

    repo.put_sales_days(
        [*(sales(JAN_1 + timedelta(days=i)) for i in range(60)), sales(JAN_1, "7.00")]
    )

    assert calls.ops["BatchWriteItem"] == 3  # 25 + 25 + 10: the repeated day counted once
    assert repo.get_sales_series(1, end=JAN_1) == [sales(JAN_1, "7.00")]


# -- stored form --


def test_items_carry_the_design_keys_and_amounts_as_numbers(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient
) -> None:
    dynamodb_repo.put_sales_days([sales(JAN_1, "1234.56")])
    put_aging(dynamodb_repo, [aging("C7", "0.10")], JAN_1)
    dynamodb_repo.create_agent_action(
        "note", {"amount": 12.5}, "alice", action_id="x1", created_at=T0
    )
    table = dynamodb_repo.table_name

    def raw(pk: str) -> dict[str, Any]:
        return dict(dynamodb_client.get_item(TableName=table, Key={"pk": {"S": pk}})["Item"])

    day = raw("SALES#2024-01-01")
    assert (day["gsi1pk"], day["gsi1sk"]) == ({"S": "SALES"}, {"S": "2024-01-01"})
    assert Decimal(day["revenue"]["N"]) == Decimal("1234.56")
    client = raw("CUSTOMER#C7")
    assert (client["gsi1pk"], client["gsi1sk"]) == ({"S": "CUSTOMER"}, {"S": "C7"})
    invoice = raw("INVOICE#OPENING-C7-current")
    assert (invoice["gsi1pk"], invoice["gsi1sk"]) == (
        {"S": "INVOICE"},
        {"S": "2024-01-01#OPENING-C7-current"},
    )
    assert Decimal(invoice["amount"]["N"]) == Decimal("0.10")
    action = raw("ACTION#x1")
    assert action["gsi1sk"] == {"S": "2024-03-01T09:30:00.000000Z#x1"}
    assert action["payload"] == {"M": {"amount": {"N": "12.5"}}}


def test_cents_round_trip_as_exact_decimals(dynamodb_repo: DynamoRepo) -> None:
    amounts = ["0.01", "0.10", "0.29", "1.005", "33.33", "1234.56", "99999999.99"]
    dynamodb_repo.put_sales_days(
        sales(JAN_1 + timedelta(days=i), amount) for i, amount in enumerate(amounts)
    )

    stored = dynamodb_repo.get_sales_series(len(amounts), end=JAN_1 + timedelta(days=6))

    assert [s.revenue for s in stored] == [
        Decimal("0.01"), Decimal("0.10"), Decimal("0.29"), Decimal("1.01"),
        Decimal("33.33"), Decimal("1234.56"), Decimal("99999999.99"),
    ]  # fmt: skip
    assert all(isinstance(s.revenue, Decimal) for s in stored)
    assert sum(s.revenue for s in stored) == Decimal("100001269.29")


def test_payload_numbers_come_back_as_json_numbers(dynamodb_repo: DynamoRepo) -> None:
    payload = {"ratio": 0.1, "whole": 3, "big": 10**30, "neg": -2.5}
    action_id = dynamodb_repo.create_agent_action("note", payload, "alice")

    stored = dynamodb_repo.get_agent_action(action_id)

    assert stored is not None
    assert stored.payload == payload
    assert type(stored.payload["ratio"]) is float
    assert type(stored.payload["whole"]) is int


@pytest.mark.parametrize(
    "payload",
    [{"x": float("nan")}, {"x": Decimal("1.5")}, {"x": object()}, {"x": 10**40}],
    ids=["nan", "decimal", "object", "40-digit-int"],
)
def test_a_payload_dynamodb_cannot_hold_is_a_validation_error(
    dynamodb_repo: DynamoRepo, payload: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        dynamodb_repo.create_agent_action("note", payload, "alice")
    assert caught.value.field == "payload"


# -- idempotency records --


def test_an_idempotency_record_expires_by_ttl_attribute_and_exact_time(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient
) -> None:
    expires = datetime(2030, 1, 1, 12, 0, 0, 250000, tzinfo=UTC)
    dynamodb_repo.claim_idempotency_key(
        IdempotencyRecord(key="k1", fingerprint="f", expires_at=expires)
    )

    item = dynamodb_client.get_item(
        TableName=dynamodb_repo.table_name, Key={"pk": {"S": "IDEMP#k1"}}
    )["Item"]

    assert item[TTL_ATTRIBUTE] == {"N": str(int(expires.timestamp()) + 1)}  # whole seconds, up
    stored = dynamodb_repo.get_idempotency_record("k1")
    assert stored is not None
    assert stored.expires_at == expires


def test_completing_an_unclaimed_key_creates_nothing(dynamodb_repo: DynamoRepo) -> None:
    dynamodb_repo.complete_idempotency_key("never-claimed", 201, "{}", expires_at=T0)

    assert dynamodb_repo.get_idempotency_record("never-claimed") is None


def test_an_unreadable_idempotency_record_is_never_treated_as_free(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    put_raw(
        dynamodb_client,
        dynamodb_repo.table_name,
        {"pk": {"S": "IDEMP#k1"}, "key": {"S": "k1"}, "expires_ts": {"S": "2999-01-01"}},
    )
    claim = IdempotencyRecord(key="k1", fingerprint="f", expires_at=T0 + timedelta(days=3650))

    assert dynamodb_repo.get_idempotency_record("k1") is None
    with pytest.raises(StoreError):
        dynamodb_repo.claim_idempotency_key(claim)
    assert {r["extra"]["pk"] for r in log_records} == {"IDEMP#k1"}


# -- inputs --


def test_an_action_id_the_key_format_cannot_hold_is_a_validation_error(
    dynamodb_repo: DynamoRepo,
) -> None:
    with pytest.raises(ValidationError) as caught:
        dynamodb_repo.create_agent_action("note", {}, "alice", action_id="a#b")
    assert caught.value.field == "action_id"


def test_a_series_longer_than_the_calendar_reads_everything_up_to_its_end(
    dynamodb_repo: DynamoRepo,
) -> None:
    dynamodb_repo.put_sales_days([sales(date(1, 1, 1)), sales(JAN_1), sales(date(2025, 1, 1))])

    series = dynamodb_repo.get_sales_series(10**7, end=JAN_1)

    assert [s.date for s in series] == [date(1, 1, 1), JAN_1]


# -- malformed items --


def test_malformed_items_are_logged_by_key_and_skipped(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    table = dynamodb_repo.table_name
    dynamodb_repo.put_customers([customer("C1"), customer("C3")])
    dynamodb_repo.put_sales_days([sales(JAN_1), sales(JAN_1 + timedelta(days=2))])
    dynamodb_repo.create_agent_action("note", {}, "alice", action_id="good", created_at=T0)
    bad = [
        {  # payment terms as text
            "pk": {"S": "CUSTOMER#C2"}, "gsi1pk": {"S": "CUSTOMER"}, "gsi1sk": {"S": "C2"},
            "customer_id": {"S": "C2"}, "name": {"S": "Two"}, "payment_terms_days": {"S": "lots"},
        },
        {
            "pk": {"S": "SALES#2024-01-02"}, "gsi1pk": {"S": "SALES"},
            "gsi1sk": {"S": "2024-01-02"}, "date": {"S": "2024-01-02"}, "revenue": {"N": "-5"},
        },
        {
            "pk": {"S": "ACTION#bad"}, "gsi1pk": {"S": "ACTION"},
            "gsi1sk": {"S": "2024-03-01T10:00:00.000000Z#bad"}, "action_id": {"S": "bad"},
            "created_at": {"S": "yesterday"}, "payload": {"S": "not a map"},
        },
    ]  # fmt: skip
    for item in bad:
        put_raw(dynamodb_client, table, item)

    assert [c.customer_id for c in dynamodb_repo.list_customers()] == ["C1", "C3"]
    assert dynamodb_repo.get_customers(["C2"]) == {}
    assert [s.date for s in dynamodb_repo.get_sales_series(3, end=JAN_1 + timedelta(days=2))] == [
        JAN_1,
        JAN_1 + timedelta(days=2),
    ]
    page = dynamodb_repo.list_agent_actions(limit=1)
    assert [a.action_id for a in page.items] == ["good"]
    assert page.next_token is None

    skipped = [r["extra"]["pk"] for r in log_records if r["message"] == "skipping malformed item"]
    assert set(skipped) == {"CUSTOMER#C2", "SALES#2024-01-02", "ACTION#bad"}
    assert not any("@" in f"{r['message']} {r['extra']}" for r in log_records)  # no emails


def test_the_latest_sales_date_passes_over_a_malformed_newest_day(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    dynamodb_repo.put_sales_days([sales(JAN_1)])
    put_raw(
        dynamodb_client,
        dynamodb_repo.table_name,
        {"pk": {"S": "SALES#2024-02-01"}, "gsi1pk": {"S": "SALES"}, "gsi1sk": {"S": "2024-02-01"}},
    )

    assert dynamodb_repo.latest_sales_date() == JAN_1
    assert [r["extra"]["pk"] for r in log_records] == ["SALES#2024-02-01"]


def test_a_malformed_kpi_record_reads_as_none(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    put_raw(
        dynamodb_client,
        dynamodb_repo.table_name,
        {"pk": {"S": "KPI#last_30d"}, "computed_for": {"S": "2024-01-01"}, "revenue": {"N": "1"}},
    )

    assert dynamodb_repo.get_kpis("last_30d") is None
    assert [r["extra"]["pk"] for r in log_records] == ["KPI#last_30d"]


# -- errors, table, client --


def test_a_missing_table_is_a_store_error_that_names_init_table(
    dynamodb_endpoint: str, fake_aws: None
) -> None:
    repo = DynamoRepo("no-such-table", REGION, dynamodb_endpoint)

    with pytest.raises(StoreError, match="init-table") as caught:
        repo.list_customers()
    assert isinstance(caught.value.__cause__, ClientError)


def test_an_unreachable_endpoint_is_a_store_error(fake_aws: None) -> None:
    client = create_client(REGION, "http://127.0.0.1:9")
    repo = DynamoRepo("finance", REGION, client=client)

    with pytest.raises(StoreError):
        repo.get_agent_action("a1")


def test_ensure_table_creates_once_and_is_safe_to_run_again(
    dynamodb_client: DynamoDBClient,
) -> None:
    name = "finance-ensure-twice"
    try:
        assert ensure_table(dynamodb_client, name) is True
        assert ensure_table(dynamodb_client, name) is False

        table = dynamodb_client.describe_table(TableName=name)["Table"]
        expected = table_definition(name)
        assert table["KeySchema"] == expected["KeySchema"]
        assert sorted(table["AttributeDefinitions"], key=str) == sorted(
            expected["AttributeDefinitions"], key=str
        )
        indexes = {index["IndexName"]: index for index in table["GlobalSecondaryIndexes"]}
        assert sorted(indexes) == [GSI1_NAME, "gsi2", "gsi3"]
        for wanted in expected["GlobalSecondaryIndexes"]:
            index = indexes[wanted["IndexName"]]
            assert index["KeySchema"] == wanted["KeySchema"]
            assert index["Projection"] == {"ProjectionType": "ALL"}
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["TableStatus"] == "ACTIVE"
        ttl = dynamodb_client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", TTL_ATTRIBUTE)
    finally:
        dynamodb_client.delete_table(TableName=name)


def test_repos_share_one_client_per_endpoint_created_on_first_use(
    dynamodb_endpoint: str, dynamodb_table: str
) -> None:
    first = DynamoRepo(dynamodb_table, REGION, dynamodb_endpoint)
    second = DynamoRepo(dynamodb_table, REGION, dynamodb_endpoint)

    assert first._client is None  # nothing built at construction
    assert first.client is second.client is shared_client(REGION, dynamodb_endpoint)
    retries = first.client.meta.config.retries
    assert retries is not None
    assert retries["mode"] == "standard"


def test_a_whole_workflow_never_scans(dynamodb_table: str, own_client: DynamoDBClient) -> None:
    def refuse_scan(**_: Any) -> None:
        raise AssertionError("Scan used")

    own_client.meta.events.register("before-call.dynamodb.Scan", refuse_scan)
    calls = Calls(own_client)
    repo = repo_on(dynamodb_table, own_client, page_size=4)
    today = date(2024, 4, 30)

    put_aging(repo, [aging(f"C{n:02d}") for n in range(12)], today)
    repo.put_sales_days(sales(today - timedelta(days=i), f"{100 + i}.00") for i in range(120))
    for i in range(15):
        repo.create_agent_action("note", {"i": i}, "alice", created_at=T0 + timedelta(minutes=i))
    kpis = GetKPIsUC(repo, today=lambda: today, currency="USD").execute("last_30d")
    assert kpis.source == "computed"
    assert repo.latest_sales_date() == today
    assert len(repo.get_sales_series(30, end=today)) == 30
    assert kpis.ar_total == 12 * Decimal("20.00")
    assert "C03" in repo.get_customers(["C03", "C99"])
    token: str | None = None
    listed = 0
    while True:
        page = repo.list_agent_actions(limit=4, before=token)
        listed += len(page.items)
        token = page.next_token
        if token is None:
            break
    assert listed == 15
    assert repo.get_kpis("last_30d") is None
    claim = IdempotencyRecord(key="k", fingerprint="f", expires_at=T0 + timedelta(days=3650))
    assert repo.claim_idempotency_key(claim) is None
    assert repo.claim_idempotency_key(claim) is not None
    repo.complete_idempotency_key("k", 201, "{}", expires_at=T0 + timedelta(days=1))
    repo.release_idempotency_key("k")

    assert "Scan" not in calls.ops
    expected = {
        *("BatchWriteItem", "PutItem", "GetItem", "Query", "UpdateItem", "DeleteItem"),
        "BatchGetItem",  # the ledger's customers, read by key
    }
    assert set(calls.ops) == expected
