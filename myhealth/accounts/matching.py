"""The one rule that matches a person to a patient record, for every way into an account:
sign-up, and the claims of an identity provider such as NHS login."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.accounts.models import User
from myhealth.people.models import Patient


def _names_match(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def record_for_identity(
    session: Session, nhs_number: str, birth_date: date | None, family_name: str
) -> tuple[Patient | None, bool]:
    """The record held under this NHS number, and whether the person's details match it.

    The one matching rule for every way into an account (sign-up, an identity provider's
    claims): the NHS number finds the record; the date of birth and the family name (spaces
    and case aside) must both agree with it before anyone is linked to it.
    """
    patient = session.scalar(select(Patient).where(Patient.nhs_number == nhs_number))
    if patient is None:
        return None, False
    matches = (
        birth_date is not None
        and patient.birth_date == birth_date
        and _names_match(patient.family_name, family_name)
    )
    return patient, matches


def account_for_patient(session: Session, patient: Patient) -> uuid.UUID | None:
    """The id of the account already linked to this record, if there is one."""
    return session.scalar(select(User.id).where(User.patient_id == patient.id))
