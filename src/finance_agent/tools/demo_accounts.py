"""The demo data's customers (receivables by aging bucket) and sample collection reminders."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import product

from finance_agent.domain.models import COLLECTION_REMINDER, ARAging

CUSTOMER_COUNT = 50
ACTION_COUNT = 10
# A sample reminder is dated 1 to this many days after the day it was recorded.
REMIND_WITHIN_DAYS = 7
# How many customers pay on time, pay late, or are seriously overdue. Fixed counts, shuffled
# per seed, so every data set has both clean ledgers and real collection work.
PROFILE_COUNTS = {"on_time": 30, "late": 12, "overdue": 8}
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
    payload: dict[str, str]
    performed_by: str
    created_at: datetime
    status: str = "pending"


def _cents_between(rng: random.Random, low: int, high: int) -> Decimal:
    """A uniform amount from ``low`` to ``high`` whole units, drawn in cents so it is exact."""
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _customer_names(rng: random.Random) -> list[str]:
    pairs = rng.sample(list(product(_NAME_PREFIXES, _NAME_TRADES)), CUSTOMER_COUNT)
    return [f"{prefix} {trade} {rng.choice(_LEGAL_FORMS)}" for prefix, trade in pairs]


def _email(name: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower().rsplit(" ", 1)[0]).strip("-")
    return f"ap@{stem}.{EMAIL_DOMAIN}"


def _buckets(rng: random.Random, profile: str) -> dict[str, Decimal]:
    """Amounts per aging bucket for a customer of the given payment profile."""
    zero = Decimal(0)
    if profile == "on_time":
        late = _cents_between(rng, 200, 3_000) if rng.random() < 0.4 else zero
        return {
            "current": _cents_between(rng, 1_000, 25_000),
            "days_1_30": late,
            "days_31_60": zero,
            "days_61_90": zero,
            "days_over_90": zero,
        }
    if profile == "late":
        return {
            "current": _cents_between(rng, 1_000, 20_000),
            "days_1_30": _cents_between(rng, 1_000, 8_000),
            "days_31_60": _cents_between(rng, 500, 6_000),
            "days_61_90": zero,
            "days_over_90": zero,
        }
    return {
        "current": _cents_between(rng, 0, 10_000),
        "days_1_30": _cents_between(rng, 500, 5_000),
        "days_31_60": _cents_between(rng, 1_000, 8_000),
        "days_61_90": _cents_between(rng, 2_000, 12_000),
        "days_over_90": _cents_between(rng, 5_000, 30_000),
    }


def generate_customers(rng: random.Random) -> tuple[ARAging, ...]:
    profiles = [name for name, count in PROFILE_COUNTS.items() for _ in range(count)]
    rng.shuffle(profiles)
    names = _customer_names(rng)
    return tuple(
        ARAging(
            customer_id=f"CUST{number:03d}",
            customer_name=name,
            email=_email(name),
            **_buckets(rng, profile),
        )
        for number, (name, profile) in enumerate(zip(names, profiles, strict=True), start=1)
    )


def generate_actions(
    rng: random.Random, today: date, customers: Sequence[ARAging]
) -> tuple[ActionSpec, ...]:
    """Reminders for customers who owe past-due money, one a day over the days before today.

    Past days only, so no sample action claims to come from later today.
    """
    debtors = [row for row in customers if row.past_due > 0]
    actions = []
    for number in range(1, ACTION_COUNT + 1):
        day = today - timedelta(days=ACTION_COUNT + 1 - number)
        moment = time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59))
        customer = rng.choice(debtors)
        remind = day + timedelta(days=rng.randint(1, REMIND_WITHIN_DAYS))
        payload = {
            # Same fields as CreateCollectionReminderUC records.
            "customer_id": customer.customer_id,
            "customer_name": customer.customer_name,
            "invoice_id": f"INV-{rng.randint(10_000, 99_999)}",
            "remind_date": remind.isoformat(),
            "amount_past_due": str(customer.past_due),
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
