"""A sales file against the stored days: each day of the file replaces the stored one.

Without a cogs column the file says nothing of costs, so a stored day keeps its cost of
goods sold (and a new day has none).
"""

from __future__ import annotations

from collections.abc import Iterator

from finance_agent.domain.ledger.import_files import SalesFile
from finance_agent.domain.ledger.import_tally import Tally
from finance_agent.domain.models.sales import SalesDay
from finance_agent.domain.ports import FinanceRepository


def plan_sales(
    file: SalesFile, finance: FinanceRepository, tally: Tally, size: int
) -> Iterator[tuple[int, list[SalesDay]]]:
    """Batches of (lines read, the days that differ from the stored ones)."""
    for lines in file.days(size):
        first, last = lines[0].day.date, lines[-1].day.date
        stored = {d.date: d for d in finance.get_sales_series((last - first).days + 1, end=last)}
        changed = []
        for line in lines:
            before = stored.get(line.day.date)
            after = line.day
            if before is not None and not file.has_cogs:
                after = after.model_copy(update={"cogs": before.cogs})
            if tally.record("sales_days", after.date.isoformat(), before, after):
                changed.append(after)
        yield len(lines), changed
