"""Run the import as the CLI will: a CSV text through ``open_books`` and ImportLedgerUC,
into the in-memory ledger and a real FinanceRepository (SQLite)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from finance_agent.domain.ledger.import_files import Progress, no_progress
from finance_agent.domain.models.import_report import ImportReport
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases.import_ledger import ImportLedgerUC
from finance_agent.imports import CsvOptions, open_books, parse_column_map
from ledger_memory_store import MemoryLedger

TODAY = date(2026, 3, 31)
INVOICE_HEADER = "invoice_id,customer_id,customer_name,issue_date,due_date,amount"


def csv_text(header: str, *rows: str) -> str:
    return "\n".join((header, *rows)) + "\n"


class Books:
    def __init__(self, finance: FinanceRepository, batch_size: int = 500) -> None:
        self.ledger = MemoryLedger()
        self.finance = finance
        self.batch_size = batch_size

    def run(
        self,
        kind: str,
        text: str | bytes,
        *,
        dry_run: bool = False,
        as_of: date | str | None = None,
        mapping: Sequence[str] = (),
        date_format: str | None = None,
        aggregate: bool = False,
        name: str = "books.csv",
        progress: Progress = no_progress,
        currency: str = "USD",
    ) -> ImportReport:
        data = text.encode() if isinstance(text, str) else text
        options = CsvOptions(
            currency=currency,
            today=TODAY,
            column_map=parse_column_map(mapping),
            date_format=date_format,
            aggregate=aggregate,
        )
        uc = ImportLedgerUC(
            self.ledger, self.finance, today=lambda: TODAY, batch_size=self.batch_size
        )
        with open_books(kind, io.BytesIO(data), options, name=name) as books:
            return uc.execute(
                books,
                performed_by="ana@example.com",
                as_of=as_of,
                dry_run=dry_run,
                progress=progress,
            )

    def problems(self, report: ImportReport) -> list[tuple[Any, ...]]:
        return [(p.row, p.column, p.rule) for p in report.problems]

    def imports_logged(self) -> int:
        return sum(
            1 for a in self.finance.list_agent_actions(limit=100).items if a.action == "import"
        )
