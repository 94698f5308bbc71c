"""The ledger's DynamoDB items <-> records, in the form and with the checks of
``items.py``.

An invoice is one item holding its settlements (a list of maps), so writing an invoice
with its settlements is one atomic PutItem. It also carries what its settlements give:
``open_balance``, ``settled_on``, and the ``gsi2`` keys that follow from them (open by due
date, or settled by date). A reader refuses an item whose keys or derived attributes do
not follow from its invoice and settlements: it would be listed as open, or settled on
another day, than it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from finance_agent.domain.ledger.records import Customer, InvoiceRecord
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.table import GSI2_NAME, GSI3_NAME
from finance_agent.infra.ledger_keys import due_key, settlement_order

CUSTOMER: Final = "CUSTOMER"
INVOICE: Final = "INVOICE"
INVOICE_OPEN: Final = "INVOICE_OPEN"
INVOICE_SETTLED: Final = "INVOICE_SETTLED"
LEDGER_META_PK: Final = "LEDGER#META"
FIRST_ISSUE_DATE: Final = "first_issue_date"
AR_AGING_CONVERTED_ON: Final = "ar_aging_converted_on"
REMINDED_ON: Final = "reminded_on"

_CUSTOMER_FIELDS: Final = tuple(Customer.model_fields)
_INVOICE_FIELDS: Final = ("invoice_id", "customer_id", "issue_date", "due_date", "amount")
_SETTLEMENT_FIELDS: Final = ("settlement_id", "kind", "settled_on", "amount", "inferred")


def customer_pk(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"


def invoice_pk(invoice_id: str) -> str:
    return f"INVOICE#{invoice_id}"


def customer_invoices(customer_id: str) -> str:
    """The ``gsi3`` partition of one customer's invoices."""
    return f"CUSTOMER_INVOICES#{customer_id}"


# -- customers --
def customer_item(customer: Customer) -> items.Item:
    values = {name: value for name, value in customer.model_dump().items() if value is not None}
    cid = customer.customer_id
    return items.encode({"pk": customer_pk(cid), "gsi1pk": CUSTOMER, "gsi1sk": cid} | values)


def customer_from_item(item: Mapping[str, Any]) -> Customer:
    values = items.decode(item)
    customer = items.to_model(Customer, items.pick(values, _CUSTOMER_FIELDS))
    cid = customer.customer_id
    items.check_keys(values, {"pk": customer_pk(cid), "gsi1pk": CUSTOMER, "gsi1sk": cid})
    return customer


# -- invoices --
def invoice_keys(record: InvoiceRecord) -> dict[str, str]:
    invoice = record.invoice
    by_due = due_key(invoice.due_date, invoice.invoice_id)
    settled_on = record.settled_on
    if settled_on is None:
        gsi2 = {f"{GSI2_NAME}pk": INVOICE_OPEN, f"{GSI2_NAME}sk": by_due}
    else:
        settled_key = f"{settled_on.isoformat()}#{invoice.invoice_id}"
        gsi2 = {f"{GSI2_NAME}pk": INVOICE_SETTLED, f"{GSI2_NAME}sk": settled_key}
    return {
        "pk": invoice_pk(invoice.invoice_id),
        "gsi1pk": INVOICE,
        "gsi1sk": by_due,
        **gsi2,
        f"{GSI3_NAME}pk": customer_invoices(invoice.customer_id),
        f"{GSI3_NAME}sk": by_due,
    }


def invoice_item(record: InvoiceRecord) -> items.Item:
    invoice = record.invoice
    settlements = [
        {name: getattr(s, name) for name in _SETTLEMENT_FIELDS}
        | {"kind": s.kind.value, "settled_on": s.settled_on.isoformat()}
        for s in settlement_order(record.settlements)
    ]
    values: dict[str, Any] = {
        "invoice_id": invoice.invoice_id,
        "customer_id": invoice.customer_id,
        "issue_date": invoice.issue_date.isoformat(),
        "due_date": invoice.due_date.isoformat(),
        "amount": invoice.amount,
        "disputed": invoice.disputed,
        "settlements": settlements,
        "open_balance": record.open_balance,
    }
    if record.settled_on is not None:
        values["settled_on"] = record.settled_on.isoformat()
    return items.encode(invoice_keys(record) | values)


def invoice_record_from_item(item: Mapping[str, Any]) -> InvoiceRecord:
    values = items.decode(item)
    raw = values.get("settlements", [])
    if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
        raise items.MalformedItem("bad or missing attributes: settlements")
    invoice = items.pick(values, (*_INVOICE_FIELDS, "disputed"))
    settlements = [
        items.pick(s, _SETTLEMENT_FIELDS) | {"invoice_id": invoice.get("invoice_id")} for s in raw
    ]
    record = items.to_model(InvoiceRecord, {"invoice": invoice, "settlements": settlements})
    record = record.model_copy(update={"settlements": settlement_order(record.settlements)})
    derived: dict[str, Any] = {
        "open_balance": record.open_balance,
        "settled_on": None if record.settled_on is None else record.settled_on.isoformat(),
    }
    items.check_keys(values, invoice_keys(record) | derived)
    return record


# -- reminders per invoice --
def reminder_pk(invoice_id: str) -> str:
    return f"REMINDER#{invoice_id}"


def reminder_days_from_item(item: Mapping[str, Any]) -> tuple[str, list[date]]:
    """The invoice an item is about and the days reminders named it (a string set, so
    adding a day twice keeps it once)."""
    values = items.decode(item)
    invoice_id, days = values.get("invoice_id"), values.get(REMINDED_ON)
    if not isinstance(invoice_id, str) or not isinstance(days, set) or not days:
        raise items.MalformedItem(f"bad or missing attributes: invoice_id, {REMINDED_ON}")
    items.check_keys(values, {"pk": reminder_pk(invoice_id)})
    try:
        return invoice_id, [date.fromisoformat(day) for day in days]
    except (TypeError, ValueError):
        raise items.MalformedItem(f"bad or missing attributes: {REMINDED_ON}") from None
