from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from finance_agent.domain.errors import ValidationError
from finance_agent.domain.kpi_math import gross_margin
from finance_agent.domain.models import ARAging, SalesDay
from finance_agent.domain.money import from_cents, to_money, to_ratio
from finance_agent.domain.period import parse_period


@pytest.mark.parametrize(("text", "days"), [("last_1d", 1), ("last_30d", 30), ("last_365d", 365)])
def test_periods_within_range_parse(text: str, days: int) -> None:
    assert parse_period(text).days == days
    assert parse_period(text).name == text


@pytest.mark.parametrize(
    "text",
    [
        "last_0d",
        "last_366d",
        "yesterday",
        "last_30",
        "LAST_30D",
        "",
        "last_-1d",
        " last_30d",
        "last_30d\n",
        "last_030d",
    ],
)
def test_other_periods_are_a_validation_error_that_says_what_a_period_looks_like(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_period(text)
    assert caught.value.field == "period"
    assert "last_<N>d" in caught.value.rule


def test_period_bounds_include_today_and_previous_period_is_adjacent() -> None:
    period = parse_period("last_7d")
    assert period.bounds(date(2026, 3, 10)) == (date(2026, 3, 4), date(2026, 3, 10))
    assert period.previous_bounds(date(2026, 3, 10)) == (date(2026, 2, 25), date(2026, 3, 3))


def test_money_rounds_half_up_to_cents() -> None:
    assert to_money(Decimal("2.005")) == Decimal("2.01")
    assert to_money(Decimal("-2.005")) == Decimal("-2.01")
    assert to_money(0.1) == Decimal("0.10")
    assert to_ratio(Decimal("0.123456")) == Decimal("0.1235")


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_cents_round_trip_exactly(value: int) -> None:
    assert int(from_cents(value) * 100) == value


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.decimals(min_value=0, max_value=10**9, places=2),
)
def test_gross_margin_is_a_four_decimal_ratio_at_most_one(revenue: Decimal, cogs: Decimal) -> None:
    margin = gross_margin(revenue, cogs)
    assert margin <= 1
    assert margin == margin.quantize(Decimal("0.0001"))
    if revenue == 0:
        assert margin == 0


def test_money_serializes_as_json_numbers_not_strings() -> None:
    day = SalesDay(date=date(2026, 1, 2), revenue=Decimal("1234.56"), cogs="700.1")
    assert day.model_dump_json() == '{"date":"2026-01-02","revenue":1234.56,"cogs":700.1}'


def test_aging_total_and_over_60_add_the_buckets() -> None:
    row = ARAging(
        customer_id="CUST001",
        customer_name="Acme",
        email="ap@acme.example.com",
        current="100.10",
        days_1_30="20.20",
        days_31_60="3.30",
        days_61_90="0.40",
        days_over_90="5.00",
    )
    assert row.total == Decimal("129.00")
    assert row.over_60 == Decimal("5.40")
    assert row.past_due == Decimal("28.90")
    assert '"total":129.0' in row.model_dump_json()


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        SalesDay(date=date(2026, 1, 2), revenue=Decimal("-1"), cogs=0)
