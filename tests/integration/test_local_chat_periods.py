"""The local chat answers for the period asked, or says plainly what it answers instead:
follow-ups read a number with its unit, and a period keeps its direction (past or to come).
Through POST /agent/chat, on the demo data."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from test_local_chat import ask, demo, money, tool

from finance_agent.shared.clock import today

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


def previous_of(days: int) -> dict[str, Any]:
    k = tool("get_kpis", period=f"last_{days}d")
    previous: dict[str, Any] = k["previous"]
    previous["said"] = money(previous["revenue"], k["currency"])
    return previous


# -- follow-ups about the period before -------------------------------------------------------


def test_previous_periods_in_a_session_are_read_with_their_units() -> None:
    session = ask("revenue in the last 14 days")["session_id"]
    for message, days in [
        ("and the previous 2 weeks?", 14),
        ("and the prior 3 months?", 90),
        ("what about the previous one?", 90),  # the same length as the last one asked
    ]:
        reply = ask(message, session_id=session)["reply"]
        previous = previous_of(days)
        assert f"In the {days} days before that ({previous['start_date']} to" in reply, message
        assert previous["said"] in reply, message


def test_the_previous_one_keeps_the_length_just_discussed() -> None:
    session = ask("revenue in the last 14 days")["session_id"]
    reply = ask("what about the previous one?", session_id=session)["reply"]
    assert f"In the 14 days before that ({previous_of(14)['start_date']}" in reply


def test_a_follow_up_about_last_week_after_a_forecast_is_about_past_sales() -> None:
    session = ask("cash forecast")["session_id"]
    answer = ask("what about last week?", session_id=session)
    assert answer["tools_used"] == ["get_kpis"]
    k = tool("get_kpis", period="last_7d")
    assert f"In the last 7 days ({k['start_date']} to {k['end_date']})" in answer["reply"]


def test_a_follow_up_about_the_next_days_after_revenue_is_a_forecast() -> None:
    session = ask("revenue in the last 30 days")["session_id"]
    answer = ask("what about the next 14 days?", session_id=session)
    assert answer["tools_used"] == ["cashflow_forecast"]


# -- calendar periods: answered for the days asked, or the difference said ---------------------


def sales_between(start: date, end: date) -> tuple[str, str]:
    series = tool("get_sales", days=(today() - start).days + 1)
    days = [d for d in series["days"] if start.isoformat() <= d["date"] <= end.isoformat()]
    revenue = sum((Decimal(str(d["revenue"])) for d in days), Decimal(0))
    cogs = sum((Decimal(str(d["cogs"])) for d in days), Decimal(0))
    return money(revenue, series["currency"]), money(cogs, series["currency"])


def last_month() -> tuple[str, date, date]:
    end = today().replace(day=1) - timedelta(days=1)
    return end.strftime("%B"), end.replace(day=1), end


def test_revenue_in_a_month_is_that_month_s_sales() -> None:
    name, start, end = last_month()
    answer = ask(f"What was revenue in {name}?")
    revenue, cogs = sales_between(start, end)
    assert answer["tools_used"] == ["get_sales"]
    assert f"In {name} {start.year} ({start} to {end}) revenue was {revenue}" in answer["reply"]
    assert f"with {cogs} cost of goods sold" in answer["reply"]


def test_revenue_on_a_date_and_between_two_dates() -> None:
    day = today() - timedelta(days=41)
    revenue, _ = sales_between(day, day)
    assert f"On {day} revenue was {revenue}" in ask(f"revenue on {day}")["reply"]
    start, end = today() - timedelta(days=56), today() - timedelta(days=26)
    revenue, _ = sales_between(start, end)
    reply = ask(f"revenue between {start} and {end}")["reply"]
    assert f"From {start} to {end} revenue was {revenue}" in reply


def test_this_month_by_name_says_it_covers_the_days_so_far() -> None:
    start = today().replace(day=1)
    name = start.strftime("%B")
    reply = ask(f"revenue in {name} {start.year}")["reply"]
    if today().day < 28:  # the month is not over
        assert "this covers the days so far" in reply
    assert f"({start} to {today()})" in reply


def test_a_period_before_the_history_says_the_limit_and_gives_no_figure() -> None:
    answer = ask(f"revenue in {today().year - 2}")
    assert answer["tools_used"] == []
    assert "I can look back 365 days at most" in answer["reply"]


def test_a_forecast_for_a_month_to_come_adds_up_that_month_s_days() -> None:
    first = (today().replace(day=28) + timedelta(days=4)).replace(day=1)  # next month
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    horizon = (last - today()).days
    f = tool("cashflow_forecast", horizon=horizon, method="auto")
    total = sum(
        (Decimal(str(p["amount"])) for p in f["points"] if p["date"] >= first.isoformat()),
        Decimal(0),
    )
    answer = ask(f"forecast revenue for {first.strftime('%B')}")
    assert answer["tools_used"] == ["cashflow_forecast"]
    assert f"({first} to {last}): about {money(total, f['currency'])}" in answer["reply"]


def test_a_number_of_days_beyond_the_limit_says_the_limit() -> None:
    answer = ask("revenue in the last 10000000000000 days")
    assert answer["tools_used"] == []
    assert "1 to 365 days" in answer["reply"]


@pytest.mark.parametrize("message", ["revenue in 0000", "revenue in October 0000", "in 0000?"])
def test_year_zero_is_no_year_and_no_error(message: str) -> None:
    assert ask(message, session_id="year-zero")["reply"]


def test_a_date_that_is_no_calendar_day_is_said_to_be_one() -> None:
    answer = ask("revenue on 2026-13-45")
    assert answer["tools_used"] == []
    assert "2026-13-45 is not a calendar date" in answer["reply"]


# -- one day is said as one day ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("what were sales today?", "Today ({today}) revenue was"),
        ("cash forecast for the next 1 day", "Cash outlook for tomorrow ({tomorrow}):"),
        ("customers more than 1 day overdue", "You asked for more than 1 day:"),
    ],
)
def test_one_day_is_said_in_the_singular(message: str, said: str) -> None:
    reply = ask(message)["reply"]
    tomorrow = today() + timedelta(days=1)
    assert said.format(today=today(), tomorrow=tomorrow) in reply
    assert not re.search(r"\b1 days\b|\bIn today\b", reply)


def test_the_day_before_today_is_the_day_before() -> None:
    session = ask("what were sales today?")["session_id"]
    reply = ask("and the previous one?", session_id=session)["reply"]
    previous = previous_of(1)
    assert f"On the day before ({previous['start_date']}) revenue was {previous['said']}" in reply
    assert "1 days" not in reply


# -- a comparison only with a period the sales history covers ---------------------------------


def test_no_comparison_with_a_period_that_has_no_sales_and_it_says_why() -> None:
    k = tool("get_kpis", period="last_120d")
    assert k["previous"]["days_with_sales"] == 0, "the demo history is 120 days long"
    reply = ask("revenue in the last 120 days")["reply"]
    assert "No comparison: no sales are recorded for the 120 days before" in reply
    assert "% on" not in reply
    assert "previously" not in reply


def test_a_period_before_with_part_of_its_sales_gives_no_change_and_says_how_much() -> None:
    k = tool("get_kpis", period="last_90d")
    held = k["previous"]["days_with_sales"]
    assert 0 < held < k["days_with_sales"]
    reply = ask("revenue in the last 90 days")["reply"]
    assert f"sales are recorded on only {held} of its 90 days" in reply
    assert "% on" not in reply


def test_a_fully_covered_period_before_is_compared() -> None:
    k = tool("get_kpis", period="last_30d")
    assert k["previous"]["days_with_sales"] == 30
    reply = ask("revenue in the last 30 days")["reply"]
    assert re.search(r"(?:up|down) \d+\.\d% on the 30 days before", reply)


def test_a_current_period_longer_than_the_history_says_how_many_days_it_holds() -> None:
    k = tool("get_kpis", period="last_365d")
    reply = ask("revenue in the last 365 days")["reply"]
    assert f"Sales are recorded on {k['days_with_sales']} of its 365 days" in reply


def test_the_previous_period_follow_up_says_when_it_is_only_partly_covered() -> None:
    session = ask("revenue in the last 90 days")["session_id"]
    held = tool("get_kpis", period="last_90d")["previous"]["days_with_sales"]
    reply = ask("and the previous one?", session_id=session)["reply"]
    assert f"Sales are recorded on only {held} of those 90 days" in reply
    reply = ask("and the previous 120 days?", session_id=session)["reply"]
    assert "No sales are recorded for the 120 days before that" in reply


def test_a_follow_up_continues_the_topic_as_the_follow_ups_since_moved_it() -> None:
    session = ask("cash forecast")["session_id"]
    ask("what about last week?", session_id=session)  # now about past sales
    name, start, end = last_month()
    answer = ask(f"what about {name}?", session_id=session)
    assert answer["tools_used"] == ["get_sales"]
    assert f"In {name} {start.year} ({start} to {end}) revenue was" in answer["reply"]


def test_since_a_date_or_a_month_runs_to_today() -> None:
    start = today() - timedelta(days=20)
    revenue, _ = sales_between(start, today())
    assert (
        f"From {start} to {today()} revenue was {revenue}" in ask(f"revenue since {start}")["reply"]
    )
    name, first, _ = last_month()
    revenue, _ = sales_between(first, today())
    reply = ask(f"revenue since {name}")["reply"]
    assert f"From {first} to {today()} revenue was {revenue}" in reply
