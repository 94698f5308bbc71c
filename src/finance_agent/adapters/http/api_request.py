"""What a route's logic receives and may return, apart from the endpoint that runs it.

Both the endpoint and the idempotency records read these, so they live here and the
endpoint imports idempotency, never the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from finance_agent.shared.auth import Identity

Q = TypeVar("Q")
B = TypeVar("B")


@dataclass(frozen=True)
class ApiRequest(Generic[Q, B]):
    identity: Identity
    query: Q
    body: B
    request_id: str
    headers: Mapping[str, str]


@dataclass(frozen=True)
class ApiResult:
    """A response model with a status other than the route's usual one."""

    body: BaseModel
    status: int
