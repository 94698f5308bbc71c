"""Items a person wrote by hand into the DynamoDB table that hold values or keys the store
never writes: each is skipped and logged as malformed, and every read still answers.

The items are written with the test's own client, over HTTP to the moto server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from finance_agent.domain.models import ARAging, SalesDay
from finance_agent.domain.usecases.get_kpis import GetKPIsUC
from finance_agent.infra.dynamo_repo import DynamoRepo
from finance_agent.shared.log import logger

if TYPE_CHECKING:
    from loguru import Message, Record
    from mypy_boto3_dynamodb.client import DynamoDBClient

TODAY = date(2024, 1, 7)
HUGE = "9" * 38  # the most digits a DynamoDB number holds


@pytest.fixture
def log_records() -> Iterator[list[Record]]:
    records: list[Record] = []

    def sink(message: Message) -> None:
        records.append(message.record)

    handler = logger.add(sink, level="WARNING")
    yield records
    logger.remove(handler)


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


def week_of_sales(repo: DynamoRepo) -> None:
    repo.put_sales_days(
        SalesDay(date=date(2024, 1, d), revenue=Decimal("100.00"), cogs=Decimal("40.00"))
        for d in range(1, 8)
    )


# -- amounts beyond any real ledger --


def test_an_ar_amount_of_38_digits_is_skipped_and_kpis_still_compute(
    dynamodb_repo: DynamoRepo, dynamodb_client: DynamoDBClient, log_records: list[Record]
) -> None:
    dynamodb_repo.put_ar_aging([aging("C1")])
    put_raw(dynamodb_client, dynamodb_repo, ar_raw("HUGE", days_over_90=HUGE))

    kpis = GetKPIsUC(dynamodb_repo, today=lambda: TODAY, currency="USD").execute("last_7d")

    assert (kpis.ar_total, kpis.ar_over_60) == (Decimal("20.00"), Decimal("7.00"))
    assert [row.customer_id for row in dynamodb_repo.get_ar_aging()] == ["C1"]
    assert dynamodb_repo.get_customer_aging("HUGE") is None
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
