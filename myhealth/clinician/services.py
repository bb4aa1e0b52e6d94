"""The clinician workspace: patients registered with the clinician's organisation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from myhealth.access import policy
from myhealth.access.services import record_event
from myhealth.errors import NotAllowed
from myhealth.records.models import Patient

PAGE_SIZE = 25


@dataclass(frozen=True)
class PatientPage:
    patients: list[Patient]
    total: int
    page: int
    pages: int


def list_patients(
    session: Session, actor, *, query: str = "", page: int = 1, client_address: str = ""
) -> PatientPage:
    """A page of the actor's organisation's patients, searchable; the listing is audited."""
    if (
        not policy.has_permission(actor, "clinician:workspace:read")
        or actor.organisation_id is None
    ):
        raise NotAllowed("not a clinician")
    conditions = [Patient.registered_organisation_id == actor.organisation_id]
    query = " ".join(query.split())[:100]
    if query:
        digits = "".join(ch for ch in query if ch.isdigit())
        like = f"%{query.lower()}%"
        terms = [
            func.lower(Patient.family_name).like(like),
            func.lower(Patient.given_name).like(like),
        ]
        if len(digits) == 10:
            terms.append(Patient.nhs_number == digits)
        conditions.append(or_(*terms))
    total = session.scalar(select(func.count(Patient.id)).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    stmt = (
        select(Patient)
        .where(*conditions)
        .order_by(Patient.family_name, Patient.given_name, Patient.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    patients = list(session.scalars(stmt))
    record_event(
        session,
        "patient.list",
        actor=actor,
        purpose="direct care",
        detail=f"search={query!r} page={page} shown={len(patients)}",
        client_address=client_address,
    )
    return PatientPage(patients, total, page, pages)
