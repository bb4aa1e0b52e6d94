"""Imports every domain's models so the metadata (and Alembic) sees the whole schema."""

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import RecoveryCode, User, UserSession
from myhealth.clinician.models import ReviewItem
from myhealth.home.models import HomeLayout
from myhealth.messaging.models import OutboxMessage
from myhealth.people.models import Organisation, Patient, Practitioner
from myhealth.records.models import ClinicalResource
from myhealth.selfcare.models import Assessment

__all__ = [
    "Assessment",
    "AuditEvent",
    "ClinicalResource",
    "HomeLayout",
    "Organisation",
    "OutboxMessage",
    "Patient",
    "Practitioner",
    "RecoveryCode",
    "ReviewItem",
    "User",
    "UserSession",
]
