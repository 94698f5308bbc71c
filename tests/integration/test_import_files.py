"""Reading books files: encodings, line ends, headers, mapping, date formats, the report."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases.import_ledger import ImportLedgerUC
from finance_agent.imports import CsvOptions, open_books, parse_column_map
from import_runner import INVOICE_HEADER, TODAY, Books, csv_text
from ledger_memory_store import MemoryLedger

ROW = "A1,C1,Acme,2026-01-01,2026-01-31,10.00"


@pytest.fixture
def books(sqlite_repo: FinanceRepository) -> Books:
    return Books(sqlite_repo)


@pytest.mark.parametrize(
    "data",
    [
        f"{INVOICE_HEADER}\n{ROW}\n".encode(),
        f"{INVOICE_HEADER}\r\n{ROW}\r\n".encode(),
        f"\ufeff{INVOICE_HEADER}\r\n{ROW}".encode(),
        f"\ufeff{INVOICE_HEADER}\n{ROW}\n\n".encode(),
    ],
    ids=["lf", "crlf", "bom-crlf-no-final-newline", "bom-blank-line"],
)
def test_utf8_with_or_without_bom_and_lf_or_crlf_all_read(books: Books, data: bytes) -> None:
    report = books.run("invoices", data)
    assert (report.status, report.rows) == ("imported", 1)
    assert set(books.ledger.records) == {"A1"}


def test_names_and_quoted_fields_keep_their_text(books: Books) -> None:
    text = csv_text(INVOICE_HEADER, '"A 1","C1","Société Générale, ""SG""",2026-01-01,2026-01-31,1')
    assert books.run("invoices", text).status == "imported"
    assert books.ledger.customers["C1"].name == 'Société Générale, "SG"'
    assert "A 1" in books.ledger.records


def test_headers_match_whatever_their_case_and_spaces(books: Books) -> None:
    header = " Invoice_ID ,CUSTOMER_ID,Customer_Name,issue_date,Due_Date,AMOUNT"
    assert books.run("invoices", csv_text(header, ROW)).status == "imported"


def test_map_reads_another_exports_headers(books: Books) -> None:
    header = "Num,Customer,Name,Date,Due,Total,Other"
    report = books.run(
        "invoices",
        csv_text(header, "0000611365,C1,Acme,2026-01-01,2026-01-31,10.00,x"),
        mapping=[
            "invoice_id=Num",
            "customer_id=Customer",
            "customer_name=Name",
            "issue_date=Date",
            "due_date=Due",
            "amount=Total",
        ],
    )
    assert report.status == "imported"
    assert set(books.ledger.records) == {"0000611365"}


def test_a_mapped_header_the_file_lacks_is_a_problem(books: Books) -> None:
    report = books.run("invoices", csv_text(INVOICE_HEADER, ROW), mapping=["email=Mail"])
    assert books.problems(report) == [(1, "email", "is mapped to a header the file does not have")]


@pytest.mark.parametrize("pairs", [["invoice_id"], ["=Num"], ["invoice_id="], ["a=b", "a=c"]])
def test_a_malformed_map_is_refused(pairs: list[str]) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_column_map(pairs)
    assert caught.value.field == "map"


def test_a_map_of_an_unknown_column_is_refused(books: Books) -> None:
    with pytest.raises(ValidationError, match="invoice_number is not a column of invoices"):
        books.run("invoices", csv_text(INVOICE_HEADER, ROW), mapping=["invoice_number=Num"])


def test_a_header_twice_is_a_problem(books: Books) -> None:
    report = books.run("invoices", csv_text(INVOICE_HEADER + ",Amount", ROW + ",3"))
    assert books.problems(report) == [(1, "amount", "must be one header, not 2")]


def test_without_a_date_format_a_date_that_reads_two_ways_is_refused(books: Books) -> None:
    report = books.run("invoices", csv_text(INVOICE_HEADER, "A1,C1,Acme,03/04/2026,2026-05-01,1"))
    assert books.problems(report) == [
        (2, "issue_date", "must be a date as YYYY-MM-DD (or give --date-format)")
    ]


def test_a_date_format_reads_that_format_only(books: Books) -> None:
    text = csv_text(INVOICE_HEADER, "A1,C1,Acme,03/04/2026,30/04/2026,1")
    assert books.run("invoices", text, date_format="%d/%m/%Y").status == "imported"
    assert books.ledger.records["A1"].invoice.issue_date == date(2026, 4, 3)
    bad = books.run("invoices", text.replace("30/04", "04/30"), date_format="%d/%m/%Y")
    assert books.problems(bad) == [(2, "due_date", "must be a real date written %d/%m/%Y")]


def test_a_date_format_with_a_time_reads_the_day(books: Books) -> None:
    text = csv_text(INVOICE_HEADER, "A1,C1,Acme,2026-01-01 00:00:00,2026-01-31 00:00:00,1")
    assert books.run("invoices", text, date_format="%Y-%m-%d %H:%M:%S").status == "imported"


@pytest.mark.parametrize(
    "fmt", ["%d/%m/%y", "%m/%Y", "%d %B", "%Y-%j", "%Y-%m-%d %a", "%Y%m%d%d", "%Y-%m-%d%", "x" * 65]
)
def test_date_formats_that_read_two_ways_or_miss_a_part_are_refused(books: Books, fmt: str) -> None:
    with pytest.raises(ValidationError) as caught:
        books.run("invoices", csv_text(INVOICE_HEADER, ROW), date_format=fmt)
    assert caught.value.field == "date_format"


def test_text_that_is_not_utf8_stops_at_its_row(books: Books) -> None:
    data = f"{INVOICE_HEADER}\n{ROW}\n".encode() + "A2,C1,Acmé,2026-01-01,2026-01-31,1\n".encode(
        "latin-1"
    )
    report = books.run("invoices", data)
    assert books.problems(report) == [(3, None, "must be UTF-8 text")]
    assert books.ledger.records == {}


def test_broken_quoting_is_reported(books: Books) -> None:
    report = books.run("invoices", csv_text(INVOICE_HEADER, ROW, 'A2,"C1,Acme,2026-01-01'))
    [(row, column, rule)] = books.problems(report)
    assert (row, column) == (3, None)
    assert rule.startswith("must be well-formed CSV")


def test_an_empty_file_is_refused(books: Books) -> None:
    report = books.run("invoices", b"")
    assert books.problems(report) == [
        (None, None, "must start with a header row (the file is empty)")
    ]


def test_a_header_alone_imports_nothing(books: Books) -> None:
    report = books.run("invoices", INVOICE_HEADER + "\n")
    assert (report.status, report.rows, report.changed) == ("imported", 0, 0)


def test_rows_with_too_many_or_too_few_values_are_refused(books: Books) -> None:
    report = books.run(
        "invoices", csv_text(INVOICE_HEADER, ROW + ",extra", "A2,C1,Acme,2026-01-01")
    )
    assert books.problems(report) == [
        (2, None, "must have at most 6 values, as the header"),
        (3, "due_date", "is required"),
        (3, "amount", "is required"),
    ]


def test_the_report_lists_the_first_100_problems_by_row_and_counts_all(books: Books) -> None:
    rows = [f"A{n},C1,Acme,2026-01-01,2026-01-31,0" for n in range(150)]
    rows[149] = f"A148,C1,{'N' * 300},2026-01-01,2026-01-31,1"  # duplicate id, long name
    report = books.run("invoices", csv_text(INVOICE_HEADER, *rows))
    assert report.problem_count == 149 + 1 + 1  # amounts of 0, the long name, the duplicate
    assert len(report.problems) == 100
    assert [p.row for p in report.problems] == sorted(p.row for p in report.problems)
    assert report.problems[0].row == 2
    assert report.problems[-1].row == 101
    long = books.run(
        "invoices", csv_text(INVOICE_HEADER, f"A1,C1,{'N' * 300},2026-01-01,2026-01-31,1")
    )
    [problem] = long.problems
    assert problem.value == "N" * 39 + "…"


def test_progress_is_reported_for_each_phase(books: Books) -> None:
    seen: list[tuple[str, int, int | None]] = []
    rows = [f"A{n},C1,Acme,2026-01-01,2026-01-31,1" for n in range(1200)]
    books.batch_size = 500
    books.run("invoices", csv_text(INVOICE_HEADER, *rows), progress=lambda *a: seen.append(a))
    phases = [p for p, _, _ in seen]
    assert phases.index("reading") < phases.index("checking") < phases.index("writing")
    assert ("checking", 1200, 1200) in seen
    assert ("writing", 1200, 1200) in seen
    reading = [(done, total) for phase, done, total in seen if phase == "reading"]
    assert reading[-1][0] == reading[-1][1] > 0


def test_a_path_and_a_stream_that_cannot_rewind_both_read(tmp_path: Path, books: Books) -> None:
    path = tmp_path / "my books.csv"
    path.write_text(csv_text(INVOICE_HEADER, ROW))
    options = CsvOptions(currency="USD", today=TODAY)
    uc = ImportLedgerUC(MemoryLedger(), books.finance, today=lambda: TODAY)
    with open_books("invoices", path, options) as books_file:
        assert uc.execute(books_file, performed_by="ana").file_name == "my books.csv"

    class OneWay(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    stream = io.BufferedReader(OneWay(path.read_bytes()))
    with open_books("invoices", stream, options, name="upload.csv") as books_file:
        report = uc.execute(books_file, performed_by="ana", dry_run=True)
    assert (report.file_name, report.counts["invoices"].unchanged) == ("upload.csv", 1)


def test_a_file_is_scanned_before_its_lines_are_served() -> None:
    options = CsvOptions(currency="USD", today=TODAY)
    with open_books("invoices", io.BytesIO(b""), options) as books_file:
        with pytest.raises(RuntimeError, match="scan"):
            next(books_file.invoices(10))
        assert books_file.scan(ProblemLog()) == 0


def test_as_of_after_today_and_no_performer_are_refused(books: Books) -> None:
    with pytest.raises(ValidationError) as caught:
        books.run("invoices", csv_text(INVOICE_HEADER, ROW), as_of="2026-04-01")
    assert caught.value.field == "as_of"
    options = CsvOptions(currency="USD", today=TODAY)
    uc = ImportLedgerUC(MemoryLedger(), books.finance, today=lambda: TODAY)
    with (
        open_books("invoices", io.BytesIO(b""), options) as books_file,
        pytest.raises(ValidationError) as caught,
    ):
        uc.execute(books_file, performed_by=" ")
    assert caught.value.field == "performed_by"
