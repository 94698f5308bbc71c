"""The import's small rules on their own: cells, the problem log, the tally."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

import pytest

from finance_agent.domain.errors import ConflictError
from finance_agent.domain.ledger.import_tally import Tally, changed_fields
from finance_agent.domain.ledger.problems import ProblemLog, cut
from finance_agent.domain.ledger.records import InvoiceRecord, Settlement
from finance_agent.domain.usecases.import_ledger import ImportLedgerUC
from finance_agent.imports import CsvOptions, cells, open_books
from finance_agent.imports.dates import DateReader
from ledger_factory import customer, record
from ledger_memory_store import MemoryLedger

TODAY = date(2026, 3, 31)


@pytest.mark.parametrize("value", ["0000611365", "INV 3", "a/b:c", "x" * 64])
def test_ledger_ids_are_kept_exactly(value: str) -> None:
    assert cells.ledger_id(value) == value


@pytest.mark.parametrize("value", ["A#1", " A1", "A1 ", "x" * 65, "a\tb"])
def test_ledger_ids_refuse_key_separators_spaces_at_the_ends_and_length(value: str) -> None:
    with pytest.raises(cells.CellError, match="without '#'"):
        cells.ledger_id(value)


@pytest.mark.parametrize("value", ["C 1", "-C1", "C#1"])
def test_customer_ids_are_letters_digits_dot_dash_underscore(value: str) -> None:
    with pytest.raises(cells.CellError, match="letters, digits"):
        cells.customer_id(value)


@pytest.mark.parametrize("value", ["nobody", "a@b@c", "a b@c.d", "@", "x" * 250 + "@b.cd"])
def test_emails_must_look_like_addresses(value: str) -> None:
    with pytest.raises(cells.CellError, match="email address"):
        cells.email(value)


def test_an_empty_email_is_none() -> None:
    assert cells.email("  ") is None
    assert cells.email(" ap@acme.example ") == "ap@acme.example"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", "1.00"),
        ("1.5", "1.50"),
        (" 0.01 ", "0.01"),
        ("999999999999999.99", "999999999999999.99"),
    ],
)
def test_amounts_read_as_cents(value: str, expected: str) -> None:
    assert cells.amount(value) == Decimal(expected)
    assert str(cells.amount(value)) == expected


def test_amounts_are_bounded_like_every_recorded_amount() -> None:
    with pytest.raises(cells.CellError, match="10\\^15"):
        cells.amount("1000000000000000")
    assert cells.amount("-3", low="any") == Decimal("-3.00")


def test_currency_is_compared_without_case() -> None:
    cells.currency("eur", "EUR")
    cells.currency("", "EUR")
    with pytest.raises(cells.CellError):
        cells.currency("USD", "EUR")


def test_dates_are_parsed_once_per_distinct_text() -> None:
    reader = DateReader()
    assert reader("2026-01-31") == reader(" 2026-01-31 ") == date(2026, 1, 31)
    assert reader.read.cache_info().misses == 1


def test_the_problem_log_keeps_the_lowest_rows_in_order_found() -> None:
    log = ProblemLog(keep=3)
    for row in (9, 5, 7, None, 5, 8, 1):
        log.add(row, "c", f"rule {row}")
    assert log.count == 7
    assert [(p.row, p.rule) for p in log.listed()] == [
        (None, "rule None"),
        (1, "rule 1"),
        (5, "rule 5"),
    ]
    assert not ProblemLog()


def test_values_are_cut_short() -> None:
    assert cut("x" * 40) == "x" * 40
    assert cut("x" * 41) == "x" * 39 + "…"
    assert cut(None) is None


def test_the_tally_compares_settlements_as_a_set_and_lists_at_most_100_changes() -> None:
    a = record(
        "I1",
        "C1",
        "2026-01-01",
        "2026-01-31",
        "10.00",
        paid=[("2026-02-01", "1"), ("2026-02-01", "2")],
    )
    b = a.model_copy(update={"settlements": tuple(reversed(a.settlements))})
    assert changed_fields(a, b) == []
    tally = Tally(["customers"])
    for n in range(150):
        before = customer(f"C{n}", "Old")
        assert tally.record("customers", before.customer_id, before, customer(f"C{n}", "New"))
    assert tally.counts()["customers"].updated == 150
    assert len(tally.changes()) == 100


class ChangingLedger(MemoryLedger):
    """A ledger another import writes to between this import's check and its write."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get_invoice_records(self, invoice_ids: Iterable[str]) -> dict[str, InvoiceRecord]:
        self.reads += 1
        if self.reads == 2:
            stored = self.records["A1"]
            paid = Settlement(
                settlement_id="P9", invoice_id="A1", settled_on=date(2026, 2, 1), amount="90"
            )
            self.records["A1"] = stored.model_copy(update={"settlements": (paid,)})
        return super().get_invoice_records(invoice_ids)


def test_a_ledger_changed_between_check_and_write_stops_the_write(sqlite_repo) -> None:  # type: ignore[no-untyped-def]
    ledger = ChangingLedger()
    ledger.put_invoice_records([record("A1", "C1", "2026-01-01", "2026-01-31", "100.00")])
    text = (
        b"invoice_id,customer_id,customer_name,issue_date,due_date,amount,open_balance\n"
        b"A1,C1,Acme,2026-01-01,2026-01-31,100,50\n"
    )
    uc = ImportLedgerUC(ledger, sqlite_repo, today=lambda: TODAY)
    with (
        open_books("invoices", io.BytesIO(text), CsvOptions(currency="USD", today=TODAY)) as books,
        pytest.raises(ConflictError, match="import it again"),
    ):
        uc.execute(books, performed_by="ana")
    assert sqlite_repo.list_agent_actions().items == []
