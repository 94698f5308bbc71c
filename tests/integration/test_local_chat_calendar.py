"""Days, quarters and calendar months said in words are answered for exactly those days:
"on November 20th" is that day, "last month" the previous calendar month, "next month" the
next one; words that cannot be read as one period are said back, and no other period is
answered instead. Through POST /agent/chat, on the demo data."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from test_local_chat import ask, demo, money, tool
from test_local_chat_periods import sales_between

from finance_agent.shared.clock import today

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


def _day_ago(days: int) -> date:
    return today() - timedelta(days=days)


def _said(day: date, how: str) -> str:
    month, short = day.strftime("%B"), day.strftime("%b")
    return how.format(
        d=day.day, month=month, short=short, m=day.month, y=day.year, nth=f"{day.day}th"
    )


@pytest.mark.parametrize(
    "how",
    [
        "How much revenue did we make on {month} {nth}?",
        "revenue on {d} {month}",
        "revenue on {short} {d}",
        "revenue on {m}/{d}/{y}",
    ],
)
def test_a_day_said_in_words_is_that_day(how: str) -> None:
    day = _day_ago(6)
    while day.day <= 12:  # a day above 12 reads one way as m/d/y
        day -= timedelta(days=1)
    revenue, _ = sales_between(day, day)
    answer = ask(_said(day, how))
    assert answer["tools_used"] == ["get_sales"]
    assert f"On {day} revenue was {revenue}" in answer["reply"]


def test_a_slashed_date_that_reads_two_ways_is_asked_for_as_yyyy_mm_dd() -> None:
    answer = ask("revenue on 12/01/2026")
    assert answer["tools_used"] == []
    assert "reads two ways" in answer["reply"]
    assert "YYYY-MM-DD" in answer["reply"]


def test_two_days_said_in_words_are_the_days_between() -> None:
    start, end = _day_ago(50), _day_ago(36)
    revenue, _ = sales_between(start, end)
    message = f"revenue between {start.day} {start:%b} and {end.day} {end:%b}"
    assert f"From {start} to {end} revenue was {revenue}" in ask(message)["reply"]


def test_a_quarter_is_its_three_months() -> None:
    year = today().year if today().month > 9 else today().year - 1
    start, end = date(year, 7, 1), date(year, 9, 30)
    revenue, _ = sales_between(start, end)
    reply = ask(f"revenue in Q3 {year}")["reply"]
    assert f"In Q3 {year} ({start} to {end}) revenue was {revenue}" in reply


def test_since_last_monday_runs_from_that_monday_to_today() -> None:
    start = today() - timedelta(days=today().weekday() or 7)
    revenue, _ = sales_between(start, today())
    assert (
        f"From {start} to {today()} revenue was {revenue}"
        in ask("revenue since last Monday")["reply"]
    )


def test_words_it_cannot_read_as_a_period_are_said_back_with_no_figure() -> None:
    answer = ask("revenue since the big launch")
    assert answer["tools_used"] == []
    assert 'I could not read "since the big launch" as a period' in answer["reply"]


def _month(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    return first, last


def test_last_month_is_the_previous_calendar_month() -> None:
    start, end = _month(today().replace(day=1) - timedelta(days=1))
    revenue, _ = sales_between(start, end)
    reply = ask("what was revenue last month?")["reply"]
    assert f"In {start:%B} {start.year} ({start} to {end}) revenue was {revenue}" in reply


def _forecast_total(start: date, end: date) -> str:
    f = tool("cashflow_forecast", horizon=(end - today()).days, method="auto")
    points = [p for p in f["points"] if start.isoformat() <= p["date"] <= end.isoformat()]
    return money(sum((Decimal(str(p["amount"])) for p in points), Decimal(0)), f["currency"])


def test_next_month_and_the_rest_of_the_month_are_calendar_days() -> None:
    start, end = _month(_month(today())[1] + timedelta(days=1))
    reply = ask("cash forecast for next month")["reply"]
    assert f"({start} to {end}): about {_forecast_total(start, end)}" in reply
    tomorrow, month_end = today() + timedelta(days=1), _month(today())[1]
    if tomorrow < month_end:
        reply = ask("cash forecast for the rest of the month")["reply"]
        assert f"({tomorrow} to {month_end}): about" in reply
        assert _forecast_total(tomorrow, month_end) in reply


def test_tomorrow_is_one_day_and_next_year_says_how_far_the_forecast_reaches() -> None:
    tomorrow = today() + timedelta(days=1)
    reply = ask("cash forecast for tomorrow")["reply"]
    assert f"on {tomorrow}: about {_forecast_total(tomorrow, tomorrow)}" in reply
    reply = ask("cash forecast for next year")["reply"]
    assert f"In {today().year + 1}" in reply or f"in {today().year + 1}" in reply
    assert "365 days ahead at most" in reply


def test_two_days_said_month_first_are_the_days_between() -> None:
    start, end = _day_ago(50), _day_ago(36)
    revenue, _ = sales_between(start, end)
    message = f"revenue between {start:%b} {start.day} and {end:%b} {end.day} {end.year}"
    assert f"From {start} to {end} revenue was {revenue}" in ask(message)["reply"]


def test_a_number_that_names_no_period_leaves_the_usual_answer() -> None:
    answer = ask("did revenue grow by 5%?")
    assert answer["tools_used"] == ["get_kpis"]


def test_a_leap_day_the_year_asked_about_lacks_is_said_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The next 29 February after 2028-03-01 would fall in 2029, which has none.
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: date(2028, 3, 1))
    reply = ask("cash forecast on feb 29")["reply"]
    assert reply == '"feb 29" is not a calendar date: write a date as YYYY-MM-DD.'
