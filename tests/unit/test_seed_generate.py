"""The demo data generator on its own: shape, determinism, the injected days, KPI records.

Expected figures are computed here from the generated rows with plain Decimal sums and
``statistics``, never through the product's KPI, aging or anomaly code; receivables from
each invoice's ``balance_as_of`` with a few lines of their own.
"""

from __future__ import annotations

import re
import statistics
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance_agent.tools.demo_sales import (
    NOISE_SIGMA,
    WEEKDAY_PROFILE,
    InjectedAnomaly,
    expected_revenue,
)
from finance_agent.tools.seed_data import SeedData, generate

TODAY = date(2025, 1, 31)
CENT = Decimal("0.01")
Z_THRESHOLD = 2.0
ANOMALY_WINDOW = 60


@pytest.fixture(scope="module")
def data() -> SeedData:
    return generate(42, TODAY)


def _in_last(data: SeedData, days: int, end: date) -> list[Decimal]:
    start = end - timedelta(days=days - 1)
    return [day.revenue for day in data.sales if start <= day.date <= end]


def _flagged_dates(data: SeedData) -> set[date]:
    """Days of the last 60 whose revenue is 2 or more population std devs from the mean."""
    start = data.today - timedelta(days=ANOMALY_WINDOW - 1)
    window = [day for day in data.sales if day.date >= start]
    values = [float(day.revenue) for day in window]
    mean = statistics.fmean(values)
    std = statistics.pstdev(values)
    return {
        day.date
        for day, v in zip(window, values, strict=True)
        if abs(v - mean) / std >= Z_THRESHOLD
    }


def _receivables(data: SeedData, day: date, older_than: int = -(10**6)) -> dict[str, Decimal]:
    """Per customer, what its invoices leave open at the end of ``day``, counting only those
    more than ``older_than`` days past due (all of them by default)."""
    owed: dict[str, Decimal] = {}
    for record in data.invoices:
        balance = record.balance_as_of(day)
        if balance > 0 and (day - record.invoice.due_date).days > older_than:
            customer_id = record.invoice.customer_id
            owed[customer_id] = owed.get(customer_id, Decimal(0)) + balance
    return owed


def _money_values(data: SeedData) -> list[Decimal]:
    values: list[Decimal] = []
    for day in data.sales:
        values += [day.revenue, day.cogs]
    for row in data.aging:
        values += [row.current, row.days_1_30, row.days_31_60, row.days_61_90, row.days_over_90]
    for record in data.invoices:
        values += [record.invoice.amount, *(s.amount for s in record.settlements)]
    for snap in data.kpis:
        values += [snap.kpis.revenue, snap.kpis.ar_total, snap.kpis.ar_over_60]
        values.append(snap.kpis.previous.revenue)
    return values


# -- shape ------------------------------------------------------------------------------------


def test_counts(data: SeedData) -> None:
    assert len(data.customers) == 50
    assert 450 <= len(data.invoices) <= 800  # a year of invoices
    assert len(data.sales) == 120
    assert len(data.kpis) == 3
    assert len(data.actions) == 10
    assert len(data.injected) == 4


def test_sales_are_120_consecutive_days_ending_today(data: SeedData) -> None:
    dates = [day.date for day in data.sales]
    assert dates[-1] == TODAY
    assert dates[0] == TODAY - timedelta(days=119)
    assert dates == [dates[0] + timedelta(days=i) for i in range(120)]


def test_customers_ids_names_and_emails(data: SeedData) -> None:
    assert [row.customer_id for row in data.customers] == [f"CUST{n:03d}" for n in range(1, 51)]
    assert len({row.name for row in data.customers}) == 50
    assert len({row.email for row in data.customers}) == 50
    for row in data.customers:
        assert row.email is not None
        assert re.fullmatch(r"[a-z0-9.-]+@[a-z0-9-]+\.example\.com", row.email), row.email


def test_customers_keep_the_names_and_emails_they_had_before_the_ledger(data: SeedData) -> None:
    # Seed 42's customers as the data set drew them when receivables were typed numbers:
    # the ledger's stream comes after the customers' and leaves it as it was.
    first_and_last = [data.customers[n] for n in (0, 1, 2, 49)]
    assert [(c.customer_id, c.name, c.email) for c in first_and_last] == [
        ("CUST001", "Blue Harbor Foods Inc.", "ap@blue-harbor-foods.example.com"),
        ("CUST002", "Lakeshore Logistics LLC", "ap@lakeshore-logistics.example.com"),
        ("CUST003", "Redwood Retail LLC", "ap@redwood-retail.example.com"),
        ("CUST050", "Redwood Analytics Ltd.", "ap@redwood-analytics.example.com"),
    ]


def test_aging_has_clean_ledgers_and_serious_debtors(data: SeedData) -> None:
    owing = {r.customer_id: r for r in data.aging}
    clean = [
        c
        for c in data.customers
        if c.customer_id not in owing
        or owing[c.customer_id].days_31_60
        == owing[c.customer_id].days_61_90
        == owing[c.customer_id].days_over_90
        == 0
    ]
    overdue = [r for r in data.aging if r.days_over_90 > 0]
    assert len(clean) >= 20
    assert 1 <= len(overdue) <= 15


def test_todays_aging_is_what_the_invoices_leave_open(data: SeedData) -> None:
    owed = _receivables(data, TODAY)
    assert {r.customer_id: r.total for r in data.aging} == owed
    assert [r.customer_id for r in data.aging] == sorted(owed)


def test_cogs_is_a_plausible_share_of_revenue(data: SeedData) -> None:
    for day in data.sales:
        assert day.revenue > 0
        share = day.cogs / day.revenue
        assert Decimal("0.549") <= share <= Decimal("0.651"), (day.date, share)


def test_money_is_rounded_to_cents(data: SeedData) -> None:
    for value in _money_values(data):
        assert value == value.quantize(CENT), value
        assert value.as_tuple().exponent == -2, value


def test_kpi_records_cover_three_periods_stamped_today(data: SeedData) -> None:
    assert [snap.kpis.period for snap in data.kpis] == ["last_30d", "last_60d", "last_90d"]
    for snap in data.kpis:
        assert snap.computed_for == TODAY
        assert snap.kpis.end_date == TODAY
        assert snap.kpis.currency == "USD"


def test_actions_are_reminders_with_fixed_ids_in_the_past(data: SeedData) -> None:
    assert [a.action_id for a in data.actions] == [f"action-{n:03d}" for n in range(1, 11)]
    ids = {row.customer_id for row in data.customers}
    midnight = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC)
    for action in data.actions:
        assert action.action == "collection_reminder"
        assert action.payload["customer_id"] in ids
        assert action.payload["invoice_id"]
        assert date.fromisoformat(action.payload["remind_date"]) > action.created_at.date()
        assert action.performed_by.endswith("example.com")
        assert TODAY - timedelta(days=11) < action.created_at.date() < TODAY
        assert action.created_at < midnight
    created = [a.created_at for a in data.actions]
    assert created == sorted(created)
    assert len(set(created)) == 10


@pytest.mark.parametrize("seed", [42, 7, 1234])
def test_each_sample_reminder_names_an_invoice_past_due_on_the_day_it_was_recorded(
    seed: int,
) -> None:
    data = generate(seed, TODAY)
    invoices = {r.invoice_id: r for r in data.invoices}
    names = {c.customer_id: c for c in data.customers}
    for action in data.actions:
        day = action.created_at.date()
        record = invoices[action.payload["invoice_id"]]
        customer = names[action.payload["customer_id"]]
        assert record.invoice.customer_id == customer.customer_id
        assert action.payload["customer_name"] == customer.name
        assert record.invoice.due_date < day  # past due that day
        balance = record.balance_as_of(day)
        assert balance > 0
        assert action.payload["amount_past_due"] == str(balance)
        assert action.payload["invoices"] == [
            {
                "invoice_id": record.invoice_id,
                "due_date": record.invoice.due_date.isoformat(),
                "open_balance": str(balance),
                "disputed": False,
            }
        ]
        assert not record.invoice.disputed
        assert not customer.on_hold  # nobody chases a customer on a payment plan
    assert len({a.payload["customer_id"] for a in data.actions}) >= 3


# -- determinism ------------------------------------------------------------------------------


def test_same_seed_and_day_give_identical_data() -> None:
    assert generate(7, TODAY) == generate(7, TODAY)


def test_different_seeds_give_different_data() -> None:
    one, other = generate(1, TODAY), generate(2, TODAY)
    assert one.sales != other.sales
    assert one.customers != other.customers


def test_generation_does_not_use_global_random() -> None:
    import random

    random.seed(1)
    first = generate(5, TODAY)
    random.seed(2)
    assert generate(5, TODAY) == first


# -- the injected days ------------------------------------------------------------------------


def test_four_injected_days_two_spikes_two_drops_in_last_60_days(data: SeedData) -> None:
    assert sorted(a.sigmas for a in data.injected) == [-5, -4, 4, 5]
    dates = sorted(a.date for a in data.injected)
    assert len(set(dates)) == 4
    for day in dates:
        assert TODAY - timedelta(days=59) <= day <= TODAY
    gaps = [(later - earlier).days for earlier, later in pairwise(dates)]
    assert min(gaps) > 1


def test_injected_day_is_expected_value_plus_k_sigma(data: SeedData) -> None:
    by_date = {day.date: (index, day) for index, day in enumerate(data.sales)}
    for anomaly in data.injected:
        index, day = by_date[anomaly.date]
        value = expected_revenue(index, day.date) + anomaly.sigmas * NOISE_SIGMA
        assert day.revenue == Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def test_injected_days_move_with_today() -> None:
    later = generate(42, TODAY + timedelta(days=3))
    assert [a.date for a in later.injected] == [
        a.date + timedelta(days=3) for a in generate(42, TODAY).injected
    ]
    assert all(isinstance(a, InjectedAnomaly) for a in later.injected)


def test_weekday_effect_is_small_next_to_the_noise() -> None:
    assert abs(sum(WEEKDAY_PROFILE)) < 1e-9
    assert max(abs(v) for v in WEEKDAY_PROFILE) <= 0.3 * NOISE_SIGMA


@pytest.mark.parametrize("seed", [0, 1, 7, 42, 1234, 99_999])
@pytest.mark.parametrize("shift", range(7))
def test_zscore_at_two_flags_every_injected_day(seed: int, shift: int) -> None:
    # Seven consecutive days, so ``today`` falls once on every weekday.
    data = generate(seed, TODAY + timedelta(days=shift))
    assert {a.date for a in data.injected} <= _flagged_dates(data)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    today=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
)
def test_zscore_finds_injected_days_for_any_seed_and_day(seed: int, today: date) -> None:
    data = generate(seed, today)
    assert {a.date for a in data.injected} <= _flagged_dates(data)


# -- KPI records ------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [30, 60, 90])
def test_kpi_revenue_is_the_sum_of_the_period_sales(data: SeedData, days: int) -> None:
    snap = next(s for s in data.kpis if s.kpis.period == f"last_{days}d")
    assert snap.kpis.revenue == sum(_in_last(data, days, TODAY), Decimal(0))
    assert snap.kpis.start_date == TODAY - timedelta(days=days - 1)
    previous = _in_last(data, days, TODAY - timedelta(days=days))
    assert snap.kpis.previous.revenue == sum(previous, Decimal(0))


@pytest.mark.parametrize("days", [30, 60, 90])
def test_kpi_margin_and_receivables_match_the_rows(data: SeedData, days: int) -> None:
    snap = next(s for s in data.kpis if s.kpis.period == f"last_{days}d")
    start = TODAY - timedelta(days=days - 1)
    period = [day for day in data.sales if day.date >= start]
    revenue = sum((day.revenue for day in period), Decimal(0))
    cogs = sum((day.cogs for day in period), Decimal(0))
    margin = ((revenue - cogs) / revenue).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    assert snap.kpis.gross_margin == margin
    ar_total = sum(_receivables(data, TODAY).values(), Decimal(0))
    ar_over_60 = sum(_receivables(data, TODAY, older_than=60).values(), Decimal(0))
    assert snap.kpis.ar_total == ar_total
    assert snap.kpis.ar_over_60 == ar_over_60
    assert ar_over_60 > 0


def test_currency_is_carried_into_the_kpi_records() -> None:
    assert {s.kpis.currency for s in generate(3, TODAY, currency="EUR").kpis} == {"EUR"}


def test_default_today_is_the_clock_day(monkeypatch: pytest.MonkeyPatch) -> None:
    from finance_agent.shared import clock

    monkeypatch.setattr(clock, "today", lambda: TODAY)
    assert generate(3).today == TODAY
