"""Where ``finance-agent serve`` says it can be reached, and when it warns that others can."""

from __future__ import annotations

import pytest

from finance_agent.adapters.local_server.serve import (
    exposure_warning,
    is_loopback,
    public_url,
)
from finance_agent.shared.settings import load_settings


def lan(ipv6: bool) -> str:
    return "fd00::5" if ipv6 else "192.168.1.5"


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("localhost", "http://localhost:8000"),
        ("::1", "http://[::1]:8000"),
        ("10.0.0.7", "http://10.0.0.7:8000"),
        ("0.0.0.0", "http://192.168.1.5:8000"),
        ("::", "http://[fd00::5]:8000"),
    ],
)
def test_the_printed_url_is_the_host_given_or_this_machines_address(host: str, url: str) -> None:
    assert public_url(host, 8000, machine=lan) == url


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost", "LOCALHOST"])
def test_loopback_hosts_are_recognised(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "10.0.0.7", "my-laptop.lan"])
def test_hosts_others_can_reach_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_a_host_others_can_reach_gets_one_warning_line_naming_plain_http_and_cors() -> None:
    warning = exposure_warning("0.0.0.0", load_settings())

    assert warning is not None
    assert "\n" not in warning
    assert "reachable from other machines over plain HTTP" in warning
    assert "CORS allows any origin" in warning


def test_cors_is_not_mentioned_when_origins_are_listed() -> None:
    settings = load_settings(cors_allow_origins="https://finance.example.com")
    warning = exposure_warning("10.0.0.7", settings)

    assert warning is not None
    assert "CORS" not in warning


def test_loopback_gets_no_warning() -> None:
    assert exposure_warning("127.0.0.1", load_settings()) is None
