"""Typed domain errors raised by services; one handler turns them into pages."""

from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str = "", field_errors: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotFound(DomainError):
    status = 404


class NotAllowed(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 400
