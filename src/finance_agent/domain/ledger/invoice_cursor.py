"""The invoice list's ``next_token``: where the next page starts, for one query only.

A keyset cursor: the last listed invoice's (due_date, invoice_id), which the list's order
follows, so invoices written between two pages neither repeat nor go missing. When the list
is read through the store's pages, the token also carries the store's token of the page that
invoice came from; the next request reads that page again and skips up to the key.

The token names its query (customer, status, as-of day): a token used with another query is
refused rather than silently continuing the wrong list, and the day stays that of the first
page, so a list read across midnight stays one list.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.ledger.records import InvoiceRecord

TOKEN_RULE = "must be the next_token of the previous page of the same list"  # noqa: S105
MAX_TOKEN_LENGTH = 2048

Key = tuple[str, str]  # (due_date ISO, invoice_id): the list's order


def key_of(record: InvoiceRecord) -> Key:
    return (record.invoice.due_date.isoformat(), record.invoice.invoice_id)


@dataclass(frozen=True)
class Cursor:
    customer_id: str | None
    status: str
    as_of: date
    last: Key
    store_token: str | None = None

    def encode(self) -> str:
        fields = {
            "c": self.customer_id,
            "t": self.status,
            "d": self.as_of.isoformat(),
            "k": list(self.last),
            "s": self.store_token,
        }
        text = json.dumps(fields, separators=(",", ":"), sort_keys=True)
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _fields(token: str) -> dict[str, Any]:
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        raise ValueError(token)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    fields = json.loads(raw)
    if not isinstance(fields, dict):
        raise ValueError(token)
    return fields


def decode(token: str) -> Cursor:
    """The cursor in ``token``; anything else is a ``ValidationError`` on ``next_token``."""
    try:
        fields = _fields(token)
        customer_id, status, store_token = fields["c"], fields["t"], fields["s"]
        due, invoice_id = fields["k"]
        if not all(isinstance(v, str | None) for v in (customer_id, store_token)):
            raise ValueError(token)
        if not all(isinstance(v, str) for v in (status, due, invoice_id)):
            raise ValueError(token)
        date.fromisoformat(due)
        return Cursor(
            customer_id, status, date.fromisoformat(fields["d"]), (due, invoice_id), store_token
        )
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise ValidationError("next_token", TOKEN_RULE) from None
