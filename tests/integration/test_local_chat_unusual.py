"""Unusual days are told for the period asked only, one flagged day is explained with the
anomaly route's own reason (or said not to be flagged), and a method the user names is
the one used. Through POST /agent/chat, on the demo data."""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_local_chat import ask, demo, tool

from finance_agent.shared.clock import today

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


def flagged() -> list[dict[str, str]]:
    found: list[dict[str, str]] = tool("detect_anomalies", period="last_60d", method="robust")[
        "anomalies"
    ]
    assert found, "the demo data has unusual days"
    return found


def test_why_a_flagged_day_was_flagged_gives_the_route_s_reason() -> None:
    day = flagged()[0]
    answer = ask(f"why was {day['date']} flagged?")
    assert answer["tools_used"] == ["detect_anomalies"]
    assert f"{day['date']} was flagged as a {day['direction']}" in answer["reply"]
    assert day["reason"] in answer["reply"]


def test_a_day_that_was_not_flagged_is_said_not_to_be() -> None:
    days = {a["date"] for a in flagged()}
    day = next(
        d for n in range(2, 50) if (d := (today() - timedelta(days=n)).isoformat()) not in days
    )
    assert f"{day} was not flagged" in ask(f"why was {day} flagged?")["reply"]


def test_that_day_is_the_one_day_just_named() -> None:
    day = flagged()[0]["date"]
    session = ask(f"unusual days on {day}")["session_id"]
    reply = ask("why was that day flagged?", session_id=session)["reply"]
    assert f"{day} was flagged" in reply


def test_unusual_days_in_a_month_lists_only_that_month_s_days() -> None:
    end = (today().replace(day=1) - timedelta(days=1)).replace(day=1) - timedelta(days=1)
    start = end.replace(day=1)  # two months back: later flagged days must be left out
    reply = ask(f"unusual days in {start:%B}")["reply"]
    scan = tool("detect_anomalies", period=f"last_{(today() - start).days + 1}d", method="robust")
    for a in scan["anomalies"]:
        inside = start.isoformat() <= a["date"] <= end.isoformat()
        assert (f"{a['date']}: " in reply) == inside, a["date"]
    assert scan["anomalies"], "the scan from that month to today flags days"


def test_anything_odd_yesterday_looks_at_yesterday() -> None:
    yesterday = today() - timedelta(days=1)
    reply = ask("anything odd in sales yesterday?")["reply"]
    assert reply.startswith(f"Yesterday ({yesterday})")


@pytest.mark.parametrize(
    ("message", "operation_id", "method"),
    [
        ("cash forecast using holt winters", "cashflow_forecast", "holt_winters"),
        ("forecast next month with seasonal naive", "cashflow_forecast", "seasonal_naive"),
        ("unusual days with zscore", "detect_anomalies", "zscore"),
    ],
)
def test_a_method_the_user_names_is_used(message: str, operation_id: str, method: str) -> None:
    answer = ask(message)
    assert answer["tools_used"] == [operation_id]
    assert f"method: {method}" in answer["reply"]
