"""The problems an import finds: all counted, the first ``MAX_LISTED`` by row kept.

A file of a million bad rows must not hold a million problems in memory, and the person
fixing it wants the top of the file first, whatever order the checks found them in: a heap
keeps the ``MAX_LISTED`` lowest rows seen so far.
"""

from __future__ import annotations

import heapq
import itertools

from finance_agent.domain.models.import_report import MAX_LISTED, ImportProblem

VALUE_SHOWN = 40  # characters of a value repeated in a problem


def cut(value: str | None, limit: int = VALUE_SHOWN) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


class ProblemLog:
    def __init__(self, keep: int = MAX_LISTED) -> None:
        self._keep = keep
        self._count = 0
        self._order = itertools.count()
        # Max-heap on (row, arrival) by negation: the root is the first to drop.
        self._heap: list[tuple[int, int, ImportProblem]] = []

    def add(self, row: int | None, column: str | None, rule: str, value: str | None = None) -> None:
        self._count += 1
        rank = 0 if row is None else row
        entry = (
            -rank,
            -next(self._order),
            ImportProblem(row=row, column=column, rule=rule, value=cut(value)),
        )
        if len(self._heap) < self._keep:
            heapq.heappush(self._heap, entry)
        elif entry[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, entry)

    @property
    def count(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def listed(self) -> list[ImportProblem]:
        """The kept problems, by row and then in the order they were found."""
        return [p for _, _, p in sorted(self._heap, reverse=True)]
