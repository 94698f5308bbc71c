"""What both stores share for the ledger: the invoice order and its page cursor, the page
limit, the settlements' order, and the chunks a long stream of records is written in.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice
from typing import TypeVar

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.ports import MAX_INVOICE_PAGE
from finance_agent.domain.ledger.records import LEDGER_ID_PATTERN, InvoiceRecord, Settlement
from finance_agent.infra.action_keys import CURSOR_FIELD, CURSOR_RULE

T = TypeVar("T")

_LEDGER_ID = re.compile(LEDGER_ID_PATTERN)


def due_key(due_date: date, invoice_id: str) -> str:
    """``<due_date>#<invoice_id>``: string order is (due date, id) order, because ISO dates
    have one width and ids hold no ``#``. DynamoDB sort keys and SQLite compare the same way
    (UTF-8 bytes, which order as code points do)."""
    return f"{due_date.isoformat()}#{invoice_id}"


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_INVOICE_PAGE:
        raise ValidationError("limit", f"must be between 1 and {MAX_INVOICE_PAGE}")


def encode_cursor(record: InvoiceRecord) -> str:
    """The page cursor after ``record``: its (due date, id), the same on both stores."""
    invoice = record.invoice
    raw = json.dumps([invoice.due_date.isoformat(), invoice.invoice_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[date, str]:
    """The (due date, invoice id) a page continues after; ``ValidationError`` otherwise."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        due, invoice_id = json.loads(raw)
        due_date = date.fromisoformat(due)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise ValidationError(CURSOR_FIELD, CURSOR_RULE) from None
    if not isinstance(invoice_id, str) or not _LEDGER_ID.fullmatch(invoice_id):
        raise ValidationError(CURSOR_FIELD, CURSOR_RULE)
    return due_date, invoice_id


def settlement_order(settlements: Iterable[Settlement]) -> tuple[Settlement, ...]:
    """Date order, then id: how both stores give an invoice's settlements back."""
    return tuple(sorted(settlements, key=lambda s: (s.settled_on, s.settlement_id)))


def open_at(records: Iterable[InvoiceRecord], day: date) -> list[InvoiceRecord]:
    """Those with a balance above zero at the end of ``day``, in (due date, id) order."""
    found = [record for record in records if record.balance_as_of(day) > 0]
    return sorted(found, key=lambda r: (r.invoice.due_date, r.invoice_id))


def chunks(values: Iterable[T], size: int) -> Iterator[list[T]]:
    """``values`` in lists of ``size`` (the last shorter), read lazily: a stream of a
    million records is never held whole."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk
