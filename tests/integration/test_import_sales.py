"""Importing a sales CSV into the stored days (FinanceRepository.put_sales_days)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from finance_agent.domain.models import SalesDay
from finance_agent.domain.ports import FinanceRepository
from import_runner import TODAY, Books, csv_text
from ledger_factory import day


@pytest.fixture
def books(sqlite_repo: FinanceRepository) -> Books:
    return Books(sqlite_repo, batch_size=2)


def stored(books: Books) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        d.date.isoformat(): (d.revenue, d.cogs)
        for d in books.finance.get_sales_series(400, end=TODAY)
    }


def test_one_row_per_day_writes_those_days(books: Books) -> None:
    text = csv_text(
        "date,revenue,cogs", "2026-03-01,1000.00,400", "2026-03-02,0,0", "2026-03-05,12.5,"
    )
    report = books.run("sales", text)
    assert report.counts["sales_days"].new == 3
    assert stored(books) == {
        "2026-03-01": (Decimal("1000.00"), Decimal("400.00")),
        "2026-03-02": (Decimal("0.00"), Decimal("0.00")),
        "2026-03-05": (Decimal("12.50"), Decimal("0.00")),
    }
    again = books.run("sales", text)
    assert again.counts["sales_days"].unchanged == 3
    assert books.imports_logged() == 1


def test_a_day_twice_is_refused_unless_aggregated(books: Books) -> None:
    text = csv_text("date,revenue", "2026-03-01,10.00", "2026-03-01,-2.50", "2026-03-02,1")
    report = books.run("sales", text)
    assert books.problems(report)[-1] == (
        3,
        "date",
        "must be unique: row 2 has the same day (or use --aggregate)",
    )
    summed = books.run("sales", text, aggregate=True)
    assert summed.status == "imported"
    assert stored(books)["2026-03-01"] == (Decimal("7.50"), Decimal("0.00"))


def test_aggregated_days_may_not_sum_to_a_negative(books: Books) -> None:
    text = csv_text("date,revenue,cogs", "2026-03-01,10.00,1", "2026-03-01,-12.00,0")
    report = books.run("sales", text, aggregate=True)
    assert books.problems(report) == [
        (
            3,
            "revenue",
            "must add up to 0 or more for the day 2026-03-01: the lines sum to a negative",
        )
    ]


def test_without_a_cogs_column_stored_costs_stay(books: Books) -> None:
    books.finance.put_sales_days([SalesDay(date=day("2026-03-01"), revenue="5", cogs="2")])
    report = books.run("sales", csv_text("date,revenue", "2026-03-01,9.00", "2026-03-02,4"))
    assert report.counts["sales_days"].model_dump() == {"new": 1, "updated": 1, "unchanged": 0}
    assert report.changes[0].fields == ["revenue"]
    assert stored(books) == {
        "2026-03-01": (Decimal("9.00"), Decimal("2.00")),
        "2026-03-02": (Decimal("4.00"), Decimal("0.00")),
    }


@pytest.mark.parametrize(
    ("row", "column", "rule"),
    [
        ("2026-04-01,1", "date", "must not be after today (2026-03-31)"),
        ("2026-03-01,-1", "revenue", "must be 0 or more"),
        ("2026-03-01,1.005", "revenue", "must have at most 2 decimals"),
    ],
)
def test_sales_rows_are_checked(books: Books, row: str, column: str, rule: str) -> None:
    assert books.problems(books.run("sales", csv_text("date,revenue", row))) == [(2, column, rule)]


def test_aggregate_is_only_for_sales(books: Books) -> None:
    from finance_agent.domain.errors import ValidationError

    with pytest.raises(ValidationError) as caught:
        books.run("payments", "payment_id,invoice_id,date,amount\n", aggregate=True)
    assert caught.value.field == "aggregate"
