"""How the local assistant reads a request to act: whether a reminder is really asked for
(an imperative), refused ("don't remind ...") or only asked about ("should I remind ...?"),
and the reminder route's arguments. Pure text work, like ``local_intents``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from finance_agent.adapters.services.local_spans import normalize

REMIND_VERB = r"\b(?:remind\w*|chase|nudge|dun)\b"
_CUSTOMER_ID = re.compile(r"\b(CUST[-_]?\d+)\b", re.IGNORECASE)
_ID = r"([A-Za-z0-9][A-Za-z0-9._-]{0,63})"
_NOT_IDS = {
    "me", "us", "them", "the", "a", "an", "all", "everyone", "customers", "customer", "him",
    "her", "someone", "to", "about", "of", "that", "this", "our", "my", "who", "which", "it",
}  # fmt: skip
# Said before the verb, these turn "remind X" into its opposite.
_NEGATION = (
    r"\b(?:don'?t|do not|does not|doesn'?t|never|no need to|stop|skip|avoid|"
    r"shouldn'?t|mustn'?t|hold off(?: on)?|refrain from)\b"
)
# A clear request starts with the verb, perhaps after a courtesy ("please", "can you").
_COURTESY = (
    r"(?:please|pls|kindly|ok(?:ay)?|yes|now|go ahead and|then|and|so|let'?s|let us|"
    r"(?:can|could|would|will) you(?: please)?|i (?:want|need|would like|'d like) you to)"
)
_ACT_VERB = r"(?:remind|chase|nudge|dun|send|record|create|schedule|set up|log|add|issue|email)"
_IMPERATIVE = re.compile(rf"^\W*(?:{_COURTESY}[\s,]+)*{_ACT_VERB}\b")
_QUESTION = re.compile(
    rf"^\W*(?:{_COURTESY}[\s,]+)*"
    r"(?:should|shall|what|whats|how|why|when|is|are|does|if|do(?! remind)|would(?! you))\b"
    r"|\b(?:should (?:i|we)|what (?:happens|if|would)|would it|is it worth|do (?:i|we) need)\b"
)

Mood = Literal["request", "negated", "question"]


def reminder_mood(text: str) -> Mood:
    """Whether a normalized message mentioning a reminder asks for one, refuses one or only
    asks about one. Only a clear request records anything, so anything unclear is a question."""
    verb = re.search(REMIND_VERB, text)
    before = text[: verb.start()] if verb else text
    if re.search(_NEGATION, before):
        return "negated"
    asked = _IMPERATIVE.search(text) or re.search(r"\bplease\b", text)  # "reminder for X please"
    if asked and not _QUESTION.search(text):
        return "request"
    return "question"


def named_customer_id(original: str) -> str | None:
    """A customer id in the usual form (CUST012), however it is written."""
    m = _CUSTOMER_ID.search(original)
    return m.group(1).upper() if m else None


def named_customer_ids(original: str) -> set[str]:
    """Every customer id in the usual form the message names."""
    return {m.upper() for m in _CUSTOMER_ID.findall(original)}


def customer_id(original: str) -> str | None:
    """The customer id, or the word after "customer" or "remind" that may be one."""
    if (named := named_customer_id(original)) is not None:
        return named
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
