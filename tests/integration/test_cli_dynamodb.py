"""STORE=dynamodb end to end through the CLI, against the moto server of the fixtures."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.shared.settings import get_settings

TODAY = date(2026, 3, 31)


@pytest.fixture
def dynamodb_env(monkeypatch: pytest.MonkeyPatch, dynamodb_endpoint: str, fake_aws: None) -> str:
    table = f"finance-cli-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("STORE", "dynamodb")
    monkeypatch.setenv("TABLE_NAME", table)
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", dynamodb_endpoint)
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    get_settings.cache_clear()
    get_repo.cache_clear()
    return table


def test_init_table_then_seed_then_kpis_on_dynamodb(
    dynamodb_env: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init-table"]) == 0
    assert "created" in capsys.readouterr().out
    assert main(["init-table"]) == 0
    assert "already exists" in capsys.readouterr().out
    assert main(["seed", "--today", TODAY.isoformat()]) == 0
    assert main(["seed", "--today", TODAY.isoformat()]) == 0
    assert "0 written" in capsys.readouterr().out
    assert main(["kpis", "--period", "last_30d", "--json"]) == 0
    kpis = json.loads(capsys.readouterr().out)
    expected = sum((d.revenue for d in get_repo().get_sales_series(30, end=TODAY)), Decimal(0))
    assert Decimal(str(kpis["revenue"])) == expected
    assert kpis["source"] == "cache"
    assert main(["actions", "--limit", "5", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["items"]) == 5
