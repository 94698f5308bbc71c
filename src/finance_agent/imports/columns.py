"""The columns of each kind of books file, and where the file's header puts them.

Headers match column names whatever their case and surrounding spaces (``Invoice_ID``);
``--map column=Header`` names another header for a column, so any export can be read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.models.import_report import ImportKind

HEADER_ROW = 1


@dataclass(frozen=True)
class Columns:
    required: tuple[str, ...]
    optional: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return self.required + self.optional


COLUMNS = {
    ImportKind.INVOICES: Columns(
        ("invoice_id", "customer_id", "customer_name", "issue_date", "due_date", "amount"),
        ("email", "paid_date", "open_balance", "disputed", "currency"),
    ),
    ImportKind.PAYMENTS: Columns(
        ("payment_id", "invoice_id", "date", "amount"), ("kind", "currency")
    ),
    ImportKind.SALES: Columns(("date", "revenue"), ("cogs", "currency")),
}


def _normal(header: str) -> str:
    return header.strip().casefold()


def locate(
    header: Sequence[str], kind: ImportKind, column_map: Mapping[str, str], problems: ProblemLog
) -> dict[str, int] | None:
    """Each column's position in ``header``; None (with the problems) when one is missing
    or two headers could be the same column."""
    names = [_normal(h) for h in header]
    index: dict[str, int] = {}
    ok = True
    for column in COLUMNS[kind].all:
        wanted = column_map.get(column, column)
        found = [i for i, h in enumerate(names) if h == _normal(wanted)]
        if len(found) > 1:
            problems.add(HEADER_ROW, column, f"must be one header, not {len(found)}", wanted)
            ok = False
        elif found:
            index[column] = found[0]
        elif column in column_map:
            problems.add(HEADER_ROW, column, "is mapped to a header the file does not have", wanted)
            ok = False
        elif column in COLUMNS[kind].required:
            problems.add(HEADER_ROW, column, "is a required column, missing")
            ok = False
    return index if ok else None
