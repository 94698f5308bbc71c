"""The local chat's date readers on the days where calendars are awkward: month ends, leap
days, a weekday said on that weekday, quarters across a year. Pure functions, no store."""

from __future__ import annotations

from datetime import date

import pytest

from finance_agent.adapters.chat.local.dates.calendar import Dates, month_of, quarter_of
from finance_agent.adapters.chat.local.dates.days import named_days, relative
from finance_agent.adapters.chat.local.dates.periods import read_period
from finance_agent.adapters.chat.local.dates.when import read_when
from finance_agent.adapters.chat.local.followups import before


def test_a_month_runs_to_its_last_day_leap_years_included() -> None:
    assert month_of(date(2028, 2, 10)) == Dates(
        date(2028, 2, 1), date(2028, 2, 29), "February 2028"
    )
    assert month_of(date(2026, 12, 31)) == Dates(
        date(2026, 12, 1), date(2026, 12, 31), "December 2026"
    )


def test_a_quarter_is_named_by_its_number_and_year() -> None:
    assert quarter_of(date(2026, 11, 30)) == Dates(date(2026, 10, 1), date(2026, 12, 31), "Q4 2026")


@pytest.mark.parametrize(
    ("said", "today", "month"),
    [
        ("last month", date(2026, 3, 31), "February 2026"),
        ("last month", date(2026, 1, 15), "December 2025"),
        ("next month", date(2026, 1, 31), "February 2026"),
        ("next month", date(2026, 12, 3), "January 2027"),
    ],
)
def test_last_and_next_month_are_calendar_months_from_any_day(
    said: str, today: date, month: str
) -> None:
    found = relative(said, today)
    assert found is not None
    assert found.label == month


def test_since_a_weekday_said_on_that_weekday_starts_a_week_ago() -> None:
    monday = date(2026, 11, 30)
    assert relative("since monday", monday) == Dates(
        date(2026, 11, 23), monday, "2026-11-23 to 2026-11-30"
    )
    assert relative("since last friday", monday) == Dates(
        date(2026, 11, 27), monday, "2026-11-27 to 2026-11-30"
    )


def test_a_reminder_on_a_weekday_said_on_that_weekday_is_a_week_ahead() -> None:
    monday = date(2026, 11, 30)
    assert read_when("on monday", monday).day == date(2026, 12, 7)
    assert read_when("next tuesday", monday).day == date(2026, 12, 1)


def test_a_reminder_at_the_end_of_the_month_is_its_last_day() -> None:
    assert read_when("end of month", date(2028, 2, 3)).day == date(2028, 2, 29)


def test_a_leap_day_without_a_year_that_has_none_is_said_back_not_guessed() -> None:
    # On 2028-03-01 the next 29 February would be in 2029, which has none; the latest one
    # asked before the leap day would be in 2027.
    said = '"29 feb" is not a calendar date: write a date as YYYY-MM-DD.'
    assert named_days("cash on 29 feb", date(2028, 3, 1), ahead=True) == said
    assert read_period("revenue on 29 feb", date(2028, 1, 10)) == said
    assert read_period("revenue on 29 feb", date(2028, 3, 1)) == Dates(
        date(2028, 2, 29), date(2028, 2, 29), "2028-02-29"
    )


def test_a_slashed_date_that_reads_two_ways_is_not_read() -> None:
    assert "reads two ways" in str(read_period("revenue on 12/01/2026", date(2026, 12, 3)))
    assert read_when("12/01/2026", date(2026, 11, 3)).problem == (
        "it reads two ways (day/month or month/day)"
    )
    assert read_when("12/13/2026", date(2026, 11, 3)).day == date(2026, 12, 13)


@pytest.mark.parametrize(
    ("period", "unit", "expected"),
    [
        (month_of(date(2026, 3, 1)), None, month_of(date(2026, 2, 1))),
        (quarter_of(date(2026, 1, 1)), None, quarter_of(date(2025, 10, 1))),
        (
            Dates(date(2026, 3, 31), date(2026, 3, 31), "2026-03-31"),
            "month",
            month_of(date(2026, 2, 1)),
        ),
    ],
)
def test_the_period_before_is_of_the_same_kind_or_the_unit_said(
    period: Dates, unit: str | None, expected: Dates
) -> None:
    assert before(period, unit) == expected
