"""CashflowForecastUC and DetectAnomaliesUC over a real SQLite store."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.models import SalesDay
from finance_agent.domain.ports import FinanceRepository
from finance_agent.domain.usecases import CashflowForecastUC, DetectAnomaliesUC

TODAY = date(2026, 3, 31)


def put_series(repo: FinanceRepository, revenues: list[str]) -> None:
    """Revenues oldest first, the last one on TODAY."""
    n = len(revenues)
    repo.put_sales_days(
        SalesDay(date=TODAY - timedelta(days=n - 1 - i), revenue=Decimal(r), cogs=0)
        for i, r in enumerate(revenues)
    )


def forecast(repo: FinanceRepository, **kw: int) -> CashflowForecastUC:
    return CashflowForecastUC(repo, today=lambda: TODAY, currency="USD", **kw)


def detector(repo: FinanceRepository, threshold: float = 2.0) -> DetectAnomaliesUC:
    return DetectAnomaliesUC(repo, threshold, today=lambda: TODAY, currency="USD")


def test_forecast_is_the_average_of_the_window_every_day(sqlite_repo: FinanceRepository) -> None:
    put_series(sqlite_repo, ["999.99"] * 10 + ["100.00", "200.00", "300.01"])
    result = forecast(sqlite_repo, window_days=3).execute(horizon_days=4)
    assert result.daily_average == Decimal("200.00")
    assert result.total == Decimal("800.00")
    assert [p.amount for p in result.points] == [Decimal("200.00")] * 4
    assert result.points[0].date == TODAY + timedelta(days=1)
    assert result.end_date == TODAY + timedelta(days=4)
    assert (result.window_days, result.history_days, result.method) == (3, 3, "sma")


def test_forecast_uses_the_history_there_is_when_shorter_than_the_window(
    sqlite_repo: FinanceRepository,
) -> None:
    put_series(sqlite_repo, ["10.00", "20.00"])
    result = forecast(sqlite_repo).execute(horizon_days=30)
    assert result.history_days == 2
    assert result.daily_average == Decimal("15.00")
    assert result.total == Decimal("450.00")
    assert len(result.points) == 30


def test_forecast_without_history_is_zero_and_says_why(sqlite_repo: FinanceRepository) -> None:
    result = forecast(sqlite_repo).execute(horizon_days=7)
    assert result.total == 0
    assert result.note is not None


@pytest.mark.parametrize("horizon", [0, -1, 366])
def test_horizon_outside_1_to_365_is_refused_not_clamped(
    sqlite_repo: FinanceRepository, horizon: int
) -> None:
    with pytest.raises(ValidationError) as caught:
        forecast(sqlite_repo).execute(horizon_days=horizon)
    assert caught.value.field == "horizon"


def test_a_spike_and_a_drop_are_flagged_with_their_scores(sqlite_repo: FinanceRepository) -> None:
    revenues = ["100.00"] * 28 + ["400.00"] + ["100.00"] * 10 + ["0.00"] + ["100.00"] * 5
    put_series(sqlite_repo, revenues)
    report = detector(sqlite_repo).execute("last_60d")
    assert report.days_analyzed == len(revenues)
    directions = {a.date: a.direction for a in report.anomalies}
    spike_day = TODAY - timedelta(days=len(revenues) - 1 - 28)
    drop_day = TODAY - timedelta(days=5)
    assert directions == {spike_day: "spike", drop_day: "drop"}
    spike = next(a for a in report.anomalies if a.date == spike_day)
    assert spike.value == Decimal("400.00")
    assert spike.deviation == Decimal("400.00") - report.mean
    assert spike.z_score == pytest.approx(float(spike.deviation / report.std_dev), abs=0.01)


def test_equal_days_have_no_anomalies_and_no_division_by_zero(
    sqlite_repo: FinanceRepository,
) -> None:
    put_series(sqlite_repo, ["50.00"] * 20)
    report = detector(sqlite_repo).execute("last_30d")
    assert report.std_dev == 0
    assert report.anomalies == []


@pytest.mark.parametrize("revenues", [[], ["10.00"], ["10.00", "1000.00"]])
def test_short_history_has_no_anomalies(
    sqlite_repo: FinanceRepository, revenues: list[str]
) -> None:
    put_series(sqlite_repo, revenues)
    assert detector(sqlite_repo).execute("last_60d").anomalies == []


def test_only_days_inside_the_period_are_analysed(sqlite_repo: FinanceRepository) -> None:
    put_series(sqlite_repo, ["9999.00"] + ["100.00"] * 6 + ["101.00"] * 7)
    report = detector(sqlite_repo).execute("last_7d")
    assert report.days_analyzed == 7
    assert report.anomalies == []


@pytest.mark.parametrize("threshold", [0.0, -1.0, float("nan"), float("inf"), 10.5])
def test_threshold_must_be_positive_and_finite(
    sqlite_repo: FinanceRepository, threshold: float
) -> None:
    with pytest.raises(ValidationError) as caught:
        detector(sqlite_repo, threshold)
    assert caught.value.field == "threshold"
