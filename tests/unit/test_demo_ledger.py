"""The demo ledger generator: a year of invoices settled by habits, deterministic per seed.

Aging is computed here from ``InvoiceRecord.balance_as_of`` with a few lines of its own
(basis due date: days past due = today - due date, 0 or less is current), never through
the product's aging code.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from finance_agent.domain.ledger.records import Customer, InvoiceRecord, Settlement, SettlementKind
from finance_agent.domain.models import SalesDay
from finance_agent.tools.demo_accounts import CUSTOMER_COUNT, EMAIL_DOMAIN, generate_customers
from finance_agent.tools.demo_ledger import (
    HOLD_REASON,
    LEDGER_DAYS,
    MIN_HISTORY_DAYS,
    DemoLedger,
    extend_sales,
    generate_ledger,
)
from finance_agent.tools.demo_sales import (
    COGS_SHARE_BP,
    NOISE_SIGMA,
    SALES_DAYS,
    expected_revenue,
    generate_sales,
)
from finance_agent.tools.seed_data import generate

TODAY = date(2025, 1, 31)
CENT = Decimal("0.01")
BUCKETS = ("1-30", "31-60", "61-90", "over 90")
FIRST_THREE = ("CUST001", "CUST002", "CUST003")
# Month ends, a leap day, new year's days, and the calendar's ends the seed accepts (a year
# of sales after date.min; seed_data.LATEST_TODAY before date.max).
EDGE_DAYS = (
    date(2025, 1, 31),
    date(2025, 4, 30),
    date(2024, 12, 31),
    date(2028, 2, 29),
    date(2026, 1, 1),
    date(2000, 1, 1),
    date(2100, 12, 31),
    date(1, 12, 31),
    date(9999, 12, 25),
)


@dataclass(frozen=True)
class Demo:
    sales: tuple[SalesDay, ...]
    contacts: tuple[Customer, ...]
    ledger: DemoLedger


def _streams(seed: int) -> tuple[random.Random, random.Random, random.Random]:
    """The seed's sales and customers streams, and a fourth drawn after its three."""
    master = random.Random(seed)
    sales, customers, _actions = (random.Random(master.getrandbits(64)) for _ in range(3))
    return sales, customers, random.Random(master.getrandbits(64))


def demo(seed: int, today: date) -> Demo:
    sales_rng, customers_rng, ledger_rng = _streams(seed)
    contacts = generate_customers(customers_rng)
    sales = extend_sales(ledger_rng, generate_sales(sales_rng, today))
    return Demo(sales, contacts, generate_ledger(ledger_rng, today, sales, contacts))


def bucket(days_past_due: int) -> str:
    if days_past_due <= 0:
        return "current"
    if days_past_due <= 30:
        return "1-30"
    if days_past_due <= 60:
        return "31-60"
    return "61-90" if days_past_due <= 90 else "over 90"


def aging(records: tuple[InvoiceRecord, ...], today: date) -> dict[str, dict[str, Decimal]]:
    """Open balance at the end of ``today`` by bucket, then by customer."""
    owed: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for record in records:
        balance = record.balance_as_of(today)
        if balance > 0:
            days = (today - record.invoice.due_date).days
            owed[bucket(days)][record.invoice.customer_id] += balance
    return owed


def past_due(records: tuple[InvoiceRecord, ...], today: date) -> dict[str, Decimal]:
    """Money past due at the end of ``today``, by customer."""
    owed: dict[str, Decimal] = defaultdict(Decimal)
    for name, by_customer in aging(records, today).items():
        for customer_id, amount in by_customer.items():
            if name != "current":
                owed[customer_id] += amount
    return owed


def settlements(ledger: DemoLedger) -> list[Settlement]:
    return [s for record in ledger.invoices for s in record.settlements]


@pytest.fixture(scope="module")
def made() -> Demo:
    return demo(42, TODAY)


@pytest.fixture(scope="module")
def ledger(made: Demo) -> DemoLedger:
    return made.ledger


# -- determinism ------------------------------------------------------------------------------


def test_the_same_seed_and_day_give_the_same_ledger(made: Demo) -> None:
    assert demo(42, TODAY) == made


def test_different_seeds_give_different_ledgers(ledger: DemoLedger) -> None:
    other = demo(43, TODAY).ledger
    assert other.invoices != ledger.invoices
    assert [c.name for c in other.customers] != [c.name for c in ledger.customers]


def test_the_seeds_sales_stay_exactly_as_they_are_inside_the_longer_series(made: Demo) -> None:
    assert made.sales[-SALES_DAYS:] == generate(42, TODAY).sales


def test_the_earlier_sales_days_continue_the_revenue_model(made: Demo) -> None:
    days = [d.date for d in made.sales]
    assert days == [TODAY - timedelta(days=back) for back in range(LEDGER_DAYS - 1, -1, -1)]
    for back, day in enumerate(reversed(made.sales[:-SALES_DAYS]), start=1):
        assert abs(float(day.revenue) - expected_revenue(-back, day.date)) < 6 * NOISE_SIGMA
        low, high = (day.revenue * bp / 10_000 for bp in COGS_SHARE_BP)
        assert low - CENT <= day.cogs <= high + CENT


# -- customers --------------------------------------------------------------------------------


def test_customers_are_the_demo_customers_with_the_same_names_and_emails(made: Demo) -> None:
    expected = [(c.customer_id, c.name, c.email) for c in made.contacts]
    assert [(c.customer_id, c.name, c.email) for c in made.ledger.customers] == expected
    assert generate(42, TODAY).customers == made.ledger.customers  # what the seed writes
    assert [c.customer_id for c in made.ledger.customers] == [
        f"CUST{n:03d}" for n in range(1, CUSTOMER_COUNT + 1)
    ]


def test_every_customer_has_an_email_address(ledger: DemoLedger) -> None:
    assert all(c.email and c.email.endswith(f".{EMAIL_DOMAIN}") for c in ledger.customers)


def test_one_chronic_late_payer_besides_the_first_three_is_on_a_payment_plan(
    ledger: DemoLedger,
) -> None:
    held = [c for c in ledger.customers if c.on_hold]
    assert [c.hold_reason for c in held] == [HOLD_REASON]
    (customer,) = held
    assert customer.customer_id not in FIRST_THREE
    # Chronic: every invoice it has paid was paid more than 120 days after its due date.
    paid = [
        r
        for r in ledger.invoices
        if r.invoice.customer_id == customer.customer_id and r.settlements
    ]
    assert paid
    assert all((r.settlements[-1].settled_on - r.invoice.due_date).days > 120 for r in paid)


def test_most_customers_are_on_net_30_and_a_few_on_net_15_45_or_60(ledger: DemoLedger) -> None:
    terms = Counter(c.payment_terms_days for c in ledger.customers)
    assert set(terms) == {15, 30, 45, 60}
    assert terms[30] >= 0.75 * CUSTOMER_COUNT


def test_each_invoice_falls_due_after_its_customers_terms(ledger: DemoLedger) -> None:
    terms = {c.customer_id: c.payment_terms_days for c in ledger.customers}
    for record in ledger.invoices:
        invoice = record.invoice
        assert (invoice.due_date - invoice.issue_date).days == terms[invoice.customer_id]


# -- invoices ---------------------------------------------------------------------------------


def test_invoices_cover_about_twelve_months_for_every_customer(ledger: DemoLedger) -> None:
    issued = [r.invoice.issue_date for r in ledger.invoices]
    assert TODAY - timedelta(days=LEDGER_DAYS - 1) <= min(issued) <= TODAY - timedelta(days=330)
    assert 450 <= len(issued) <= 800
    per_customer = Counter(r.invoice.customer_id for r in ledger.invoices)
    assert set(per_customer) == {c.customer_id for c in ledger.customers}
    assert min(per_customer.values()) >= 6


def test_invoices_are_issued_on_sales_days_up_to_today(made: Demo) -> None:
    sales_days = {d.date for d in made.sales}
    assert all(r.invoice.issue_date in sales_days for r in made.ledger.invoices)
    assert max(r.invoice.issue_date for r in made.ledger.invoices) <= TODAY


def test_each_days_invoiced_total_is_at_most_that_days_revenue(made: Demo) -> None:
    revenue = {d.date: d.revenue for d in made.sales}
    invoiced: dict[date, Decimal] = defaultdict(Decimal)
    for record in made.ledger.invoices:
        invoiced[record.invoice.issue_date] += record.invoice.amount
    assert all(total <= revenue[day] for day, total in invoiced.items())


def test_invoice_ids_are_unique_and_numbered_within_their_issue_year(ledger: DemoLedger) -> None:
    ids = [r.invoice_id for r in ledger.invoices]
    assert len(set(ids)) == len(ids)
    for record in ledger.invoices:
        assert re.fullmatch(rf"INV-{record.invoice.issue_date.year}-\d{{6}}", record.invoice_id)
    assert f"INV-{TODAY.year - 1}-000001" in ids
    assert f"INV-{TODAY.year}-000001" in ids


def test_settlement_ids_are_unique_and_say_their_kind(ledger: DemoLedger) -> None:
    prefixes = {
        SettlementKind.PAYMENT: "PAY",
        SettlementKind.CREDIT_NOTE: "CN",
        SettlementKind.WRITE_OFF: "WO",
    }
    ids = [s.settlement_id for s in settlements(ledger)]
    assert len(set(ids)) == len(ids)
    for s in settlements(ledger):
        assert re.fullmatch(rf"{prefixes[s.kind]}-{s.settled_on.year}-\d{{6}}", s.settlement_id)


def test_amounts_are_positive_and_to_the_cent(ledger: DemoLedger) -> None:
    amounts = [r.invoice.amount for r in ledger.invoices] + [s.amount for s in settlements(ledger)]
    assert all(a > 0 and a == a.quantize(CENT) for a in amounts)


# -- settlements ------------------------------------------------------------------------------


def test_settlements_together_never_exceed_their_invoice(ledger: DemoLedger) -> None:
    assert all(r.open_balance >= 0 for r in ledger.invoices)


def test_no_settlement_is_dated_after_today_or_before_its_invoice(ledger: DemoLedger) -> None:
    for record in ledger.invoices:
        for s in record.settlements:
            assert record.invoice.issue_date <= s.settled_on <= TODAY


def test_each_invoices_settlements_are_in_date_order(ledger: DemoLedger) -> None:
    for record in ledger.invoices:
        days = [s.settled_on for s in record.settlements]
        assert days == sorted(days)


def test_exactly_one_invoice_is_disputed_unpaid_and_over_90_days_past_due(
    ledger: DemoLedger,
) -> None:
    disputed = [r for r in ledger.invoices if r.invoice.disputed]
    assert len(disputed) == 1
    (record,) = disputed
    assert record.settlements == ()
    assert (TODAY - record.invoice.due_date).days > 90


def test_partial_payers_settle_an_invoice_in_several_payments(ledger: DemoLedger) -> None:
    paid_in_parts = [
        r for r in ledger.invoices if len(r.settlements) >= 2 and r.settled_on is not None
    ]
    assert len({r.invoice.customer_id for r in paid_in_parts}) >= 3


def test_the_books_hold_one_credit_note_and_one_write_off(ledger: DemoLedger) -> None:
    kinds = Counter(s.kind for s in settlements(ledger))
    assert kinds[SettlementKind.CREDIT_NOTE] == 1
    assert kinds[SettlementKind.WRITE_OFF] == 1


def test_most_invoices_are_paid_and_some_are_still_open(ledger: DemoLedger) -> None:
    open_now = [r for r in ledger.invoices if r.open_balance > 0]
    assert 0.05 * len(ledger.invoices) < len(open_now) < 0.3 * len(ledger.invoices)


def test_many_customers_owe_nothing_past_due(ledger: DemoLedger) -> None:
    owing = past_due(ledger.invoices, TODAY)
    assert len([c for c in ledger.customers if c.customer_id not in owing]) >= 20


def test_a_payment_after_an_earlier_day_leaves_that_invoice_open_on_it(ledger: DemoLedger) -> None:
    # Aging is an outcome of the records: as of a month ago, invoices paid since were open.
    earlier = TODAY - timedelta(days=30)
    paid_since = [
        r
        for r in ledger.invoices
        if r.invoice.issue_date <= earlier and any(s.settled_on > earlier for s in r.settlements)
    ]
    assert paid_since
    assert all(r.balance_as_of(earlier) > r.open_balance for r in paid_since)


# -- whatever today is ------------------------------------------------------------------------


@pytest.mark.parametrize("today", EDGE_DAYS, ids=str)
def test_every_past_due_bucket_holds_money_on_edge_days(today: date) -> None:
    owed = aging(demo(7, today).ledger.invoices, today)
    assert all(sum(owed[name].values()) > 0 for name in BUCKETS)


@pytest.mark.parametrize("today", EDGE_DAYS, ids=str)
def test_the_first_three_customers_have_money_past_due_on_edge_days(today: date) -> None:
    owing = past_due(demo(7, today).ledger.invoices, today)
    assert all(owing[customer_id] > 0 for customer_id in FIRST_THREE)


@settings(max_examples=30, deadline=None)
@given(
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_buckets_and_the_first_three_hold_money_whatever_the_day_and_seed(
    today: date, seed: int
) -> None:
    ledger = demo(seed, today).ledger
    owed = aging(ledger.invoices, today)
    assert all(sum(owed[name].values()) > 0 for name in BUCKETS)
    owing = past_due(ledger.invoices, today)
    assert all(owing[customer_id] > 0 for customer_id in FIRST_THREE)
    assert all(s.settled_on <= today for s in settlements(ledger))
    kinds = Counter(s.kind for s in settlements(ledger))
    assert (kinds[SettlementKind.CREDIT_NOTE], kinds[SettlementKind.WRITE_OFF]) == (1, 1)
    assert len([r for r in ledger.invoices if r.invoice.disputed]) == 1


def test_no_invoice_falls_due_after_the_last_day_of_the_calendar() -> None:
    today = date.max - timedelta(days=6)
    ledger = demo(1, today).ledger
    assert max(r.invoice.issue_date for r in ledger.invoices) > today - timedelta(days=30)
    assert all(r.invoice.due_date <= date.max for r in ledger.invoices)


# -- inputs -----------------------------------------------------------------------------------


def _inputs(seed: int = 3) -> tuple[random.Random, tuple[SalesDay, ...], tuple[Customer, ...]]:
    sales_rng, customers_rng, ledger_rng = _streams(seed)
    sales = extend_sales(ledger_rng, generate_sales(sales_rng, TODAY))
    return ledger_rng, sales, generate_customers(customers_rng)


def test_a_sales_history_shorter_than_the_guarantees_need_is_refused() -> None:
    rng, sales, contacts = _inputs()
    with pytest.raises(ValueError, match=f"each of the {MIN_HISTORY_DAYS} days"):
        generate_ledger(rng, TODAY, sales[-(MIN_HISTORY_DAYS - 1) :], contacts)


def test_days_without_sales_get_no_invoices() -> None:
    rng, sales, contacts = _inputs()
    gap = {TODAY - timedelta(days=back) for back in range(200, 260)}
    ledger = generate_ledger(rng, TODAY, [d for d in sales if d.date not in gap], contacts)
    assert ledger.invoices
    assert not any(r.invoice.issue_date in gap for r in ledger.invoices)


def test_a_day_whose_revenue_cannot_carry_an_invoice_gets_none() -> None:
    rng, sales, contacts = _inputs()
    quiet = {d.date: d.model_copy(update={"revenue": Decimal("0.50")}) for d in sales[:100]}
    ledger = generate_ledger(rng, TODAY, [quiet.get(d.date, d) for d in sales], contacts)
    assert not any(r.invoice.issue_date in quiet for r in ledger.invoices)
    assert min(r.invoice.issue_date for r in ledger.invoices) > max(quiet)


def test_slow_days_invoices_are_scaled_down_to_their_share_of_revenue() -> None:
    rng, sales, contacts = _inputs()
    slow = [d.model_copy(update={"revenue": Decimal("500.00")}) for d in sales]
    ledger = generate_ledger(rng, TODAY, slow, contacts)
    invoiced: dict[date, Decimal] = defaultdict(Decimal)
    for record in ledger.invoices:
        invoiced[record.invoice.issue_date] += record.invoice.amount
    assert max(invoiced.values()) <= Decimal("400.00")
    assert max(invoiced.values()) > Decimal("399.00")


def test_more_customers_than_the_demos_fifty_each_get_terms_and_invoices() -> None:
    rng, sales, contacts = _inputs()
    extra = tuple(
        c.model_copy(update={"customer_id": f"CUST{n:03d}"})
        for n, c in enumerate(contacts[:10], start=CUSTOMER_COUNT + 1)
    )
    ledger = generate_ledger(rng, TODAY, sales, contacts + extra)
    assert len(ledger.customers) == CUSTOMER_COUNT + 10
    assert all(c.payment_terms_days for c in ledger.customers)
    assert {r.invoice.customer_id for r in ledger.invoices} == {
        c.customer_id for c in ledger.customers
    }


def test_the_first_three_alone_keep_every_bucket_without_a_credit_note_or_write_off() -> None:
    rng, sales, contacts = _inputs()
    ledger = generate_ledger(rng, TODAY, sales, contacts[:3])
    owed = aging(ledger.invoices, TODAY)
    assert all(sum(owed[name].values()) > 0 for name in BUCKETS)
    kinds = {s.kind for s in settlements(ledger)}
    assert kinds == {SettlementKind.PAYMENT}
    assert not any(c.on_hold for c in ledger.customers)  # no other chronic payer to hold
