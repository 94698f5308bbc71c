"""A sales CSV: one day a row, or (``aggregate``) transaction lines summed per day.

Transaction lines may be refunds (negative); a day's sum may not. Sums are taken in whole
cents by Python, one day at a time: exact, and flat in memory however many lines a day has.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from itertools import groupby
from typing import Any, ClassVar, Literal

import finance_agent.imports.cells as cells
from finance_agent.domain.ledger.import_files import SalesLine
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.models.import_report import ImportKind
from finance_agent.domain.models.sales import SalesDay
from finance_agent.domain.money import MONEY_BOUND, cents, from_cents
from finance_agent.imports.csv_books import CsvBooks, Row, not_after
from finance_agent.imports.scratch import chunks

_BY_DAY = "SELECT row, date, revenue, cogs FROM lines ORDER BY date, row"
_BOUND_CENTS = int(MONEY_BOUND * 100)
# A day's figures: (last row, day, revenue cents, cogs cents).
_Day = tuple[int, str, int, int]


class SalesCsv(CsvBooks):
    kind: ClassVar[Literal[ImportKind.SALES]] = ImportKind.SALES
    FIELDS = ("date", "revenue", "cogs")
    INDEXES = "CREATE INDEX by_day ON lines (date);"

    @property
    def has_cogs(self) -> bool:
        return "cogs" in self.columns

    def _parse(self, row: Row) -> Sequence[Any] | None:
        low = "any" if self.options.aggregate else "zero"
        day = row.get("date", self.dates)
        revenue = row.get("revenue", partial(cells.amount, low=low))
        cogs = row.optional("cogs", partial(cells.amount, low=low)) or Decimal(0)
        row.get("currency", self.currency)
        not_after(row, "date", day, self.options.today)
        if day is None or not row.ok or revenue is None:
            return (row.number, day and day.isoformat(), None, None)
        return (row.number, day.isoformat(), cents(revenue), cents(cogs))

    def _check_file(self, problems: ProblemLog) -> None:
        if not self.options.aggregate:
            self._duplicates(
                problems,
                ["date"],
                "must be unique: row {first} has the same day (or use --aggregate)",
            )
            return
        for row, day, revenue, cogs in self._days():
            if revenue < 0 or cogs < 0:
                rule = f"must add up to 0 or more for the day {day}: the lines sum to a negative"
                problems.add(
                    row,
                    "revenue" if revenue < 0 else "cogs",
                    rule,
                    str(from_cents(min(revenue, cogs))),
                )
            elif max(revenue, cogs) >= _BOUND_CENTS:
                problems.add(row, "revenue", f"must add up to less than 10^15 for the day {day}")

    def _days(self) -> Iterator[_Day]:
        for day, lines in groupby(self.lines(_BY_DAY), key=lambda line: line[1]):
            if day is None:
                continue  # a row whose date was refused, already reported
            last, revenue, cogs = 0, 0, 0
            for row, _, line_revenue, line_cogs in lines:
                last, revenue, cogs = row, revenue + (line_revenue or 0), cogs + (line_cogs or 0)
            yield last, day, revenue, cogs

    def days(self, size: int) -> Iterator[list[SalesLine]]:
        for chunk in chunks(self._days(), size):
            yield [
                SalesLine(
                    row,
                    SalesDay(
                        date=date.fromisoformat(day),
                        revenue=from_cents(revenue),
                        cogs=from_cents(cogs),
                    ),
                )
                for row, day, revenue, cogs in chunk
            ]
