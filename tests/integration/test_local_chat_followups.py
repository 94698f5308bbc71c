"""Follow-ups continue the calendar period just discussed ("and September?", "what about
the previous one?", "and the week before?"), and two periods compared are each said with
the change between them, never added up. Through POST /agent/chat, on the demo data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from test_local_chat import ask, demo, money, tool

from finance_agent.shared.clock import today

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


def revenue(start: date, end: date) -> Decimal:
    series = tool("get_sales", days=(today() - start).days + 1)
    days = [d for d in series["days"] if start.isoformat() <= d["date"] <= end.isoformat()]
    return sum((Decimal(str(d["revenue"])) for d in days), Decimal(0))


def month(back: int) -> tuple[date, date]:
    """The calendar month ``back`` months before this one."""
    end = today().replace(day=1) - timedelta(days=1)
    for _ in range(back - 1):
        end = end.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def test_the_previous_one_after_a_month_is_the_calendar_month_before() -> None:
    (s1, _), (s2, e2), (s3, e3) = month(1), month(2), month(3)
    session = ask(f"revenue in {s1:%B}")["session_id"]
    reply = ask(f"and {s2:%B}?", session_id=session)["reply"]
    assert f"({s2} to {e2}) revenue was {money(revenue(s2, e2), 'USD')}" in reply
    reply = ask("what about the previous one?", session_id=session)["reply"]
    assert f"In {s3:%B} {s3.year} ({s3} to {e3}) revenue was" in reply
    assert money(revenue(s3, e3), "USD") in reply


def test_the_week_and_the_month_before_are_relative_to_the_period_discussed() -> None:
    start, _ = month(1)
    session = ask(f"revenue in {start:%B}")["session_id"]
    week = ask("and the week before?", session_id=session)["reply"]
    assert f"From {start - timedelta(days=7)} to {start - timedelta(days=1)}" in week
    # the week before moved the period to those 7 days: the month before is the one
    # before the month that week begins in
    earlier = ((start - timedelta(days=7)).replace(day=1) - timedelta(days=1)).replace(day=1)
    reply = ask("and the month before?", session_id=session)["reply"]
    assert f"{earlier:%B} {earlier.year}" in reply


def test_two_months_compared_are_each_said_with_the_change() -> None:
    (s1, e1), (s2, e2) = month(1), month(2)
    a, b = revenue(s1, e1), revenue(s2, e2)
    for message in (f"{s1:%B} vs {s2:%B} revenue", f"compare {s1:%B} with {s2:%B}"):
        reply = ask(message)["reply"]
        assert f"{s1:%B} {s1.year} ({s1} to {e1}): {money(a, 'USD')}" in reply
        assert f"{s2:%B} {s2.year} ({s2} to {e2}): {money(b, 'USD')}" in reply
        assert money(abs(a - b), "USD") in reply
        assert money(a + b, "USD") not in reply


def test_compare_it_with_the_quarter_before_compares_the_quarter_discussed() -> None:
    session = ask("revenue in Q3 2026")["session_id"]
    reply = ask("compare it with the quarter before", session_id=session)["reply"]
    assert "Q3 2026 (2026-07-01 to 2026-09-30)" in reply
    assert "Q2 2026 (2026-04-01 to 2026-06-30)" in reply
