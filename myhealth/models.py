"""Imports every domain's models so the metadata (and Alembic) sees the whole schema."""

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import RecoveryCode, User, UserSession
from myhealth.directory.models import Organisation, Practitioner
from myhealth.home.models import HomeLayout
from myhealth.records.models import ClinicalResource, Patient

__all__ = [
    "AuditEvent",
    "ClinicalResource",
    "HomeLayout",
    "Organisation",
    "Patient",
    "Practitioner",
    "RecoveryCode",
    "User",
    "UserSession",
]
