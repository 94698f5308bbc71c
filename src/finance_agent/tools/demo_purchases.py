"""What the demo's customers buy and when they are invoiced: habits, terms, cadence, volume.

Each customer is invoiced every ``cadence`` days on the company's sales days, and a day's
invoices come to at most ``MAX_CREDIT_SHARE`` of that day's revenue (the rest is cash sales).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from finance_agent.domain.ledger.records import Customer
from finance_agent.tools.demo_settlements import Habit

# The customers whose habits the demo's guarantees rest on (see demo_ledger), and the rest:
# fixed counts for the other 47 demo customers, shuffled per seed as demo_accounts does.
PINNED_HABITS = {"CUST001": Habit.CHRONIC, "CUST002": Habit.PARTIAL, "CUST003": Habit.LATE}
HABIT_COUNTS = {
    Habit.ON_TIME: 25,
    Habit.FEW_DAYS_LATE: 12,
    Habit.LATE: 6,
    Habit.PARTIAL: 2,
    Habit.CHRONIC: 2,
}
DEFAULT_TERMS = 30
TERMS_COUNTS = {DEFAULT_TERMS: 38, 15: 3, 45: 3, 60: 3}
# Days between a customer's invoices; the pinned customers buy at least every 28 days.
CADENCE_WEIGHTS = {14: 1, 28: 6, 42: 4}
PINNED_CADENCES = (14, 28)
# A customer's purchases per 28 days, in cents: log-normal around a median, then bounded.
MEDIAN_VOLUME = 260_000
VOLUME_SIGMA = 0.6
VOLUME_BOUNDS = (40_000, 1_500_000)
INVOICE_SPREAD_PERCENT = (75, 125)
MIN_INVOICE_CENTS = 100
MAX_CREDIT_SHARE = Decimal("0.8")
_LAST_ORDINAL = date.max.toordinal()


@dataclass(frozen=True)
class Account:
    """A customer, how it pays and how it buys."""

    customer: Customer
    habit: Habit
    cadence: int
    phase: int  # days from the ledger's first day to the customer's first invoice
    volume: int  # cents per 28 days

    @property
    def customer_id(self) -> str:
        return self.customer.customer_id


@dataclass(frozen=True)
class Draft:
    """An invoice before it is numbered."""

    account: Account
    issue: date
    due: int  # ordinal: an invoice is only drafted when its due date exists
    cents: int


def accounts(rng: random.Random, contacts: Sequence[Customer]) -> list[Account]:
    """The customers, in id order, each with its habit, payment terms, cadence and volume."""
    habits = [habit for habit, count in HABIT_COUNTS.items() for _ in range(count)]
    terms = [days for days, count in TERMS_COUNTS.items() for _ in range(count)]
    rng.shuffle(habits)
    rng.shuffle(terms)
    made = []
    for contact in sorted(contacts, key=lambda c: c.customer_id):
        pinned = PINNED_HABITS.get(contact.customer_id)
        if pinned is not None:
            habit, net, cadence = pinned, DEFAULT_TERMS, rng.choice(PINNED_CADENCES)
        else:
            habit = habits.pop() if habits else Habit.ON_TIME
            net = terms.pop() if terms else DEFAULT_TERMS
            cadence = rng.choices(list(CADENCE_WEIGHTS), list(CADENCE_WEIGHTS.values()))[0]
        volume = round(rng.lognormvariate(0.0, VOLUME_SIGMA) * MEDIAN_VOLUME)
        customer = contact.model_copy(update={"payment_terms_days": net})
        made.append(
            Account(
                customer=customer,
                habit=habit,
                cadence=cadence,
                phase=rng.randrange(cadence),
                volume=min(max(volume, VOLUME_BOUNDS[0]), VOLUME_BOUNDS[1]),
            )
        )
    return made


def drafts(
    rng: random.Random, customers: Sequence[Account], start: date, today: date
) -> list[Draft]:
    """Each customer's invoices, every ``cadence`` days from ``start`` to ``today``."""
    made = []
    for account in customers:
        terms = account.customer.payment_terms_days or 0
        first = start.toordinal() + account.phase
        for issue in range(first, today.toordinal() + 1, account.cadence):
            # The volume is per 28 days, the spread in percent: 28 * 100.
            share = account.volume * account.cadence * rng.randint(*INVOICE_SPREAD_PERCENT)
            cents = max(share // 2_800, MIN_INVOICE_CENTS)
            if issue + terms <= _LAST_ORDINAL:  # near the calendar's end: no day to fall due
                made.append(Draft(account, date.fromordinal(issue), issue + terms, cents))
    return made


def within_revenue(invoices: Sequence[Draft], revenue: Mapping[date, Decimal]) -> list[Draft]:
    """The drafts issued on sales days, in (day, customer) order, each day's scaled down to
    at most ``MAX_CREDIT_SHARE`` of its revenue."""
    by_day: dict[date, list[Draft]] = defaultdict(list)
    for draft in invoices:
        if draft.issue in revenue:
            by_day[draft.issue].append(draft)
    kept = []
    for day, group in sorted(by_day.items()):
        cap = int(revenue[day] * MAX_CREDIT_SHARE * 100)
        total = sum(d.cents for d in group)
        for draft in sorted(group, key=lambda d: d.account.customer_id):
            cents = draft.cents if total <= cap else draft.cents * cap // total
            if cents >= MIN_INVOICE_CENTS:
                kept.append(replace(draft, cents=cents))
    return kept
