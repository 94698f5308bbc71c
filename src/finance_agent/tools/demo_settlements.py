"""How the demo's customers pay: payment habits, and the settlements a habit makes of an invoice.

Days are proleptic ordinals (``date.toordinal()``) here, not dates: a habit may plan a payment
after the last day Python's ``date`` can hold, and such a payment is only ever compared with
today (it is after it, so it is not in the books yet) before anything becomes a date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from enum import StrEnum

from finance_agent.domain.ledger.records import SettlementKind


class Habit(StrEnum):
    ON_TIME = "on_time"  # pays in the week up to the due date
    FEW_DAYS_LATE = "few_days_late"  # 1 to 12 days after it
    LATE = "late"  # 2 to 7 weeks after it
    PARTIAL = "partial"  # two to four payments, the last 45 to 75 days after it
    CHRONIC = "chronic"  # four to five months after it, every time


# Days after the due date each habit pays (inclusive); negative is before it.
PAYMENT_DELAY: dict[Habit, tuple[int, int]] = {
    Habit.ON_TIME: (-7, 0),
    Habit.FEW_DAYS_LATE: (1, 12),
    Habit.LATE: (14, 49),
    Habit.CHRONIC: (121, 150),
}
# A partial payer's last payment; the earlier ones fall from a few days before the due date.
PARTIAL_LAST_DELAY = (45, 75)
PARTIAL_FIRST_DELAY = -5
PARTIAL_PAYMENTS = (2, 4)
# A credit note (goods returned, a price corrected) takes 10% to 30% off, days after issue.
CREDIT_SHARE_PERCENT = (10, 30)
CREDIT_AFTER_ISSUE = (2, 10)
# A short payment (85% to 97%) whose rest is written off one to two months later.
SHORT_PAID_PERCENT = (85, 97)
WRITE_OFF_AFTER_PAYMENT = (30, 60)


@dataclass(frozen=True)
class Planned:
    """A settlement a habit will make: it is in the books once its day has come."""

    kind: SettlementKind
    day: int  # ordinal
    cents: int


def _payment(day: int, cents: int) -> Planned:
    return Planned(SettlementKind.PAYMENT, day, cents)


def _split(rng: random.Random, cents: int, parts: int) -> list[int]:
    """``cents`` in ``parts`` positive whole-cent amounts that add up to it exactly."""
    cuts = sorted(rng.sample(range(1, cents), parts - 1))
    return [high - low for low, high in zip([0, *cuts], [*cuts, cents], strict=True)]


def pay(rng: random.Random, habit: Habit, issue: int, due: int, cents: int) -> list[Planned]:
    """The payments ``habit`` makes of an invoice of ``cents``, none before it was issued."""
    if habit is Habit.PARTIAL:
        # The last payment is always well past due: an invoice that fell due in the last 45
        # days is never paid off yet, so a partial payer always has money past due.
        last = due + rng.randint(*PARTIAL_LAST_DELAY)
        count = rng.randint(*PARTIAL_PAYMENTS)
        first = max(issue, due + PARTIAL_FIRST_DELAY)
        days = sorted(rng.randint(first, last - 1) for _ in range(count - 1))
        amounts = _split(rng, cents, count)
        return [_payment(day, amount) for day, amount in zip([*days, last], amounts, strict=True)]
    return [_payment(max(issue, due + rng.randint(*PAYMENT_DELAY[habit])), cents)]


def credit_then_pay(
    rng: random.Random, habit: Habit, issue: int, due: int, cents: int
) -> list[Planned]:
    """A credit note soon after issue, and the rest paid as the habit pays."""
    credit = cents * rng.randint(*CREDIT_SHARE_PERCENT) // 100
    note = Planned(SettlementKind.CREDIT_NOTE, issue + rng.randint(*CREDIT_AFTER_ISSUE), credit)
    return [note, *pay(rng, habit, issue, due, cents - credit)]


def short_pay_then_write_off(
    rng: random.Random, habit: Habit, issue: int, due: int, cents: int
) -> list[Planned]:
    """Most of the invoice paid as the habit pays; the small rest written off later."""
    paid = cents * rng.randint(*SHORT_PAID_PERCENT) // 100
    payments = pay(rng, habit, issue, due, paid)
    last = max(p.day for p in payments)
    rest = Planned(
        SettlementKind.WRITE_OFF, last + rng.randint(*WRITE_OFF_AFTER_PAYMENT), cents - paid
    )
    return [*payments, rest]
