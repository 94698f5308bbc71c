"""The local chat answers for the period asked, or says plainly what it answers instead:
follow-ups read a number with its unit, and a period keeps its direction (past or to come).
Through POST /agent/chat, on the demo data."""

from __future__ import annotations

from typing import Any

import pytest
from test_local_chat import ask, demo, money, tool

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
