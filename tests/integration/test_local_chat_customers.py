"""One customer's account asked about in any words ("balance of summit builders"), and
overdue follow-ups ("and for CUST007?", "and over 90?"). Through POST /agent/chat."""

from __future__ import annotations

import pytest
from test_local_chat import ask, demo
from test_local_chat_requests import customer, past_due

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


@pytest.mark.parametrize(
    ("message", "customer_id"),
    [
        ("balance of summit builders", "CUST033"),
        ("Is Acme Foods late on payments?", "CUST044"),
        ("whats the AR for Cedar Ridge Logistics", "CUST017"),
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
    row = customer("CUST007")
    reply = ask("and for CUST007?", session_id=session)["reply"]
    assert f"{row['customer_name']} (CUST007) owes" in reply
    reply = ask("what about Acme?", session_id=session)["reply"]
    assert "more than one customer" in reply
    reply = ask("and over 90?", session_id=session)["reply"]
    assert "more than 90 days past due" in reply
