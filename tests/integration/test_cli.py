"""The finance-agent command, end to end on a SQLite file (SQLITE_PATH from conftest)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.tools.seed_data import generate

TODAY = date(2026, 3, 31)


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pin "today" so the seeded series and the commands agree whatever the date is.
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    assert main(["seed", "--today", TODAY.isoformat()]) == 0


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0
    parsed: dict[str, object] = json.loads(capsys.readouterr().out)
    return parsed


def test_kpis_revenue_equals_the_sum_of_the_last_30_seeded_days(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = get_repo().get_sales_series(30, end=TODAY)
    expected = sum((r.revenue for r in rows), Decimal(0))
    kpis = run_json(capsys, "kpis", "--period", "last_30d")
    assert len(rows) == 30
    assert Decimal(str(kpis["revenue"])) == expected


def test_anomalies_finds_the_days_the_generator_put_in(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_json(capsys, "anomalies")
    found = {a["date"] for a in report["anomalies"]}  # type: ignore[attr-defined]
    injected = {i.date.isoformat() for i in generate(42, TODAY).injected}
    assert injected <= found


def test_anomalies_table_tells_a_level_shift_once_and_marks_its_days(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = get_repo()
    last_week = repo.get_sales_series(7, end=TODAY)
    # 6,000 down on each of the last 7 days: 4 of the demo's noise sigmas.
    repo.put_sales_days(d.model_copy(update={"revenue": d.revenue - 6_000}) for d in last_week)
    capsys.readouterr()
    assert main(["anomalies", "--method", "robust"]) == 0
    out = capsys.readouterr().out
    start = (TODAY - timedelta(days=6)).isoformat()
    (line,) = [line for line in out.splitlines() if line.startswith("Level shift:")]
    assert line.startswith(f"Level shift: {start} to {TODAY.isoformat()}, 7 days together below")
    marked = [line for line in out.splitlines() if "drop (shift)" in line]
    assert [line.split()[0] for line in marked] == [d.date.isoformat() for d in last_week]


@pytest.mark.parametrize("period", ["last_0d", "yesterday"])
def test_a_bad_period_exits_non_zero_with_one_line_saying_what_a_period_looks_like(
    seeded: None, capsys: pytest.CaptureFixture[str], period: str
) -> None:
    capsys.readouterr()
    assert main(["kpis", "--period", period]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "--period" in err[0]
    assert "last_<N>d" in err[0]


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["forecast", "--horizon", "0"], "--horizon"),
        (["anomalies", "--threshold", "-1"], "--threshold"),
        (["actions", "--limit", "500"], "--limit"),
        (["actions", "--next-token", "garbage"], "--next-token"),
        (["remind", "--customer-id", "CUST001", "--remind-date", "2020-01-01"], "--remind-date"),
    ],
)
def test_bad_values_name_the_flag(
    seeded: None, capsys: pytest.CaptureFixture[str], argv: list[str], flag: str
) -> None:
    capsys.readouterr()
    assert main(argv) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert flag in line


def test_a_flag_that_is_not_a_number_is_one_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forecast", "--horizon", "soon"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "--horizon" in line
    assert "integer" in line


def test_tables_are_printed_by_default(seeded: None, capsys: pytest.CaptureFixture[str]) -> None:
    for argv, marker in [
        (["kpis"], "Gross margin"),
        (["forecast", "--horizon", "3"], "Daily average"),
        (["anomalies"], "unusual day"),
        (["actions", "--limit", "3"], "More: --next-token"),
    ]:
        capsys.readouterr()
        assert main(argv) == 0
        assert marker in capsys.readouterr().out


def test_remind_records_an_action_once_and_lists_it_first(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    remind_on = (TODAY + timedelta(days=3)).isoformat()
    invoice = next(  # an invoice of the demo books past due that day
        r.invoice_id
        for r in generate(42, TODAY).invoices
        if r.invoice.customer_id == "CUST001" and r.invoice.due_date < TODAY and r.open_balance
    )
    argv = [
        "remind",
        "--customer-id",
        "CUST001",
        "--invoice-id",
        invoice,
        "--remind-date",
        remind_on,
    ]
    created = run_json(capsys, *argv, "--as", "ana@example.com")
    assert created["performed_by"] == "ana@example.com"
    assert main(argv) == 0
    assert "Already recorded" in capsys.readouterr().out
    page = run_json(capsys, "actions", "--limit", "1")
    assert page["items"][0]["action_id"] == created["action_id"]  # type: ignore[index]


def test_remind_for_an_unknown_customer_fails(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["remind", "--customer-id", "NOPE"]) == 1
    assert "not found" in capsys.readouterr().err


def test_a_bad_setting_is_reported_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ENV", "banana")
    assert main(["kpis"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert "ENV" in line


def test_empty_store_lists_no_actions(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["actions"]) == 0
    assert "No actions recorded." in capsys.readouterr().out


def test_forecast_json_has_the_api_fields(seeded: None, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "forecast", "--horizon", "7")
    assert result["horizon_days"] == 7
    assert len(result["points"]) == 7  # type: ignore[arg-type]
    assert {"daily_average", "total", "window_days", "history_days"} <= result.keys()
