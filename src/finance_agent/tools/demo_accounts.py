"""The demo data's customers (who they are) and sample collection reminders about real
past-due invoices of the demo ledger (:mod:`.demo_ledger`)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import product
from typing import Any

from finance_agent.domain.ledger.aging import InvoiceAge, open_invoice_ages
from finance_agent.domain.ledger.records import Customer
from finance_agent.domain.models import COLLECTION_REMINDER
from finance_agent.tools.demo_ledger import DemoLedger

CUSTOMER_COUNT = 50
ACTION_COUNT = 10
# A sample reminder is dated 1 to this many days after the day it was recorded.
REMIND_WITHIN_DAYS = 7
# Before the ledger, customers were dealt receivables profiles in these numbers, shuffled
# first on the customers' stream. The shuffle is still drawn so that every seed keeps the
# names (and emails) its customers always had.
_FORMER_PROFILE_COUNT = 50
_NAME_PREFIXES = (
    "Acme",
    "Blue Harbor",
    "Cedar Ridge",
    "Copperline",
    "Evergreen",
    "Granite",
    "Lakeshore",
    "Northwind",
    "Pinecrest",
    "Redwood",
    "Silver Oak",
    "Summit",
)
_NAME_TRADES = (
    "Logistics",
    "Foods",
    "Manufacturing",
    "Supply",
    "Retail",
    "Health",
    "Builders",
    "Analytics",
)
_LEGAL_FORMS = ("Inc.", "LLC", "Ltd.", "Co.")
# Reserved for documentation by RFC 2606: these addresses can never reach a real inbox.
EMAIL_DOMAIN = "example.com"
DEMO_ACTOR = "demo.controller@example.com"


@dataclass(frozen=True)
class ActionSpec:
    """An action to record, with the id and time it must have so reruns find it again."""

    action_id: str
    action: str
    payload: dict[str, Any]
    performed_by: str
    created_at: datetime
    status: str = "pending"


def _customer_names(rng: random.Random) -> list[str]:
    pairs = rng.sample(list(product(_NAME_PREFIXES, _NAME_TRADES)), CUSTOMER_COUNT)
    return [f"{prefix} {trade} {rng.choice(_LEGAL_FORMS)}" for prefix, trade in pairs]


def _email(name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower().rsplit(" ", 1)[0]).strip("-")
    return f"ap@{stem}.{EMAIL_DOMAIN}"


def generate_customers(rng: random.Random) -> tuple[Customer, ...]:
    """``CUST001`` to ``CUST050``, each with a name and an email address; the ledger gives
    them payment terms (:mod:`.demo_purchases`)."""
    rng.shuffle(list(range(_FORMER_PROFILE_COUNT)))  # see _FORMER_PROFILE_COUNT
    names = _customer_names(rng)
    return tuple(
        Customer(customer_id=f"CUST{number:03d}", name=name, email=_email(name))
        for number, name in enumerate(names, start=1)
    )


def _past_due_on(ledger: DemoLedger, day: date) -> dict[str, list[InvoiceAge]]:
    """The invoices past due at the end of ``day`` of each customer a reminder may chase:
    not on hold, and not disputed (a contested invoice is not chased)."""
    held = {c.customer_id for c in ledger.customers if c.on_hold}
    chased: dict[str, list[InvoiceAge]] = {}
    for aged in open_invoice_ages(ledger.invoices, day):
        invoice = aged.record.invoice
        if aged.days_past_due > 0 and not invoice.disputed and invoice.customer_id not in held:
            chased.setdefault(invoice.customer_id, []).append(aged)
    return chased


def generate_actions(rng: random.Random, today: date, ledger: DemoLedger) -> tuple[ActionSpec, ...]:
    """Reminders about invoices past due, one a day over the days before today.

    Each names an invoice that was open and past due on the day it was recorded, with what
    was then owed on it, as CreateCollectionReminderUC records a reminder naming an invoice.
    Past days only, so no sample action claims to come from later today.
    """
    names = {c.customer_id: c.name for c in ledger.customers}
    actions = []
    for number in range(1, ACTION_COUNT + 1):
        day = today - timedelta(days=ACTION_COUNT + 1 - number)
        moment = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        chased = _past_due_on(ledger, day)
        customer_id = rng.choice(sorted(chased))
        aged = rng.choice(chased[customer_id])
        invoice = aged.record.invoice
        remind = day + timedelta(days=rng.randint(1, REMIND_WITHIN_DAYS))
        owed = str(aged.open_balance)  # money as text, never rounded through a float
        payload = {
            "customer_id": customer_id,
            "customer_name": names[customer_id],
            "invoice_id": invoice.invoice_id,
            "remind_date": remind.isoformat(),
            "amount_past_due": owed,
            "invoices": [
                {
                    "invoice_id": invoice.invoice_id,
                    "due_date": invoice.due_date.isoformat(),
                    "open_balance": owed,
                    "disputed": invoice.disputed,
                }
            ],
        }
        actions.append(
            ActionSpec(
                action_id=f"action-{number:03d}",
                action=COLLECTION_REMINDER,
                payload=payload,
                performed_by=DEMO_ACTOR,
                created_at=datetime.combine(day, moment, tzinfo=UTC),
            )
        )
    return tuple(actions)
