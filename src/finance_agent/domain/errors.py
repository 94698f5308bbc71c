"""Typed domain errors. Adapters map them to HTTP statuses and CLI exit codes in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldIssue:
    """One broken rule: which input and what it must be."""

    field: str
    rule: str


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """An input breaks a rule (HTTP 400)."""

    code = "validation_error"

    def __init__(self, field: str, rule: str, message: str | None = None) -> None:
        super().__init__(message or f"{field}: {rule}")
        self.issues: tuple[FieldIssue, ...] = (FieldIssue(field, rule),)

    @property
    def field(self) -> str:
        return self.issues[0].field

    @property
    def rule(self) -> str:
        return self.issues[0].rule


class NotFoundError(DomainError):
    """The named thing does not exist (HTTP 404)."""

    code = "not_found"


class ConflictError(DomainError):
    """The write would overwrite or contradict existing data (HTTP 409)."""

    code = "conflict"


class StoreError(DomainError):
    """The store failed in a way the caller cannot fix (HTTP 500)."""

    code = "store_error"


class StoreUnavailableError(StoreError):
    """The store is not reachable, timed out or is throttling: the same request may work a
    little later (HTTP 503 with Retry-After), unlike a StoreError."""

    code = "service_unavailable"


class RateLimitedError(DomainError):
    """An upstream service (the model, the agent) asks us to slow down (HTTP 429)."""

    code = "rate_limited"


class UpstreamError(DomainError):
    """An upstream service failed or refused in a way the caller cannot fix (HTTP 502)."""

    code = "bad_gateway"


class UnavailableError(DomainError):
    """An upstream service is not reachable or timed out (HTTP 503)."""

    code = "service_unavailable"
