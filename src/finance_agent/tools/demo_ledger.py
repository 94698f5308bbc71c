"""The demo data's books: a year of invoices to the demo customers, settled by their habits.

Receivables are an outcome here, not typed numbers: each customer buys on a cadence, is
invoiced on the company's sales days (:mod:`.demo_purchases`) and pays as its habit says
(:mod:`.demo_settlements`); what is still owed on any day follows from those records.
Whatever today is, ``CUST001`` to ``CUST003`` have money past due and the 1-30, 31-60, 61-90
and over-90 buckets (days past the due date) all hold some:

- ``CUST001`` pays four to five months late and is invoiced at least every 28 days, so it
  has an open invoice fallen due in each 28-day stretch of the last 120 days;
- ``CUST002`` pays in parts, the last 45 or more days after the due date;
- ``CUST003`` pays late, and disputes one invoice more than 95 days past due (unpaid).

One of the other chronic late payers is on a payment plan: a collections hold
(``hold_reason``), so nobody chases it while the plan holds.

The seed draws a fourth stream for this, after its sales', customers' and actions' streams,
so those stay exactly as they were; :func:`extend_sales` and then :func:`generate_ledger`
draw from it.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from finance_agent.domain.ledger.records import (
    Customer,
    Invoice,
    InvoiceRecord,
    Settlement,
    SettlementKind,
)
from finance_agent.domain.models import SalesDay
from finance_agent.domain.money import from_cents, to_money
from finance_agent.tools.demo_purchases import (
    PINNED_HABITS,
    Account,
    Draft,
    accounts,
    drafts,
    within_revenue,
)
from finance_agent.tools.demo_sales import COGS_SHARE_BP, NOISE_SIGMA, expected_revenue
from finance_agent.tools.demo_settlements import (
    Habit,
    Planned,
    credit_then_pay,
    pay,
    short_pay_then_write_off,
)

LEDGER_DAYS = 365
# The guarantees above need invoices issued on every day of this many up to today.
MIN_HISTORY_DAYS = 180
DISPUTING_CUSTOMER = "CUST003"
DISPUTED_MIN_DAYS_PAST_DUE = 95
# The one credit note and the one write-off go to invoices issued this long ago or more, so
# they are in the books by today: a credit note comes at most 10 days after issue; a
# write-off at most 60 days after a late payment (net 60, 49 days late): 169 days.
CREDIT_NOTE_MIN_AGE = 60
WRITE_OFF_MIN_AGE = 180
HOLD_REASON = (
    "Payment plan agreed: pays its overdue invoices in instalments; no reminders meanwhile"
)
ID_PREFIXES = {
    SettlementKind.PAYMENT: "PAY",
    SettlementKind.CREDIT_NOTE: "CN",
    SettlementKind.WRITE_OFF: "WO",
}


@dataclass(frozen=True)
class DemoLedger:
    customers: tuple[Customer, ...]
    invoices: tuple[InvoiceRecord, ...]


def extend_sales(
    rng: random.Random, sales: Sequence[SalesDay], days: int = LEDGER_DAYS
) -> tuple[SalesDay, ...]:
    """``sales`` (kept exactly) after the days before it, ``days`` in all, from the same model.

    The demo's 120 days of sales are too short for a year of invoices issued on sales days;
    the earlier days continue its trend backwards, with its noise and no unusual days. They
    only cap the earlier invoices (a day's invoices are at most its revenue): the seed stores
    the 120 days alone, so the sales history and its unusual days stay as they were.
    """
    first = sales[0].date
    earlier = []
    for back in range(days - len(sales), 0, -1):
        day = first - timedelta(days=back)
        value = expected_revenue(-back, day) + rng.gauss(0.0, NOISE_SIGMA)
        revenue = to_money(max(value, 0.0))
        cogs = revenue * rng.randint(*COGS_SHARE_BP) / 10_000
        earlier.append(SalesDay(date=day, revenue=revenue, cogs=to_money(cogs)))
    return (*earlier, *sales)


def _pick(rng: random.Random, invoices: Sequence[Draft], habits: set[Habit], latest: int) -> int:
    """A random one of the other customers' invoices of ``habits`` issued by ``latest``."""
    found = [
        index
        for index, d in enumerate(invoices)
        if d.account.habit in habits
        and d.account.customer_id not in PINNED_HABITS
        and d.issue.toordinal() <= latest
    ]
    return rng.choice(found) if found else -1


def _disputed(invoices: Sequence[Draft], today: int) -> int:
    """The disputing customer's latest invoice at least DISPUTED_MIN_DAYS_PAST_DUE past due."""
    found = [
        index
        for index, d in enumerate(invoices)
        if d.account.customer_id == DISPUTING_CUSTOMER
        and d.due <= today - DISPUTED_MIN_DAYS_PAST_DUE
    ]
    return max(found, key=lambda index: invoices[index].due, default=-1)


def _settlements(
    rng: random.Random, invoices: Sequence[Draft], disputed: int, today: int
) -> list[list[Planned]]:
    """Per invoice, what its customer paid (or credited, or wrote off) by ``today``."""
    credited = _pick(
        rng, invoices, {Habit.ON_TIME, Habit.FEW_DAYS_LATE}, today - CREDIT_NOTE_MIN_AGE
    )
    written_off = _pick(rng, invoices, {Habit.LATE}, today - WRITE_OFF_MIN_AGE)
    made = []
    for index, draft in enumerate(invoices):
        settle = pay
        if index == credited:
            settle = credit_then_pay
        elif index == written_off:
            settle = short_pay_then_write_off
        planned = (
            []
            if index == disputed
            else settle(rng, draft.account.habit, draft.issue.toordinal(), draft.due, draft.cents)
        )
        made.append([p for p in planned if p.day <= today])
    return made


class _Ids:
    """Ids like ``INV-2026-000123``: one sequence per prefix and year, in the order asked."""

    def __init__(self) -> None:
        self._counts: Counter[tuple[str, int]] = Counter()

    def next(self, prefix: str, day: date) -> str:
        self._counts[prefix, day.year] += 1
        return f"{prefix}-{day.year:04d}-{self._counts[prefix, day.year]:06d}"


def _records(
    invoices: Sequence[Draft], settled: Sequence[Sequence[Planned]], disputed: int
) -> tuple[InvoiceRecord, ...]:
    ids = _Ids()
    invoice_ids = [ids.next("INV", draft.issue) for draft in invoices]
    in_date_order = sorted(
        ((index, planned) for index, plans in enumerate(settled) for planned in plans),
        key=lambda entry: (entry[1].day, entry[0]),
    )
    per_invoice: dict[int, list[Settlement]] = defaultdict(list)
    for index, planned in in_date_order:
        day = date.fromordinal(planned.day)
        per_invoice[index].append(
            Settlement(
                settlement_id=ids.next(ID_PREFIXES[planned.kind], day),
                invoice_id=invoice_ids[index],
                kind=planned.kind,
                settled_on=day,
                amount=from_cents(planned.cents),
            )
        )
    return tuple(
        InvoiceRecord(
            invoice=Invoice(
                invoice_id=invoice_ids[index],
                customer_id=draft.account.customer_id,
                issue_date=draft.issue,
                due_date=date.fromordinal(draft.due),
                amount=from_cents(draft.cents),
                disputed=index == disputed,
            ),
            settlements=tuple(per_invoice[index]),
        )
        for index, draft in enumerate(invoices)
    )


def _with_hold(customers: Sequence[Account]) -> tuple[Customer, ...]:
    """The customers, the first chronic late payer after the pinned ones on a payment plan."""
    planned = next(
        (
            a.customer_id
            for a in customers
            if a.habit is Habit.CHRONIC and a.customer_id not in PINNED_HABITS
        ),
        None,
    )
    return tuple(
        a.customer.model_copy(update={"hold_reason": HOLD_REASON})
        if a.customer_id == planned
        else a.customer
        for a in customers
    )


def generate_ledger(
    rng: random.Random, today: date, sales: Sequence[SalesDay], contacts: Sequence[Customer]
) -> DemoLedger:
    """The ``contacts``' invoices of the last LEDGER_DAYS sales days up to ``today``, settled
    by their habits up to ``today``; ``sales`` must hold every one of the last
    MIN_HISTORY_DAYS days (:func:`extend_sales` makes the demo's 120 days a year)."""
    revenue = {day.date: day.revenue for day in sales if day.date <= today}
    end = today.toordinal()
    if any(date.fromordinal(end - back) not in revenue for back in range(MIN_HISTORY_DAYS)):
        raise ValueError(f"sales must include each of the {MIN_HISTORY_DAYS} days up to {today}")
    start = date.fromordinal(max(min(revenue).toordinal(), end - LEDGER_DAYS + 1))
    customers = accounts(rng, contacts)
    invoices = within_revenue(drafts(rng, customers, start, today), revenue)
    disputed = _disputed(invoices, end)
    settled = _settlements(rng, invoices, disputed, end)
    return DemoLedger(
        customers=_with_hold(customers),
        invoices=_records(invoices, settled, disputed),
    )
