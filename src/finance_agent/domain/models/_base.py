from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DomainModel(BaseModel):
    """Immutable, strict about unknown fields: a typo in a field name is a bug, not data.

    Validators are built on first use, not at import: a Lambda handler imports every model
    but uses a few, and its cold start pays for each one built (benchmarks/cold_start.py).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)
