"""Amounts said as precisely as the figures allow: a threshold inside an aging bucket is
said as the bucket's limit, a refusal's amounts as money, and the earlier period of a
comparison with its dates. Through POST /agent/chat, on the demo data."""

from __future__ import annotations

import re

import pytest
from test_local_chat import ANA, ask, demo, tool
from test_local_chat_requests import past_due

from finance_agent.adapters.chat.local.replies import refusal
from finance_agent.adapters.chat.local.tools import ToolError
from finance_agent.shared.clock import today

pytestmark = pytest.mark.usefixtures("demo")
__all__ = ["demo"]  # the demo store fixture, shared with test_local_chat


@pytest.mark.parametrize(
    ("message", "limit"),
    [
        ("customers more than 45 days overdue", "more than 30 days past due"),
        ("customers more than 2 weeks overdue", "1 day or more past due"),
    ],
)
def test_a_threshold_inside_an_aging_bucket_says_the_bucket_s_limit(
    message: str, limit: str
) -> None:
    reply = ask(message)["reply"]
    assert "aging buckets" in reply
    assert f"give {limit}, the nearest they allow" in reply


def test_a_refused_reminder_says_its_amounts_as_money() -> None:
    # The reminder route's refusals name no amount today; one that did is said as money.
    refused = ToolError(
        "create_collection_reminder",
        409,
        {"message": "customer CUST029 has nothing past due (balance 11395.14 not yet due)"},
    )
    assert refusal(refused) == (
        "I recorded no reminder: customer CUST029 has nothing past due "
        "(balance 11,395.14 USD not yet due)."
    )
    paid_up = next(
        r for r in tool("get_ar_aging", min_days_overdue=0)["customers"] if not past_due(r)
    )
    reply = ask(f"remind {paid_up['customer_id']} to pay", identity=ANA)["reply"]
    assert reply.startswith("I recorded no reminder:")
    assert not re.search(r"(?<![\w.,])\d+\.\d{2}(?! USD)", reply)  # no amount left unsaid


def test_the_earlier_period_of_a_comparison_gives_its_dates() -> None:
    k = tool("get_kpis", period="last_30d")["previous"]
    reply = ask("revenue in the last 30 days")["reply"]
    assert f"30 days before ({k['start_date']} to {k['end_date']}:" in reply
    assert today().isoformat() in reply
