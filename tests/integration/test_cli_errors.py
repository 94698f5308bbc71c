"""Every usage error of the finance-agent command is one line:
``finance-agent <command>: error: --<flag>: <rule>``."""

from __future__ import annotations

import re

import pytest

from finance_agent.cli import main
from finance_agent.tools import seed_data

LINE = re.compile(r"finance-agent (\S+): error: (--[a-z-]+): (.+)")


def one_error_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> re.Match[str]:
    capsys.readouterr()
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.strip().splitlines()
    match = LINE.fullmatch(line)
    assert match is not None, line
    return match


@pytest.mark.parametrize(
    ("argv", "flag", "rule"),
    [
        # argparse's own checks (a type, a choice, a missing value, a required flag)
        (["forecast", "--horizon", "soon"], "--horizon", "must be an integer, got 'soon'"),
        (["forecast", "--method", "guess"], "--method", "must be one of sma, seasonal_naive"),
        (["kpis", "--period"], "--period", "needs a value"),
        (["remind"], "--customer-id", "is required"),
        (["kpis", "--json=yes"], "--json", "takes no value"),
        (["kpis", "--colour", "blue"], "--colour", "is not an option of finance-agent kpis"),
        # the use cases' rules
        (["forecast", "--horizon", "0"], "--horizon", "must be"),
        (["kpis", "--period", "yesterday"], "--period", "must look like last_<N>d"),
        # the seed tool, run as finance-agent seed
        (["seed", "--today", "2025-02-30"], "--today", "must be a date as YYYY-MM-DD"),
        (["seed", "--seed", "forty-two"], "--seed", "must be an integer"),
    ],
)
def test_a_usage_error_is_one_line_naming_command_flag_and_rule(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str, rule: str
) -> None:
    match = one_error_line(capsys, argv)
    assert match.group(1) == argv[0]
    assert match.group(2) == flag
    assert match.group(3).startswith(rule)


@pytest.mark.parametrize("value", ["-inf", "-1e3", "-.5", "-1", "nan", "inf"])
def test_a_negative_looking_threshold_is_judged_by_the_threshold_rule(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    match = one_error_line(capsys, ["anomalies", "--threshold", value])
    assert match.group(2) == "--threshold"
    assert match.group(3).startswith("must be a number greater than 0")


def test_a_negative_looking_horizon_is_judged_by_the_horizon_rule(
    capsys: pytest.CaptureFixture[str],
) -> None:
    match = one_error_line(capsys, ["forecast", "--horizon", "-1e3"])
    assert match.group(3) == "must be an integer, got '-1e3'"


def test_the_seed_module_keeps_its_own_name_in_error_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert seed_data.main(["--today", "yesterday"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("python -m finance_agent.tools.seed_data: error: --today: must be")


def test_an_unknown_command_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["kpi"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("finance-agent: error: command: must be one of kpis, forecast")


def test_help_still_prints_the_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["forecast", "--help"])
    assert exited.value.code == 0
    assert "--horizon" in capsys.readouterr().out
