"""One customer's account asked about in any words ("balance of blue harbor foods"), and
overdue follow-ups ("and for CUST002?", "and over 90?"). Through POST /agent/chat."""

from __future__ import annotations

import pytest
from test_local_chat import ask, demo
from test_local_chat_requests import customer, past_due, shared_name_start

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


@pytest.mark.parametrize(
    ("message", "customer_id"),
    [
        # The demo books' customers with money past due whatever the day.
        ("balance of blue harbor foods", "CUST001"),
        ("Is Lakeshore Logistics late on payments?", "CUST002"),
        ("whats the AR for Redwood Retail", "CUST003"),
    ],
)
def test_a_question_about_one_account_answers_for_that_customer(
    message: str, customer_id: str
) -> None:
    row = customer(customer_id)
    answer = ask(message)
    assert answer["tools_used"] == ["get_ar_aging"]
    assert f"{row['customer_name']} ({customer_id})" in answer["reply"]
    if message.startswith("Is"):
        assert answer["reply"].startswith("Yes: " if past_due(row) else "No: ")


def test_overdue_follow_ups_continue_the_overdue_list() -> None:
    session = ask("which customers are overdue?")["session_id"]
    row = customer("CUST002")
    reply = ask("and for CUST002?", session_id=session)["reply"]
    assert f"{row['customer_name']} (CUST002) owes" in reply
    word, _ = shared_name_start()
    reply = ask(f"what about {word}?", session_id=session)["reply"]
    assert "more than one customer" in reply
    reply = ask("and over 90?", session_id=session)["reply"]
    assert "more than 90 days past due" in reply
