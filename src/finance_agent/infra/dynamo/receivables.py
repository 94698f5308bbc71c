"""Receivables aging in the DynamoDB table: one ``AR_AGING#<customer_id>`` item a customer,
listed through ``gsi1``, and the methods that read and write them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from finance_agent.domain.models import ARAging
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.reads import TableReads

AR_AGING: Final = "AR_AGING"
_AGING_FIELDS: Final = ("current", "days_1_30", "days_31_60", "days_61_90", "days_over_90")


def ar_pk(customer_id: str) -> str:
    return f"AR_AGING#{customer_id}"


def ar_item(row: ARAging) -> items.Item:
    values: dict[str, Any] = {
        "pk": ar_pk(row.customer_id),
        "gsi1pk": AR_AGING,
        "gsi1sk": row.customer_id,
        "customer_id": row.customer_id,
        "customer_name": row.customer_name,
        "email": row.email,
    }
    values.update({name: getattr(row, name) for name in _AGING_FIELDS})
    return items.encode(values)


def ar_from_item(item: Mapping[str, Any]) -> ARAging:
    names = ("customer_id", "customer_name", "email", *_AGING_FIELDS)
    values = items.decode(item)
    row = items.to_model(ARAging, items.pick(values, names))
    customer = row.customer_id
    items.check_keys(values, {"pk": ar_pk(customer), "gsi1pk": AR_AGING, "gsi1sk": customer})
    return row


class ReceivableRecords(TableReads):
    """The receivables methods of ``DynamoRepo``."""

    def get_ar_aging(self) -> list[ARAging]:
        query = self._gsi1_query(AR_AGING)
        return self._parsed(self._query_all(query), ar_from_item)

    def get_customer_aging(self, customer_id: str) -> ARAging | None:
        return self._get(ar_pk(customer_id), ar_from_item)

    def put_ar_aging(self, rows: Iterable[ARAging]) -> None:
        self._batch_put(ar_item(row) for row in rows)
