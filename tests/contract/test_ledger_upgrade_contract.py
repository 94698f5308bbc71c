"""Stores made by the release before the ledger keep working, on every store: their AR aging
(five numbers per customer) becomes customers and opening invoices that show the same aging
on the day of the upgrade, and upgrading again changes nothing.

SQLite: a copy of ``tests/fixtures/release_store.sqlite``, written by that release's code
(``tests/fixtures/make_release_store.py``), opened by this one. DynamoDB: a table as that
release made it (``gsi1`` only) holding the same AR aging items, through
``finance-agent init-table``.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from finance_agent.cli import main
from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.models import ARAging
from finance_agent.infra.dynamo_repo import DynamoRepo
from finance_agent.infra.dynamo_table import table_definition
from finance_agent.infra.sqlite_repo import SqliteRepo
from finance_agent.shared.settings import get_settings
from legacy_aging import read_legacy_aging, write_legacy_aging

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.client import DynamoDBClient

REGION = "us-east-1"
FIXTURE = Path(__file__).parents[1] / "fixtures" / "release_store.sqlite"
UPGRADE_DAY = date(2025, 7, 15)
BUCKETS = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def aging(n: int, *amounts: str) -> ARAging:
    return ARAging(
        customer_id=f"CUST{n:03d}",
        customer_name=f"Customer {n}",
        email=f"ap{n}@example.com",
        **{bucket: Decimal(amount) for bucket, amount in zip(BUCKETS, amounts, strict=True)},
    )


# What the fixture file holds (the SQLite test reads it back to prove it).
RELEASE_AGING = [
    aging(1, "100.00", "20.50", "0.00", "0.00", "7.25"),
    aging(2, "0.00", "0.00", "300.00", "40.00", "0.00"),
    aging(3, "0.00", "0.00", "0.00", "0.00", "0.00"),
]


def release_table(table_name: str) -> dict[str, Any]:
    """The table as the release before the ledger created it: ``gsi1`` only."""
    definition = table_definition(table_name)
    definition["GlobalSecondaryIndexes"] = definition["GlobalSecondaryIndexes"][:1]
    definition["AttributeDefinitions"] = [
        a for a in definition["AttributeDefinitions"] if a["AttributeName"][:4] in {"pk", "gsi1"}
    ]
    return definition


@pytest.fixture
def upgrade_day(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: UPGRADE_DAY)
    return UPGRADE_DAY


@pytest.fixture
def sqlite_upgraded(tmp_path: Path, upgrade_day: date) -> Iterator[SqliteRepo]:
    path = tmp_path / "release.sqlite"
    shutil.copyfile(FIXTURE, path)
    repo = SqliteRepo(path)
    assert read_legacy_aging(repo) == RELEASE_AGING  # the file holds what this module says
    yield repo
    repo.close()


@pytest.fixture
def dynamodb_upgraded(
    monkeypatch: pytest.MonkeyPatch,
    dynamodb_endpoint: str,
    dynamodb_client: DynamoDBClient,
    fake_aws: None,
    upgrade_day: date,
) -> Iterator[DynamoRepo]:
    name = f"finance-release-{uuid.uuid4().hex[:8]}"
    dynamodb_client.create_table(**release_table(name))
    try:
        repo = DynamoRepo(name, REGION, client=dynamodb_client)
        write_legacy_aging(repo, RELEASE_AGING)
        for variable, value in {
            "STORE": "dynamodb",
            "TABLE_NAME": name,
            "DYNAMODB_ENDPOINT_URL": dynamodb_endpoint,
        }.items():
            monkeypatch.setenv(variable, value)
        get_settings.cache_clear()
        assert main(["init-table"]) == 0
        yield repo
    finally:
        dynamodb_client.delete_table(TableName=name)


@pytest.fixture(params=["sqlite", "dynamodb"])
def upgraded(request: pytest.FixtureRequest) -> Any:
    return request.getfixturevalue(f"{request.param}_upgraded")


def upgrade_again(repo: Any, capsys: pytest.CaptureFixture[str]) -> None:
    if isinstance(repo, SqliteRepo):
        SqliteRepo(repo.path).close()
    else:
        capsys.readouterr()
        assert main(["init-table"]) == 0
        assert "Converted" not in capsys.readouterr().out


def bucket(days_past_due: int) -> str:
    for limit, name in ((0, "current"), (30, "days_1_30"), (60, "days_31_60"), (90, "days_61_90")):
        if days_past_due <= limit:
            return name
    return "days_over_90"


def aging_on(repo: LedgerRepository, as_of: date) -> dict[str, dict[str, Decimal]]:
    """Each customer's open balances by bucket (due-date basis), as of ``as_of``."""
    found: dict[str, dict[str, Decimal]] = {}
    for record in repo.open_invoices_as_of(as_of):
        days = (as_of - record.invoice.due_date).days
        buckets = found.setdefault(record.invoice.customer_id, dict.fromkeys(BUCKETS, Decimal(0)))
        buckets[bucket(days)] += record.balance_as_of(as_of)
    return found


def test_the_upgraded_store_shows_the_same_aging_on_the_upgrade_day(upgraded: Any) -> None:
    expected = {
        row.customer_id: {b: getattr(row, b) for b in BUCKETS}
        for row in RELEASE_AGING
        if row.total > 0
    }
    assert aging_on(upgraded, UPGRADE_DAY) == expected


def test_each_customer_keeps_its_name_and_email(upgraded: Any) -> None:
    customers = upgraded.list_customers()

    assert [(c.customer_id, c.name, c.email) for c in customers] == [
        (row.customer_id, row.customer_name, row.email) for row in RELEASE_AGING
    ]


def test_each_non_zero_bucket_is_one_opening_invoice(upgraded: Any) -> None:
    invoices = upgraded.list_invoices(limit=100).items

    assert sorted(r.invoice_id for r in invoices) == [
        "OPENING-CUST001-current",
        "OPENING-CUST001-days_1_30",
        "OPENING-CUST001-days_over_90",
        "OPENING-CUST002-days_31_60",
        "OPENING-CUST002-days_61_90",
    ]
    assert all(r.invoice.due_date - r.invoice.issue_date == timedelta(days=30) for r in invoices)
    assert upgraded.first_issue_date() == UPGRADE_DAY - timedelta(days=150)
    assert upgraded.list_invoices(customer_id="CUST003").items == []


def test_the_old_aging_records_stay_in_place(upgraded: Any) -> None:
    assert read_legacy_aging(upgraded) == RELEASE_AGING


def test_upgrading_again_changes_nothing(
    upgraded: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = upgraded.list_invoices(limit=100)
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: UPGRADE_DAY + timedelta(9))

    upgrade_again(upgraded, capsys)

    assert upgraded.list_invoices(limit=100) == before
    assert len(upgraded.list_customers()) == 3
