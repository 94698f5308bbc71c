"""Signing secrets in production are long enough that one signed token does not give them
away; local and dev runs keep accepting short test secrets."""

from __future__ import annotations

import pytest

from finance_agent.shared.settings import MIN_PROD_SECRET_LENGTH, SettingsError, load_settings

SHORT = "s" * (MIN_PROD_SECRET_LENGTH - 1)
LONG = "l" * MIN_PROD_SECRET_LENGTH


@pytest.mark.parametrize("name", ["jwt_secret", "session_signing_secret"])
def test_a_short_signing_secret_is_refused_in_prod_naming_the_variable(name: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(env="prod", **{name: SHORT})

    message = str(raised.value)
    assert message.startswith(f"invalid configuration: {name.upper()} must")
    assert f"{name.upper()} must be at least 32 characters when ENV=prod" in message
    assert SHORT not in message  # a secret is never echoed


@pytest.mark.parametrize("name", ["jwt_secret", "session_signing_secret"])
def test_a_signing_secret_of_32_characters_is_accepted_in_prod(name: str) -> None:
    settings = load_settings(env="prod", **{name: LONG})

    assert getattr(settings, name).get_secret_value() == LONG


@pytest.mark.parametrize("env", ["local", "dev"])
def test_short_test_secrets_still_work_outside_prod(env: str) -> None:
    settings = load_settings(env=env, jwt_secret="dev", session_signing_secret="dev")

    assert settings.jwt_secret is not None
    assert settings.session_signing_secret is not None


def test_prod_without_the_secrets_is_still_allowed() -> None:
    settings = load_settings(env="prod")

    assert settings.jwt_secret is None
    assert settings.session_signing_secret is None
