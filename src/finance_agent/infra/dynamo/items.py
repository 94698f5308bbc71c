"""Stored DynamoDB items <-> domain models: what every kind of record's items share.

Items are written explicitly, in DynamoDB's attribute-value form; each kind of record's
module (figures, receivables, actions, idempotency, chat) holds its own keys and items.
Amounts are DynamoDB numbers (Decimal both ways). Readers raise ``MalformedItem`` for an
item they cannot turn into a model, or whose keys are not the ones its attributes give (an
item written by hand as ``SALES#DUP`` would count a day twice); the repository logs its key
and skips it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import pydantic
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Item = dict[str, "AttributeValueTypeDef"]

# Records that expire: ``expires_at`` (the table's TTL attribute) is whole epoch seconds for
# DynamoDB's TTL, which deletes within days of it; ``expires_ts`` is the exact instant, which
# reads and claims compare against.
EXPIRES_TS = "expires_ts"

M = TypeVar("M", bound=pydantic.BaseModel)

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class MalformedItem(ValueError):
    """A stored item lacks an attribute or holds one the model refuses. Never holds values:
    the reason names attributes only, so it is safe to log (no customer emails)."""


def key(pk: str) -> Item:
    return {"pk": {"S": pk}}


def encode(values: Mapping[str, Any]) -> Item:
    return {name: _serializer.serialize(value) for name, value in values.items()}


def decode(item: Mapping[str, Any]) -> dict[str, Any]:
    try:
        return {name: _deserializer.deserialize(value) for name, value in item.items()}
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise MalformedItem(f"undecodable attribute ({type(exc).__name__})") from None


def to_model(model: type[M], values: Mapping[str, Any]) -> M:
    try:
        return model.model_validate(values)
    except pydantic.ValidationError as exc:
        fields = sorted({".".join(str(part) for part in err["loc"]) for err in exc.errors()})
        raise MalformedItem(f"bad or missing attributes: {', '.join(fields)}") from None


def pick(values: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[name] for name in names if name in values}


def check_keys(values: Mapping[str, Any], expected: Mapping[str, str]) -> None:
    """Each key attribute holds what the record's own attributes give, as the writers
    store it: a key that says otherwise would list or count the record twice, or under
    another date, customer or action."""
    wrong = [name for name, want in expected.items() if values.get(name) != want]
    if wrong:
        raise MalformedItem(f"keys that do not match the attributes: {', '.join(wrong)}")
