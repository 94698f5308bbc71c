"""Money and ratios as Decimal: cents with ROUND_HALF_UP, ratios with four decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

CENT = Decimal("0.01")
RATIO_STEP = Decimal("0.0001")


def to_money(value: Decimal | int | str | float) -> Decimal:
    """Round to cents. Floats go through ``str`` so 0.1 stays 0.1, not 0.1000000000000000055."""
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def to_ratio(value: Decimal | int | str | float) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    return Decimal(value).quantize(RATIO_STEP, rounding=ROUND_HALF_UP)


def cents(value: Decimal) -> int:
    """Whole cents of a money amount, for stores that keep integers."""
    return int(to_money(value) * 100)


def from_cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def _money_or_passthrough(value: object) -> object:
    if isinstance(value, Decimal | int | str | float) and not isinstance(value, bool):
        try:
            return to_money(value)
        except ArithmeticError:
            return value  # pydantic reports it as not a valid decimal
    return value


def _ratio_or_passthrough(value: object) -> object:
    if isinstance(value, Decimal | int | str | float) and not isinstance(value, bool):
        try:
            return to_ratio(value)
        except ArithmeticError:
            return value
    return value


# JSON numbers, not strings: ``float(Decimal("1234.56"))`` prints as 1234.56 exactly,
# and every amount is already rounded to cents.
Money = Annotated[
    Decimal,
    BeforeValidator(_money_or_passthrough),
    PlainSerializer(lambda v: float(v), return_type=float, when_used="json"),
]
Ratio = Annotated[
    Decimal,
    BeforeValidator(_ratio_or_passthrough),
    PlainSerializer(lambda v: float(v), return_type=float, when_used="json"),
]
