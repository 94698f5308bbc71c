"""What the three kinds of CSV books files share: the scan, row by row, into the scratch file.

A subclass says how one row is read (``_parse``: the values to keep, or None), what its
scratch table is, and what it checks across rows once all are in (``_check_file``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any, ClassVar, Self, TypeVar

from finance_agent.domain.ledger.import_files import Progress, no_progress
from finance_agent.domain.ledger.problems import ProblemLog
from finance_agent.domain.models.import_report import ImportKind
from finance_agent.imports.cells import CellError, currency
from finance_agent.imports.columns import COLUMNS, locate
from finance_agent.imports.dates import DateReader
from finance_agent.imports.options import CsvOptions
from finance_agent.imports.reader import OpenedFile, Source
from finance_agent.imports.scratch import INSERT_BATCH, Scratch

T = TypeVar("T")


class Row:
    """One data row: its cells by column, and its problems reported as they are read."""

    __slots__ = ("_cells", "_index", "_problems", "number", "ok")

    def __init__(
        self, number: int, cells: list[str], index: Mapping[str, int], problems: ProblemLog
    ) -> None:
        self.number, self._cells, self._index, self._problems = number, cells, index, problems
        self.ok = True

    def raw(self, column: str) -> str:
        """The cell as written; "" when the column or the cell is absent."""
        position = self._index.get(column)
        if position is None or position >= len(self._cells):
            return ""
        return self._cells[position]

    def get(self, column: str, read: Callable[[str], T]) -> T | None:
        """The cell read by ``read``, or None with a problem added."""
        value = self.raw(column)
        try:
            return read(value)
        except CellError as error:
            self.refuse(column, error.rule, value)
            return None

    def optional(self, column: str, read: Callable[[str], T]) -> T | None:
        """Like ``get``, but an empty cell is None without a problem."""
        return None if not self.raw(column).strip() else self.get(column, read)

    def refuse(self, column: str | None, rule: str, value: object = None) -> None:
        self._problems.add(self.number, column, rule, None if value is None else str(value))
        self.ok = False


class StrictRow(Row):
    """A row read on the fast path: the first broken rule raises ``CellError``, and the scan
    reads the row again as a ``Row``, which reports every problem it has. The rules are the
    same code either way; rows without a problem (nearly all) skip the bookkeeping.

    Its cells hold one more, empty, at the end: where ``index`` points a column the header
    does not have.
    """

    __slots__ = ()

    def get(self, column: str, read: Callable[[str], T]) -> T | None:
        return read(self._cells[self._index[column]])

    def optional(self, column: str, read: Callable[[str], T]) -> T | None:
        value = self._cells[self._index[column]]
        return read(value) if value.strip() else None

    def refuse(self, _column: str | None, rule: str, _value: object = None) -> None:
        raise CellError(rule)


def not_after(row: Row, column: str, day: date | None, today: date) -> None:
    """Payments and sales happened: none can be dated after today."""
    if day is not None and day > today:
        row.refuse(column, f"must not be after today ({today.isoformat()})", day.isoformat())


class CsvBooks:
    kind: ClassVar[ImportKind]
    FIELDS: ClassVar[tuple[str, ...]]  # of the scratch table ``lines``, after ``row``
    INDEXES: ClassVar[str]

    def __init__(self, source: Source, options: CsvOptions, name: str | None = None) -> None:
        self.options = options.checked(self.kind)
        self.dates = DateReader(options.date_format)
        self.currency = partial(currency, expected=options.currency)
        self._file = OpenedFile(source, name)
        self._scratch: Scratch | None = None
        self.columns: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self._file.name

    def scan(self, problems: ProblemLog, progress: Progress = no_progress) -> int:
        """Read every row into a fresh scratch file; return the number of data rows."""
        self._close_scratch()
        scratch = self._scratch = Scratch(
            f"CREATE TABLE lines (row INTEGER PRIMARY KEY, {', '.join(self.FIELDS)});"
        )
        insert = f"INSERT INTO lines VALUES (?{', ?' * len(self.FIELDS)})"  # noqa: S608
        index: dict[str, int] | None = None
        rows, batch = 0, []
        for number, cells in self._file.records(problems, progress):
            if index is None:
                index = locate(cells, self.kind, self.options.column_map, problems)
                if index is None:
                    return 0  # without its columns no row can be read
                self.columns = frozenset(index)
                width = len(cells)
                # A column the header lacks reads the empty cell StrictRow's cells end with.
                padded = {column: index.get(column, width) for column in COLUMNS[self.kind].all}
                continue
            if not "".join(cells).strip():
                continue  # a blank line, such as a spreadsheet's last
            rows += 1
            values = None
            if len(cells) == width:
                cells.append("")
                with contextlib.suppress(CellError):
                    values = self._parse(StrictRow(number, cells, padded, problems))
                cells.pop()
            if values is None:  # a problem, or a short or long row: read it again, reporting
                row = Row(number, cells, index, problems)
                if len(cells) > width:
                    row.refuse(None, f"must have at most {width} values, as the header")
                values = self._parse(row)
            if values is not None:
                batch.append(values)
            if len(batch) >= INSERT_BATCH:
                scratch.insert(insert, batch)
                batch = []
        if index is None and not problems:
            problems.add(None, None, "must start with a header row (the file is empty)")
        scratch.insert(insert, batch)
        scratch.finish(self.INDEXES)
        self._check_file(problems)
        return rows

    def lines(self, sql: str) -> Any:
        """The scratch rows of ``sql`` (after a scan)."""
        if self._scratch is None:
            raise RuntimeError("scan the file first")
        return self._scratch.rows(sql)

    def close(self) -> None:
        self._close_scratch()
        self._file.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _close_scratch(self) -> None:
        if self._scratch is not None:
            self._scratch.close()
            self._scratch = None

    def _duplicates(self, problems: ProblemLog, keys: Sequence[str], rule: str) -> None:
        """Every row whose ``keys`` an earlier row has: ``rule`` names that row."""
        # Column names in SQL here are the classes' own constants, never text from a file.
        using = ", ".join(keys)
        firsts = (
            f"SELECT {using}, MIN(row) AS first FROM lines WHERE {keys[0]} IS NOT NULL "  # noqa: S608
            f"GROUP BY {using} HAVING COUNT(*) > 1"
        )
        sql = (
            f"SELECT l.row, l.{keys[-1]}, f.first FROM lines AS l "  # noqa: S608
            f"JOIN ({firsts}) AS f USING ({using}) WHERE l.row > f.first"
        )
        for row, value, first in self.lines(sql):
            problems.add(row, keys[-1], rule.format(first=first), value)

    def _one_per_key(self, problems: ProblemLog, key: str, column: str) -> None:
        """Every row whose ``column`` differs from the first row of its ``key``."""
        firsts = (
            f"SELECT {key}, MIN(row) AS first FROM lines "  # noqa: S608
            f"WHERE {key} IS NOT NULL AND {column} IS NOT NULL GROUP BY {key}"
        )
        sql = (
            f"SELECT l.row, l.{key}, l.{column}, f.row, f.{column} FROM lines AS l "  # noqa: S608
            f"JOIN ({firsts}) AS m USING ({key}) JOIN lines AS f ON f.row = m.first "
            f"WHERE l.{column} IS NOT NULL AND l.{column} != f.{column}"
        )
        for row, value, found, first, said in self.lines(sql):
            rule = f"must be the same on every row of {key} {value}: row {first} has '{said}'"
            problems.add(row, column, rule, found)

    def _parse(self, row: Row) -> Sequence[Any] | None:
        raise NotImplementedError

    def _check_file(self, problems: ProblemLog) -> None:
        raise NotImplementedError
