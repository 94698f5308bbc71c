"""Daily sales and the KPI cache in the embedded store."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pydantic

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import KPIs, KPISnapshot, SalesDay
from finance_agent.domain.money import cents, from_cents
from finance_agent.infra.sqlite.connection import SqliteFile
from finance_agent.shared import clock
from finance_agent.shared.log import logger


class FigureRecords(SqliteFile):
    """The KPI-cache and daily-sales methods of ``SqliteRepo``."""

    # -- KPIs cache --
    def get_kpis(self, period: str) -> KPISnapshot | None:
        rows = self._read("SELECT * FROM kpi_snapshots WHERE period = ?", (period,))
        if not rows:
            return None
        try:
            return KPISnapshot(
                computed_for=date.fromisoformat(rows[0]["computed_for"]),
                kpis=KPIs.model_validate_json(rows[0]["kpis_json"]),
            )
        except (pydantic.ValidationError, ValueError) as exc:
            # A cache record this version cannot read (written by an older one, or damaged)
            # is a cache miss: the KPIs are computed instead, as DynamoRepo does.
            logger.bind(period=period, reason=str(exc).splitlines()[0]).warning(
                "skipping malformed KPI record"
            )
            return None

    def put_kpis(self, snapshot: KPISnapshot) -> None:
        kpis = snapshot.kpis
        row = (kpis.period, snapshot.computed_for.isoformat(), kpis.model_dump_json())
        self._write("INSERT OR REPLACE INTO kpi_snapshots VALUES (?, ?, ?)", [row])

    # -- daily sales --
    def get_sales_series(self, days: int, end: date | None = None) -> list[SalesDay]:
        if days < 1:
            raise ValidationError("days", "must be at least 1")
        end = clock.today() if end is None else end
        try:
            start = end - timedelta(days=days - 1)
        except OverflowError:  # more days than the calendar holds: everything up to end
            start = date.min
        rows = self._read(
            "SELECT * FROM sales_days WHERE day BETWEEN ? AND ? ORDER BY day",
            (start.isoformat(), end.isoformat()),
        )
        return [
            SalesDay(
                date=date.fromisoformat(r["day"]),
                revenue=from_cents(r["revenue_cents"]),
                cogs=from_cents(r["cogs_cents"]),
            )
            for r in rows
        ]

    def put_sales_days(self, days: Iterable[SalesDay]) -> None:
        rows = ((d.date.isoformat(), cents(d.revenue), cents(d.cogs)) for d in days)
        self._write("INSERT OR REPLACE INTO sales_days VALUES (?, ?, ?)", rows)

    def latest_sales_date(self) -> date | None:
        # MAX over the primary key is one b-tree seek, not a scan.
        (latest,) = self._read("SELECT MAX(day) FROM sales_days")[0]
        return None if latest is None else date.fromisoformat(latest)
