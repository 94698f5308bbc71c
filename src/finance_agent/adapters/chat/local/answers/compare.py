"""Two calendar periods side by side ("October vs September revenue", "compare October with
September", "compare it with the quarter before"): the two a question names (one left out
is the period just discussed), each period's own sales, then the change, never the two
added up. A period the sales history holds only in part is said so."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from finance_agent.adapters.chat.local.dates.calendar import Dates
from finance_agent.adapters.chat.local.dates.periods import read_period
from finance_agent.adapters.chat.local.followups import discussed
from finance_agent.adapters.chat.local.format import money, trend
from finance_agent.adapters.chat.local.intents import split_periods
from finance_agent.adapters.chat.local.tools import Ask
from finance_agent.domain.period import MAX_PERIOD_DAYS
from finance_agent.shared import clock


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


def comparison(ask: Ask, today: date) -> str | tuple[Dates, Dates] | None:
    """The two periods a comparison names, the first said first; a period it leaves out is
    the one just discussed (else this month so far); None when it names none."""
    parts = split_periods(ask.text)
    if parts is None:
        return None
    left, right = (read_period(part, today) for part in parts)
    for said in (left, right):
        if isinstance(said, str):
            return said
    if isinstance(right, Dates) and not isinstance(left, Dates):
        left = discussed(ask.history, today) or Dates(
            today.replace(day=1), today, "this month so far"
        )
    if isinstance(left, Dates) and isinstance(right, Dates):
        return left, right
    return None


def compare_answer(ask: Ask, today: date) -> str | None:
    found = comparison(ask, today)
    if found is None or isinstance(found, str):
        return found
    return compare(ask, *found)
