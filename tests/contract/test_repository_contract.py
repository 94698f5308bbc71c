"""The FinanceRepository contract: every store must pass this very file unchanged.

Only the ``repo`` fixture and the protocol's public methods are used here, and every
date is fixed (``end=`` is always passed), so the results do not depend on the clock.
"""

from __future__ import annotations

import base64
import json
import random
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from demo_ledger_fixtures import put_aging
from finance_agent.domain.errors import ConflictError, ValidationError
from finance_agent.domain.ledger.aging import customer_rows
from finance_agent.domain.models import ARAging, KPIs, KPISnapshot, PeriodFigures, SalesDay
from finance_agent.domain.ports import FinanceRepository

JAN_1 = date(2024, 1, 1)
T0 = datetime(2024, 3, 1, 9, 30, 0, 123456, tzinfo=UTC)


def sales_day(day: date, revenue: str = "100.00", cogs: str = "40.00") -> SalesDay:
    return SalesDay(date=day, revenue=Decimal(revenue), cogs=Decimal(cogs))


def aging(customer_id: str, current: str = "10.00", over_90: str = "0.00") -> ARAging:
    return ARAging(
        customer_id=customer_id,
        customer_name=f"Customer {customer_id}",
        email=f"{customer_id}@example.com",
        current=Decimal(current),
        days_1_30=Decimal("1.00"),
        days_31_60=Decimal("2.00"),
        days_61_90=Decimal("3.00"),
        days_over_90=Decimal(over_90),
    )


def snapshot(period: str, computed_for: date, revenue: str = "3000.00") -> KPISnapshot:
    kpis = KPIs(
        period=period,
        start_date=computed_for - timedelta(days=29),
        end_date=computed_for,
        revenue=Decimal(revenue),
        gross_margin=Decimal("0.4123"),
        ar_total=Decimal("12345.67"),
        ar_over_60=Decimal("2345.01"),
        days_with_sales=30,
        currency="USD",
        source="computed",
        previous=PeriodFigures(
            start_date=computed_for - timedelta(days=59),
            end_date=computed_for - timedelta(days=30),
            revenue=Decimal("2900.10"),
            gross_margin=Decimal("0.3999"),
            days_with_sales=12,
        ),
    )
    return KPISnapshot(computed_for=computed_for, kpis=kpis)


def all_pages(repo: FinanceRepository, limit: int) -> list[list[str]]:
    """Follow next_token to the end; the action ids of each page."""
    pages: list[list[str]] = []
    token: str | None = None
    while True:
        page = repo.list_agent_actions(limit=limit, before=token)
        pages.append([a.action_id for a in page.items])
        token = page.next_token
        if token is None:
            return pages
        assert len(pages) < 100, "pagination does not terminate"


# -- daily sales --


def test_writing_the_same_sales_day_twice_keeps_one_record_with_the_latest_values(
    repo: FinanceRepository,
) -> None:
    repo.put_sales_days([sales_day(JAN_1, "100.00", "40.00")])
    repo.put_sales_days([sales_day(JAN_1, "250.50", "99.99")])
    repo.put_sales_days([sales_day(JAN_1, "250.50", "99.99")])

    assert repo.get_sales_series(7, end=JAN_1 + timedelta(days=3)) == [
        sales_day(JAN_1, "250.50", "99.99")
    ]


def test_the_sales_series_includes_both_ends_of_the_window_oldest_first(
    repo: FinanceRepository,
) -> None:
    days = [JAN_1 + timedelta(days=i) for i in range(10)]
    shuffled = days[:]
    random.Random(7).shuffle(shuffled)
    repo.put_sales_days(sales_day(d, f"{100 + d.day}.25") for d in shuffled)

    series = repo.get_sales_series(3, end=date(2024, 1, 5))

    assert [s.date for s in series] == [date(2024, 1, 3), date(2024, 1, 4), date(2024, 1, 5)]
    assert [s.revenue for s in series] == [Decimal("103.25"), Decimal("104.25"), Decimal("105.25")]


def test_a_one_day_series_is_just_the_end_day(repo: FinanceRepository) -> None:
    repo.put_sales_days(sales_day(JAN_1 + timedelta(days=i)) for i in range(3))

    assert [s.date for s in repo.get_sales_series(1, end=date(2024, 1, 2))] == [date(2024, 1, 2)]


def test_days_without_a_sales_record_are_absent_not_zero(repo: FinanceRepository) -> None:
    repo.put_sales_days(sales_day(date(2024, 1, d)) for d in (1, 3, 5))

    series = repo.get_sales_series(5, end=date(2024, 1, 5))

    assert [s.date for s in series] == [date(2024, 1, 1), date(2024, 1, 3), date(2024, 1, 5)]


def test_a_window_with_no_records_is_empty(repo: FinanceRepository) -> None:
    repo.put_sales_days([sales_day(JAN_1)])

    assert repo.get_sales_series(30, end=date(2023, 12, 31)) == []
    assert repo.get_sales_series(30, end=date(2024, 3, 1)) == []


@pytest.mark.parametrize("days", [0, -1])
def test_a_series_of_fewer_than_one_day_is_refused(repo: FinanceRepository, days: int) -> None:
    with pytest.raises(ValidationError) as caught:
        repo.get_sales_series(days, end=JAN_1)
    assert caught.value.field == "days"


def test_the_latest_sales_date_is_none_for_an_empty_store(repo: FinanceRepository) -> None:
    assert repo.latest_sales_date() is None


def test_the_latest_sales_date_is_the_most_recent_day_stored(repo: FinanceRepository) -> None:
    repo.put_sales_days(sales_day(date(2024, 1, d)) for d in (20, 3, 31, 9))

    assert repo.latest_sales_date() == date(2024, 1, 31)


@pytest.mark.parametrize("amount", ["0", "0.01", "0.10", "1234.56", "1000000.00", "99999999.99"])
def test_money_round_trips_to_the_exact_cent(repo: FinanceRepository, amount: str) -> None:
    repo.put_sales_days([sales_day(JAN_1, revenue=amount, cogs=amount)])

    (stored,) = repo.get_sales_series(1, end=JAN_1)

    assert stored.revenue == Decimal(amount)
    assert stored.cogs == Decimal(amount)
    assert str(stored.revenue) == str(Decimal(amount).quantize(Decimal("0.01")))


# -- receivables: the ledger's, in the same store --


def test_receivables_are_the_ledgers_invoices_in_the_same_store(repo: FinanceRepository) -> None:
    rows = [aging("C-010"), aging("A-2", "0.01", "99999999.99"), aging("B-7", "1234.56")]
    put_aging(repo, rows, JAN_1)

    stored = customer_rows(repo.open_invoices_as_of(JAN_1), repo.get_customers(["A-2"]), JAN_1)

    assert [r.customer_id for r in stored] == ["A-2", "B-7", "C-010"]
    assert stored[0] == aging("A-2", "0.01", "99999999.99")
    assert [r.total for r in stored] == [r.total for r in sorted(rows, key=lambda r: r.customer_id)]
    assert stored[0].total == Decimal("100000006.00")


def test_an_empty_store_owes_nothing(repo: FinanceRepository) -> None:
    assert repo.list_customers() == []
    assert repo.open_invoices_as_of(JAN_1) == []


# -- KPI records --


def test_a_kpi_snapshot_round_trips(repo: FinanceRepository) -> None:
    stored = snapshot("last_30d", date(2024, 2, 1))
    repo.put_kpis(stored)

    assert repo.get_kpis("last_30d") == stored


def test_a_new_kpi_snapshot_replaces_the_period_s_old_one(repo: FinanceRepository) -> None:
    repo.put_kpis(snapshot("last_30d", date(2024, 2, 1), "1.00"))
    repo.put_kpis(snapshot("last_60d", date(2024, 2, 1), "2.00"))
    newer = snapshot("last_30d", date(2024, 2, 2), "99999999.99")
    repo.put_kpis(newer)

    assert repo.get_kpis("last_30d") == newer
    assert repo.get_kpis("last_60d") == snapshot("last_60d", date(2024, 2, 1), "2.00")


def test_a_period_without_a_snapshot_has_none(repo: FinanceRepository) -> None:
    repo.put_kpis(snapshot("last_30d", date(2024, 2, 1)))

    assert repo.get_kpis("last_90d") is None


# -- agent actions --


def test_creating_an_action_returns_an_id_that_reads_it_back(repo: FinanceRepository) -> None:
    action_id = repo.create_agent_action("collection_reminder", {"customer_id": "C1"}, "alice")

    stored = repo.get_agent_action(action_id)

    assert isinstance(action_id, str)
    assert action_id
    assert stored is not None
    assert stored.action_id == action_id
    assert stored.action == "collection_reminder"
    assert stored.payload == {"customer_id": "C1"}
    assert stored.performed_by == "alice"
    assert stored.status == "pending"
    assert stored.created_at.tzinfo is not None


def test_generated_action_ids_are_unique(repo: FinanceRepository) -> None:
    ids = {repo.create_agent_action("note", {}, "alice") for _ in range(20)}

    assert len(ids) == 20


def test_an_action_keeps_the_given_id_time_and_status(repo: FinanceRepository) -> None:
    paris = timezone(timedelta(hours=1))
    when = datetime(2024, 3, 1, 10, 30, 0, 123456, tzinfo=paris)

    action_id = repo.create_agent_action(
        "note", {}, "bob", action_id="act-1", created_at=when, status="done"
    )
    stored = repo.get_agent_action("act-1")

    assert action_id == "act-1"
    assert stored is not None
    assert stored.created_at == when == T0
    assert stored.status == "done"


def test_an_unknown_action_id_reads_as_none(repo: FinanceRepository) -> None:
    assert repo.get_agent_action("missing") is None


def test_an_action_id_that_exists_raises_conflict_and_keeps_the_first(
    repo: FinanceRepository,
) -> None:
    repo.create_agent_action("note", {"n": 1}, "alice", action_id="dup", created_at=T0)

    with pytest.raises(ConflictError):
        repo.create_agent_action(
            "other", {"n": 2}, "mallory", action_id="dup", created_at=T0 + timedelta(days=1)
        )

    stored = repo.get_agent_action("dup")
    assert stored is not None
    assert (stored.action, stored.payload, stored.performed_by) == ("note", {"n": 1}, "alice")
    assert stored.created_at == T0
    assert [a.action_id for a in repo.list_agent_actions().items] == ["dup"]


def test_an_action_payload_round_trips_with_nested_values_and_unicode(
    repo: FinanceRepository,
) -> None:
    payload = {
        "customer": {"id": "C-1", "name": "Zoë Ünal — 株式会社", "tags": ["vip", "eu"]},
        "amount_past_due": "1234.56",
        "count": 3,
        "flags": {"sent": False, "retry": True, "note": None},
        "lines": [{"invoice": "INV-1", "days": 45}, {"invoice": "INV-2", "days": 0}],
        "emoji": "💶",
        "empty": {},
        "nothing": [],
    }

    action_id = repo.create_agent_action("collection_reminder", payload, "agent:bedrock")
    stored = repo.get_agent_action(action_id)

    assert stored is not None
    assert stored.payload == payload


def test_an_empty_store_lists_no_actions(repo: FinanceRepository) -> None:
    page = repo.list_agent_actions()

    assert page.items == []
    assert page.next_token is None


def test_actions_are_listed_newest_first(repo: FinanceRepository) -> None:
    for minute in (5, 1, 9, 3):
        repo.create_agent_action(
            "note", {}, "alice", action_id=f"m{minute}", created_at=T0 + timedelta(minutes=minute)
        )

    page = repo.list_agent_actions(limit=10)

    assert [a.action_id for a in page.items] == ["m9", "m5", "m3", "m1"]
    assert page.next_token is None


def test_pages_cover_every_action_once_newest_first_with_ties_broken_by_id(
    repo: FinanceRepository,
) -> None:
    # 23 actions, three sharing each timestamp, ids unrelated to insertion order.
    ids = [f"act-{n:02d}" for n in random.Random(3).sample(range(100), 23)]
    created = {action_id: T0 + timedelta(seconds=i // 3) for i, action_id in enumerate(ids)}
    for action_id in random.Random(4).sample(ids, len(ids)):
        repo.create_agent_action(
            "note", {}, "alice", action_id=action_id, created_at=created[action_id]
        )
    expected = sorted(ids, key=lambda a: (created[a], a), reverse=True)

    pages = all_pages(repo, limit=5)

    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    assert [a for p in pages for a in p] == expected


def test_a_listing_that_ends_on_a_page_boundary_has_no_token_on_its_last_page(
    repo: FinanceRepository,
) -> None:
    for i in range(10):
        repo.create_agent_action(
            "note", {}, "alice", action_id=f"a{i}", created_at=T0 + timedelta(seconds=i)
        )

    first = repo.list_agent_actions(limit=5)
    assert first.next_token is not None
    second = repo.list_agent_actions(limit=5, before=first.next_token)

    assert [a.action_id for a in first.items + second.items] == [f"a{i}" for i in range(9, -1, -1)]
    assert second.next_token is None


def test_a_full_listing_in_one_page_has_no_token(repo: FinanceRepository) -> None:
    for i in range(3):
        repo.create_agent_action("note", {}, "alice", created_at=T0 + timedelta(seconds=i))

    page = repo.list_agent_actions(limit=3)

    assert len(page.items) == 3
    assert page.next_token is None


def test_the_page_size_may_be_anywhere_from_1_to_100(repo: FinanceRepository) -> None:
    for i in range(3):
        repo.create_agent_action("note", {}, "alice", created_at=T0 + timedelta(seconds=i))

    assert len(repo.list_agent_actions(limit=1).items) == 1
    assert len(repo.list_agent_actions(limit=100).items) == 3


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_a_page_size_outside_1_to_100_is_refused(repo: FinanceRepository, limit: int) -> None:
    with pytest.raises(ValidationError) as caught:
        repo.list_agent_actions(limit=limit)
    assert caught.value.field == "limit"


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "%%%not-base64%%%",
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(json.dumps(["yesterday", "act-1"]).encode()).decode(),
    ],
)
def test_a_next_token_that_is_not_one_is_refused(repo: FinanceRepository, token: str) -> None:
    repo.create_agent_action("note", {}, "alice", created_at=T0)

    with pytest.raises(ValidationError) as caught:
        repo.list_agent_actions(limit=5, before=token)
    assert caught.value.field == "next_token"
