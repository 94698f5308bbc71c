"""The finance-agent command ends with one error line, never a traceback: a reader that
stops early, a full disk, dates at the calendar's ends, a user without a login name, no
stdin."""

from __future__ import annotations

import json
import pwd
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import EXIT_BROKEN_PIPE, main
from finance_agent.domain.usecases.ledger_aging import AgingAsOfUC

TODAY = date(2026, 3, 31)
LOGIN_VARIABLES = ("LOGNAME", "USER", "LNAME", "USERNAME")


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    assert main(["seed", "--today", TODAY.isoformat()]) == 0


def no_passwd_entry(uid: int) -> pwd.struct_passwd:
    raise KeyError(f"getpwuid(): uid not found: {uid}")


def reminder_by(capsys: pytest.CaptureFixture[str]) -> str:
    debtor = AgingAsOfUC(get_repo()).execute(min_days_overdue=1).customers[0]
    capsys.readouterr()
    when = (TODAY + timedelta(days=2)).isoformat()
    argv = ["remind", "--customer-id", debtor.customer_id, "--remind-date", when, "--json"]
    assert main(argv) == 0
    by: str = json.loads(capsys.readouterr().out)["performed_by"]
    return by


def test_without_a_login_name_a_reminder_is_recorded_by_local_user(
    seeded: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A container's user: no login variables and no passwd entry for the uid.
    for name in LOGIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pwd, "getpwuid", no_passwd_entry)
    assert reminder_by(capsys) == "local-user"


def test_the_login_variable_names_who_acts_without_a_passwd_entry(
    seeded: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in LOGIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("USER", "ana")
    monkeypatch.setattr(pwd, "getpwuid", no_passwd_entry)
    assert reminder_by(capsys) == "ana"


@pytest.mark.parametrize("today", ["9999-12-31", "9999-12-26", "0001-01-05", "0001-12-30"])
def test_a_seed_day_too_near_the_calendars_ends_is_refused_naming_the_range(
    capsys: pytest.CaptureFixture[str], today: str
) -> None:
    assert main(["seed", "--today", today]) == 2
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert line.startswith(
        "finance-agent seed: error: --today: must be from 0001-12-31 to 9999-12-25"
    )
    assert get_repo().latest_sales_date() is None


@pytest.mark.parametrize("today", ["0001-12-31", "9999-12-25"])
@pytest.mark.parametrize("seed", ["42", "7"])
def test_the_first_and_last_seed_days_allowed_are_seeded(
    capsys: pytest.CaptureFixture[str], today: str, seed: str
) -> None:
    assert main(["seed", "--seed", seed, "--today", today]) == 0
    assert get_repo().latest_sales_date() == date.fromisoformat(today)


def run_cli(*argv: str, **popen: Any) -> subprocess.Popen[bytes]:
    """The command in its own process: pipes and closed files are real only there."""
    command = [sys.executable, "-m", "finance_agent.cli", *argv]
    return subprocess.Popen(command, stderr=subprocess.PIPE, **popen)


@pytest.mark.parametrize("argv", [["forecast"], ["openapi"], ["kpis", "--json"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(argv: list[str]) -> None:
    process = run_cli(*argv, stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()  # as `head` does once it has its lines: every write now fails
    _, err = process.communicate(timeout=60)
    assert err.decode() == ""
    assert process.returncode == EXIT_BROKEN_PIPE


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
@pytest.mark.parametrize("argv", [["kpis"], ["openapi"], ["seed", "--today", "2026-03-31"]])
def test_a_full_disk_is_one_error_line_and_exit_1(argv: list[str]) -> None:
    with open("/dev/full", "wb") as full:
        process = run_cli(*argv, stdout=full)
        _, err = process.communicate(timeout=60)
    (line,) = err.decode().strip().splitlines()
    assert line == "finance-agent: error: cannot write output: No space left on device"
    assert process.returncode == 1
