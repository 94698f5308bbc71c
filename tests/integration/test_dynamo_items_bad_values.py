"""Items a person wrote by hand into the DynamoDB table that hold values or keys the store
never writes: each is skipped and logged as malformed, and every read still answers.

The items are written with the test's own client, over HTTP to the moto server.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.models import ARAging, KPISnapshot, SalesDay
from finance_agent.domain.period import parse_period
from finance_agent.domain.usecases.get_kpis import GetKPIsUC
from finance_agent.infra.dynamo_repo import DynamoRepo
from legacy_aging import write_legacy_aging

if TYPE_CHECKING:
    from loguru import Record
    from mypy_boto3_dynamodb.client import DynamoDBClient

TODAY = date(2024, 1, 7)
HUGE = "9" * 38  # the most digits a DynamoDB number holds


def skipped(records: list[Record]) -> list[str]:
    return [r["extra"]["pk"] for r in records if r["message"] == "skipping malformed item"]


def aging(customer_id: str) -> ARAging:
    return ARAging(
        customer_id=customer_id,
        customer_name=f"Customer {customer_id}",
        email=f"{customer_id.lower()}@example.com",
        current=Decimal("10.00"),
        days_1_30=Decimal("1.00"),
        days_31_60=Decimal("2.00"),
        days_61_90=Decimal("3.00"),
        days_over_90=Decimal("4.00"),
    )


def ar_raw(customer_id: str, pk: str | None = None, **amounts: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": {"S": pk or f"AR_AGING#{customer_id}"},
        "gsi1pk": {"S": "AR_AGING"},
        "gsi1sk": {"S": customer_id},
        "customer_id": {"S": customer_id},
        "customer_name": {"S": "Hand written"},
        "email": {"S": "hand@example.com"},
    }
    for name in ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"):
        item[name] = {"N": amounts.get(name, "1")}
    return item


def sales_raw(pk: str, day: str, gsi1sk: str | None = None, revenue: str = "100") -> dict[str, Any]:
    return {
        "pk": {"S": pk},
        "gsi1pk": {"S": "SALES"},
        "gsi1sk": {"S": gsi1sk or day},
        "date": {"S": day},
        "revenue": {"N": revenue},
        "cogs": {"N": "40"},
    }


def put_raw(client: DynamoDBClient, repo: DynamoRepo, *raw: dict[str, Any]) -> None:
    for item in raw:
        client.put_item(TableName=repo.table_name, Item=item)


def convert_again(client: DynamoDBClient, repo: DynamoRepo) -> int:
    """The AR aging items converted into the ledger as an upgrade does (the table, made by
    this release, is marked converted at creation: the mark is removed first)."""
    client.delete_item(TableName=repo.table_name, Key={"pk": {"S": "LEDGER#META"}})
    return repo.convert_ar_aging(TODAY)


def week_of_sales(repo: DynamoRepo) -> None:
    repo.put_sales_days(
        SalesDay(date=date(2024, 1, d), revenue=Decimal("100.00"), cogs=Decimal("40.00"))
        for d in range(1, 8)
    )


# -- amounts beyond any real ledger --


def test_an_ar_amount_of_38_digits_is_not_converted_and_kpis_still_compute(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    write_legacy_aging(dynamodb_repo, [aging("C1")])
    put_raw(dynamodb_client, dynamodb_repo, ar_raw("HUGE", days_over_90=HUGE))

    assert convert_again(dynamodb_client, dynamodb_repo) == 1
    kpis = GetKPIsUC(dynamodb_repo, today=lambda: TODAY, currency="USD").execute("last_7d")

    assert (kpis.ar_total, kpis.ar_over_60) == (Decimal("20.00"), Decimal("7.00"))
    assert [c.customer_id for c in dynamodb_repo.list_customers()] == ["C1"]
    assert set(skipped(log_records)) == {"AR_AGING#HUGE"}


@pytest.mark.parametrize("revenue", [HUGE, "1000000000000000", "-1E+125", "1E+125"])
def test_a_sales_amount_at_or_past_the_money_bound_is_skipped(
    dynamodb_repo: DynamoRepo,
    dynamodb_client: DynamoDBClient,
    log_records: list[Record],
    revenue: str,
) -> None:
    week_of_sales(dynamodb_repo)
    put_raw(
        dynamodb_client, dynamodb_repo, sales_raw("SALES#2024-01-08", "2024-01-08", revenue=revenue)
    )

    kpis = GetKPIsUC(dynamodb_repo, today=lambda: date(2024, 1, 8), currency="USD").execute(
        "last_7d"
    )

    assert (kpis.revenue, kpis.days_with_sales) == (Decimal("600.00"), 6)
    assert skipped(log_records) == ["SALES#2024-01-08"]


def test_an_amount_just_under_the_bound_is_read_to_the_cent(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    put_raw(
        dynamodb_client,
        dynamodb_repo,
        sales_raw("SALES#2024-01-07", "2024-01-07", revenue="999999999999999.994"),
    )

    (day,) = dynamodb_repo.get_sales_series(1, end=TODAY)

    assert day.revenue == Decimal("999999999999999.99")
    assert log_records == []


# -- keys that do not match the attributes they encode --


def test_a_sales_item_whose_key_is_not_its_date_is_not_a_second_record_of_that_date(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    week_of_sales(dynamodb_repo)
    put_raw(
        dynamodb_client,
        dynamodb_repo,
        sales_raw("SALES#DUP", "2024-01-03"),
        sales_raw("SALES#2024-01-09", "2024-01-09", gsi1sk="2024-01-04"),  # listed in the week
    )

    kpis = GetKPIsUC(dynamodb_repo, today=lambda: TODAY, currency="USD").execute("last_7d")

    assert (kpis.revenue, kpis.days_with_sales) == (Decimal("700.00"), 7)
    series = dynamodb_repo.get_sales_series(7, end=TODAY)
    assert [day.date for day in series] == [date(2024, 1, d) for d in range(1, 8)]
    assert set(skipped(log_records)) == {"SALES#DUP", "SALES#2024-01-09"}


def test_an_ar_item_outside_the_index_is_not_converted(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    raw = ar_raw("C5")
    del raw["gsi1pk"], raw["gsi1sk"]
    put_raw(dynamodb_client, dynamodb_repo, raw)

    assert convert_again(dynamodb_client, dynamodb_repo) == 0

    assert dynamodb_repo.list_customers() == []
    assert dynamodb_repo.open_invoices_as_of(TODAY) == []
    assert log_records == []  # never listed, so never read


def test_an_ar_item_whose_key_names_another_customer_is_skipped(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    write_legacy_aging(dynamodb_repo, [aging("C1")])
    copy_of_c1 = ar_raw("C1", pk="AR_AGING#C9")
    wrong_index = ar_raw("C2") | {"gsi1sk": {"S": "C0"}}
    put_raw(dynamodb_client, dynamodb_repo, copy_of_c1, wrong_index)

    assert convert_again(dynamodb_client, dynamodb_repo) == 1
    kpis = GetKPIsUC(dynamodb_repo, today=lambda: TODAY, currency="USD").execute("last_7d")

    assert kpis.ar_total == Decimal("20.00")
    assert [c.customer_id for c in dynamodb_repo.list_customers()] == ["C1"]
    assert dynamodb_repo.get_customers(["C9", "C2"]) == {}
    assert set(skipped(log_records)) == {"AR_AGING#C9", "AR_AGING#C2"}


def test_an_action_item_whose_key_names_another_action_is_skipped(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    when = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    dynamodb_repo.create_agent_action("note", {}, "alice", action_id="good", created_at=when)
    (raw,) = dynamodb_client.query(
        TableName=dynamodb_repo.table_name,
        IndexName="gsi1",
        KeyConditionExpression="gsi1pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "ACTION"}},
    )["Items"]
    put_raw(dynamodb_client, dynamodb_repo, dict(raw) | {"pk": {"S": "ACTION#copy"}})

    assert dynamodb_repo.get_agent_action("copy") is None
    page = dynamodb_repo.list_agent_actions(limit=5)
    assert [action.action_id for action in page.items] == ["good"]
    assert skipped(log_records) == ["ACTION#copy", "ACTION#copy"]


def test_a_kpi_record_stored_under_another_period_is_not_served(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    figures = compute_kpis(parse_period("last_7d"), TODAY, [], [], "USD")
    dynamodb_repo.put_kpis(KPISnapshot(computed_for=TODAY, kpis=figures))
    raw = dynamodb_client.get_item(
        TableName=dynamodb_repo.table_name, Key={"pk": {"S": "KPI#last_7d"}}
    )["Item"]
    put_raw(dynamodb_client, dynamodb_repo, dict(raw) | {"pk": {"S": "KPI#last_30d"}})

    assert dynamodb_repo.get_kpis("last_7d") is not None
    assert dynamodb_repo.get_kpis("last_30d") is None
    assert skipped(log_records) == ["KPI#last_30d"]


# -- action sort keys --


@pytest.mark.parametrize(
    "sort_key",
    [
        "nohash",  # sorts after every timestamp: it was listed first, its cursor a 400
        "2099-01-01T00:00:00.000000Z#odd",  # well formed, but not the action's own time
        "2024-03-01T09:31:00.000000Z#other",  # its own time, another id
        "2024-03-01T09:31:00.000000Z",
    ],
)
def test_actions_page_past_one_whose_sort_key_is_not_its_time_and_id(
    dynamodb_repo: DynamoRepo,
    dynamodb_client: DynamoDBClient,
    log_records: list[Record],
    sort_key: str,
) -> None:
    t0 = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    for i in range(3):
        at = t0 + timedelta(minutes=2 * i)
        dynamodb_repo.create_agent_action("note", {}, "alice", action_id=f"a{i}", created_at=at)
    odd = {
        "pk": {"S": "ACTION#odd"},
        "gsi1pk": {"S": "ACTION"},
        "gsi1sk": {"S": sort_key},
        "action_id": {"S": "odd"},
        "action": {"S": "note"},
        "payload": {"M": {}},
        "performed_by": {"S": "alice"},
        "created_at": {"S": "2024-03-01T09:31:00.000000Z"},
        "status": {"S": "pending"},
    }
    put_raw(dynamodb_client, dynamodb_repo, odd)

    listed: list[str] = []
    token: str | None = None
    for _ in range(10):
        page = dynamodb_repo.list_agent_actions(limit=1, before=token)
        listed += [action.action_id for action in page.items]
        token = page.next_token
        if token is None:
            break

    assert listed == ["a2", "a1", "a0"]
    assert dynamodb_repo.get_agent_action("odd") is None
    assert set(skipped(log_records)) == {"ACTION#odd"}
