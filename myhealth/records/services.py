"""Reading a patient's record: every function takes the actor, applies the policy and audits.

Each page-level function issues a fixed number of queries, whatever the size of the record,
and writes exactly one audit entry per call (so one per request).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from myhealth.access.services import get_record_for
from myhealth.errors import InvalidInput, NotFound
from myhealth.records.models import ClinicalResource, Patient

PAGE_SIZE = 20

# Record sections a person can open, and the resource types each shows.
SECTIONS: dict[str, tuple[str, ...]] = {
    "conditions": ("Condition",),
    "allergies": ("AllergyIntolerance",),
    "medicines": ("MedicationRequest", "MedicationStatement"),
    "immunisations": ("Immunization",),
    "results": ("Observation",),
    "encounters": ("Encounter",),
    "procedures": ("Procedure",),
    "care-plans": ("CarePlan", "Goal"),
    "documents": ("DocumentReference", "DiagnosticReport", "ImagingStudy"),
}

ACTIVE_CONDITION = ("active", "recurrence", "relapse")
CURRENT_MEDICINE = ("active", "on-hold")


@dataclass(frozen=True)
class RecordPage:
    patient: Patient
    section: str
    items: list[ClinicalResource]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class RecordSummary:
    patient: Patient
    problems: list[ClinicalResource]
    allergies: list[ClinicalResource]
    medicines: list[ClinicalResource]
    results: list[ClinicalResource]
    immunisations: list[ClinicalResource]
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ResultSeries:
    patient: Patient
    code_system: str | None
    code: str
    title: str
    points: list[ClinicalResource]


@dataclass(frozen=True)
class Filters:
    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""


def _open(session: Session, actor, patient_id: uuid.UUID, purpose: str, client_address: str):
    return get_record_for(
        session, actor, patient_id, purpose=purpose, client_address=client_address
    )


def _conditions(patient_id: uuid.UUID, types: tuple[str, ...], filters: Filters) -> list:
    conditions = [
        ClinicalResource.patient_id == patient_id,
        ClinicalResource.resource_type.in_(types),
    ]
    if filters.q:
        conditions.append(
            func.lower(ClinicalResource.display).contains(filters.q.lower(), autoescape=True)
        )
    if filters.date_from:
        conditions.append(
            ClinicalResource.effective_at >= datetime.combine(filters.date_from, time.min, UTC)
        )
    if filters.date_to and filters.date_to < date.max:  # up to the last day: no bound at all
        conditions.append(
            ClinicalResource.effective_at
            < datetime.combine(filters.date_to + timedelta(days=1), time.min, UTC)
        )
    if filters.status:
        conditions.append(ClinicalResource.status == filters.status)
    return conditions


def section_page(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    section: str,
    *,
    filters: Filters,
    page: int = 1,
    client_address: str = "",
) -> RecordPage:
    """One page of a record section, newest first, filtered; the view is audited."""
    types = SECTIONS.get(section)
    if types is None:
        raise NotFound("no such section")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidInput("dates", {"date_to": "The end date must be on or after the start date"})
    patient = _open(session, actor, patient_id, "record", client_address)
    where = _conditions(patient.id, types, filters)
    total = session.scalar(select(func.count(ClinicalResource.id)).where(*where)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    items = list(
        session.scalars(
            select(ClinicalResource)
            .where(*where)
            .order_by(ClinicalResource.effective_at.desc().nulls_last(), ClinicalResource.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return RecordPage(patient, section, items, total, page, pages)


def summary(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    *,
    client_address: str = "",
    purpose: str = "record",
) -> RecordSummary:
    """Active problems, allergies, current medicines, latest results and immunisations."""
    patient = _open(session, actor, patient_id, purpose, client_address)
    base = ClinicalResource.patient_id == patient.id

    def newest(*conditions, limit=10):
        return list(
            session.scalars(
                select(ClinicalResource)
                .where(base, *conditions)
                .order_by(ClinicalResource.effective_at.desc().nulls_last(), ClinicalResource.id)
                .limit(limit)
            )
        )

    problems = newest(
        ClinicalResource.resource_type == "Condition",
        ClinicalResource.status.in_(ACTIVE_CONDITION),
        limit=20,
    )
    allergies = newest(
        ClinicalResource.resource_type == "AllergyIntolerance",
        or_(ClinicalResource.status.is_(None), ClinicalResource.status != "resolved"),
        limit=20,
    )
    medicines = newest(
        ClinicalResource.resource_type.in_(SECTIONS["medicines"]),
        ClinicalResource.status.in_(CURRENT_MEDICINE),
        limit=20,
    )
    immunisations = newest(ClinicalResource.resource_type == "Immunization", limit=5)
    # The latest result of each test: read the most recent observations through the
    # (patient, type, date) index and keep the first of each code. Bounded work, whatever
    # the size of the record; a test not done among the last 300 results is not "latest".
    recent = session.execute(
        select(ClinicalResource.id, ClinicalResource.code_system, ClinicalResource.code)
        .where(
            base,
            ClinicalResource.resource_type == "Observation",
            ClinicalResource.effective_at.is_not(None),
            ClinicalResource.code.is_not(None),
        )
        .order_by(ClinicalResource.effective_at.desc())  # served by the index, no sort
        .limit(300)
    ).all()
    seen: set[tuple] = set()
    latest_ids = []
    for row_id, system, code in recent:
        if (system, code) not in seen and len(latest_ids) < 8:
            seen.add((system, code))
            latest_ids.append(row_id)
    loaded = {
        r.id: r
        for r in session.scalars(
            select(ClinicalResource).where(ClinicalResource.id.in_(latest_ids))
        )
    }
    unique_results = [loaded[i] for i in latest_ids]
    counts = dict(
        session.execute(
            select(ClinicalResource.resource_type, func.count(ClinicalResource.id))
            .where(base)
            .group_by(ClinicalResource.resource_type)
        ).all()
    )
    return RecordSummary(
        patient, problems, allergies, medicines, unique_results[:8], immunisations, counts
    )


def result_series(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    code: str,
    *,
    code_system: str | None = None,
    client_address: str = "",
    limit: int = 200,
) -> ResultSeries:
    """One test's results over time (oldest first), for the trend chart and its table."""
    patient = _open(session, actor, patient_id, "record", client_address)
    where = [
        ClinicalResource.patient_id == patient.id,
        ClinicalResource.resource_type == "Observation",
        ClinicalResource.code == code,
    ]
    if code_system:
        where.append(ClinicalResource.code_system == code_system)
    newest = list(
        session.scalars(
            select(ClinicalResource)
            .where(*where)
            .order_by(ClinicalResource.effective_at.desc().nulls_last(), ClinicalResource.id)
            .limit(limit)
        )
    )
    if not newest:
        raise NotFound("no such test in this record")
    points = list(reversed(newest))
    return ResultSeries(patient, code_system, code, newest[0].display or code, points)


def resource_for(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    resource_id: uuid.UUID,
    *,
    client_address: str = "",
) -> ClinicalResource:
    patient = _open(session, actor, patient_id, "record", client_address)
    row = session.get(ClinicalResource, resource_id)
    if row is None or row.patient_id != patient.id:
        raise NotFound("no such entry in this record")
    return row
