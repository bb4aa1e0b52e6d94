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


class DeniedRead(NotFound):
    """Someone asked for a patient's data they may not see. It answers exactly like an id
    that does not exist, and the attempt is written to the audit trail (after the request's
    transaction is rolled back, so nothing else of the request is kept)."""

    def __init__(self, actor, patient_id, purpose: str = "", client_address: str = ""):
        super().__init__("Not found")
        self.actor, self.patient_id = actor, patient_id
        self.purpose, self.client_address = purpose, client_address


class NotAllowed(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 400
