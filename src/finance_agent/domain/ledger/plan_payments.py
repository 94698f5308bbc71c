"""A payments file against the stored ledger.

Each line is a settlement of one stored invoice, keyed by (invoice, payment id): a line with
a stored key updates that settlement, any other adds one. Refused: a payment for an invoice
the ledger does not hold, one dated before its invoice was issued, and settlements that
together (stored ones included) would come to more than the invoice.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby

from finance_agent.domain.ledger.import_files import PaymentFile, PaymentLine
from finance_agent.domain.ledger.import_records import checked_record
from finance_agent.domain.ledger.import_tally import Tally
from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.ledger.records import InvoiceRecord, Settlement

UNKNOWN_INVOICE = "must be an invoice in the ledger (import the invoices first)"


def settlement_key(settlement: Settlement) -> str:
    return f"{settlement.invoice_id}/{settlement.settlement_id}"


def _settle(
    record: InvoiceRecord, lines: list[PaymentLine], problems: ProblemLog, tally: Tally
) -> InvoiceRecord | None:
    """``record`` with the ``lines`` applied, None when it does not change (or cannot)."""
    invoice = record.invoice
    merged = {s.settlement_id: s for s in record.settlements}
    fits, changed = True, False
    for line in lines:
        new = line.settlement
        if new.settled_on < invoice.issue_date:
            problems.add(
                line.row,
                "date",
                f"must not be before the invoice's issue date, {invoice.issue_date}",
                new.settled_on.isoformat(),
            )
            fits = False
            continue
        before = merged.get(new.settlement_id)
        changed |= tally.record(
            "payments", f"{invoice.invoice_id}/{new.settlement_id}", before, new
        )
        merged[new.settlement_id] = new
    total = sum((s.amount for s in merged.values()), Decimal(0))
    if total > invoice.amount:
        last = max(lines, key=lambda line: line.row)
        problems.add(
            last.row,
            "amount",
            f"takes the settlements of invoice {invoice.invoice_id} to {total}, "
            f"more than its amount {invoice.amount}",
            str(last.settlement.amount),
        )
        fits = False
    if not (fits and changed):
        return None
    settlements = sorted(merged.values(), key=lambda s: (s.settled_on, s.settlement_id))
    # Its rules (settlements against it, not above it) were checked above.
    return checked_record(invoice, tuple(settlements))


def plan_payments(
    file: PaymentFile, ledger: LedgerRepository, problems: ProblemLog, tally: Tally, size: int
) -> Iterator[tuple[int, list[InvoiceRecord]]]:
    """Batches of (lines read, the invoice records whose settlements change)."""
    for lines in file.payments(size):
        stored = ledger.get_invoice_records({line.settlement.invoice_id for line in lines})
        changed = []
        for invoice_id, group in groupby(lines, key=lambda line: line.settlement.invoice_id):
            group_lines = list(group)
            record = stored.get(invoice_id)
            if record is None:
                for line in group_lines:
                    problems.add(line.row, "invoice_id", UNKNOWN_INVOICE, invoice_id)
                continue
            after = _settle(record, group_lines, problems, tally)
            if after is not None:
                changed.append(after)
        yield len(lines), changed
