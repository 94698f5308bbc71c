"""Daily sales and the KPI cache in the DynamoDB table: their items (``SALES#<date>``,
listed through ``gsi1``; ``KPI#<period>``) and the methods that read and write them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, Final

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import KPIs, KPISnapshot, SalesDay
from finance_agent.infra.dynamo import items
from finance_agent.infra.dynamo.reads import TableReads
from finance_agent.shared.clock import today

SALES: Final = "SALES"
_KPI_FIELDS: Final = tuple(name for name in KPIs.model_fields if name != "previous")


def kpi_pk(period: str) -> str:
    return f"KPI#{period}"


def sales_pk(day: date) -> str:
    return f"SALES#{day.isoformat()}"


def kpi_item(snapshot: KPISnapshot) -> items.Item:
    kpis = snapshot.kpis.model_dump(mode="python")
    kpis["previous"] = snapshot.kpis.previous.model_dump(mode="python")
    for name in ("start_date", "end_date"):
        kpis[name] = kpis[name].isoformat()
        kpis["previous"][name] = kpis["previous"][name].isoformat()
    return items.encode(
        {"pk": kpi_pk(snapshot.kpis.period), "computed_for": snapshot.computed_for.isoformat()}
        | kpis
    )


def kpi_from_item(item: Mapping[str, Any]) -> KPISnapshot:
    values = items.decode(item)
    kpis = items.pick(values, (*_KPI_FIELDS, "previous"))
    snapshot = items.to_model(
        KPISnapshot, {"computed_for": values.get("computed_for"), "kpis": kpis}
    )
    items.check_keys(values, {"pk": kpi_pk(snapshot.kpis.period)})
    return snapshot


def sales_item(day: SalesDay) -> items.Item:
    iso = day.date.isoformat()
    return items.encode(
        {
            "pk": sales_pk(day.date),
            "gsi1pk": SALES,
            "gsi1sk": iso,
            "date": iso,
            "revenue": day.revenue,
            "cogs": day.cogs,
        }
    )


def sales_from_item(item: Mapping[str, Any]) -> SalesDay:
    values = items.decode(item)
    day = items.to_model(SalesDay, items.pick(values, ("date", "revenue", "cogs")))
    iso = day.date.isoformat()
    items.check_keys(values, {"pk": sales_pk(day.date), "gsi1pk": SALES, "gsi1sk": iso})
    return day


class FigureRecords(TableReads):
    """The KPI-cache and daily-sales methods of ``DynamoRepo``."""

    # -- KPIs cache --
    def get_kpis(self, period: str) -> KPISnapshot | None:
        return self._get(kpi_pk(period), kpi_from_item)

    def put_kpis(self, snapshot: KPISnapshot) -> None:
        item = kpi_item(snapshot)
        self._call("PutItem", self.client.put_item, TableName=self.table_name, Item=item)

    # -- daily sales --
    def get_sales_series(self, days: int, end: date | None = None) -> list[SalesDay]:
        if days < 1:
            raise ValidationError("days", "must be at least 1")
        last = end if end is not None else today()
        try:
            first = last - timedelta(days=days - 1)
        except OverflowError:  # more days than the calendar holds: everything up to end
            first = date.min
        query = self._gsi1_query(
            SALES,
            "gsi1sk BETWEEN :first AND :last",
            {":first": {"S": first.isoformat()}, ":last": {"S": last.isoformat()}},
        )
        return self._parsed(self._query_all(query), sales_from_item)

    def put_sales_days(self, days: Iterable[SalesDay]) -> None:
        self._batch_put(sales_item(day) for day in days)

    def latest_sales_date(self) -> date | None:
        query = self._gsi1_query(SALES, ScanIndexForward=False)
        start: dict[str, Any] | None = None
        while True:  # normally one item; more only past malformed ones
            page, start = self._query_page(query, 1, start)
            for sales in self._parsed(page, sales_from_item):
                return sales.date
            if start is None:
                return None
