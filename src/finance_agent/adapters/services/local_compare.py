"""Two calendar periods side by side ("October vs September revenue", "compare October with
September", "compare it with the quarter before"): each period's own sales, then the change,
never the two added up. A period the sales history holds only in part is said so."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from finance_agent.adapters.services.local_calendar import Dates
from finance_agent.adapters.services.local_format import money, trend
from finance_agent.adapters.services.local_tools import Ask
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock

COMPARING = r"\b(?:vs\.?|versus|compared? (?:to|with)|against|compare)\b"
_SPLIT = r"\b(?:vs\.?|versus|compared? (?:to|with)|against|with|and|to)\b"


def asks_comparison(text: str) -> bool:
    return bool(re.search(COMPARING, text))


def split_periods(text: str) -> tuple[str, str] | None:
    """The words before and after the comparing word: each names one period."""
    found = list(re.finditer(_SPLIT, text))
    if not found:
        return None
    m = found[-1]  # the last one: "compare 1 Oct to 15 Oct with September"
    return text[: m.start()], text[m.end() :]


@dataclass(frozen=True)
class Totals:
    revenue: Decimal
    held: int  # days with a sales record
    start: date
    end: date


def _totals(days: list[dict[str, object]], asked: Dates, today: date) -> Totals | str:
    earliest = today - timedelta(days=MAX_PERIOD_DAYS - 1)
    if asked.start > today:
        return f"{asked.label} has not come yet, so it has no sales to compare."
    start, end = max(asked.start, earliest), min(asked.end, today)
    if start > end:
        return f"{asked.label} is before the {MAX_PERIOD_DAYS} days I can look back."
    inside = [d for d in days if start <= date.fromisoformat(str(d["date"])) <= end]
    revenue = sum((Decimal(str(d["revenue"])) for d in inside), Decimal(0))
    return Totals(revenue, len(inside), start, end)


def _said(asked: Dates, t: Totals, cur: str) -> str:
    length = (t.end - t.start).days + 1
    if t.held == 0:
        return f"{asked.label} ({t.start} to {t.end}): no sales recorded"
    part = "" if t.held >= length else f", sales recorded on {t.held} of its {length} days"
    return f"{asked.label} ({t.start} to {t.end}): {money(t.revenue, cur)}{part}"


def compare(ask: Ask, now: Dates, before: Dates) -> str:
    """Revenue in ``now`` and in ``before``, and the change from one to the other."""
    today = clock.today()
    first = min(now.start, before.start)
    if first > today:
        return "Both periods are still to come, so there are no sales to compare."
    series = ask.tools.call("get_sales", days=min((today - first).days + 1, MAX_PERIOD_DAYS))
    cur = series["currency"]
    a, b = _totals(series["days"], now, today), _totals(series["days"], before, today)
    if isinstance(a, str) or isinstance(b, str):
        return " ".join(x for x in (a, b) if isinstance(x, str)) + " No comparison is made."
    reply = f"Revenue in {_said(now, a, cur)}; in {_said(before, b, cur)}."
    if a.end < now.end:
        return f"{reply} {now.label} is not over, so no change is given."
    if b.held < (b.end - b.start).days + 1 or b.start > before.start:
        return f"{reply} The sales history holds {before.label} only in part: no change is given."
    if not (change := trend(a.revenue, b.revenue)):
        return reply
    diff = a.revenue - b.revenue
    sign = "+" if diff >= 0 else "-"
    said = f"{now.label[0].upper()}{now.label[1:]} is {change} {before.label}"
    reply += f" {said} ({sign}{money(abs(diff), cur)})."
    long_a, long_b = (a.end - a.start).days + 1, (b.end - b.start).days + 1
    if long_a != long_b:
        reply += f" The periods differ in length ({long_a} days against {long_b})."
    return reply
