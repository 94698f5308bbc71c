from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from finance_agent.domain.errors import ConflictError, NotFoundError, ValidationError
from finance_agent.domain.models import COLLECTION_REMINDER, AgentAction
from finance_agent.domain.ports import FinanceRepository
from finance_agent.shared import clock

MAX_DAYS_AHEAD = 365
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


@dataclass(frozen=True)
class ReminderOutcome:
    action: AgentAction
    created: bool  # False: the same reminder was already recorded

    @property
    def action_id(self) -> str:
        return self.action.action_id


class CreateCollectionReminderUC:
    """Record a reminder to collect what a customer owes, once per customer, invoice and date."""

    def __init__(self, repo: FinanceRepository, *, today: Callable[[], date] | None = None) -> None:
        self._repo = repo
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
        when = _parse_remind_date(remind_date, self._today())
        customer = self._repo.get_customer_aging(customer_id)
        if customer is None:
            raise NotFoundError(f"customer {customer_id} not found")
        if customer.past_due <= 0:
            # Nothing to collect yet: a reminder would chase money that is not owed.
            raise ConflictError(
                f"customer {customer_id} has nothing past due "
                f"(balance {customer.total} not yet due): no reminder recorded"
            )
        payload = {
            "customer_id": customer_id,
            "customer_name": customer.customer_name,
            "invoice_id": invoice_id,
            "remind_date": when.isoformat(),
            "amount_past_due": str(customer.past_due),
        }
        action_id = reminder_id(customer_id, invoice_id, when)
        try:
            self._repo.create_agent_action(
                COLLECTION_REMINDER, payload, performed_by.strip(), action_id=action_id
            )
            created = True
        except ConflictError:
            created = False
        action = self._repo.get_agent_action(action_id)
        if action is None:  # pragma: no cover - a store that loses a write it acknowledged
            raise NotFoundError(f"action {action_id} not found after it was recorded")
        return ReminderOutcome(action=action, created=created)
