from __future__ import annotations

from pathlib import Path

import pytest

from finance_agent.shared.settings import SettingsError, get_settings, load_settings


def test_defaults_follow_the_seed() -> None:
    settings = load_settings()
    assert settings.env == "local"
    assert settings.log_level == "INFO"
    assert settings.aws_region == "us-east-1"
    assert settings.table_name == "finance"
    assert settings.jwt_algorithm == "HS256"
    assert settings.agent_id is None
    assert settings.agent_alias_id is None
    assert settings.currency == "USD"
    assert settings.timezone == "UTC"


def test_local_env_uses_sqlite_and_others_use_dynamodb(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().store_kind == "sqlite"
    monkeypatch.setenv("ENV", "prod")
    assert load_settings().store_kind == "dynamodb"
    monkeypatch.setenv("STORE", "sqlite")
    assert load_settings().store_kind == "sqlite"


def test_values_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ENV", "Staging")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("TABLE_NAME", "finance-test")
    monkeypatch.setenv("CURRENCY", "eur")
    monkeypatch.setenv("TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("AGENT_ID", "AGENT123")
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", "http://127.0.0.1:8000")
    settings = load_settings()
    assert (settings.env, settings.log_level, settings.table_name) == (
        "staging",
        "DEBUG",
        "finance-test",
    )
    assert settings.currency == "EUR"
    assert settings.tz.key == "Europe/Paris"
    assert settings.agent_id == "AGENT123"
    assert settings.dynamodb_endpoint_url == "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("ENV", "banana", "ENV: must be one of 'local', 'dev', 'staging', 'prod' (got 'banana')"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: must be one of 'DEBUG', 'INFO', 'WARNING'"),
        ("STORE", "postgres", "STORE: must be one of 'sqlite', 'dynamodb'"),
        ("CURRENCY", "dollars", "CURRENCY: must be a three-letter ISO 4217 code"),
        ("TIMEZONE", "Mars/Olympus", "TIMEZONE: must be an IANA time zone name"),
        ("DYNAMODB_ENDPOINT_URL", "localhost:8000", "DYNAMODB_ENDPOINT_URL: must be an http"),
    ],
)
def test_a_bad_value_names_the_variable_and_what_it_accepts(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        get_settings()
    assert expected in str(caught.value)


def test_the_jwt_secret_is_never_echoed_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JWT_SECRET", "s3cret-value")
    monkeypatch.setenv("ENV", "banana")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert "s3cret-value" not in str(caught.value)


def test_local_mode_is_refused_inside_lambda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "finance-agent-kpis")
    with pytest.raises(SettingsError, match="ENV=local is refused inside AWS Lambda"):
        load_settings()
    monkeypatch.setenv("ENV", "prod")
    assert load_settings().env == "prod"


def test_get_settings_is_a_cached_singleton() -> None:
    assert get_settings() is get_settings()


def test_sqlite_path_defaults_to_a_per_user_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SQLITE_PATH")
    path = load_settings().sqlite_file
    assert path.name == "finance.db"
    assert "finance-agent" in path.parts


def test_sqlite_path_can_be_overridden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SQLITE_PATH", str(tmp_path / "x.db"))
    assert load_settings().sqlite_file == tmp_path / "x.db"


def test_blank_optional_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_ID", "  ")
    monkeypatch.setenv("STORE", "")
    settings = load_settings()
    assert settings.agent_id is None
    assert settings.store is None
