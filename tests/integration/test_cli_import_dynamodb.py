"""``finance-agent import`` on DynamoDB (the moto server of the fixtures): checked whole, then
written in BatchWriteItem calls; a refused file writes nothing; a second run changes nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.shared.settings import get_settings

TODAY = date(2026, 3, 31)
BOOKS = [
    "invoice_id,customer_id,customer_name,issue_date,due_date,amount,paid_date,open_balance",
    "INV-001,ACME,Acme Ltd,2026-01-05,2026-02-04,1200.00,,600.00",
    "INV-002,ACME,Acme Ltd,2026-02-10,2026-03-12,800.00,2026-03-20,",
    "INV-003,GLOBEX,Globex,2025-12-01,2025-12-31,450.50,,",
]


@pytest.fixture
def dynamodb_env(monkeypatch: pytest.MonkeyPatch, dynamodb_endpoint: str, fake_aws: None) -> None:
    monkeypatch.setenv("STORE", "dynamodb")
    monkeypatch.setenv("TABLE_NAME", f"finance-import-{uuid.uuid4().hex[:8]}")
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", dynamodb_endpoint)
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    get_settings.cache_clear()
    get_repo.cache_clear()
    assert main(["init-table"]) == 0


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_an_invoices_file_imports_into_dynamodb_and_reads_back_as_aging(
    dynamodb_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "books.csv"
    path.write_text("\n".join(BOOKS) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([*BOOKS, "INV-003,GLOBEX,Globex,2026-01-01,2026-01-31,5,,"]) + "\n")
    code, report = run_json(capsys, "import", "invoices", str(bad))
    assert (code, report["problem_count"]) == (1, 1)
    assert get_repo().get_customers(["ACME", "GLOBEX"]) == {}  # type: ignore[attr-defined]

    code, report = run_json(capsys, "import", "invoices", str(path))
    assert code == 0
    assert report["counts"] == {
        "customers": {"new": 2, "updated": 0, "unchanged": 0},
        "invoices": {"new": 3, "updated": 0, "unchanged": 0},
    }
    code, aging = run_json(capsys, "ar-aging", "--as-of", "2026-03-15")
    assert code == 0
    rows = {c["customer_id"]: c for c in aging["customers"]}  # type: ignore[attr-defined]
    assert Decimal(str(rows["ACME"]["total"])) == Decimal("2000.00")  # INV-002 paid on the 20th
    assert Decimal(str(rows["GLOBEX"]["days_61_90"])) == Decimal("450.50")

    code, again = run_json(capsys, "import", "invoices", str(path))
    assert code == 0
    assert again["counts"]["invoices"] == {"new": 0, "updated": 0, "unchanged": 3}  # type: ignore[index]
    imports = [a for a in get_repo().list_agent_actions(limit=10).items if a.action == "import"]
    assert len(imports) == 1
