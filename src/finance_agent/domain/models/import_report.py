"""What an import did, or would do, or why it was refused: for the CLI and the API to print."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from finance_agent.domain.models._base import DomainModel

IMPORT_ACTION = "import"
MAX_LISTED = 100  # problems and changes listed in a report; the counts cover them all


class ImportKind(StrEnum):
    INVOICES = "invoices"
    PAYMENTS = "payments"
    SALES = "sales"


class ImportProblem(DomainModel):
    """One broken rule, where it is: ``row`` counts the header as row 1, as a spreadsheet."""

    row: int | None = Field(description="file row (header = 1); None for the file as a whole")
    column: str | None = Field(description="the column at fault (its name, not the header)")
    rule: str = Field(description="what the value must be, for a person")
    value: str | None = Field(default=None, description="the value found, cut short")


class RecordCounts(DomainModel):
    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.new + self.updated


class ImportChange(DomainModel):
    """An existing record the file changes, and which of its fields."""

    record: str = Field(description="customer, invoice, payment or sales_day")
    id: str
    fields: list[str]


class ImportReport(DomainModel):
    kind: ImportKind
    file_name: str
    as_of: date = Field(description="the day open balances in the file are owed at")
    dry_run: bool
    status: Literal["imported", "would_import", "refused"]
    rows: int = Field(description="data rows read")
    counts: dict[str, RecordCounts] = Field(
        description="per record kind (customers, invoices, payments, sales_days)"
    )
    changes: list[ImportChange] = Field(description=f"the first {MAX_LISTED} updated records")
    problems: list[ImportProblem] = Field(description=f"the first {MAX_LISTED} problems by row")
    problem_count: int = Field(ge=0)

    @property
    def refused(self) -> bool:
        return self.status == "refused"

    @property
    def changed(self) -> int:
        """Records the import writes (or would): 0 for a file imported before."""
        return sum(c.changed for c in self.counts.values())
