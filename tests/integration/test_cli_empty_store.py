"""On a store with no sales the tables say so and how to seed, and counts read as words."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.domain.models import SalesDay

TODAY = date(2026, 3, 31)


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)


def output(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert main(list(argv)) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "period"),
    [(["kpis"], "last_30d (2026-03-02 to 2026-03-31)"), (["anomalies"], "last_60d")],
)
def test_an_empty_store_is_said_to_have_no_sales_history_and_how_to_seed(
    capsys: pytest.CaptureFixture[str], argv: list[str], period: str
) -> None:
    notes = [line for line in output(capsys, *argv).splitlines() if line.startswith("Note:")]
    assert len(notes) == 1
    assert notes[0].startswith(f"Note: no sales history for {period}")
    assert "`finance-agent seed`" in notes[0]


def test_the_json_stays_the_apis(capsys: pytest.CaptureFixture[str]) -> None:
    assert "note" not in json.loads(output(capsys, "kpis", "--json"))


def test_a_period_with_sales_has_no_such_note(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["seed", "--today", TODAY.isoformat()]) == 0
    for command in ("kpis", "anomalies"):
        assert "no sales history" not in output(capsys, command)


def test_one_day_reads_day_not_days(capsys: pytest.CaptureFixture[str]) -> None:
    day = SalesDay(date=TODAY, revenue=Decimal(100), cogs=Decimal(60))
    get_repo().put_sales_days([day])
    anomalies = output(capsys, "anomalies", "--period", "last_1d")
    assert "0 unusual days in last_1d" in anomalies
    assert ", 1 day analysed," in anomalies
    forecast = output(capsys, "forecast", "--horizon", "1")
    assert "1 day from 2026-04-01 to 2026-04-01" in forecast
    assert "from 1 day of history" in forecast
