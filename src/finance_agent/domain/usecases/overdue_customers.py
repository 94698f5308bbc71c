from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.aging import customer_rows
from finance_agent.domain.ledger.ports import LedgerRepository
from finance_agent.domain.models import ARAging
from finance_agent.shared import clock

MAX_DAYS_OVERDUE = 3650


def _owed_at_least(row: ARAging, min_days_overdue: int) -> Decimal:
    """What the customer owes in buckets at least ``min_days_overdue`` days past due.

    A bucket counts when the day count falls inside it or before it: 61 counts the 61-90
    and over-90 buckets, 45 counts 31-60 and older.
    """
    buckets = (
        (0, row.current),
        (1, row.days_1_30),
        (31, row.days_31_60),
        (61, row.days_61_90),
        (91, row.days_over_90),
    )
    first = max(i for i, (low, _) in enumerate(buckets) if low <= min_days_overdue)
    return sum((amount for _, amount in buckets[first:]), Decimal(0))


def most_overdue_first(rows: Iterable[ARAging], min_days_overdue: int = 0) -> list[ARAging]:
    """The rows owing something ``min_days_overdue`` days past due (all with 0), the most
    overdue (over 60 days) first, then the largest total."""
    if isinstance(min_days_overdue, bool) or not 0 <= min_days_overdue <= MAX_DAYS_OVERDUE:
        raise ValidationError(
            "min_days_overdue", f"must be an integer from 0 to {MAX_DAYS_OVERDUE}"
        )
    kept = [
        row for row in rows if min_days_overdue == 0 or _owed_at_least(row, min_days_overdue) > 0
    ]
    return sorted(kept, key=lambda r: (-r.over_60, -r.total, r.customer_id))


class ListOverdueCustomersUC:
    """Today's receivables aging from the ledger, the most overdue (over 60 days) first.

    What the open invoices leave owed at the end of today, by due date: AgingAsOfUC's
    answer for today, for callers that ask for no other day.
    """

    def __init__(
        self, ledger: LedgerRepository, *, today: Callable[[], date] | None = None
    ) -> None:
        self._ledger = ledger
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today

    def execute(self, min_days_overdue: int = 0) -> list[ARAging]:
        day = self._today()
        records = self._ledger.open_invoices_as_of(day)
        customers = self._ledger.get_customers({r.invoice.customer_id for r in records})
        return most_overdue_first(customer_rows(records, customers, day), min_days_overdue)
