"""New, updated and unchanged records of an import, and what changed in the updated ones.

Records are compared field by field as values (``Decimal("10.0") == Decimal("10.00")``),
settlements as a set, so a record read back from a store that orders or formats it its own
way still counts as unchanged: importing the same file twice writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel

from finance_agent.domain.ledger.records import InvoiceRecord
from finance_agent.domain.models.import_report import MAX_LISTED, ImportChange, RecordCounts

# A record kind's name in the report's counts, and the singular its changes are listed as.
RECORD_NAMES = {
    "customers": "customer",
    "invoices": "invoice",
    "payments": "payment",
    "sales_days": "sales_day",
}


def changed_fields(before: BaseModel, after: BaseModel) -> list[str]:
    """The names of the fields whose values differ (an invoice record's: its invoice's)."""
    if isinstance(before, InvoiceRecord) and isinstance(after, InvoiceRecord):
        fields = changed_fields(before.invoice, after.invoice)
        if set(before.settlements) != set(after.settlements):
            fields.append("settlements")
        return fields
    return [
        name for name in type(after).model_fields if getattr(before, name) != getattr(after, name)
    ]


class Tally:
    def __init__(self, kinds: Iterable[str]) -> None:
        self._counts = {kind: [0, 0, 0] for kind in kinds}  # new, updated, unchanged
        self._changes: list[ImportChange] = []

    def record(self, kind: str, record_id: str, before: BaseModel | None, after: BaseModel) -> bool:
        """Count ``after`` against what is stored; True when it must be written."""
        counts = self._counts[kind]
        if before is None:
            counts[0] += 1
            return True
        fields = changed_fields(before, after)
        if not fields:
            counts[2] += 1
            return False
        counts[1] += 1
        if len(self._changes) < MAX_LISTED:
            self._changes.append(
                ImportChange(record=RECORD_NAMES[kind], id=record_id, fields=fields)
            )
        return True

    def counts(self) -> dict[str, RecordCounts]:
        return {
            kind: RecordCounts(new=new, updated=updated, unchanged=unchanged)
            for kind, (new, updated, unchanged) in self._counts.items()
        }

    def changes(self) -> list[ImportChange]:
        return list(self._changes)
