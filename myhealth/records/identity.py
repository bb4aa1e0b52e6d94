"""Whose account an imported record may reach.

A person who signs up with an NHS number the system does not know gets a record of their own
details and an account that waits for their practice to confirm who they are. When the
practice later imports a record with that NHS number, it joins the account only if the date of
birth and family name match too (the rule sign-up uses). Otherwise the practice's record is
kept apart, with the NHS number, and the account is flagged for a clinician to check.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.access.services import record_event
from myhealth.accounts.models import User
from myhealth.database import utcnow
from myhealth.people.models import Patient


def names_match(a: str, b: str) -> bool:
    """Family names compare ignoring case and spacing, as at sign-up."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def same_person(patient: Patient, details: dict) -> bool:
    """Whether a record's demographics (from ``fhir_fields.patient_demographics``) name the
    person on this patient record: date of birth and family name both present and equal."""
    return (
        details.get("birth_date") is not None
        and patient.birth_date == details["birth_date"]
        and bool(details.get("family_name"))
        and names_match(patient.family_name, details["family_name"])
    )


def account_of(session: Session, patient: Patient) -> User | None:
    return session.scalar(select(User).where(User.patient_id == patient.id))


def waiting_for_check(account: User | None) -> bool:
    """An account that has not yet been matched to its practice's record."""
    return account is not None and account.identity_pending_since is not None


def confirm_by_match(session: Session, account: User, *, actor, detail: str, client_address=""):
    """The practice's record matched the account's details: it now sees its record."""
    account.identity_pending_since = None
    account.identity_verified_at = utcnow()
    account.identity_conflict_patient_id = None
    record_event(
        session,
        "identity.matched",
        actor=actor,
        patient_id=account.patient_id,
        purpose="record import",
        detail=f"account {account.id}: NHS number, date of birth and family name match; {detail}",
        client_address=client_address,
    )


def keep_apart(
    session: Session,
    account: User,
    claimed: Patient,
    *,
    registered_organisation_id,
    actor,
    detail: str,
    client_address: str = "",
) -> Patient:
    """A new record for the imported patient, holding the NHS number the account claimed.

    The account keeps its own record (the details it signed up with, without the NHS number)
    and is flagged until a clinician checks who they are. Returns the new record.
    """
    nhs_number = claimed.nhs_number
    claimed.nhs_number = None
    session.flush()  # free the NHS number before the new record takes it
    record = Patient(
        nhs_number=nhs_number,
        given_name="",
        family_name="",
        registered_organisation_id=registered_organisation_id,
    )
    session.add(record)
    session.flush()
    account.identity_pending_since = account.identity_pending_since or utcnow()
    account.identity_conflict_patient_id = record.id
    record_event(
        session,
        "identity.mismatch",
        actor=actor,
        patient_id=claimed.id,
        purpose="record import",
        detail=(
            f"account {account.id}: an imported record with its NHS number did not match the "
            f"details it signed up with; kept apart as patient {record.id}; {detail}"
        ),
        outcome="failure",
        client_address=client_address,
    )
    return record
