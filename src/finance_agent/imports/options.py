"""How to read a books file: the command line's ``--map``, ``--date-format``, ``--aggregate``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models.import_report import ImportKind
from finance_agent.imports.columns import COLUMNS
from finance_agent.imports.dates import check_format

MAP_RULE = "must be COLUMN=HEADER, each column once"


@dataclass(frozen=True)
class CsvOptions:
    currency: str  # the books' one currency (the CURRENCY setting)
    today: date  # dates of payments and sales after it are refused
    column_map: Mapping[str, str] = field(default_factory=dict)  # column -> header in the file
    date_format: str | None = None  # strptime format; None: YYYY-MM-DD only
    aggregate: bool = False  # sales only: sum transaction lines per day

    def checked(self, kind: ImportKind) -> CsvOptions:
        """These options when they make sense for ``kind``; else ``ValidationError``."""
        known = COLUMNS[kind].all
        for column in self.column_map:
            if column not in known:
                raise ValidationError(
                    "map", f"{column} is not a column of {kind.value}; they are {', '.join(known)}"
                )
        if self.aggregate and kind is not ImportKind.SALES:
            raise ValidationError("aggregate", "applies to sales files only")
        check_format(self.date_format)
        return self


def parse_column_map(pairs: Iterable[str]) -> dict[str, str]:
    """``["invoice_id=Num", ...]`` as ``{"invoice_id": "Num"}``; the header may hold '='."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        column, sep, header = pair.partition("=")
        column = column.strip()
        if not sep or not column or not header.strip() or column in mapping:
            raise ValidationError("map", MAP_RULE)
        mapping[column] = header.strip()
    return mapping
