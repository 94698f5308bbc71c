"""How the local assistant reads a request to act: whether a reminder is really asked for
(an imperative), refused ("don't remind ...") or only asked about ("should I remind ...?"),
and who it names. The command that records one is read by ``commands``.
"""

from __future__ import annotations

import re
from typing import Literal

REMIND_VERB = r"\b(?:remind\w*|chase|nudge|dun)\b"
_CUSTOMER_ID = re.compile(r"\b(CUST(?:[-_]|\s(?=\d))?\d+)\b", re.IGNORECASE)
_ID = r"([A-Za-z0-9][A-Za-z0-9._-]{0,63})"
_NOT_IDS = {
    "me", "us", "them", "the", "a", "an", "all", "everyone", "customers", "customer", "him",
    "her", "someone", "to", "about", "of", "that", "this", "our", "my", "who", "which", "it",
}  # fmt: skip
# Said before the verb, these turn "remind X" into its opposite.
_NEGATION = (
    r"\b(?:don'?t|do not|does not|doesn'?t|never|no need to|stop|skip|avoid|"
    r"shouldn'?t|mustn'?t|hold|no|refrain from)\b"
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
    r"|\b(?:let me know|tell me|whether|check if|needs? (?:a )?reminder)\b"
)

Mood = Literal["request", "negated", "question"]


def asks_what_was_done(text: str) -> bool:
    """Whether a normalized message asks about a reminder already sent ("did we remind X?",
    "was X reminded", "why did the agent remind X"): a question about the record."""
    return bool(
        re.search(
            r"\breminded\b|\b(?:did|have|has) (?:we|you|i|they|the agent|anyone|someone|it) "
            r"(?:already )?(?:remind|chase|send|sent|record)",
            text,
        )
    )


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
    return said_id(m.group(1)) if m else None


def named_customer_ids(original: str) -> set[str]:
    """Every customer id in the usual form the message names."""
    return {said_id(m) or m for m in _CUSTOMER_ID.findall(original)}


def said_id(customer: str) -> str | None:
    """A customer id as said ("cust-14", "CUST 4"), in the store's form (CUST014)."""
    if m := re.fullmatch(r"cust[-_ ]?(\d+)", customer.strip(), re.IGNORECASE):
        return f"CUST{int(m.group(1)):03d}"
    return None


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
