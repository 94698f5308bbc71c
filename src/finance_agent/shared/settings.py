"""Settings from environment variables, validated once at start.

No other module reads ``os.environ``: everything configurable is a field here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Env = Literal["local", "dev", "staging", "prod"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
StoreKind = Literal["sqlite", "dynamodb"]

APP_NAME = "finance-agent"
DEFAULT_ACTIONS_SCOPE = "agent:actions"
# HMAC-SHA256 gains nothing from a key longer than its 32-byte output, and a shorter key is
# weaker than the hash: one token or signed session lets anyone guess it offline. Production
# needs at least this many characters; local and dev runs may use short test secrets.
MIN_PROD_SECRET_LENGTH = 32


class SettingsError(ValueError):
    """A configuration value is invalid; the message names the variable and the rule."""


def default_sqlite_path() -> Path:
    """The embedded store's file in the per-user data folder of this platform."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "finance.db"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", frozen=True)

    env: Env = "local"
    log_level: LogLevel = "INFO"
    aws_region: str = "us-east-1"
    aws_profile: str | None = None
    table_name: str = Field(default="finance", min_length=3, max_length=255)
    jwt_secret: SecretStr | None = None
    # Tokens verified in-process are HMAC-signed; ``none`` and key-confusion tricks are refused.
    jwt_algorithm: Literal["HS256", "HS384", "HS512"] = "HS256"
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    # The write scope as this deployment's issuer writes it: ``agent:actions``, or behind the
    # resource server that defines it (Cognito: ``finance-agent/agent:actions``). Another
    # resource server's ``<name>/agent:actions`` belongs to another API and grants nothing.
    actions_scope: str = DEFAULT_ACTIONS_SCOPE
    agent_id: str | None = None
    agent_alias_id: str | None = None
    # Methods the API uses when a request names none (the chat and the web page pick their own).
    forecast_method: Literal["sma", "seasonal_naive", "holt_winters", "auto"] = "sma"
    anomaly_method: Literal["zscore", "robust"] = "zscore"
    # The chat: a Bedrock model with tools when set (and no agent); offline otherwise.
    bedrock_model_id: str | None = None
    bedrock_guardrail_id: str | None = None
    bedrock_guardrail_version: str | None = None
    chat_max_output_tokens: int = Field(default=1024, ge=64, le=8192)
    # HMAC key that signs the caller's identity in a Bedrock agent's session attributes.
    session_signing_secret: SecretStr | None = None
    # The bearer token ``finance-agent mcp`` (stdio) acts as; without one, read-only tools.
    mcp_token: SecretStr | None = None
    # ``None`` means "decided by ENV": sqlite for local, dynamodb elsewhere.
    store: StoreKind | None = None
    sqlite_path: Path | None = None
    dynamodb_endpoint_url: str | None = None
    currency: str = "USD"
    timezone: str = "UTC"
    # Comma-separated origins allowed by CORS, or "*". Tokens travel in headers, never cookies.
    cors_allow_origins: str = "*"
    # Set by the Lambda runtime; read only to refuse a local setup there.
    aws_lambda_function_name: str | None = None

    @field_validator("env", "store", "forecast_method", "anomaly_method", mode="before")
    @classmethod
    def _lower(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("log_level", "jwt_algorithm", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator(
        "aws_profile",
        "agent_id",
        "agent_alias_id",
        "bedrock_model_id",
        "bedrock_guardrail_id",
        "bedrock_guardrail_version",
        "session_signing_secret",
        "mcp_token",
        "dynamodb_endpoint_url",
        "sqlite_path",
        "store",
        "jwt_secret",
        "jwt_issuer",
        "jwt_audience",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().upper()
            if not re.fullmatch(r"[A-Z]{3}", value):
                raise ValueError("must be a three-letter ISO 4217 code such as USD or EUR")
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone name such as UTC or Europe/Paris") from None
        return value

    @field_validator("actions_scope", mode="before")
    @classmethod
    def _actions_scope(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = value.strip() or DEFAULT_ACTIONS_SCOPE
        if not re.fullmatch(r"([^\s/]+/)?agent:actions", value):
            raise ValueError("must be agent:actions, or <resource server>/agent:actions")
        return value

    @field_validator("dynamodb_endpoint_url")
    @classmethod
    def _endpoint(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _not_local_in_lambda(self) -> Settings:
        if self.env == "local" and self.aws_lambda_function_name:
            raise ValueError(
                "ENV=local is refused inside AWS Lambda; set ENV to dev, staging or prod"
            )
        return self

    @model_validator(mode="after")
    def _long_secrets_in_prod(self) -> Settings:
        if self.env != "prod":
            return self
        for name in ("jwt_secret", "session_signing_secret"):
            secret: SecretStr | None = getattr(self, name)
            if secret is not None and len(secret.get_secret_value()) < MIN_PROD_SECRET_LENGTH:
                raise ValueError(
                    f"{name.upper()} must be at least {MIN_PROD_SECRET_LENGTH} characters "
                    "when ENV=prod: a shorter HMAC key can be guessed from one signed token "
                    "(make one with `openssl rand -hex 32`)"
                )
        return self

    @property
    def store_kind(self) -> StoreKind:
        if self.store is not None:
            return self.store
        return "sqlite" if self.env == "local" else "dynamodb"

    @property
    def sqlite_file(self) -> Path:
        return self.sqlite_path if self.sqlite_path is not None else default_sqlite_path()

    @property
    def cors_origins(self) -> tuple[str, ...]:
        return tuple(o.strip() for o in self.cors_allow_origins.split(",") if o.strip())

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


def _describe(error: ValidationError) -> str:
    """Turn pydantic's report into one line per variable: NAME: rule (got 'value')."""
    lines = []
    for item in error.errors():
        name = str(item["loc"][0]).upper() if item["loc"] else "configuration"
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "literal_error":
            expected = item.get("ctx", {}).get("expected", "")
            message = f"must be one of {expected.replace(' or ', ', ')}"
        got = item.get("input")
        suffix = f" (got {got!r})" if isinstance(got, str | int) and name != "JWT_SECRET" else ""
        # A rule across variables (a model validator) names them in its own message.
        lines.append(f"{name}: {message}{suffix}" if item["loc"] else message)
    return "invalid configuration: " + "; ".join(lines)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment (and overrides), raising SettingsError on bad values."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, validated on first use (a Lambda's cold start)."""
    return load_settings()
