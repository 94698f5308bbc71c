"""The import's fast paths give what the careful ones give: a row read on the fast path
(``StrictRow``) keeps the same values as one read reporting problems (``Row``), or gives way to
it; records built from checked values equal validated ones; whole cents are the same."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError as PydanticValidationError

from finance_agent.domain.ledger.import_records import (
    checked_invoice,
    checked_record,
    checked_settlement,
)
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.ledger.records import Invoice, InvoiceRecord, Settlement, SettlementKind
from finance_agent.domain.models.import_report import ImportKind
from finance_agent.domain.money import MONEY_BOUND, cents, to_money
from finance_agent.imports import CsvOptions, open_books
from finance_agent.imports.cells import CellError
from finance_agent.imports.columns import COLUMNS
from finance_agent.imports.csv_books import Row, StrictRow

TODAY = date(2026, 3, 31)
# For each column, values that pass its rules and values that break them.
CANDIDATES: dict[str, list[str]] = {
    "invoice_id": ["INV-1", "0000611365", " INV", "A#1", "", "x" * 65],
    "customer_id": ["ACME", "c.1_2-3", "-ACME", "ACME CO", ""],
    "customer_name": ["Acme Ltd", "  Padded  ", "", "x" * 201],
    "issue_date": ["2026-01-05", "2026-02-28", "2013-02-30", "05/01/2026", ""],
    "due_date": ["2026-02-04", "2026-01-01", "2026-13-01", ""],
    "amount": ["1200.00", "0.5", "12", "-5", "0", "1.234", "1,200", "1e3", "1000000000000000"],
    "email": ["", "ap@acme.example", "not an email"],
    "paid_date": ["", "2026-03-01", "2026-04-01", "2025-12-31", "nope"],
    "open_balance": ["", "0", "600.00", "-1", "5000.00", "1.001"],
    "disputed": ["", "yes", "NO", "1", "True", "maybe"],
    "currency": ["", "USD", "usd", "EUR"],
}
PAYMENT_CANDIDATES: dict[str, list[str]] = {
    "payment_id": ["P-1", "import:2026", "", " P"],
    "invoice_id": ["INV-1", "", "A#1"],
    "date": ["2026-03-01", "2026-04-01", "2026-02-30", ""],
    "amount": ["10.00", "-1", "0.001"],
    "kind": ["", "payment", "Credit_Note", "write_off", "refund"],
    "currency": ["", "USD", "EUR"],
}
SALES_CANDIDATES: dict[str, list[str]] = {
    "date": ["2026-03-01", "2026-04-01", "", "2026-02-30"],
    "revenue": ["10.00", "0", "-1", "1.001", ""],
    "cogs": ["", "3.00", "-1"],
    "currency": ["", "USD", "EUR"],
}
BY_KIND = {
    ImportKind.INVOICES: CANDIDATES,
    ImportKind.PAYMENTS: PAYMENT_CANDIDATES,
    ImportKind.SALES: SALES_CANDIDATES,
}


def both_ways(kind: ImportKind, values: dict[str, str]) -> tuple[object, object, ProblemLog]:
    """``_parse`` of one row, on the fast path (an exception, or its values) and reporting."""
    options = CsvOptions(currency="USD", today=TODAY)
    with open_books(kind, io.BytesIO(b""), options) as books:
        columns = COLUMNS[kind].all
        cells = [values[c] for c in columns]
        index = {c: i for i, c in enumerate(columns)}
        try:
            fast: object = books._parse(StrictRow(2, [*cells, ""], index, ProblemLog()))
        except CellError as error:
            fast = error
        problems = ProblemLog()
        careful = books._parse(Row(2, cells, index, problems))
    return fast, careful, problems


@pytest.mark.parametrize("kind", list(ImportKind))
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_row_read_on_the_fast_path_keeps_what_the_careful_reading_keeps(
    kind: ImportKind, data: st.DataObject
) -> None:
    values = {c: data.draw(st.sampled_from(options)) for c, options in BY_KIND[kind].items()}
    fast, careful, problems = both_ways(kind, values)
    if problems:
        assert isinstance(fast, CellError)  # gives way to the careful reading
    else:
        assert fast == careful


def test_the_fast_path_is_taken_for_a_clean_row() -> None:
    values = {c: options[0] for c, options in CANDIDATES.items()}
    fast, careful, problems = both_ways(ImportKind.INVOICES, values)
    assert not problems
    assert fast == careful


def test_records_built_from_checked_values_equal_validated_ones() -> None:
    values = {
        "invoice_id": "INV-1",
        "customer_id": "ACME",
        "issue_date": date(2026, 1, 5),
        "due_date": date(2026, 2, 4),
        "amount": Decimal("1200.00"),
        "disputed": True,
    }
    invoice = checked_invoice(**values)
    assert invoice == Invoice(**values)
    assert invoice.model_fields_set == set(values)
    settlement = checked_settlement(
        "import:2026-03-31", "INV-1", SettlementKind.PAYMENT, date(2026, 3, 31), Decimal("600.00")
    )
    validated = Settlement(
        settlement_id="import:2026-03-31",
        invoice_id="INV-1",
        settled_on=date(2026, 3, 31),
        amount=Decimal("600.00"),
    )
    assert settlement == validated
    record = checked_record(invoice, (settlement,))
    assert record == InvoiceRecord(invoice=Invoice(**values), settlements=(validated,))
    assert record.open_balance == Decimal("600.00")
    assert InvoiceRecord.model_validate(record.model_dump()) == record
    with pytest.raises(PydanticValidationError):  # frozen, as a validated record is
        record.settlements = ()  # type: ignore[misc]


@given(
    st.decimals(min_value=-MONEY_BOUND + 1, max_value=MONEY_BOUND - 1, allow_nan=False, places=None)
)
def test_whole_cents_are_those_of_the_amount_rounded_to_cents(value: Decimal) -> None:
    assert cents(value) == int(to_money(value) * 100)


@pytest.mark.parametrize("value", ["1E+20", "-1E+16", "123456789012345678901234567890.125"])
def test_whole_cents_of_amounts_beyond_the_bound_round_the_same_way(value: str) -> None:
    assert cents(Decimal(value)) == int(to_money(Decimal(value)) * 100)


def test_whole_cents_round_half_up() -> None:
    assert [cents(Decimal(v)) for v in ("0.005", "-0.005", "2.675", "10")] == [1, -1, 268, 1000]
