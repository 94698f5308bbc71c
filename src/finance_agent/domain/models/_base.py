from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    """Immutable, strict about unknown fields: a typo in a field name is a bug, not data."""

    model_config = ConfigDict(frozen=True, extra="forbid")
