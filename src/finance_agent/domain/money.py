"""Money and ratios as Decimal: cents with ROUND_HALF_UP, ratios with four decimals."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

MONEY_PLACES = 2
RATIO_PLACES = 4
CENT = Decimal(1).scaleb(-MONEY_PLACES)
RATIO_STEP = Decimal(1).scaleb(-RATIO_PLACES)

# Every recorded amount (a day's sales, an aging bucket: ``Amount``) is below 10^15 (a
# quadrillion) in absolute value: more than any real ledger holds in one figure, in any
# currency. A stored number beyond it (DynamoDB keeps up to 38 digits) is bad data, refused
# like text where a number belongs. The bound also keeps the sums of such amounts (KPIs add up
# days and customers) far inside Decimal's default 28 digits, where they stay exact; the
# sums themselves (``Money``) are not bounded, so a total of many large days is still served.
MONEY_BOUND = Decimal(10) ** 15
_MAX_DIGITS = 1000  # enough for any DynamoDB number (38 digits, up to 10^126) and sums
_CENTS = Context(prec=28)


def _quantize(value: Decimal | int | str | float, places: int) -> Decimal:
    """``value`` rounded half up to ``places`` decimals, with the digits that takes.

    ``quantize`` raises InvalidOperation when its result needs more digits than the context's
    precision (28 by default): here that precision grows with the value, up to
    ``_MAX_DIGITS``, so no amount a model accepts, nor any sum of them, can raise.
    Infinity, and values beyond 10^1000, still raise; NaN stays NaN (models refuse both).
    """
    if isinstance(value, float):
        value = str(value)  # so 0.1 stays 0.1, not 0.1000000000000000055
    number = Decimal(value)
    with localcontext() as context:
        if number.is_finite():  # its integer digits, the places, one for a carry
            needed = number.adjusted() + 1 + places + 1
            context.prec = min(max(context.prec, needed), _MAX_DIGITS)
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_money(value: Decimal | int | str | float) -> Decimal:
    """Round to cents."""
    return _quantize(value, MONEY_PLACES)


def to_ratio(value: Decimal | int | str | float) -> Decimal:
    return _quantize(value, RATIO_PLACES)


def cents(value: Decimal) -> int:
    """Whole cents of a money amount, for stores that keep integers."""
    if value.is_finite() and -MONEY_BOUND < value < MONEY_BOUND:
        # Every recorded amount: 17 digits at most, exact in a 28-digit context. As
        # ``to_money`` rounds it, without the context it sets up for any size (an import
        # converts a few hundred thousand amounts).
        return int(value.quantize(CENT, ROUND_HALF_UP, _CENTS).scaleb(MONEY_PLACES, _CENTS))
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


def _within_bound(value: Decimal) -> Decimal:
    if not -MONEY_BOUND < value < MONEY_BOUND:
        raise ValueError("must be less than 10^15 in absolute value")
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
# A recorded amount: Money, bounded (see MONEY_BOUND).
Amount = Annotated[Money, AfterValidator(_within_bound)]
Ratio = Annotated[
    Decimal,
    BeforeValidator(_ratio_or_passthrough),
    PlainSerializer(lambda v: float(v), return_type=float, when_used="json"),
]
