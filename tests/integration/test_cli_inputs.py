"""The finance-agent command refuses what the HTTP API refuses, naming the flag and the rule."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC

TODAY = date(2026, 3, 31)


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    assert main(["seed", "--today", TODAY.isoformat()]) == 0


def refused(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    return line


def remind(*flags: str) -> list[str]:
    # A customer who owes something past due, so a valid reminder is recorded.
    debtor = AgingAsOfUC(get_repo()).execute(min_days_overdue=1).customers[0]
    return ["remind", "--customer-id", debtor.customer_id, *flags]


@pytest.mark.parametrize("when", ["20260401", "2026-W14-3", "2026-091", "2026-04-01T00:00"])
def test_a_remind_date_must_be_written_yyyy_mm_dd(
    seeded: None, capsys: pytest.CaptureFixture[str], when: str
) -> None:
    line = refused(capsys, remind("--remind-date", when))
    assert line.startswith("finance-agent remind: error: --remind-date: must be a date as YYYY")


def test_a_remind_date_written_yyyy_mm_dd_is_recorded(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    when = (TODAY + timedelta(days=1)).isoformat()
    capsys.readouterr()
    assert main([*remind("--remind-date", when, "--as", "ana"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["payload"]["remind_date"] == when


@pytest.mark.parametrize("period", [" last_30d", "last_30d ", "last_30d\n", "\tlast_30d"])
def test_a_period_with_spaces_around_it_is_refused_as_the_api_refuses_it(
    capsys: pytest.CaptureFixture[str], period: str
) -> None:
    for command in ("kpis", "anomalies"):
        line = refused(capsys, [command, "--period", period])
        assert line.startswith(f"finance-agent {command}: error: --period: must look like")


@pytest.mark.parametrize(
    "name",
    ["", "   ", "evil\nline", "tab\there", "nul\x00", "bell\x07", "rtl\u202eexe.txt", "x" * 255],
)
def test_who_acts_must_be_a_printable_name_of_at_most_254_characters(
    seeded: None, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    line = refused(capsys, remind("--as", name))
    assert line.startswith("finance-agent remind: error: --as: must name who acts in 1 to 254")
    assert "\n" not in line


def test_who_acts_is_stored_without_the_spaces_around_it(
    seeded: None, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main([*remind("--as", "  ana@example.com "), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["performed_by"] == "ana@example.com"
