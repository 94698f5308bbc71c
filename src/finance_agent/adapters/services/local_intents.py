"""What the local assistant understands: a question in plain words read into an intent and
the arguments of one tool call. Pure text work, no I/O and no model: the same words always
give the same reading, and anything not recognised is left unrecognised (the help answer).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Checked in this order: the first that matches wins.
INTENTS = ("remind", "actions", "anomalies", "overdue", "cashflow", "kpis")

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_NUMBER_WORD = "|".join([*sorted(_UNITS, key=len, reverse=True), "hundred"])
_NUMBER_PHRASE = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_NUMBER_WORD}))*\b")
UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14, "month": 30, "quarter": 90, "year": 365}
_UNIT = r"(day|week|fortnight|month|quarter|year)s?"
_SPAN_WORDS = r"(?:last|past|previous|prior|trailing|next|coming|following|recent)"


def _words_to_number(phrase: str) -> int:
    total = 0
    for word in re.split(r"[\s-]+", phrase):
        if word == "hundred":
            total = (total or 1) * 100
        elif word in _UNITS:
            total += _UNITS[word]
    return total


def normalize(text: str) -> str:
    """Lower case, numbers in words as digits ("forty-five" -> "45"), "a week" -> "1 week"."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"\ba couple of\b", "2", text)
    text = re.sub(r"\bhalf (?:a )?year\b", "6 months", text)
    text = re.sub(r"\b(?:a|an)\s+(?=(?:day|week|fortnight|month|quarter|year)\b)", "1 ", text)
    return _NUMBER_PHRASE.sub(lambda m: str(_words_to_number(m.group(0))), text)


@dataclass(frozen=True)
class Span:
    """A number of days said in words, and how to say it back."""

    days: int
    label: str


def parse_span(text: str, today: date) -> Span | None:
    """The period or horizon a normalized message names, in days; None when it names none."""
    if m := re.search(r"\blast_(\d{1,4})d\b", text):
        return Span(int(m.group(1)), f"the last {int(m.group(1))} days")
    if m := re.search(rf"\b(\d{{1,5}})\s*(?:-\s*)?{_UNIT}\b", text):
        days = int(m.group(1)) * UNIT_DAYS[m.group(2)]
        return Span(days, f"the {'next' if _future(text) else 'last'} {days} days")
    if m := re.search(rf"\b{_SPAN_WORDS}\s+{_UNIT}\b", text):
        days = UNIT_DAYS[m.group(1)]
        return Span(days, f"the {'next' if _future(text) else 'last'} {days} days")
    to_date = {
        "week": today.weekday() + 1,
        "month": today.day,
        "quarter": (today - date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)).days + 1,
        "year": today.timetuple().tm_yday,
    }
    for unit, days in to_date.items():
        if re.search(rf"\b(?:this {unit}|{unit}[\s-]to[\s-]date|{unit[0]}td)\b", text):
            return Span(days, f"this {unit} so far")
    if re.search(r"\btoday\b", text):
        return Span(1, "today")
    if re.search(r"\bfortnight\b", text):
        return Span(14, "the last 14 days")
    return None


def _future(text: str) -> bool:
    return bool(re.search(r"\b(next|coming|following|ahead|will|expect\w*|forecast)\b", text))


def mentions_yesterday(text: str) -> bool:
    return bool(re.search(r"\byesterday\b", text))


_REMIND_VERB = r"\b(?:remind|reminder|chase|nudge|dun)\b"
_LISTING = r"\b(?:sent|recent|recently|list|show|history|recorded|latest|last|past|done|made)\b"
_CUSTOMER_ID = re.compile(r"\b(CUST[-_]?\d+)\b", re.IGNORECASE)
_ID = r"([A-Za-z0-9][A-Za-z0-9._-]{0,63})"
_NOT_IDS = {
    "me", "us", "them", "the", "a", "an", "all", "everyone", "customers", "customer", "him",
    "her", "someone", "to", "about", "of", "that", "this", "our", "my", "who", "which", "it",
}  # fmt: skip


def detect_intent(text: str, original: str) -> str | None:
    """The first of ``INTENTS`` the normalized ``text`` asks for, or None."""
    if re.search(_REMIND_VERB, text) and (
        customer_id(original) is not None or not re.search(_LISTING, text)
    ):
        return "remind"
    if re.search(
        r"\b(?:actions?|activity|activities|audit|reminders)\b"
        r"|\bwhat (?:did|have|has) (?:you|the agent) (?:do|done)\b",
        text,
    ):
        return "actions"
    strong = r"\b(?:unusual|anomal\w*|outliers?|abnormal|irregular|atypical)\b"
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
            r"|\bcompare\w* (?:it|that|this)\b",
            text,
        )
    )


def bare_number(text: str) -> int | None:
    m = re.search(r"\b(\d{1,4})\b", text)
    return int(m.group(1)) if m else None


def overdue_threshold(text: str) -> tuple[int, str]:
    """``min_days_overdue`` for the route, and the words for the answer."""
    units = rf"\s*(?:\+\s*)?(?:{_UNIT})?"
    more = r"(?:more than|over|above|greater than|older than|beyond|longer than|>)"
    if m := re.search(rf"{more}\s*(\d{{1,5}}){units}", text):
        days = int(m.group(1)) * UNIT_DAYS[m.group(2) or "day"]
        return days + 1, f"more than {days} days past due"
    if m := re.search(rf"\b(\d{{1,5}})\s*\+\s*(?:{_UNIT})?", text):
        days = int(m.group(1)) * UNIT_DAYS[m.group(2) or "day"]
        return days + 1, f"more than {days} days past due"
    if m := re.search(rf"\b(\d{{1,5}})\s*{_UNIT}\b", text):
        days = int(m.group(1)) * UNIT_DAYS[m.group(2) or "day"]
        return days, f"at least {days} days past due"
    return 1, "past due"


def customer_id(original: str) -> str | None:
    if m := _CUSTOMER_ID.search(original):
        return m.group(1).upper()
    for pattern in (rf"\bcustomer\s+(?:id\s+)?{_ID}", rf"\bremind\s+{_ID}"):
        if m := re.search(pattern, original, re.IGNORECASE):
            candidate = m.group(1).rstrip("._-")
            if candidate and candidate.lower() not in _NOT_IDS:
                return candidate
    return None


def reminder_arguments(original: str, today: date) -> dict[str, str]:
    """The reminder route's body: customer, and the invoice and date when said."""
    arguments: dict[str, str] = {}
    if (customer := customer_id(original)) is not None:
        arguments["customer_id"] = customer
    invoice = re.search(
        rf"\binvoice\s+(?:no\.?\s*|number\s+|#\s*)?{_ID}|\b(INV[-_][A-Za-z0-9._-]+)",
        original,
        re.IGNORECASE,
    )
    token = (invoice.group(1) or invoice.group(2)).rstrip("._-") if invoice else ""
    if re.search(r"\d", token):  # invoice numbers have digits; "invoice from May" names none
        arguments["invoice_id"] = token
    lowered = normalize(original)
    if m := re.search(r"\b(\d{4}-\d{2}-\d{2})\b", original):
        arguments["remind_date"] = m.group(1)
    elif re.search(r"\btomorrow\b", lowered):
        arguments["remind_date"] = (today + timedelta(days=1)).isoformat()
    elif m := re.search(r"\bin (\d{1,3}) days?\b", lowered):
        arguments["remind_date"] = (today + timedelta(days=int(m.group(1)))).isoformat()
    elif re.search(r"\bnext week\b", lowered):
        arguments["remind_date"] = (today + timedelta(days=7)).isoformat()
    return arguments


def actions_limit(text: str) -> int:
    m = re.search(r"\b(\d{1,3})\s+(?:\w+\s+){0,2}(?:actions?|reminders)\b", text)
    return int(m.group(1)) if m else 5
