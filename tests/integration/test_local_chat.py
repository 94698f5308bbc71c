"""The local chat provider on the demo data: every figure it says is the API's.

Each question goes through POST /agent/chat (called in-process, as the caller); the figures
expected in the answer come from calling the tool routes themselves with the same identity.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from finance_agent.adapters.chat.local.replies import HELP
from finance_agent.adapters.http.v2_events import call_route
from finance_agent.bootstrap import get_repo
from finance_agent.routes import route_by_id, tool_routes
from finance_agent.shared.auth import ACTIONS_SCOPE, Identity
from finance_agent.shared.clock import today
from finance_agent.shared.settings import get_settings
from finance_agent.tools.seed_data import seed

READER = Identity("rita.reader@example.com", claims={"email": "rita.reader@example.com"})
ANA = Identity(
    "ana.controller@example.com",
    scopes=frozenset({ACTIONS_SCOPE}),
    claims={"email": "ana.controller@example.com"},
)

pytestmark = pytest.mark.usefixtures("demo")

# Customers with money past due in the demo books whatever today is (tools/demo_ledger.py):
# the reminders that must be recorded name them, so no test depends on the day it runs.
DEBTORS = ("CUST001", "CUST002", "CUST003")


@pytest.fixture
def demo() -> None:
    seed(get_repo())


def ask(message: str, identity: Identity = READER, session_id: str | None = None) -> Any:
    status, body = call_route(
        route_by_id("agent_chat"), identity, {"message": message, "session_id": session_id}
    )
    assert status == 200, body
    assert body["provider"] == "local"
    return body


def tool(operation_id: str, identity: Identity = READER, **arguments: Any) -> Any:
    status, body = call_route(route_by_id(operation_id), identity, arguments)
    assert status < 300, body
    return body


def past_due_invoice(customer_id: str) -> str:
    """An invoice of the customer's that is open, past due today and not disputed."""
    page = get_repo().list_invoices(customer_id=customer_id, open_only=True, limit=100)
    return next(
        r.invoice_id for r in page.items if r.invoice.due_date < today() and not r.invoice.disputed
    )


def money(value: Any, currency: str) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"{amount:,.2f} {currency}"


def percent(ratio: Any) -> str:
    return f"{Decimal(str(ratio)) * 100:.2f}%"


# -- expectations: what the answer must say, from the routes' own answers --------------------


def kpis(days: int) -> Callable[[], list[str]]:
    def expected() -> list[str]:
        k = tool("get_kpis", period=f"last_{days}d")
        cur = k["currency"]
        one_day = k["start_date"] == k["end_date"]
        return [
            f"({k['start_date']})" if one_day else f"({k['start_date']} to {k['end_date']})",
            f"revenue was {money(k['revenue'], cur)}",
            f"Gross margin was {percent(k['gross_margin'])}",
            money(k["ar_total"], cur),
            money(k["ar_over_60"], cur),
        ]

    return expected


def month_to_date() -> list[str]:
    return kpis(today().day)()


def week_to_date() -> list[str]:
    return kpis(today().weekday() + 1)()


def cash(horizon: int) -> Callable[[], list[str]]:
    def expected() -> list[str]:
        f = tool("cashflow_forecast", horizon=horizon, method="auto")
        cur = f["currency"]
        return [
            f"next {horizon} days ({f['start_date']} to {f['end_date']})",
            f"about {money(f['total'], cur)}",
            money(f["daily_average"], cur),
        ]

    return expected


def anomalies(days: int) -> Callable[[], list[str]]:
    def expected() -> list[str]:
        r = tool("detect_anomalies", period=f"last_{days}d", method="robust")
        cur, found = r["currency"], r["anomalies"]
        assert found, "the demo data has unusual days"
        said = [f"({r['start_date']} to {r['end_date']})", f"{len(found)} day"]
        said += [f"{a['date']}: {money(a['value'], cur)}, a {a['direction']}" for a in found[:5]]
        return said

    return expected


_BUCKETS = {1: 1, 31: 2, 61: 3, 91: 4}  # first bucket counted for each threshold
_NAMES = ["current", "days_1_30", "days_31_60", "days_61_90", "days_over_90"]


def _owed(row: dict[str, Any], min_days: int) -> Decimal:
    first = max(i for low, i in _BUCKETS.items() if low <= min_days)
    return sum((Decimal(str(row[name])) for name in _NAMES[first:]), Decimal(0))


def overdue(min_days: int) -> Callable[[], list[str]]:
    def expected() -> list[str]:
        a = tool("get_ar_aging", min_days_overdue=min_days)
        rows = a["customers"]
        assert rows, "the demo data has overdue customers"
        total = sum((_owed(row, min_days) for row in rows), Decimal(0))
        largest = max(rows, key=lambda row: (_owed(row, min_days), row["customer_id"]))
        return [
            f"{len(rows)} customers owe",
            f"{money(total, a['currency'])} in all",
            f"{largest['customer_name']} ({largest['customer_id']}) "
            f"{money(_owed(largest, min_days), a['currency'])}",
        ]

    return expected


def actions(limit: int) -> Callable[[], list[str]]:
    def expected() -> list[str]:
        items = tool("list_actions", limit=limit)["items"]
        said = [f"The {len(items)} most recent actions"]
        said += [f"({item['payload']['customer_id']})" for item in items]
        said += [f"invoice {item['payload']['invoice_id']}" for item in items]
        return said

    return expected


def yesterday() -> list[str]:
    series = tool("get_sales", days=2)
    day = series["days"][0]
    assert day["date"] == (today() - timedelta(days=1)).isoformat()
    return [f"Yesterday ({day['date']})", money(day["revenue"], series["currency"])]


SUPPORTED: list[tuple[str, str, Callable[[], list[str]]]] = [
    ("what was revenue in the last 30 days?", "get_kpis", kpis(30)),
    ("Revenue for the past 2 weeks", "get_kpis", kpis(14)),
    ("how much did we make in the last 45 days?", "get_kpis", kpis(45)),
    ("gross margin over the last quarter", "get_kpis", kpis(90)),
    ("KPIs for the last seven days", "get_kpis", kpis(7)),
    ("show me sales for the past month", "get_kpis", kpis(30)),
    ("What's our margin in the last sixty days?", "get_kpis", kpis(60)),
    ("revenue last_90d", "get_kpis", kpis(90)),
    ("how are we doing?", "get_kpis", kpis(30)),
    ("How did we do this month?", "get_kpis", month_to_date),
    ("revenue this week", "get_kpis", week_to_date),
    ("total sales over the past three weeks", "get_kpis", kpis(21)),
    ("revenue in the last 120 days", "get_kpis", kpis(120)),
    ("what were sales today?", "get_kpis", kpis(1)),
    ("receivables and revenue for the last fortnight", "get_kpis", kpis(14)),
    ("what was turnover over the last forty-five days", "get_kpis", kpis(45)),
    ("revenue for the past year", "get_kpis", kpis(365)),
    ("REVENUE IN THE LAST 6 MONTHS", "get_kpis", kpis(180)),
    ("what was revenue yesterday?", "get_sales", yesterday),
    ("what's the cash outlook for the next 30 days?", "cashflow_forecast", cash(30)),
    ("cash flow forecast for the next 2 weeks", "cashflow_forecast", cash(14)),
    ("how much cash do we expect in the next ninety days?", "cashflow_forecast", cash(90)),
    ("cash forecast", "cashflow_forecast", cash(30)),
    ("cash outlook for the next quarter", "cashflow_forecast", cash(90)),
    ("forecast 45 days", "cashflow_forecast", cash(45)),
    ("any unusual days?", "detect_anomalies", anomalies(60)),
    ("were there any anomalies in the last 60 days?", "detect_anomalies", anomalies(60)),
    ("which days had unusual sales in the past 3 months?", "detect_anomalies", anomalies(90)),
    ("show sales spikes or drops over the last 90 days", "detect_anomalies", anomalies(90)),
    ("which customers are more than 60 days overdue?", "get_ar_aging", overdue(61)),
    ("who owes us money?", "get_ar_aging", overdue(1)),
    ("customers over 90 days past due", "get_ar_aging", overdue(91)),
    ("list customers more than thirty days overdue", "get_ar_aging", overdue(31)),
    ("which customers are 60+ days late paying?", "get_ar_aging", overdue(61)),
    ("AR aging of customers at least 45 days overdue", "get_ar_aging", overdue(45)),
    ("customers more than two months overdue", "get_ar_aging", overdue(61)),
    ("show the recent actions", "list_actions", actions(5)),
    ("what were the last 3 actions?", "list_actions", actions(3)),
    ("which reminders were sent recently?", "list_actions", actions(5)),
    ("list the 10 most recent actions", "list_actions", actions(10)),
]


@pytest.mark.parametrize(("message", "operation_id", "expected"), SUPPORTED)
def test_a_supported_question_is_answered_with_the_api_s_figures(
    message: str, operation_id: str, expected: Callable[[], list[str]]
) -> None:
    answer = ask(message)
    assert answer["tools_used"] == [operation_id]
    for fragment in expected():
        assert fragment in answer["reply"], (fragment, answer["reply"])


def test_there_are_at_least_thirty_supported_phrasings() -> None:
    assert len(SUPPORTED) >= 30


UNRELATED = [
    "what's the weather in Paris?",
    "tell me a joke",
    "who won the world cup?",
    "translate good morning into French",
    "write a poem about spring",
    "what is the capital of Japan?",
    "how do I bake bread?",
    "hello",
    "thanks!",
    "can you book a flight to Rome?",
    "what time is it?",
    "who are you?",
    "explain quantum computing",
    "what's 17 times 23?",
    "what is our EBITDA?",
    "how tall is Mount Everest in 2024?",
]


@pytest.mark.parametrize("message", UNRELATED)
def test_anything_else_gets_the_help_answer_with_no_figure(message: str) -> None:
    answer = ask(message)
    assert answer["reply"] == HELP
    assert answer["tools_used"] == []
    assert not re.search(r"\d", answer["reply"])


def test_the_help_answer_says_what_it_is_and_what_it_can_do() -> None:
    assert "without a language model" in HELP
    for topic in ("revenue", "cash", "unusual", "overdue", "actions", "remind"):
        assert topic in HELP
    assert not re.search(r"\d", HELP)


def test_a_period_out_of_range_is_explained_without_a_tool_call() -> None:
    answer = ask("revenue over the last 2 years")
    assert answer["tools_used"] == []
    assert "1 to 365 days" in answer["reply"]


# -- follow-ups use the session's history --------------------------------------------------


def test_a_follow_up_about_the_previous_period_uses_the_kpis_of_the_one_before() -> None:
    first = ask("what was revenue in the last 30 days?", session_id="follow-1")
    answer = ask("and the previous 30?", session_id=first["session_id"])
    k = tool("get_kpis", period="last_30d")
    previous = k["previous"]
    assert answer["tools_used"] == ["get_kpis"]
    assert f"({previous['start_date']} to {previous['end_date']})" in answer["reply"]
    assert money(previous["revenue"], k["currency"]) in answer["reply"]


def test_a_follow_up_with_only_a_period_keeps_the_topic() -> None:
    ask("cash outlook for the next 30 days", session_id="follow-2")
    answer = ask("what about the next 7 days?", session_id="follow-2")
    assert answer["tools_used"] == ["cashflow_forecast"]
    for fragment in cash(7)():
        assert fragment in answer["reply"]


def test_history_is_per_caller_so_another_caller_gets_no_follow_up() -> None:
    ask("cash outlook for the next 30 days", session_id="follow-3")
    answer = ask("what about the next 7 days?", identity=ANA, session_id="follow-3")
    assert answer["reply"] == HELP


# -- reminders: through the route table, with its scope check ------------------------------


def action_count() -> int:
    return len(tool("list_actions", limit=100)["items"])


def test_a_reminder_without_the_scope_is_refused_and_nothing_recorded() -> None:
    before = action_count()
    answer = ask("remind CUST007 to pay", identity=READER)
    assert answer["tools_used"] == ["create_collection_reminder"]
    assert "agent:actions" in answer["reply"]
    assert "permission" in answer["reply"]
    assert action_count() == before


def test_a_reminder_with_the_scope_records_exactly_one_action() -> None:
    when = (today() + timedelta(days=3)).isoformat()
    invoice = past_due_invoice("CUST001")
    before = action_count()
    answer = ask(f"Please remind CUST001 to pay invoice {invoice} on {when}.", identity=ANA)
    assert answer["tools_used"] == ["create_collection_reminder"]
    assert action_count() == before + 1
    newest = tool("list_actions", limit=1)["items"][0]
    assert newest["payload"]["customer_id"] == "CUST001"
    assert newest["payload"]["invoice_id"] == invoice
    assert newest["payload"]["remind_date"] == when
    assert newest["performed_by"] == "ana.controller@example.com"
    assert newest["action_id"] in answer["reply"]
    assert money(newest["payload"]["amount_past_due"], "USD") in answer["reply"]
    again = ask(f"remind CUST001 to pay invoice {invoice} on {when}", identity=ANA)
    assert "already recorded" in again["reply"]
    assert action_count() == before + 1


def test_a_reminder_for_tomorrow_is_dated_tomorrow() -> None:
    ask("remind cust002 to pay tomorrow", identity=ANA)
    newest = tool("list_actions", limit=1)["items"][0]
    assert newest["payload"]["customer_id"] == "CUST002"
    assert newest["payload"]["remind_date"] == (today() + timedelta(days=1)).isoformat()


def test_a_reminder_for_an_unknown_customer_says_so() -> None:
    before = action_count()
    answer = ask("remind CUST999 to pay", identity=ANA)
    assert "CUST999 not found" in answer["reply"]
    assert action_count() == before


def test_a_reminder_for_a_customer_with_nothing_past_due_says_so_and_records_nothing() -> None:
    rows = tool("get_ar_aging", min_days_overdue=0)["customers"]
    paid_up = next(r for r in rows if Decimal(str(r["total"])) == Decimal(str(r["current"])))
    before = action_count()
    answer = ask(f"remind {paid_up['customer_id']} to pay", identity=ANA)
    assert answer["reply"].startswith("I recorded no reminder:")
    assert f"{paid_up['customer_id']} has nothing past due" in answer["reply"]
    assert "Done" not in answer["reply"]
    assert action_count() == before


def test_a_reminder_dated_in_the_past_relays_the_api_s_rule() -> None:
    past = (today() - timedelta(days=3)).isoformat()
    answer = ask(f"remind CUST007 to pay on {past}", identity=ANA)
    assert "remind_date must not be in the past" in answer["reply"]


def test_a_reminder_naming_no_customer_asks_which_one() -> None:
    before = action_count()
    answer = ask("send a reminder please", identity=ANA)
    assert "create_collection_reminder" not in answer["tools_used"]
    assert "Which customer" in answer["reply"]
    assert action_count() == before


# -- whatever the words, an answer ---------------------------------------------------------

_WORDS = [
    "revenue", "margin", "cash", "forecast", "unusual", "overdue", "more than", "remind",
    "CUST007", "invoice", "INV-1", "actions", "previous", "last", "next", "this month",
    "days", "weeks", "forty-five", "60+", "0", "999", "2 years", "tomorrow", "2020-01-01",
    "yesterday", "-", "?", " ",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(_WORDS) | st.text(min_size=1, max_size=12), max_size=12))
def test_any_message_gets_a_plain_answer_never_an_error(words: list[str]) -> None:
    message = " ".join(words).strip() or "?"
    answer = ask(message[:4000], identity=ANA, session_id="fuzz")
    assert answer["reply"]
    assert set(answer["tools_used"]) <= {route.operation_id for route in tool_routes()}


# -- an empty store, failures --------------------------------------------------------------


@pytest.fixture
def empty_store(demo: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """A store with nothing in it (set up after the module's demo one, so it wins)."""
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "empty.db"))
    get_settings.cache_clear()
    get_repo.cache_clear()


@pytest.mark.usefixtures("empty_store")
@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("which customers are more than 60 days overdue?", "No customer owes anything"),
        ("show the recent actions", "No action has been recorded yet."),
        ("what was revenue yesterday?", "There is no sales record for yesterday"),
        ("any unusual days?", "no day's sales stood out"),
    ],
)
def test_with_no_data_the_answer_says_there_is_none(message: str, said: str) -> None:
    assert said in ask(message)["reply"]


def test_a_comparison_follow_up_takes_the_period_from_the_session() -> None:
    ask("revenue in the last 45 days", session_id="follow-4")
    answer = ask("how does that compare with the period before?", session_id="follow-4")
    previous = tool("get_kpis", period="last_45d")["previous"]
    assert f"In the 45 days before that ({previous['start_date']}" in answer["reply"]


def test_a_previous_period_out_of_range_is_explained() -> None:
    answer = ask("and the previous 400?")
    assert answer["tools_used"] == []
    assert "1 to 365 days" in answer["reply"]


def test_a_failing_tool_is_the_chat_s_500_with_only_a_request_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from finance_agent.domain.errors import StoreError
    from finance_agent.domain.usecases import GetKPIsUC

    def broken(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise StoreError("disk on fire")

    monkeypatch.setattr(GetKPIsUC, "execute", broken)
    status, body = call_route(route_by_id("agent_chat"), READER, {"message": "revenue?"})
    assert status == 500
    assert body["error"] == "internal_error"
    assert "disk" not in str(body)


def test_the_answer_stands_when_the_history_cannot_be_saved(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from finance_agent.domain.errors import StoreError
    from finance_agent.infra.sqlite_repo import SqliteRepo

    def broken(self: Any, *args: Any, **kwargs: Any) -> None:
        raise StoreError("read-only file")

    monkeypatch.setattr(SqliteRepo, "append_chat_turns", broken)
    answer = ask("what was revenue in the last 30 days?")
    assert answer["tools_used"] == ["get_kpis"]


def test_every_example_the_help_gives_is_understood() -> None:
    examples = [e for e in re.findall(r'"([^"]+)"', HELP) if "<" not in e]
    assert len(examples) >= 6
    for example in examples:
        answer = ask(example)
        assert answer["reply"] != HELP, example
        assert len(answer["tools_used"]) == 1, example


def test_a_period_alone_does_not_revive_an_older_topic_past_a_newer_one() -> None:
    ask("revenue in the last 30 days", session_id="follow-5")
    ask("who owes us money?", session_id="follow-5")
    assert ask("what about the last 7 days?", session_id="follow-5")["reply"] == HELP


def test_what_the_agent_did_lists_the_actions() -> None:
    assert ask("what did you do?")["tools_used"] == ["list_actions"]


def test_a_week_long_drop_is_told_as_one_level_shift() -> None:
    from finance_agent.domain.models import SalesDay

    repo = get_repo()
    last_week = repo.get_sales_series(7, end=today())
    # The demo's noise is 1,500 a day: the last week 4,500 down (3 sigma) on every day.
    repo.put_sales_days(
        [SalesDay(date=d.date, revenue=d.revenue - 6_000, cogs=d.cogs) for d in last_week]
    )
    r = tool("detect_anomalies", period="last_60d", method="robust")
    shifted = [a for a in r["anomalies"] if a["level_shift"] is not None]
    assert shifted, "the drop is found as a level shift"
    shift = shifted[0]["level_shift"]
    answer = ask("any unusual days?")["reply"]
    told = (
        f"{shift['start_date']} to {shift['end_date']}: {shift['days']} days together below "
        "the usual level (a level shift)"
    )
    assert told in answer
    # Told once, not once per day of the run.
    assert answer.count("(a level shift)") == 1
    assert shift["end_date"] == today().isoformat()
