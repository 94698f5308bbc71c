from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from finance_agent.domain.models._base import DomainModel


class IdempotencyRecord(DomainModel):
    """The first response to a request sent with an Idempotency-Key (``IDEMP#<key>``).

    ``in_progress`` while the first request runs; ``completed`` with its response after.
    """

    key: str = Field(min_length=1, max_length=128)
    fingerprint: str = Field(min_length=1, max_length=128)
    status: Literal["in_progress", "completed"] = "in_progress"
    status_code: int | None = None
    response_body: str | None = None
    expires_at: AwareDatetime
