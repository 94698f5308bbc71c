"""What the local assistant understands: a question in plain words read into an intent and
the arguments of one tool call. Pure text work, no I/O and no model: the same words always
give the same reading, and anything not recognised is left unrecognised (the help answer).
"""

from __future__ import annotations

import re
from datetime import date

from finance_agent.adapters.chat.local.dates.spans import UNIT, UNIT_DAYS, days_word, parse_span
from finance_agent.adapters.chat.local.requests import (
    REMIND_VERB,
    asks_what_was_done,
    customer_id,
    named_customer_ids,
    reminder_mood,
)
from finance_agent.adapters.chat.local.words import normalize

# Checked in this order: the first that matches wins.
INTENTS = ("delete_actions", "remind_many", "remind", "actions", "anomalies", "overdue",
           "cashflow", "kpis")  # fmt: skip

_LISTING = r"\b(?:sent|recent|recently|list|show|history|recorded|latest|last|past|done|made)\b"
_ONE_REMINDER = r"\b(?:remind|reminded|reminding|reminder|chase|nudge|dun)\b"
_EVERYONE = r"\b(?:everyone|everybody|all|each|every|them|customers|clients)\b"
_DELETE = r"\b(?:delete|remove|erase|wipe|purge|clear|undo|cancel|revoke|retract)\b"
_RECORDS = r"\b(?:actions?|reminders?|records?|history|audit|log|everything)\b"


def detect_intent(text: str, original: str) -> str | None:
    """The first of ``INTENTS`` the normalized ``text`` asks for, or None."""
    # "Remind me what revenue is" asks about a figure; it is no reminder.
    text = re.sub(r"\bremind (?:me|us)\b", "tell me", text)
    if re.search(_DELETE, text) and re.search(_RECORDS, text):
        return "delete_actions"
    if asks_what_was_done(text):
        return "actions"
    if re.search(REMIND_VERB, text):
        mood = reminder_mood(text)
        named = customer_id(original) is not None
        everyone = not named and re.search(_EVERYONE, text)
        if mood == "request" and (everyone or len(named_customer_ids(original)) > 1):
            return "remind_many"
        listing = re.search(_LISTING, re.sub(r"\bpast[\s-]due\b", "", text))
        if mood != "question" or (not listing and (named or re.search(_ONE_REMINDER, text))):
            return "remind"
    if re.search(
        r"\b(?:actions?|activity|activities|audit|reminders|reminded)\b"
        r"|\bwhat (?:did|have|has) (?:you|the agent) (?:do|done)\b",
        text,
    ):
        return "actions"
    strong = r"\b(?:unusual|anomal\w*|outliers?|abnormal|irregular|atypical|flagged)\b"
    weak = r"\b(?:spikes?|drops?|dips?|odd|strange|weird|stand(?:s|ing)? out|stood out)\b"
    if re.search(strong, text) or (
        re.search(weak, text) and re.search(r"\b(?:sales|revenue|days?)\b", text)
    ):
        return "anomalies"
    overdue = (
        r"\b(?:overdue|past[\s-]due|delinquent|ag[e]?ing|owes?|owing|unpaid|debtors?)\b"
        r"|\blate (?:pay\w*|invoices?|customers?|clients?)\b"
    )
    if re.search(overdue, text):
        return "overdue"
    cash = r"\b(?:cash|cashflow|forecast\w*|outlook|inflows?|projections?|projected|expect\w*)\b"
    if re.search(cash, text):
        return "cashflow"
    kpis = (
        r"\b(?:revenue|revenues|sales|margins?|kpis?|turnover|income|gross|profit\w*"
        r"|receivables?|a/?r|performance|earnings|figures|numbers)\b"
        r"|\b(?:did|do) we (?:make|earn|sell|do)\b|\bwe (?:made|earned|sold)\b"
        r"|\bhow (?:are|is|was|were|did) (?:we|things|business|the business)\b"
    )
    if re.search(kpis, text):
        return "kpis"
    return None


def asks_previous(text: str) -> bool:
    """A follow-up about the period before the one just discussed ("and the previous 30?")."""
    return bool(
        re.search(
            r"\b(?:previous|prior|preceding|before that|earlier period|period before)\b"
            r"|\bcompare\w* (?:it|that|this)\b|\b(?:day|week|month|quarter|year) before\b",
            text,
        )
    )


def bare_number(text: str) -> int | None:
    m = re.search(r"\b(\d+)\b", text)
    return int(m.group(1)) if m else None


# "The previous one" keeps the length just discussed; its "one" is no number of days.
_SAME_LENGTH = r"\b(?:previous|prior|preceding|earlier|last|other) one\b|\bone before\b"


def days_said(original: str, today: date) -> int | None:
    """The length of period a message gives: with its unit ("the prior 3 months": 90), or
    a bare number after "previous" ("and the previous 30?": 30); None when it gives none."""
    text = normalize(original)
    if (span := parse_span(text, today)) is not None:
        return span.days
    if asks_previous(text) and not re.search(_SAME_LENGTH, original.lower()):
        return bare_number(text)
    return None


def asks_total_owed(text: str) -> bool:
    """Whether the question asks for all receivables, not only what is late ("how much do
    customers owe us?")."""
    return bool(
        re.search(r"\b(?:how much|total|in all|altogether|sum)\b", text)
        and re.search(r"\b(?:owe[sd]?|owing|receivables?)\b", text)
        and not re.search(r"\b(?:overdue|past[\s-]due|late|delinquent|\d+)\b", text)
    )


def overdue_threshold(text: str) -> tuple[int, str]:
    """``min_days_overdue`` for the route, and the words for the answer."""
    units = rf"\s*(?:\+\s*)?(?:{UNIT})?"
    more = r"(?:more than|over|above|greater than|older than|beyond|longer than|>)"
    if m := re.search(rf"{more}\s*(\d{{1,5}}){units}", text):
        days = int(m.group(1)) * UNIT_DAYS[m.group(2) or "day"]
        return days + 1, f"more than {days_word(days)} past due"
    if m := re.search(rf"\b(\d{{1,5}})\s*\+\s*(?:{UNIT})?", text):
        days = int(m.group(1)) * UNIT_DAYS[m.group(2) or "day"]
        return days + 1, f"more than {days_word(days)} past due"
    if m := re.search(rf"\b(\d{{1,5}})\s*{UNIT}\b", text):
        days = int(m.group(1)) * UNIT_DAYS[m.group(2) or "day"]
        return days, f"at least {days_word(days)} past due"
    return 1, "past due"


def actions_limit(text: str) -> int:
    m = re.search(r"\b(\d{1,3})\s+(?:\w+\s+){0,2}(?:actions?|reminders)\b", text)
    return int(m.group(1)) if m else 5


_COMPARING = r"\b(?:vs\.?|versus|compared? (?:to|with)|against|compare)\b"
_SPLIT = r"\b(?:vs\.?|versus|compared? (?:to|with)|against|with|and|to)\b"


def asks_comparison(text: str) -> bool:
    """Two periods side by side ("October vs September", "compare it with ...")."""
    return bool(re.search(_COMPARING, text))


def split_periods(text: str) -> tuple[str, str] | None:
    """The words before and after the comparing word: each names one period."""
    found = list(re.finditer(_SPLIT, text))
    if not found:
        return None
    m = found[-1]  # the last one: "compare 1 Oct to 15 Oct with September"
    return text[: m.start()], text[m.end() :]
