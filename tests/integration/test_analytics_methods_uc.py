"""Forecast and anomaly methods through the use cases, the API and the CLI."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from finance_agent.adapters.http.v2_events import call_route
from finance_agent.bootstrap import get_repo
from finance_agent.cli import main
from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import SalesDay
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases import CashflowForecastUC, DetectAnomaliesUC
from finance_agent.routes import route_by_id
from finance_agent.shared.auth import Identity

TODAY = date(2026, 3, 29)  # a Sunday
WEEKLY = [Decimal(v) for v in ("1000", "1100", "1200", "1100", "900", "300", "200")]
READER = Identity(principal="reader@example.com")


def weekly_store(repo: FinanceRepository, weeks: int = 16) -> None:
    """A strongly weekly series (Monday first) ending TODAY, with one Sunday spike."""
    start = TODAY - timedelta(days=7 * weeks - 1)
    days = []
    for i in range(7 * weeks):
        day = start + timedelta(days=i)
        revenue = WEEKLY[day.weekday()] + Decimal(i % 3)  # a little texture
        if day == TODAY - timedelta(days=14):
            revenue = Decimal("700")  # +500 on a Sunday: below any weekday, huge for a Sunday
        days.append(SalesDay(date=day, revenue=revenue, cogs=0))
    repo.put_sales_days(days)


def test_auto_follows_the_weekly_pattern_and_says_what_it_chose(
    sqlite_repo: FinanceRepository,
) -> None:
    weekly_store(sqlite_repo)
    result = CashflowForecastUC(sqlite_repo, today=lambda: TODAY, currency="USD").execute(
        horizon_days=7, method="auto"
    )
    assert result.requested_method == "auto"
    assert result.method in {"seasonal_naive", "holt_winters"}
    assert {s.method for s in result.holdout} == {"sma", "seasonal_naive", "holt_winters"}
    by_weekday = {p.date.weekday(): p.amount for p in result.points}
    assert by_weekday[2] > by_weekday[6] * 3  # Wednesday well above Sunday
    assert result.total_interval is not None
    assert result.total_interval.lo95 <= result.total <= result.total_interval.hi95


def test_sma_stays_the_default_and_is_flat(sqlite_repo: FinanceRepository) -> None:
    weekly_store(sqlite_repo)
    result = CashflowForecastUC(sqlite_repo, today=lambda: TODAY).execute(horizon_days=7)
    assert result.method == "sma"
    assert len({p.amount for p in result.points}) == 1


def test_forecast_method_setting_changes_the_default(
    sqlite_repo: FinanceRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    weekly_store(sqlite_repo)
    monkeypatch.setenv("FORECAST_METHOD", "seasonal_naive")
    from finance_agent.shared.settings import get_settings

    get_settings.cache_clear()
    result = CashflowForecastUC(sqlite_repo, today=lambda: TODAY).execute(horizon_days=3)
    assert result.method == "seasonal_naive"


def test_robust_flags_the_sunday_spike_that_zscore_misses(sqlite_repo: FinanceRepository) -> None:
    weekly_store(sqlite_repo)
    spike_day = TODAY - timedelta(days=14)
    zscore = DetectAnomaliesUC(sqlite_repo, today=lambda: TODAY).execute("last_60d")
    robust = DetectAnomaliesUC(sqlite_repo, method="robust", today=lambda: TODAY).execute(
        "last_60d"
    )
    assert spike_day not in {a.date for a in zscore.anomalies}
    (flag,) = [a for a in robust.anomalies if a.date == spike_day]
    assert robust.threshold == 3.5
    assert flag.direction == "spike"
    assert flag.expected < Decimal("300")
    assert flag.deviation == flag.value - flag.expected
    assert "Sunday" in flag.reason


def test_robust_reports_a_week_long_drop_as_one_level_shift(
    sqlite_repo: FinanceRepository,
) -> None:
    # A weekly business with noise of 50 a day; in the last week every day is 150 down.
    rng = random.Random(3)
    start = TODAY - timedelta(days=7 * 12 - 1)
    drop = [TODAY - timedelta(days=back) for back in range(7)]
    sqlite_repo.put_sales_days(
        [
            SalesDay(
                date=day,
                revenue=1000
                + WEEKLY[day.weekday()]
                + Decimal(round(rng.gauss(0, 50), 2))
                - (150 if day in drop else 0),
                cogs=0,
            )
            for day in (start + timedelta(days=i) for i in range(7 * 12))
        ]
    )
    robust = DetectAnomaliesUC(sqlite_repo, method="robust", today=lambda: TODAY).execute(
        "last_60d"
    )
    shifted = [a for a in robust.anomalies if a.level_shift is not None]
    assert {a.date for a in shifted} == set(drop)
    shift = shifted[0].level_shift
    assert shift is not None
    assert (shift.start_date, shift.end_date, shift.days) == (drop[-1], TODAY, 7)
    assert -4.5 < shift.mean_score < -1.5
    assert any(abs(a.z_score) < 3.5 for a in shifted)  # not all of them stand out alone
    assert all(a.direction == "drop" and a.level_shift == shift for a in shifted)
    assert f"one of the 7 days from {drop[-1].isoformat()} to {TODAY.isoformat()}" in (
        shifted[0].reason
    )
    assert "a level shift" in shifted[0].reason


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda r: CashflowForecastUC(r).execute(horizon_days=7, method="magic"), "method"),
        (lambda r: DetectAnomaliesUC(r, method="magic"), "method"),
    ],
)
def test_an_unknown_method_is_a_validation_error(
    sqlite_repo: FinanceRepository, build, field
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        build(sqlite_repo)
    assert caught.value.field == field


def test_the_api_takes_a_method_parameter() -> None:
    weekly_store(get_repo())
    status, body = call_route(
        route_by_id("cashflow_forecast"), READER, {"horizon": 7, "method": "auto"}
    )
    assert status == 200
    assert body["requested_method"] == "auto"
    status, body = call_route(route_by_id("detect_anomalies"), READER, {"method": "robust"})
    assert status == 200
    assert body["method"] == "robust"
    status, body = call_route(route_by_id("detect_anomalies"), READER, {"method": "median"})
    assert status == 400
    assert body["details"][0]["field"] == "method"


def test_the_cli_takes_method(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("finance_agent.shared.clock.today", lambda: TODAY)
    weekly_store(get_repo())
    assert main(["forecast", "--horizon", "7", "--method", "auto", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["requested_method"] == "auto"
    assert main(["anomalies", "--method", "robust"]) == 0
    out = capsys.readouterr().out
    assert "(robust)" in out
    assert "Expected" in out
    assert main(["forecast", "--method", "auto"]) == 0
    assert "80% interval" in capsys.readouterr().out
