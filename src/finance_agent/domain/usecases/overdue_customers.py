"""Which customers an aging answer lists, and in what order: the rule AgingAsOfUC applies to
the rows it computes from the ledger (``min_days_overdue``, most overdue first)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import ARAging

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
