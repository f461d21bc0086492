"""Errors that services raise for people to read."""

from __future__ import annotations


class ServiceError(Exception):
    """An operation was refused; ``message`` is shown to the person, ``field`` names the input."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    """The actor may not do this to this record."""


class Conflict(ServiceError):
    """The record changed since it was read (another person saved first)."""


class FieldErrors(ServiceError):
    """Several inputs refused at once, each with its message: ``errors`` are (field,
    message) pairs; ``field`` and ``message`` are the first, for callers that show one."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__(errors[0][1], field=errors[0][0])
        self.errors = errors
