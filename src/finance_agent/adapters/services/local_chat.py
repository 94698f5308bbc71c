"""The local chat provider: offline, deterministic, no model.

It reads the question with ``local_intents`` (plain pattern matching), calls the route that
answers it as the caller (``call_route``: the API's own validation and scope checks), and
says the route's figures back in sentences. What it does not understand gets the help
answer, which holds no figure. It calls itself "local" and never claims to be a model.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from finance_agent.adapters.services import local_intents as intents
from finance_agent.adapters.services.chat import ChatAnswer, ChatRequest
from finance_agent.adapters.services.local_intents import Span
from finance_agent.domain.errors import DomainError, StoreError
from finance_agent.domain.models import ChatTurn
from finance_agent.domain.models.chat import MAX_CHAT_TEXT
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock
from finance_agent.shared.log import logger

NAME = "local"
LISTED = 5  # customers or days named in one answer; the rest are counted
CHAT_FORECAST_METHOD = "auto"
CHAT_ANOMALY_METHOD = "robust"
HELP = (
    "I'm the offline finance assistant: I answer from this company's records without a "
    "language model, so I understand a few kinds of questions. Ask me about:\n"
    '- revenue, gross margin and receivables for a period, e.g. "revenue in the last thirty '
    'days", "margin this month", "KPIs for the past two weeks";\n'
    '- the cash outlook, e.g. "cash forecast for the next quarter";\n'
    '- unusual sales days, e.g. "any unusual days in the last two months?";\n'
    '- overdue customers, e.g. "which customers are more than sixty days overdue?";\n'
    '- recent actions, e.g. "show the recent actions";\n'
    '- reminders, e.g. "remind <customer id> to pay" (this needs the agent:actions '
    "permission)."
)
NO_PERMISSION = (
    "I can't record that reminder: your access lacks the agent:actions permission that "
    "recording actions needs. Ask an administrator for it; I can still answer questions "
    "about the figures."
)


def money(value: Any, currency: str) -> str:
    return f"{Decimal(str(value)).quantize(Decimal('0.01')):,.2f} {currency}"


def percent(ratio: Any) -> str:
    return f"{(Decimal(str(ratio)) * 100).quantize(Decimal('0.01'))}%"


def _change(now: Any, before: Any) -> str:
    now_d, before_d = Decimal(str(now)), Decimal(str(before))
    if before_d == 0:
        return ""
    change = ((now_d - before_d) / before_d * 100).quantize(Decimal("0.1"))
    if change == 0:
        return "unchanged from"
    return f"{'up' if change > 0 else 'down'} {abs(change)}% on"


class ToolError(Exception):
    """A route refused the call (4xx): the answer says why, in the route's words."""

    def __init__(self, operation_id: str, status: int, body: Any) -> None:
        super().__init__(f"{operation_id}: {status}")
        self.operation_id, self.status = operation_id, status
        self.body = body if isinstance(body, Mapping) else {}


class Tools:
    """Route calls made as the chat's caller, remembered in order (``tools_used``)."""

    def __init__(self, request: ChatRequest) -> None:
        self._request = request
        self.used: list[str] = []
        self.calls = 0
        self.last_status = 0

    def call(self, operation_id: str, **arguments: Any) -> dict[str, Any]:
        from finance_agent.adapters.http.v2_events import call_route
        from finance_agent.routes import route_by_id

        if operation_id not in self.used:
            self.used.append(operation_id)
        self.calls += 1
        request_id = f"{self._request.request_id}:{self.calls}"
        status, body = call_route(
            route_by_id(operation_id), self._request.identity, arguments, request_id=request_id
        )
        if status >= 500:
            raise StoreError(f"the {operation_id} route failed with {status}")
        if status >= 400:
            raise ToolError(operation_id, status, body)
        self.last_status = status
        result: dict[str, Any] = body
        return result


@dataclass(frozen=True)
class Ask:
    """One question being answered: the tools, the normalized text, the request, the session."""

    tools: Tools
    text: str
    request: ChatRequest
    history: _History


class LocalChatProvider:
    name = NAME

    def answer(self, request: ChatRequest) -> ChatAnswer:
        tools = Tools(request)
        history = _History(request)
        text = intents.normalize(request.message)
        intent = intents.detect_intent(text, request.message) or _follow_up(text, history)
        ask = Ask(tools, text, request, history)
        try:
            reply = _ANSWERS[intent](ask) if intent else HELP
        except ToolError as exc:
            reply = _refusal(exc)
        history.remember(request.message, reply)
        logger.info("local chat", intent=intent or "help", tools=tools.used)
        return ChatAnswer(reply=reply, provider=NAME, tools_used=tuple(tools.used))


class _History:
    """The session's turns, read only when a follow-up needs them; kept for the next one."""

    def __init__(self, request: ChatRequest) -> None:
        self._request = request
        self._turns: list[ChatTurn] | None = None

    def _repo(self) -> Any:
        from finance_agent.bootstrap import get_repo

        return get_repo()

    def user_messages(self) -> list[str]:
        """Earlier questions of the session, newest first."""
        if self._turns is None:
            request = self._request
            self._turns = self._repo().get_chat_history(
                request.identity.principal, request.session_id
            )
        return [turn.text for turn in reversed(self._turns) if turn.role == "user"]

    def remember(self, message: str, reply: str) -> None:
        now = clock.now_utc()
        turns = [
            ChatTurn(role="user", text=message[:MAX_CHAT_TEXT], at=now),
            ChatTurn(role="assistant", text=reply[:MAX_CHAT_TEXT], at=now),
        ]
        request = self._request
        try:
            self._repo().append_chat_turns(request.identity.principal, request.session_id, turns)
        except DomainError as exc:  # the answer stands; only the follow-up context is lost
            logger.warning("chat history not saved", code=exc.code)


def _follow_up(text: str, history: _History) -> str | None:
    """A message with no topic of its own ("and the previous 30?", "what about this month?")
    continues the topic of the session's last question that had one."""
    if intents.asks_previous(text):
        return "previous"
    if intents.parse_span(text, clock.today()) is None and not intents.mentions_yesterday(text):
        return None
    for earlier in history.user_messages():
        intent = intents.detect_intent(intents.normalize(earlier), earlier)
        if intent is not None:  # the latest topic, if a period applies to it
            return intent if intent in ("kpis", "cashflow", "anomalies") else None
    return None


def _refusal(exc: ToolError) -> str:
    if exc.status == 403:
        if exc.operation_id == "create_collection_reminder":
            return NO_PERMISSION
        return "I can't do that: your access lacks the permission it needs."
    if exc.status == 400:
        details = exc.body.get("details") or []
        rules = "; ".join(f"{d.get('field')} {d.get('rule')}" for d in details)
        return f"I could not do that: {rules or exc.body.get('message', 'invalid input')}."
    if exc.status == 404:
        return f"I could not find it: {exc.body.get('message', 'not found')}."
    return f"I could not do that: {exc.body.get('message', 'the request was refused')}."


def _span(text: str, default: int, future: bool = False) -> Span:
    span = intents.parse_span(text, clock.today())
    if span is None:
        return Span(default, f"the {'next' if future else 'last'} {default} days")
    return span


def _out_of_range(span: Span) -> str | None:
    if 1 <= span.days <= MAX_PERIOD_DAYS:
        return None
    return f"I can look at 1 to {MAX_PERIOD_DAYS} days at a time, not {span.days}."


def _kpis(ask: Ask) -> str:
    if intents.mentions_yesterday(ask.text):
        return _yesterday(ask.tools)
    span = _span(ask.text, 30)
    if (refused := _out_of_range(span)) is not None:
        return refused
    k = ask.tools.call("get_kpis", period=f"last_{span.days}d")
    cur, prev = k["currency"], k["previous"]
    change = _change(k["revenue"], prev["revenue"])
    compared = (
        f", {change} the {span.days} days before ({money(prev['revenue'], cur)})" if change else ""
    )
    return (
        f"In {span.label} ({k['start_date']} to {k['end_date']}) revenue was "
        f"{money(k['revenue'], cur)}{compared}. Gross margin was {percent(k['gross_margin'])} "
        f"(previously {percent(prev['gross_margin'])}). Receivables stand at "
        f"{money(k['ar_total'], cur)}, of which {money(k['ar_over_60'], cur)} is more than "
        "60 days past due."
    )


def _yesterday(tools: Tools) -> str:
    series = tools.call("get_sales", days=2)
    day = (date.fromisoformat(series["end_date"]) - timedelta(days=1)).isoformat()
    found = [d for d in series["days"] if d["date"] == day]
    if not found:
        return f"There is no sales record for yesterday ({day})."
    cur = series["currency"]
    return (
        f"Yesterday ({day}) revenue was {money(found[0]['revenue'], cur)}, with "
        f"{money(found[0]['cogs'], cur)} cost of goods sold."
    )


def _previous(ask: Ask) -> str:
    """The period before the one asked about: the KPIs route reports it alongside."""
    span = intents.parse_span(ask.text, clock.today())
    days = intents.bare_number(ask.text) or (span.days if span else None)
    if days is None:
        for earlier in ask.history.user_messages():
            said = intents.parse_span(intents.normalize(earlier), clock.today())
            if said is not None:
                days = said.days
                break
    days = days or 30
    if (refused := _out_of_range(Span(days, f"{days} days"))) is not None:
        return refused
    k = ask.tools.call("get_kpis", period=f"last_{days}d")
    prev, cur = k["previous"], k["currency"]
    return (
        f"In the {days} days before that ({prev['start_date']} to {prev['end_date']}) revenue "
        f"was {money(prev['revenue'], cur)} and gross margin {percent(prev['gross_margin'])}; "
        f"the last {days} days brought {money(k['revenue'], cur)}."
    )


def _cashflow(ask: Ask) -> str:
    span = _span(ask.text, 30, future=True)
    if "so far" in span.label:  # "this month so far" looks back; a forecast looks ahead
        span = Span(30, "the next 30 days")
    if (refused := _out_of_range(span)) is not None:
        return refused
    # The chat chooses for the user, so it uses the methods the benchmark backs (issue 8).
    f = ask.tools.call("cashflow_forecast", horizon=span.days, method=CHAT_FORECAST_METHOD)
    cur = f["currency"]
    reply = (
        f"Cash outlook for the next {f['horizon_days']} days ({f['start_date']} to "
        f"{f['end_date']}): about {money(f['total'], cur)} expected from sales, "
        f"{money(f['daily_average'], cur)} a day on average (method: {f['method']})."
    )
    interval = f.get("total_interval")
    if isinstance(interval, Mapping) and "lo80" in interval:
        reply += (
            f" With 80% confidence the total lies between {money(interval['lo80'], cur)} "
            f"and {money(interval['hi80'], cur)}."
        )
    return reply


def _anomalies(ask: Ask) -> str:
    span = _span(ask.text, 60)
    if (refused := _out_of_range(span)) is not None:
        return refused
    r = ask.tools.call("detect_anomalies", period=f"last_{span.days}d", method=CHAT_ANOMALY_METHOD)
    cur, found = r["currency"], r["anomalies"]
    where = f"In {span.label} ({r['start_date']} to {r['end_date']})"
    if not found:
        return f"{where} no day's sales stood out from the usual level."
    days = "; ".join(
        f"{a['date']}: {money(a['value'], cur)}, a {a['direction']}" for a in found[:LISTED]
    )
    more = f"; and {len(found) - LISTED} more" if len(found) > LISTED else ""
    count = "1 day stood" if len(found) == 1 else f"{len(found)} days stood"
    return (
        f"{where} {count} out from the usual level (mean {money(r['mean'], cur)} a day): "
        f"{days}{more}."
    )


_BUCKETS = ((1, "days_1_30"), (31, "days_31_60"), (61, "days_61_90"), (91, "days_over_90"))


def owed_at_least(row: Mapping[str, Any], min_days: int) -> Decimal:
    """What a customer owes at least ``min_days`` past due, by the route's own bucket rule."""
    if min_days <= 0:
        return Decimal(str(row["total"]))
    first = max(i for i, (low, _) in enumerate(_BUCKETS) if low <= min_days)
    return sum((Decimal(str(row[name])) for _, name in _BUCKETS[first:]), Decimal(0))


def _overdue(ask: Ask) -> str:
    min_days, words = intents.overdue_threshold(ask.text)
    a = ask.tools.call("get_ar_aging", min_days_overdue=min_days)
    cur = a["currency"]
    owed = sorted(
        ((owed_at_least(c, min_days), c) for c in a["customers"]),
        key=lambda pair: (-pair[0], pair[1]["customer_id"]),
    )
    if not owed:
        return f"No customer owes anything {words}."
    total = sum((amount for amount, _ in owed), Decimal(0))
    named = "; ".join(
        f"{c['customer_name']} ({c['customer_id']}) {money(amount, cur)}"
        for amount, c in owed[:LISTED]
    )
    more = f"; and {len(owed) - LISTED} more" if len(owed) > LISTED else ""
    who = "1 customer owes" if len(owed) == 1 else f"{len(owed)} customers owe"
    return f"{who} money {words}, {money(total, cur)} in all. The largest: {named}{more}."


def _actions(ask: Ask) -> str:
    limit = min(max(intents.actions_limit(ask.text), 1), 100)
    page = ask.tools.call("list_actions", limit=limit)
    items = page["items"]
    if not items:
        return "No action has been recorded yet."
    lines = [_describe_action(item) for item in items]
    head = "The most recent action" if len(items) == 1 else f"The {len(items)} most recent actions"
    return f"{head}, newest first:\n" + "\n".join(f"- {line}" for line in lines)


def _describe_action(item: Mapping[str, Any]) -> str:
    payload = item.get("payload") or {}
    when = str(item["created_at"])[:10]
    what = str(item["action"]).replace("_", " ")
    if payload.get("customer_id"):
        what += f" for {payload.get('customer_name') or 'customer'} ({payload['customer_id']})"
    if payload.get("invoice_id"):
        what += f", invoice {payload['invoice_id']}"
    if payload.get("remind_date"):
        what += f", reminding on {payload['remind_date']}"
    return f"{when}: {what}, by {item['performed_by']} ({item['status']})"


def _remind(ask: Ask) -> str:
    arguments = intents.reminder_arguments(ask.request.message, clock.today())
    if "customer_id" not in arguments:
        return (
            'Which customer should I remind? Say for example "remind <customer id> to pay", '
            "optionally with an invoice and a date."
        )
    action = ask.tools.call("create_collection_reminder", **arguments)
    payload = action.get("payload") or {}
    invoice = f", invoice {payload['invoice_id']}" if payload.get("invoice_id") else ""
    who = f"{payload.get('customer_name') or 'the customer'} ({payload.get('customer_id')})"
    owed = ""
    if payload.get("amount_past_due") is not None:
        from finance_agent.shared.settings import get_settings

        owed = f"; past due: {money(payload['amount_past_due'], get_settings().currency)}"
    if ask.tools.last_status == 201:
        recorded = "Done: I recorded a collection reminder"
    else:
        recorded = "That reminder was already recorded, so nothing new was added: a reminder"
    return (
        f"{recorded} for {who}{invoice}, to go out on {payload.get('remind_date')}{owed}. "
        f"Action {action['action_id']}, status {action['status']}."
    )


_ANSWERS: dict[str, Callable[[Ask], str]] = {
    "kpis": _kpis,
    "previous": _previous,
    "cashflow": _cashflow,
    "anomalies": _anomalies,
    "overdue": _overdue,
    "actions": _actions,
    "remind": _remind,
}
