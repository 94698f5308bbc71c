"""``finance-agent import``, end to end on a SQLite file (SQLITE_PATH from conftest)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.infra.sqlite_repo import SqliteRepo

TODAY = date(2026, 3, 31)
HEADER = (
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,email,paid_date,open_balance"
)
GOOD = [
    HEADER,
    "INV-001,ACME,Acme Ltd,2026-01-05,2026-02-04,1200.00,ap@acme.example,,600.00",
    "INV-002,ACME,Acme Ltd,2026-02-10,2026-03-12,800.00,ap@acme.example,,",
    "INV-003,GLOBEX,Globex,2025-12-01,2025-12-31,450.50,,2026-01-15,",
    "0000611365,GLOBEX,Globex,2026-03-01,2026-03-31,99.99,,,",
]


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)


def write_csv(folder: Path, lines: list[str], name: str = "books.csv", end: str = "\n") -> Path:
    path = folder / name
    path.write_bytes(end.join(lines).encode() + end.encode())
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code, out, _ = run(capsys, *argv, "--json")
    return code, json.loads(out)


def store() -> SqliteRepo:
    repo = get_repo()
    assert isinstance(repo, SqliteRepo)
    return repo


def imports_logged() -> list[Any]:
    return [a for a in store().list_agent_actions(limit=100).items if a.action == "import"]


def test_a_good_invoices_file_imports_with_exit_0_and_its_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, GOOD)
    code, out, err = run(capsys, "import", "invoices", str(path))
    assert code == 0, out + err
    assert out.startswith(
        "Imported invoices from books.csv (4 rows; open balances as of 2026-03-31)"
    )
    assert "Customers    2        0          0" in out
    assert "Invoices     4        0          0" in out
    records = store().get_invoice_records(["INV-001", "INV-003", "0000611365"])
    assert records["INV-001"].balance_as_of(TODAY) == Decimal("600.00")
    assert records["INV-003"].settled_on == date(2026, 1, 15)
    assert records["0000611365"].open_balance == Decimal("99.99")  # its zeros kept
    assert err == ""  # no progress bar, no log line: stderr is not a terminal


def test_a_bad_file_is_refused_with_every_problem_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path,
        [
            HEADER,
            "INV-9,ACME,Acme,2013-02-30,2026-01-01,-5,,,",
            "INV-9,ACME,Other,2026-01-01,2025-01-01,1.234,,,",
            "INV-10,ACME,Acme,2026-01-01,2026-01-31,10.00,,,",
        ],
    )
    code, out, _ = run(capsys, "import", "invoices", str(path))
    assert code == 1
    assert out.startswith("Refused invoices from books.csv (3 rows")
    assert "6 problems, nothing written" in out
    listed = [line.split() for line in out.splitlines() if line[:3].strip().isdigit()]
    assert [(cells[0], cells[1]) for cells in listed] == [
        ("2", "issue_date"),
        ("2", "amount"),
        ("3", "amount"),
        ("3", "due_date"),
        ("3", "invoice_id"),
        ("3", "customer_name"),
    ]
    assert "must be a real date (that day does not exist)" in out
    assert "must be unique: row 2 has it too" in out
    assert store().get_invoice_records(["INV-10"]) == {}
    assert store().get_customers(["ACME"]) == {}
    assert imports_logged() == []


def test_a_problem_found_against_the_ledger_rolls_back_what_the_pass_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # On SQLite the check and the write are one pass in one transaction: the first payment
    # is written before the unknown invoice of the last row is met, and must not stay.
    assert run(capsys, "import", "invoices", str(write_csv(tmp_path, GOOD)))[0] == 0
    payments = write_csv(
        tmp_path,
        [
            "payment_id,invoice_id,date,amount",
            "P-1,INV-002,2026-03-20,100.00",
            "P-2,INV-404,2026-03-21,50.00",
        ],
        name="payments.csv",
    )
    code, out, _ = run(capsys, "import", "payments", str(payments))
    assert code == 1
    assert "INV-404" in out
    assert "must be an invoice in the ledger (import the invoices first)" in out
    assert store().get_invoice_records(["INV-002"])["INV-002"].settlements == ()
    assert len(imports_logged()) == 1  # the invoices only


def test_importing_the_same_file_again_writes_nothing_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, GOOD)
    assert run(capsys, "import", "invoices", str(path))[0] == 0
    code, out, _ = run(capsys, "import", "invoices", str(path))
    assert code == 0
    assert out.startswith("Nothing to change: the ledger already holds every record")
    assert "Invoices     0        0          4" in out
    assert len(imports_logged()) == 1


def test_a_changed_row_updates_and_the_report_names_the_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", "invoices", str(write_csv(tmp_path, GOOD)))[0] == 0
    changed = [*GOOD[:2], GOOD[2].replace("2026-03-12,800.00", "2026-03-15,850.00"), *GOOD[3:]]
    code, report = run_json(capsys, "import", "invoices", str(write_csv(tmp_path, changed)))
    assert code == 0
    assert report["counts"]["invoices"] == {"new": 0, "updated": 1, "unchanged": 3}
    assert report["changes"] == [
        {"record": "invoice", "id": "INV-002", "fields": ["due_date", "amount"]}
    ]
    assert store().get_invoice_records(["INV-002"])["INV-002"].invoice.amount == Decimal("850.00")


def test_a_dry_run_counts_writes_nothing_and_is_not_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", "invoices", str(write_csv(tmp_path, GOOD)), "--dry-run")
    assert code == 0
    assert out.startswith("Dry run: would import invoices from books.csv")
    assert "Invoices     4        0          0" in out
    assert store().get_invoice_records(["INV-001"]) == {}
    assert imports_logged() == []


def test_json_is_the_import_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, "import", "invoices", str(write_csv(tmp_path, GOOD)))
    assert code == 0
    assert list(report) == [
        "kind",
        "file_name",
        "as_of",
        "dry_run",
        "status",
        "rows",
        "counts",
        "changes",
        "problems",
        "problem_count",
    ]
    assert report["status"] == "imported"
    assert report["counts"] == {
        "customers": {"new": 2, "updated": 0, "unchanged": 0},
        "invoices": {"new": 4, "updated": 0, "unchanged": 0},
    }
    bad = write_csv(tmp_path, [HEADER, "INV-1,ACME,Acme,2026-01-01,2026-01-31,0,,,"], "bad.csv")
    code, refused = run_json(capsys, "import", "invoices", str(bad))
    assert code == 1
    assert refused["status"] == "refused"
    assert refused["problems"] == [
        {"row": 2, "column": "amount", "rule": "must be more than 0", "value": "0"}
    ]
    assert refused["problem_count"] == 1


def test_a_file_with_many_problems_lists_the_first_100_and_counts_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [f"INV-{n},ACME,Acme,2026-01-01,2026-01-31,-1,,," for n in range(150)]
    code, out, _ = run(capsys, "import", "invoices", str(write_csv(tmp_path, [HEADER, *rows])))
    assert code == 1
    assert "150 problems" in out
    assert out.rstrip().endswith("(the first 100 of 150 problems, by row)")
    assert sum(1 for line in out.splitlines() if "must be more than 0" in line) == 100


def test_map_reads_another_exports_headers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path,
        ["Num,Customer,Name,Date,Due Date,Total", "1001,C1,Cafe One,2026-02-01,2026-03-03,75.00"],
    )
    mapping = [
        "invoice_id=Num",
        "customer_id=Customer",
        "customer_name=Name",
        "issue_date=Date",
        "due_date=Due Date",
        "amount=Total",
    ]
    argv = ["import", "invoices", str(path)]
    for pair in mapping:
        argv += ["--map", pair]
    code, out, err = run(capsys, *argv)
    assert code == 0, out + err
    assert store().get_invoice_records(["1001"])["1001"].invoice.amount == Decimal("75.00")


def test_date_format_reads_day_first_dates_and_without_it_they_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(
        tmp_path,
        [
            "invoice_id,customer_id,customer_name,issue_date,due_date,amount",
            "INV-1,ACME,Acme,03/02/2026,05/03/2026,10.00",
        ],
    )
    code, out, _ = run(capsys, "import", "invoices", str(path))
    assert code == 1
    assert "must be a date as YYYY-MM-DD (or give --date-format)" in out
    code, out, _ = run(capsys, "import", "invoices", str(path), "--date-format", "%d/%m/%Y")
    assert code == 0, out
    invoice = store().get_invoice_records(["INV-1"])["INV-1"].invoice
    assert (invoice.issue_date, invoice.due_date) == (date(2026, 2, 3), date(2026, 3, 5))


def test_a_byte_order_mark_and_crlf_line_ends_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(GOOD).encode() + b"\r\n")
    code, report = run_json(capsys, "import", "invoices", str(path))
    assert code == 0, report["problems"]
    assert report["rows"] == 4
    assert store().get_customers(["ACME"])["ACME"].email == "ap@acme.example"


def test_the_import_is_recorded_as_an_action_with_who_and_what(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_csv(tmp_path, GOOD, name="march.csv")
    assert run(capsys, "import", "invoices", str(path), "--as", "ana@example.com")[0] == 0
    (action,) = imports_logged()
    assert action.performed_by == "ana@example.com"
    assert action.status == "completed"
    assert action.payload["kind"] == "invoices"
    assert action.payload["file_name"] == "march.csv"
    assert action.payload["counts"]["invoices"] == {"new": 4, "updated": 0, "unchanged": 0}


def test_sales_and_payments_import_through_the_same_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "import", "invoices", str(write_csv(tmp_path, GOOD)))[0] == 0
    payments = write_csv(
        tmp_path,
        ["payment_id,invoice_id,date,amount,kind", "P-1,INV-002,2026-03-20,800.00,payment"],
        name="payments.csv",
    )
    code, report = run_json(capsys, "import", "payments", str(payments))
    assert (code, report["counts"]["payments"]["new"]) == (0, 1)
    assert store().get_invoice_records(["INV-002"])["INV-002"].open_balance == 0
    lines = ["date,revenue", "2026-03-30,10.00", "2026-03-30,5.50", "2026-03-31,-2.00"]
    sales = write_csv(tmp_path, lines, name="sales.csv")
    code, report = run_json(capsys, "import", "sales", str(sales), "--aggregate")
    assert code == 1  # the last day sums to a negative
    lines[-1] = "2026-03-31,2.00"
    code, report = run_json(
        capsys, "import", "sales", str(write_csv(tmp_path, lines, "s.csv")), "--aggregate"
    )
    assert (code, report["counts"]["sales_days"]["new"]) == (0, 2)
    assert store().get_sales_series(2, end=TODAY)[0].revenue == Decimal("15.50")


@pytest.mark.parametrize(
    ("argv", "flag", "rule"),
    [
        (["--map", "invoice_id"], "--map", "must be COLUMN=HEADER"),
        (["--map", "total=Amount"], "--map", "total is not a column of invoices"),
        (["--date-format", "%d/%m/%y"], "--date-format", "no %y"),
        (["--aggregate"], "--aggregate", "applies to sales files only"),
        (["--as-of", "2026-04-01"], "--as-of", "must not be after today (2026-03-31)"),
        (["--as-of", "31/03/2026"], "--as-of", "must be a date as YYYY-MM-DD"),
        (["--as", " "], "--as", "must name who acts"),
    ],
)
def test_a_bad_flag_is_one_line_naming_it_and_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    flag: str,
    rule: str,
) -> None:
    path = write_csv(tmp_path, GOOD)
    code, out, err = run(capsys, "import", "invoices", str(path), *argv)
    assert code == 2
    assert out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith(f"finance-agent import: error: {flag}: ")
    assert rule in line
    assert store().get_invoice_records(["INV-001"]) == {}


@pytest.mark.parametrize(
    ("argv", "rule"),
    [
        (["import", "receipts", "books.csv"], "kind: must be one of invoices, payments, sales"),
        (["import", "invoices", "missing.csv"], "FILE: no such file 'missing.csv'"),
        (["import", "invoices", "."], "FILE: must be a file, not a folder"),
    ],
)
def test_a_bad_kind_or_file_is_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    rule: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    write_csv(tmp_path, GOOD)
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert rule in err
