"""GetKPIsUC over a real SQLite store."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from demo_ledger_fixtures import put_aging
from finance_agent.domain.errors import ValidationError
from finance_agent.domain.kpi_math import compute_kpis
from finance_agent.domain.models import ARAging, KPISnapshot, SalesDay
from finance_agent.domain.period import parse_period
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases import GetKPIsUC
from ledger_factory import customer, record

TODAY = date(2026, 3, 31)


def _aging(cid: str, current: str, over_90: str, d61: str = "0") -> ARAging:
    return ARAging(
        customer_id=cid,
        customer_name=f"Customer {cid}",
        email=f"ap@{cid.lower()}.example.com",
        current=current,
        days_1_30="10.00",
        days_31_60="0",
        days_61_90=d61,
        days_over_90=over_90,
    )


@pytest.fixture
def store(sqlite_repo: FinanceRepository) -> FinanceRepository:
    # 60 days: revenue 100.01 * (i + 1) and cogs 60% of it, so every period sum is distinct.
    days = [
        SalesDay(
            date=TODAY - timedelta(days=i),
            revenue=Decimal("100.01") * (i + 1),
            cogs=(Decimal("60.006") * (i + 1)),
        )
        for i in range(60)
    ]
    sqlite_repo.put_sales_days(days)
    put_aging(
        sqlite_repo, [_aging("C1", "500.00", "250.50", "100.00"), _aging("C2", "0", "0")], TODAY
    )
    return sqlite_repo


def uc(repo: FinanceRepository, today: date = TODAY) -> GetKPIsUC:
    return GetKPIsUC(repo, today=lambda: today, currency="USD")


def test_kpis_sum_the_period_and_compare_with_the_one_before(store: FinanceRepository) -> None:
    kpis = uc(store).execute("last_7d")
    assert kpis.revenue == sum(Decimal("100.01") * (i + 1) for i in range(7))
    assert (kpis.start_date, kpis.end_date) == (date(2026, 3, 25), TODAY)
    assert kpis.previous.revenue == sum(Decimal("100.01") * (i + 1) for i in range(7, 14))
    assert (kpis.previous.start_date, kpis.previous.end_date) == (
        date(2026, 3, 18),
        date(2026, 3, 24),
    )
    assert kpis.source == "computed"
    assert kpis.currency == "USD"


def test_gross_margin_is_revenue_less_cogs_over_revenue(store: FinanceRepository) -> None:
    kpis = uc(store).execute("last_30d")
    revenue = sum(Decimal("100.01") * (i + 1) for i in range(30))
    cogs = sum((Decimal("60.006") * (i + 1)).quantize(Decimal("0.01")) for i in range(30))
    assert kpis.gross_margin == ((revenue - cogs) / revenue).quantize(Decimal("0.0001"))


def test_receivables_add_every_customer_and_over_60_is_the_two_oldest_buckets(
    store: FinanceRepository,
) -> None:
    kpis = uc(store).execute("last_30d")
    assert kpis.ar_total == Decimal("500.00") + Decimal("10.00") + Decimal("100.00") + Decimal(
        "250.50"
    ) + Decimal("10.00")
    assert kpis.ar_over_60 == Decimal("350.50")


def test_receivables_are_what_the_open_invoices_leave_owed_at_the_end_of_today(
    sqlite_repo: FinanceRepository,
) -> None:
    sqlite_repo.put_customers([customer("C1"), customer("C2")])
    sqlite_repo.put_invoice_records(
        [
            # 61 days past due, 40.00 of 100.00 paid: 60.00 over 60 days.
            record("I1", "C1", "2025-12-01", "2026-01-29", "100.00", paid=[("2026-02-10", "40")]),
            # 60 days past due: in 31-60, not over 60.
            record("I2", "C1", "2025-12-01", "2026-01-30", "70.00"),
            # Paid in full today: owed nothing at the end of today.
            record(
                "I3", "C2", "2026-01-01", "2026-02-01", "500.00", paid=[(TODAY.isoformat(), "500")]
            ),
            # Due today: current.
            record("I4", "C2", "2026-03-01", "2026-03-31", "12.34"),
        ]
    )

    kpis = uc(sqlite_repo).execute("last_30d")

    assert kpis.ar_total == Decimal("60.00") + Decimal("70.00") + Decimal("12.34")
    assert kpis.ar_over_60 == Decimal("60.00")


def test_no_sales_gives_zero_revenue_and_zero_margin(sqlite_repo: FinanceRepository) -> None:
    kpis = uc(sqlite_repo).execute("last_30d")
    assert kpis.revenue == 0
    assert kpis.gross_margin == 0
    assert kpis.ar_total == 0


def test_a_cache_made_today_is_served(store: FinanceRepository) -> None:
    period = parse_period("last_30d")
    cached = compute_kpis(period, TODAY, [], [], "USD").model_copy(
        update={"revenue": Decimal("1.23")}
    )
    store.put_kpis(KPISnapshot(computed_for=TODAY, kpis=cached))
    kpis = uc(store).execute("last_30d")
    assert kpis.source == "cache"
    assert kpis.revenue == Decimal("1.23")


def test_a_stale_cache_is_never_served(store: FinanceRepository) -> None:
    period = parse_period("last_30d")
    yesterday = TODAY - timedelta(days=1)
    stale = compute_kpis(period, yesterday, [], [], "USD")
    store.put_kpis(KPISnapshot(computed_for=yesterday, kpis=stale))
    kpis = uc(store).execute("last_30d")
    assert kpis.source == "computed"
    assert kpis.revenue == sum(Decimal("100.01") * (i + 1) for i in range(30))


def test_cache_and_computation_agree_on_the_same_data(store: FinanceRepository) -> None:
    computed = uc(store).execute("last_30d")
    store.put_kpis(KPISnapshot(computed_for=TODAY, kpis=computed))
    cached = uc(store).execute("last_30d")
    assert cached.source == "cache"
    assert cached.model_dump(exclude={"source"}) == computed.model_dump(exclude={"source"})


@pytest.mark.parametrize("period", ["last_0d", "yesterday", "last_366d"])
def test_bad_periods_are_validation_errors(store: FinanceRepository, period: str) -> None:
    with pytest.raises(ValidationError) as caught:
        uc(store).execute(period)
    assert caught.value.field == "period"


def test_each_period_says_how_many_of_its_days_have_sales(store: FinanceRepository) -> None:
    # The store holds the last 60 days: last_45d is covered, the 45 days before only by 15.
    kpis = uc(store).execute("last_45d")

    assert kpis.days_with_sales == 45
    assert kpis.previous.days_with_sales == 15
    assert kpis.previous.revenue == sum(Decimal("100.01") * (i + 1) for i in range(45, 60))


def test_a_previous_period_before_the_history_has_no_sales_days(
    store: FinanceRepository,
) -> None:
    kpis = uc(store).execute("last_90d")

    assert kpis.days_with_sales == 60
    assert kpis.previous.days_with_sales == 0
    assert kpis.previous.revenue == 0


def test_a_total_of_days_each_within_the_bound_is_served_however_large(
    sqlite_repo: FinanceRepository,
) -> None:
    # Each day is a valid record (under 10^15); their sum is beyond it and still a figure.
    big = Decimal("900000000000000.00")
    sqlite_repo.put_sales_days(
        [SalesDay(date=TODAY - timedelta(days=i), revenue=big, cogs=Decimal(0)) for i in range(2)]
    )

    kpis = uc(sqlite_repo).execute("last_7d")

    assert kpis.revenue == 2 * big
