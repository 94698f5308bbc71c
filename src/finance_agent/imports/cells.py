"""One cell of a books file read as what its column holds, or refused with the rule broken.

Strict on purpose: a value that could be read two ways is refused, never guessed. Amounts
are plain decimals with a point (``1234.56``): ``1,234`` is a thousand in one country and
one in another, so thousands separators, currency signs and exponents are refused; so are
more than two decimals, which cannot be cents. Ids are kept exactly as written.
"""

from __future__ import annotations

import re
from decimal import Decimal

from finance_agent.domain.ledger.records import LEDGER_ID_PATTERN, SettlementKind
from finance_agent.domain.models.ar_aging import CUSTOMER_ID_PATTERN
from finance_agent.domain.money import MONEY_BOUND


class CellError(ValueError):
    """The cell breaks ``rule`` (said for a person: what the value must be)."""

    def __init__(self, rule: str) -> None:
        super().__init__(rule)
        self.rule = rule


REQUIRED = "is required"
_LEDGER_ID = re.compile(LEDGER_ID_PATTERN)
_CUSTOMER_ID = re.compile(CUSTOMER_ID_PATTERN)
LEDGER_ID_RULE = "must be 1 to 64 characters without '#', starting and ending with no space"
CUSTOMER_ID_RULE = (
    "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
)
_NUMBER = re.compile(r"-?[0-9]+(?:\.([0-9]+))?")
NUMBER_RULE = "must be a number like 1234.56 (no thousands separators or currency signs)"
_FLAGS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False, "": False}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def required(value: str) -> str:
    if not value.strip():
        raise CellError(REQUIRED)
    return value


def ledger_id(value: str) -> str:
    """An invoice or payment id, exactly as written (``0000611365`` keeps its zeros)."""
    if not _LEDGER_ID.fullmatch(required(value)):
        raise CellError(LEDGER_ID_RULE)
    return value


def customer_id(value: str) -> str:
    if not _CUSTOMER_ID.fullmatch(required(value)):
        raise CellError(CUSTOMER_ID_RULE)
    return value


def name(value: str) -> str:
    text = required(value).strip()
    if len(text) > 200:
        raise CellError("must be at most 200 characters")
    return text


def email(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise CellError("must be an email address (or empty)")
    return text


def amount(value: str, *, low: str = "positive") -> Decimal:
    """Money with at most 2 decimals; ``low`` is "positive", "zero" (0 allowed) or "any"."""
    text = required(value).strip()
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise CellError(NUMBER_RULE)
    if match.group(1) is not None and len(match.group(1)) > 2:
        raise CellError("must have at most 2 decimals")
    number = Decimal(text)
    if low == "positive" and number <= 0:
        raise CellError("must be more than 0")
    if low == "zero" and number < 0:
        raise CellError("must be 0 or more")
    if abs(number) >= MONEY_BOUND:
        raise CellError("must be less than 10^15")
    return number.quantize(Decimal("0.01"))


def flag(value: str) -> bool:
    try:
        return _FLAGS[value.strip().lower()]
    except KeyError:
        raise CellError("must be true or false (yes/no, 1/0; empty is false)") from None


def currency(value: str, expected: str) -> None:
    """Empty, or the one currency the deployment keeps its books in."""
    text = value.strip()
    if text and text.upper() != expected.upper():
        raise CellError(f"must be {expected}, the currency of these books")


def settlement_kind(value: str) -> SettlementKind:
    text = value.strip().lower()
    if not text:
        return SettlementKind.PAYMENT
    try:
        return SettlementKind(text)
    except ValueError:
        raise CellError("must be payment, credit_note or write_off (empty is payment)") from None
