"""The one form of words that records a reminder. Recording is an action, so the whole
message (politeness aside) must be a command of this grammar:

    remind|chase <one customer> [to pay] [about|for invoice <id>] [<date>]
    send|record|create [a|one] [collection] reminder to|for <one customer> [...the same]
    [a] [collection] reminder for <one customer> [...the same]

Anything more ("... not yet", "— actually, never mind", "? I'm not sure") makes it no
command: nothing is recorded, and the answer says what to send. Pure text work."""

from __future__ import annotations

import re
from dataclasses import dataclass

_POLITE = (
    r"please|pls|kindly|ok(?:ay)?|thanks|thank you|go ahead and|let'?s|let us|"
    r"(?:can|could|would|will) you(?: please)?|i (?:want|need|would like|'d like) you to"
)
_LEADING = re.compile(rf"^(?:\s*(?:{_POLITE})\b[\s,]*)+", re.IGNORECASE)
_TRAILING = re.compile(rf"(?:[\s,]*\b(?:{_POLITE}))*[\s.!?]*$", re.IGNORECASE)
_VERB = re.compile(
    r"^(?:(?:remind|chase)\s+"
    r"|(?:(?:send|record|create|log)\s+(?:a\s+|one\s+)?)?(?:collection\s+)?reminder\s+(?:to|for)\s+"
    r"|a\s+(?:collection\s+)?reminder\s+(?:to|for)\s+)",
    re.IGNORECASE,
)
_CUSTOMER_ID = r"cust(?:[-_ ]?)\d+"
# Words that end a customer's name and begin the rest of the command.
_STOP = {
    "to", "about", "for", "invoice", "on", "in", "by", "next", "tomorrow", "today", "this",
    "at", "end", "the", "and", "or", "not", "but", "if", "who", "that", "when", "regarding",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
_INVOICE = re.compile(
    r"^(?:(?:about|for|on|regarding)\s+)?(?:the\s+|their\s+)?"
    r"(?:invoice\s+(?:no\.?\s*|number\s+|#\s*)?([A-Za-z0-9][A-Za-z0-9._-]*)|(INV[-_][A-Za-z0-9._-]+))",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Command:
    """A reminder asked for in the grammar: who as said, the invoice, the date as said."""

    customer: str
    invoice: str | None
    when: str


def without_politeness(message: str) -> str:
    """The message without its courtesies and closing punctuation."""
    text = message.replace("\u2019", "'").strip()
    text = _LEADING.sub("", text)
    return _TRAILING.sub("", text).strip()


def _customer(rest: str) -> tuple[str, str] | None:
    """The customer said first in ``rest`` (an id, or the words of a name), and what follows."""
    if m := re.match(rf"({_CUSTOMER_ID})\b", rest, re.IGNORECASE):
        return m.group(1), rest[m.end() :]
    words: list[str] = []
    for m in re.finditer(r"\S+", rest):
        word = m.group(0)
        if word.lower() in _STOP or not re.fullmatch(r"[A-Za-z][A-Za-z0-9&.'-]*", word):
            break
        words.append(word)
        end = m.end()
    if not words:
        return None
    return " ".join(words), rest[end:]


def read_command(message: str) -> Command | None:
    """The reminder the whole message commands, or None when it is no such command."""
    text = without_politeness(message)
    verb = _VERB.match(text)
    if verb is None:
        return None
    said = _customer(text[verb.end() :].strip())
    if said is None:
        return None
    customer, rest = said
    rest = re.sub(r"^\s*to\s+pay\b", "", rest, flags=re.IGNORECASE).strip()
    invoice: str | None = None
    if m := _INVOICE.match(rest):
        token = (m.group(1) or m.group(2)).rstrip("._-")
        if not re.search(r"\d", token):  # invoice numbers have digits
            return None
        invoice, rest = token, rest[m.end() :].strip()
    return Command(customer=customer, invoice=invoice, when=rest)
