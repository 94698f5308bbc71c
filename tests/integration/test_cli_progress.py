"""The import's progress bar: on a terminal only (stderr), never with --json, never in a pipe;
and tqdm, which draws it, stays out of the Lambda artifact."""

from __future__ import annotations

import io
import re
import sys
from datetime import date
from pathlib import Path

import pytest

from finance_agent.cli import main
from finance_agent.cli.progress import ProgressBar
from finance_agent.packaging import runtime_requirements

TODAY = date(2026, 3, 31)
HEADER = "invoice_id,customer_id,customer_name,issue_date,due_date,amount"


class Terminal(io.StringIO):
    """A stream that says it is a terminal, and keeps what was drawn on it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def books(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    monkeypatch.setattr("finance_agent.imports.reader.REPORT_EVERY", 10)
    monkeypatch.setattr("finance_agent.imports.csv_books.INSERT_BATCH", 20)  # several batches
    rows = [f"INV-{n:04d},C{n % 7},Customer {n % 7},2026-01-01,2026-01-31,10.00" for n in range(50)]
    path = tmp_path / "books.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_the_import_prints_nothing_on_stderr_when_it_is_not_a_terminal(
    books: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", "invoices", str(books)]) == 0
    assert capsys.readouterr().err == ""


def test_on_a_terminal_the_import_draws_its_phases_on_stderr_only(
    books: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["import", "invoices", str(books)]) == 0
    drawn = terminal.getvalue()
    assert "Reading" in drawn
    assert re.search(r"Writing: .*/50 ", drawn)  # rows written of 50
    assert capsys.readouterr().out.startswith("Imported invoices from books.csv")


def test_with_json_a_terminal_gets_no_bar(
    books: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["import", "invoices", str(books), "--json"]) == 0
    assert terminal.getvalue() == ""


def test_a_bar_opens_one_line_per_phase_and_closes(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Terminal()
    with ProgressBar(True, terminal) as progress:
        progress("reading", 512, 1024)
        progress("reading", 1024, 1024)
        progress("checking", 3, None)  # a total not known ahead
    drawn = terminal.getvalue()
    assert "Reading" in drawn
    assert "Checking" in drawn
    silent = io.StringIO()
    ProgressBar(True, silent)("reading", 1, 2)  # not a terminal
    assert silent.getvalue() == ""


def test_tqdm_is_not_a_dependency_of_the_lambda_artifact() -> None:
    names = {re.split(r"[<>=;!~ \[]", r, maxsplit=1)[0].lower() for r in runtime_requirements()}
    assert "tqdm" not in names
    assert "pydantic" in names
