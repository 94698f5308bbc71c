"""A reminder is an action, so the local chat records one only when the whole message
(politeness aside) is a reminder command, and on exactly the day the message gives:
anything else records nothing and says what to send. Through POST /agent/chat."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from test_local_chat import ANA, ask, demo, tool

from finance_agent.shared.clock import today

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


def actions() -> list[dict[str, object]]:
    items: list[dict[str, object]] = tool("list_actions", limit=100)["items"]
    return items


NOT_ASKED = [
    "Please tell me, did we remind CUST004?",
    "Please check whether CUST032 was reminded",
    "Please, no reminders for CUST036",
    "Please hold the reminder for CUST041",
    "Please let me know if CUST013 needs a reminder",
    "The auditor asked: why did the agent remind CUST043 please explain",
    "remind CUST014 not yet",
    "remind CUST046 to pay \u2014 actually, never mind",
    "Remind CUST024 to pay? I'm not sure it's needed",
    "Remind CUST050? No, wait.",
]


@pytest.mark.parametrize("message", NOT_ASKED)
def test_a_message_that_is_not_a_reminder_command_records_nothing(message: str) -> None:
    before = actions()
    answer = ask(message, identity=ANA)
    assert "create_collection_reminder" not in answer["tools_used"]
    assert not answer["reply"].startswith("Done")
    assert actions() == before


@pytest.mark.parametrize(
    ("message", "sentence"),
    [
        ("remind CUST046 to pay \u2014 actually, never mind", "remind CUST046 to pay"),
        ("remind CUST014 not yet", "remind CUST014 to pay"),
        ("Remind CUST024 to pay? I'm not sure it's needed", "remind CUST024 to pay"),
    ],
)
def test_a_message_that_is_not_a_command_says_what_to_send(message: str, sentence: str) -> None:
    reply = ask(message, identity=ANA)["reply"]
    assert "I recorded nothing" in reply
    assert f"To record it, send: {sentence}" in reply


def _next(weekday: int) -> date:
    return today() + timedelta(days=(weekday - today().weekday() - 1) % 7 + 1)


def _on(month: int, day: int) -> date:
    said = date(today().year, month, day)
    return said if said >= today() else date(today().year + 1, month, day)


def _month_end() -> date:
    return (today().replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


# Customers the demo books give money past due whatever the day (test_local_chat.DEBTORS).
DATED = [
    ("remind CUST001 next Friday", "CUST001", lambda: _next(4)),
    ("remind CUST002 to pay in two weeks", "CUST002", lambda: today() + timedelta(days=14)),
    ("please remind Redwood Retail to pay on Monday", "CUST003", lambda: _next(0)),
    ("remind CUST001 on 1 December", "CUST001", lambda: _on(12, 1)),
    ("remind CUST002 to pay December 3rd", "CUST002", lambda: _on(12, 3)),
    ("remind CUST003 by end of month", "CUST003", _month_end),
    ("remind cust-2 in 3 days", "CUST002", lambda: today() + timedelta(days=3)),
]


@pytest.mark.parametrize(("message", "customer_id", "day"), DATED)
def test_a_reminder_is_recorded_for_the_day_the_message_gives(
    message: str, customer_id: str, day: object
) -> None:
    expected = day().isoformat()  # type: ignore[operator]
    answer = ask(message, identity=ANA)
    reply = answer["reply"]
    assert reply.startswith("Done: I recorded a collection reminder"), reply
    assert f"to go out on {expected}" in reply
    newest = actions()[0]["payload"]
    assert newest["customer_id"] == customer_id  # type: ignore[index]
    assert newest["remind_date"] == expected  # type: ignore[index]


UNREAD = ["remind CUST025 on 12/01/2026", "remind CUST025 next week", "remind CUST025 soonish"]


@pytest.mark.parametrize("message", UNREAD)
def test_a_date_it_cannot_read_exactly_records_nothing(message: str) -> None:
    before = actions()
    reply = ask(message, identity=ANA)["reply"]
    assert "I recorded nothing" in reply
    assert actions() == before
    if "soonish" not in message:
        assert "YYYY-MM-DD" in reply


def test_an_unambiguous_slashed_date_is_read() -> None:
    day = today() + timedelta(days=40 if today().day > 12 else 20)
    while day.day <= 12:  # a day above 12 is no month: the date reads one way
        day += timedelta(days=1)
    answer = ask(f"remind CUST001 on {day.month}/{day.day}/{day.year}", identity=ANA)
    assert f"to go out on {day}" in answer["reply"]
    assert actions()[0]["payload"]["remind_date"] == day.isoformat()  # type: ignore[index]


def test_did_we_remind_a_customer_lists_that_customer_s_actions_only() -> None:
    mine = [a for a in actions() if a["payload"]["customer_id"] == "CUST004"]  # type: ignore[index]
    answer = ask("Please tell me, did we remind CUST004?", identity=ANA)
    assert answer["tools_used"] == ["list_actions"]
    reply = answer["reply"]
    assert ("Actions for CUST004" in reply) == bool(mine)
    assert all("(CUST004)" in line for line in reply.splitlines()[1:])
