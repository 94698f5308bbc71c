"""A payments CSV: one settlement of one invoice a row (payment, credit note or write-off)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar, Literal

import finance_agent.imports.cells as cells
from finance_agent.domain.ledger.import_files import PaymentLine
from finance_agent.domain.ledger.import_records import checked_settlement
from finance_agent.domain.ledger.plan_invoices import IMPLIED_PREFIX
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.ledger.records import SettlementKind
from finance_agent.domain.models.import_report import ImportKind
from finance_agent.imports.csv_books import CsvBooks, Row, not_after


class PaymentCsv(CsvBooks):
    kind: ClassVar[Literal[ImportKind.PAYMENTS]] = ImportKind.PAYMENTS
    FIELDS = ("invoice_id", "payment_id", "settlement_kind", "day", "amount")
    INDEXES = "CREATE INDEX by_key ON lines (invoice_id, payment_id);"

    def _parse(self, row: Row) -> Sequence[Any] | None:
        payment_id = row.get("payment_id", cells.ledger_id)
        invoice_id = row.get("invoice_id", cells.ledger_id)
        day = row.get("date", self.dates)
        amount = row.get("amount", cells.amount)
        kind = row.get("kind", cells.settlement_kind)
        row.get("currency", self.currency)
        not_after(row, "date", day, self.options.today)
        if payment_id is not None and payment_id.startswith(IMPLIED_PREFIX):
            # Kept for the settlements an invoices file implies (paid_date, open_balance).
            row.refuse("payment_id", f"must not start with '{IMPLIED_PREFIX}'", payment_id)
        if invoice_id is None:
            return None
        return (
            row.number,
            invoice_id,
            payment_id,
            kind and kind.value,
            day and day.isoformat(),
            amount and str(amount),
        )

    def _check_file(self, problems: ProblemLog) -> None:
        self._duplicates(
            problems,
            ["invoice_id", "payment_id"],
            "must be unique for its invoice: row {first} has it too",
        )

    def payments(self, size: int) -> Iterator[list[PaymentLine]]:
        query = (
            "SELECT row, invoice_id, payment_id, settlement_kind, day, amount FROM lines "
            "ORDER BY invoice_id, row"
        )
        batch: list[PaymentLine] = []
        for row, invoice_id, payment_id, kind, day, amount in self.lines(query):
            # A batch ends between two invoices, never inside one's payments.
            if len(batch) >= size and batch[-1].settlement.invoice_id != invoice_id:
                yield batch
                batch = []
            # Checked by cells.py in the scan, against the model's own patterns and bounds.
            settlement = checked_settlement(
                payment_id,
                invoice_id,
                SettlementKind(kind),
                date.fromisoformat(day),
                Decimal(amount),
            )
            batch.append(PaymentLine(row, settlement))
        if batch:
            yield batch
