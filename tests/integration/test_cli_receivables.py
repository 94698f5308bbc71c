"""``finance-agent ar-aging`` and ``invoices`` on an imported ledger (SQLite), and their
``--json`` against what the API answers to the same question."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from finance_agent.cli import main
from finance_agent.routes import find_route

TODAY = date(2026, 3, 31)
SAMPLE_EVENT = Path(__file__).resolve().parent.parent / "fixtures" / "apigw_v2_event.json"
BOOKS = [
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,email,paid_date,open_balance,disputed",
    # ACME: 600 of 1,200 still owed today; INV-002 unpaid and 19 days past due.
    "INV-001,ACME,Acme Ltd,2026-01-05,2026-02-04,1200.00,ap@acme.example,,600.00,",
    "INV-002,ACME,Acme Ltd,2026-02-10,2026-03-12,800.00,ap@acme.example,,,",
    # GLOBEX: paid on 2026-01-15, so open before that day; one disputed invoice due today.
    "INV-003,GLOBEX,Globex,2025-12-01,2025-12-31,450.50,,2026-01-15,,",
    "0000611365,GLOBEX,Globex,2026-03-01,2026-03-31,99.99,,,,yes",
    "INV-005,INITECH,Initech,2025-11-01,2025-12-01,300.00,,,,",
]


@pytest.fixture(autouse=True)
def ledger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    path = tmp_path / "books.csv"
    path.write_text("\n".join(BOOKS) + "\n", encoding="utf-8")
    assert main(["import", "invoices", str(path)]) == 0
    capsys.readouterr()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def api(path: str, query: dict[str, str]) -> Any:
    """The route's handler called in-process with an API Gateway HTTP API v2 event, as
    Lambda calls it (the sample event's verified caller)."""
    route = find_route("GET", path)
    assert route is not None
    event = json.loads(SAMPLE_EVENT.read_text(encoding="utf-8"))
    event["routeKey"] = event["requestContext"]["routeKey"] = f"GET {path}"
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["rawQueryString"] = urlencode(query)
    event["queryStringParameters"] = query or None
    response = route.load_handler()(event, None)
    assert response["statusCode"] == 200, response["body"]
    return json.loads(response["body"])


def by_customer(answer: Any) -> dict[str, Any]:
    return {c["customer_id"]: c for c in answer["customers"]}


def test_ar_aging_json_is_the_customers_as_of_the_day_with_its_basis(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = run_json(capsys, "ar-aging")
    assert {"customers", "as_of", "basis"} <= set(answer)
    assert (answer["as_of"], answer["basis"]) == ("2026-03-31", "due_date")
    rows = by_customer(answer)
    assert list(rows) == ["INITECH", "ACME", "GLOBEX"]  # most overdue (over 60) first
    assert rows["ACME"]["days_31_60"] == 600.0  # INV-001, 55 days past due
    assert rows["ACME"]["days_1_30"] == 800.0  # INV-002, 19 days
    assert rows["GLOBEX"]["current"] == 99.99  # due today
    assert rows["GLOBEX"]["disputed"] == 99.99
    assert rows["GLOBEX"]["email"] is None
    assert rows["INITECH"]["days_over_90"] == 300.0  # due 2025-12-01: 120 days
    for row in answer["customers"]:
        buckets = sum(
            Decimal(str(row[b]))
            for b in ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")
        )
        assert buckets == Decimal(str(row["total"]))


def test_an_invoice_paid_after_the_day_is_owed_that_day(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = run_json(capsys, "ar-aging", "--as-of", "2026-01-10")
    rows = by_customer(answer)
    assert rows["GLOBEX"]["days_1_30"] == 450.5  # paid on the 15th, 10 days past due on the 10th
    assert rows["ACME"]["current"] == 1200.0  # before open_balance's day: the whole amount
    later = by_customer(run_json(capsys, "ar-aging", "--as-of", "2026-01-15"))
    assert "GLOBEX" not in later


def test_basis_invoice_date_counts_days_since_issue(capsys: pytest.CaptureFixture[str]) -> None:
    rows = by_customer(run_json(capsys, "ar-aging", "--basis", "invoice_date"))
    assert rows["ACME"]["days_61_90"] == 600.0  # issued 85 days before
    assert rows["ACME"]["days_31_60"] == 800.0  # 49 days
    assert rows["ACME"]["days_1_30"] == 0.0  # always, under this basis
    assert rows["GLOBEX"]["current"] == 99.99  # 30 days


def test_min_days_overdue_keeps_the_customers_owing_that_long(
    capsys: pytest.CaptureFixture[str],
) -> None:
    answer = run_json(capsys, "ar-aging", "--min-days-overdue", "61")
    assert [c["customer_id"] for c in answer["customers"]] == ["INITECH"]


def test_ar_aging_table_has_a_row_per_customer_and_the_totals(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "ar-aging", "--as-of", "2026-03-01")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Receivables as of 2026-03-01 by days past due (due_date), USD"
    total = next(line for line in lines if line.startswith("Total"))
    # 1,200 + 800 + 300, and 99.99 issued that day; INV-003 was paid in January.
    assert total.split()[-1] == "2,399.99"


def test_ar_aging_json_equals_the_apis_answer(capsys: pytest.CaptureFixture[str]) -> None:
    route = find_route("GET", "/agent/tools/ar-aging")
    assert route is not None
    assert route.query_model is not None
    if "as_of" not in route.query_model.model_fields:
        pytest.skip("the ar-aging route does not answer as of a day in this build")
    for query in ({}, {"as_of": "2026-01-10", "basis": "invoice_date", "min_days_overdue": "1"}):
        argv = ["ar-aging"]
        for name, value in query.items():
            argv += [f"--{name.replace('_', '-')}", value]
        assert run_json(capsys, *argv) == api("/agent/tools/ar-aging", query)


def test_invoices_json_equals_the_apis_answer(capsys: pytest.CaptureFixture[str]) -> None:
    if find_route("GET", "/agent/tools/invoices") is None:
        pytest.skip("no invoices route in this build")
    query = {"status": "all", "as_of": "2026-02-01", "limit": "2"}
    cli = run_json(capsys, "invoices", "--status", "all", "--as-of", "2026-02-01", "--limit", "2")
    assert cli == api("/agent/tools/invoices", query)


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["--basis", "due"],
            "finance-agent ar-aging: error: --basis: must be one of due_date, invoice_date",
        ),
        (
            ["--as-of", "2025-10-31"],
            "finance-agent ar-aging: error: --as-of: must not be before the first invoice's "
            "issue date (2025-11-01)",
        ),
        (
            ["--as-of", "2026-04-01"],
            "finance-agent ar-aging: error: --as-of: must not be after today (2026-03-31)",
        ),
        (
            ["--min-days-overdue", "3651"],
            "finance-agent ar-aging: error: --min-days-overdue: must be an integer from 0 to 3650",
        ),
    ],
)
def test_a_bad_ar_aging_flag_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], line: str
) -> None:
    code, out, err = run(capsys, "ar-aging", *argv)
    assert (code, out) == (2, "")
    assert err.strip().startswith(line), err


def test_invoices_page_through_every_invoice_in_due_date_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: list[str] = []
    token: list[str] = []
    while True:
        page = run_json(capsys, "invoices", "--status", "all", "--limit", "2", *token)
        seen += [i["invoice_id"] for i in page["invoices"]]
        if page["next_token"] is None:
            break
        token = ["--next-token", page["next_token"]]
    assert seen == ["INV-005", "INV-003", "INV-001", "INV-002", "0000611365"]
    code, out, _ = run(capsys, "invoices", "--status", "all", "--limit", "2")
    assert code == 0
    assert out.splitlines()[-1].startswith("More: --next-token ")


def test_invoices_as_of_a_day_show_that_days_figures(capsys: pytest.CaptureFixture[str]) -> None:
    page = run_json(capsys, "invoices", "--as-of", "2026-01-10")  # open, the default
    rows = {i["invoice_id"]: i for i in page["invoices"]}
    assert list(rows) == ["INV-005", "INV-003", "INV-001"]
    assert rows["INV-003"]["open_balance"] == 450.5
    assert rows["INV-003"]["days_past_due"] == 10
    assert rows["INV-003"]["bucket"] == "days_1_30"
    overdue = run_json(capsys, "invoices", "--status", "overdue", "--customer-id", "ACME")
    assert [i["invoice_id"] for i in overdue["invoices"]] == ["INV-001", "INV-002"]
    code, out, _ = run(capsys, "invoices", "--status", "overdue", "--customer-id", "GLOBEX")
    assert (code, out.strip()) == (0, "No invoices.")
    code, out, _ = run(capsys, "invoices", "--customer-id", "GLOBEX")
    assert code == 0
    (row,) = [line for line in out.splitlines() if line.startswith("0000611365")]
    assert row.split()[-2:] == ["current", "yes"]


@pytest.mark.parametrize(
    ("argv", "flag", "rule"),
    [
        (["--status", "late"], "--status", "must be one of open, overdue, paid, all"),
        (["--limit", "0"], "--limit", "must be an integer from 1 to 100"),
        (["--next-token", "nope"], "--next-token", "must be the next_token of the previous page"),
        (["--customer-id", "no spaces"], "--customer-id", "must be 1 to 64 letters"),
        (["--as-of", "2026-13-01"], "--as-of", "must be a date as YYYY-MM-DD"),
    ],
)
def test_a_bad_invoices_flag_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], flag: str, rule: str
) -> None:
    code, out, err = run(capsys, "invoices", *argv)
    assert (code, out) == (2, "")
    (line,) = err.strip().splitlines()
    assert line.startswith(f"finance-agent invoices: error: {flag}: ")
    assert rule in line
