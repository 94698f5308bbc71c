"""Edges of the input the audit of the local server found: each answer is the API's, never a 500.

Deep or duplicated JSON, friendly rules for every refused value, strict number syntax,
the body limit of the route, capped error listings, the chat's Idempotency-Key, and the
forecast's rounded scores.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

pytestmark = pytest.mark.usefixtures("seeded")

Api = Callable[..., Any]
REMINDER = "/agent/actions/collection-reminder"
CHAT = "/agent/chat"
ANA = {"sub": "actor-0002", "email": "ana.controller@example.com", "scope": "agent:actions"}


def test_the_forecast_holdout_scores_have_three_decimals(api: Api) -> None:
    reply = api("GET", "/agent/tools/cashflow", {"method": "auto"})
    assert reply.status == 200
    holdout = reply.exact_json["holdout"]
    assert holdout
    for score in holdout:
        if score["mase"] is not None:
            assert score["mase"] == round(score["mase"], 3)
            assert -score["mase"].as_tuple().exponent <= 3
