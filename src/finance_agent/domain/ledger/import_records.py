"""Ledger records built by an import from values its own rules already checked.

Every cell of a books file is checked by ``imports/cells.py`` against the models' own patterns
and bounds, and every derived value (an implied settlement, a record's settlements) by the
plans, before a record is built: validating each again was most of an import's time. Pydantic's
``model_construct`` skips the validation but still walks every field for defaults and aliases
(about 3 µs a model); these set the fields directly, the way ``model_construct`` does, for a
third of that. Every field is given, so no default is needed. The stores validate what they
read back, and the import's tests keep records in a ledger that validates what it is given.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from finance_agent.domain.ledger.records import Invoice, InvoiceRecord, Settlement, SettlementKind

M = TypeVar("M", bound=BaseModel)
_set = object.__setattr__  # the models are frozen: set as model_construct sets them


def _checked(model: type[M], fields: dict[str, Any]) -> M:
    built = model.__new__(model)
    _set(built, "__dict__", fields)
    _set(built, "__pydantic_fields_set__", set(fields))
    _set(built, "__pydantic_extra__", None)
    _set(built, "__pydantic_private__", None)
    return built


def checked_invoice(
    invoice_id: str,
    customer_id: str,
    issue_date: date,
    due_date: date,
    amount: Decimal,
    disputed: bool,
) -> Invoice:
    return _checked(
        Invoice,
        {
            "invoice_id": invoice_id,
            "customer_id": customer_id,
            "issue_date": issue_date,
            "due_date": due_date,
            "amount": amount,
            "disputed": disputed,
        },
    )


def checked_settlement(
    settlement_id: str,
    invoice_id: str,
    kind: SettlementKind,
    settled_on: date,
    amount: Decimal,
    inferred: bool = False,
) -> Settlement:
    return _checked(
        Settlement,
        {
            "settlement_id": settlement_id,
            "invoice_id": invoice_id,
            "kind": kind,
            "settled_on": settled_on,
            "amount": amount,
            "inferred": inferred,
        },
    )


def checked_record(invoice: Invoice, settlements: tuple[Settlement, ...]) -> InvoiceRecord:
    return _checked(InvoiceRecord, {"invoice": invoice, "settlements": settlements})
