"""The caller's name from a token is recorded as who acted: it must be printable text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

KPIS = "/agent/tools/kpis"


@pytest.mark.parametrize("name", ["ana@example.com\nadmin@example.com", "ana\u0000", "ana\u202e"])
def test_a_token_whose_identity_has_control_characters_is_401(
    api: Callable[..., Any], mint: Callable[..., str], name: str
) -> None:
    token = mint({"sub": name, "scope": "agent:actions"})

    reply = api("GET", KPIS, claims=None, token=token)

    assert reply.status == 401
    assert "control characters" in reply.json["message"]


def test_a_token_whose_identity_is_printable_is_accepted(
    api: Callable[..., Any], mint: Callable[..., str]
) -> None:
    token = mint({"sub": "Ana Müller <ana@example.com>", "scope": "agent:actions"})

    assert api("GET", KPIS, claims=None, token=token).status == 200
