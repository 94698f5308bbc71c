from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from finance_agent.domain.errors import ConflictError, NotFoundError, ValidationError
from finance_agent.domain.ledger.ports import MAX_INVOICE_PAGE, LedgerRepository
from finance_agent.domain.ledger.records import InvoiceRecord
from finance_agent.domain.models import COLLECTION_REMINDER, AgentAction
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock

MAX_DAYS_AHEAD = 365
# Past-due invoices a reminder's payload names, oldest due first; the rest are counted.
MAX_LISTED = 100
ID_RULE = "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _check_id(field: str, value: str) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValidationError(field, ID_RULE)
    return value


def _parse_remind_date(value: date | str | None, today: date) -> date:
    if value is None:
        return today
    if isinstance(value, str):
        # date.fromisoformat also reads 20261201 and week dates; only YYYY-MM-DD is promised.
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            value = date.fromisoformat(value)
        except ValueError:
            raise ValidationError("remind_date", "must be a date as YYYY-MM-DD") from None
    if value < today:
        raise ValidationError("remind_date", "must not be in the past")
    if value > today + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationError("remind_date", f"must be at most {MAX_DAYS_AHEAD} days ahead")
    return value


def reminder_id(customer_id: str, invoice_id: str | None, remind_date: date) -> str:
    """The same reminder (customer, invoice, date) always gets the same id, so the store's
    conditional write records it once however many times, or how concurrently, it is sent."""
    natural_key = f"{customer_id}|{invoice_id or ''}|{remind_date.isoformat()}"
    return "rem-" + hashlib.sha256(natural_key.encode()).hexdigest()[:32]


def past_due_invoices(
    ledger: LedgerRepository, customer_id: str, today: date
) -> Iterator[InvoiceRecord]:
    """The customer's invoices open now and due before ``today``, oldest due first.

    Read by key, a page of the customer's open invoices at a time in due-date order, and
    no further than the first one not yet due: what is read is what is past due.
    """
    token: str | None = None
    while True:
        page = ledger.list_invoices(
            customer_id=customer_id, open_only=True, limit=MAX_INVOICE_PAGE, after=token
        )
        for record in page.items:
            if record.invoice.due_date >= today:
                return
            yield record
        if page.next_token is None:
            return
        token = page.next_token


def _listed(records: Sequence[InvoiceRecord]) -> list[dict[str, Any]]:
    # Money as text: a payload never rounds an amount through a float.
    return [
        {
            "invoice_id": r.invoice_id,
            "due_date": r.invoice.due_date.isoformat(),
            "open_balance": str(r.open_balance),
            "disputed": r.invoice.disputed,
        }
        for r in records
    ]


def _named_invoices(action: AgentAction) -> list[str]:
    """The invoices a recorded reminder names (none in one recorded before the ledger)."""
    listed = action.payload.get("invoices")
    if not isinstance(listed, list):
        return []
    return [i["invoice_id"] for i in listed if isinstance(i, dict) and "invoice_id" in i]


@dataclass(frozen=True)
class ReminderOutcome:
    action: AgentAction
    created: bool  # False: the same reminder was already recorded

    @property
    def action_id(self) -> str:
        return self.action.action_id


class CreateCollectionReminderUC:
    """Record a reminder to collect what a customer owes, once per customer, invoice and date.

    What is owed comes from the ledger as of today: a named invoice must be that customer's,
    open and past due; without one, the reminder names every past-due invoice of the
    customer. The invoices a reminder names are noted on the ledger's side too (the invoice
    list's ``last_reminder_date``), after the action, so a retry completes a note a failure
    left out.
    """

    def __init__(
        self,
        repo: FinanceRepository,
        ledger: LedgerRepository | None = None,
        *,
        today: Callable[[], date] | None = None,
    ) -> None:
        self._repo = repo
        # Both stores keep the books beside the action log: the same object by default.
        self._ledger = ledger if ledger is not None else cast("LedgerRepository", repo)
        # Looked up when built, not when imported, so a replaced clock is honoured.
        self._today = today or clock.today

    def execute(
        self,
        customer_id: str,
        performed_by: str,
        invoice_id: str | None = None,
        remind_date: date | str | None = None,
    ) -> ReminderOutcome:
        _check_id("customer_id", customer_id)
        if invoice_id is not None:
            _check_id("invoice_id", invoice_id)
        if not isinstance(performed_by, str) or not performed_by.strip():
            raise ValidationError("performed_by", "must name who performs the action")
        today = self._today()
        when = _parse_remind_date(remind_date, today)
        customer = self._ledger.get_customers([customer_id]).get(customer_id)
        if customer is None:
            raise NotFoundError(f"customer {customer_id} not found")
        if invoice_id is not None:
            owed = [self._past_due_invoice(customer_id, invoice_id, today)]
        else:
            owed = list(past_due_invoices(self._ledger, customer_id, today))
            if not owed:
                # Nothing to collect yet: a reminder would chase money that is not owed.
                raise ConflictError(
                    f"customer {customer_id} has nothing past due: no reminder recorded"
                )
        payload: dict[str, Any] = {
            "customer_id": customer_id,
            "customer_name": customer.name,
            "invoice_id": invoice_id,
            "remind_date": when.isoformat(),
            "amount_past_due": str(sum((r.open_balance for r in owed), Decimal("0.00"))),
            "invoices": _listed(owed[:MAX_LISTED]),
        }
        if len(owed) > MAX_LISTED:
            payload["invoices_not_listed"] = len(owed) - MAX_LISTED
        action_id = reminder_id(customer_id, invoice_id, when)
        outcome = self._record(payload, performed_by.strip(), action_id)
        # From the action as recorded: a repeat notes what the first one named.
        self._ledger.record_invoice_reminder(_named_invoices(outcome.action), when)
        return outcome

    def _past_due_invoice(self, customer_id: str, invoice_id: str, today: date) -> InvoiceRecord:
        record = self._ledger.get_invoice_records([invoice_id]).get(invoice_id)
        if record is None or record.invoice.customer_id != customer_id:
            raise NotFoundError(
                f"invoice_id {invoice_id} is not an invoice of customer {customer_id}"
            )
        if record.open_balance <= 0:
            raise ConflictError(f"invoice {invoice_id} is paid: no reminder recorded")
        due = record.invoice.due_date
        if due >= today:
            raise ConflictError(
                f"invoice {invoice_id} is not past due (due {due.isoformat()}): "
                "no reminder recorded"
            )
        return record

    def _record(
        self, payload: dict[str, Any], performed_by: str, action_id: str
    ) -> ReminderOutcome:
        try:
            self._repo.create_agent_action(
                COLLECTION_REMINDER, payload, performed_by, action_id=action_id
            )
            created = True
        except ConflictError:
            created = False
        action = self._repo.get_agent_action(action_id)
        if action is None:  # pragma: no cover - a store that loses a write it acknowledged
            raise NotFoundError(f"action {action_id} not found after it was recorded")
        return ReminderOutcome(action=action, created=created)
