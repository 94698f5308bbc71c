"""Receivables as kept before the ledger: one ``AR_AGING#<customer_id>`` item a customer,
listed through ``gsi1``. Only the upgrade to the ledger reads them (``ledger_upgrade.py``);
nothing writes them any more, and they stay in the table as they were."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from finance_agent.domain.models import ARAging
from finance_agent.infra.dynamo import items

AR_AGING: Final = "AR_AGING"
_AGING_FIELDS: Final = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def ar_pk(customer_id: str) -> str:
    return f"AR_AGING#{customer_id}"


def ar_from_item(item: Mapping[str, Any]) -> ARAging:
    names = ("customer_id", "customer_name", "email", *_AGING_FIELDS)
    values = items.decode(item)
    row = items.to_model(ARAging, items.pick(values, names))
    customer = row.customer_id
    items.check_keys(values, {"pk": ar_pk(customer), "gsi1pk": AR_AGING, "gsi1sk": customer})
    return row
