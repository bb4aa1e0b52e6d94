"""Reading a patient's record: every function takes the actor, applies the policy and audits.

Each page-level function issues a fixed number of queries, whatever the size of the record,
and writes exactly one audit entry per call (so one per request).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy import bindparam, func, or_, select, union_all
from sqlalchemy.orm import Session

from myhealth.access.scoping import checked
from myhealth.access.services import get_record_for
from myhealth.errors import InvalidInput, NotFound
from myhealth.paging import Page
from myhealth.people.models import Patient
from myhealth.records.models import ClinicalResource

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

_kind, _status = ClinicalResource.resource_type, ClinicalResource.status
# What the summary's lists of current entries hold, by record section.
CURRENT = {
    "conditions": (_kind == "Condition", _status.in_(ACTIVE_CONDITION)),
    "allergies": (
        _kind == "AllergyIntolerance",
        or_(_status.is_(None), _status != "resolved"),
    ),
    "medicines": (_kind.in_(SECTIONS["medicines"]), _status.in_(CURRENT_MEDICINE)),
}

# How many entries of each part a summary shows, newest first. The record summary page shows
# the latest few of each and links to the whole, paged section; the printed summary and a
# clinician's review of an assessment show more (bounded all the same). "results" is the
# latest result of that many different tests.
_PARTS = ("conditions", "allergies", "medicines", "results", "immunisations")
SUMMARY_LATEST = dict.fromkeys(_PARTS, 5)
SUMMARY_FULL = dict(zip(_PARTS, (20, 20, 20, 8, 5), strict=True))
# A test not done among the last this many results is not among the "latest".
_RECENT_RESULTS = 300


@dataclass(frozen=True)
class RecordPage(Page[ClinicalResource]):
    patient: Patient
    section: str


@dataclass(frozen=True)
class RecordSummary:
    patient: Patient
    problems: list[ClinicalResource]
    allergies: list[ClinicalResource]
    medicines: list[ClinicalResource]
    results: list[ClinicalResource]
    immunisations: list[ClinicalResource]
    counts: dict[str, int] = field(default_factory=dict)  # entries by resource type
    # Current entries in all, by section (see CURRENT), where the lists may show fewer.
    current: dict[str, int] = field(default_factory=dict)


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
    total = session.scalar(checked(select(func.count(ClinicalResource.id)).where(*where))) or 0
    listing = RecordPage.of(total, page, PAGE_SIZE, patient=patient, section=section)
    items = session.scalars(
        checked(select(ClinicalResource))
        .where(*where)
        .order_by(ClinicalResource.effective_at.desc().nulls_last(), ClinicalResource.id)
        .limit(listing.size)
        .offset(listing.offset)
    )
    return listing.with_items(items)


# The summary's statements are built once (composing a statement costs several times what
# running it does, and the summary is read often); each reads through the indexes on
# (patient, type, date) and (patient, code), so its cost does not grow with the record.
_PATIENT = bindparam("patient_id")
_NEWEST_FIRST = (ClinicalResource.effective_at.desc().nulls_last(), ClinicalResource.id)


@cache
def _summary_entries(limits: tuple[tuple[str, int], ...]):
    """The newest few current entries of each listed part, and the rows of the given ids (the
    latest results), in one statement."""
    parts = {**CURRENT, "immunisations": (_kind == "Immunization",)}
    newest = [
        select(ClinicalResource.id)
        .where(ClinicalResource.patient_id == _PATIENT, *parts[part])
        .order_by(*_NEWEST_FIRST)
        .limit(limit)
        .subquery()
        for part, limit in limits
        if part in parts
    ]
    ids = union_all(*(select(part.c.id) for part in newest))
    return checked(
        select(ClinicalResource).where(
            or_(
                ClinicalResource.id.in_(ids),
                ClinicalResource.id.in_(bindparam("result_ids", expanding=True)),
            )
        )
    )


# Each is read for a patient the caller has opened through access (_open): checked.
_RECENT_TESTS = checked(
    select(ClinicalResource.id, ClinicalResource.code_system, ClinicalResource.code)
    .where(
        ClinicalResource.patient_id == _PATIENT,
        _kind == "Observation",
        ClinicalResource.effective_at.is_not(None),
        ClinicalResource.code.is_not(None),
    )
    .order_by(ClinicalResource.effective_at.desc())  # served by the index, no sort
    .limit(_RECENT_RESULTS)
)
_COUNTS = checked(
    select(_kind, func.count(ClinicalResource.id))
    .where(ClinicalResource.patient_id == _PATIENT)
    .group_by(_kind)
)


def patient_count(*conditions):
    """The number of the patient's (bound as ``patient_id``) entries that meet the conditions,
    as a column: a count through the (patient, type) index of those rows only."""
    return (
        select(func.count(ClinicalResource.id))
        .where(ClinicalResource.patient_id == _PATIENT, *conditions)
        .scalar_subquery()
    )


_CURRENT_COUNTS = checked(
    select(*(patient_count(*conditions) for conditions in CURRENT.values()))
)


def _latest_result_ids(session: Session, patient_id: uuid.UUID, tests: int) -> list[uuid.UUID]:
    """The latest result of each of the most recently done tests: read the newest results
    through the index, keeping the first of each test, and stop when there are enough."""
    seen: set[tuple] = set()
    ids: list[uuid.UUID] = []
    # Through the connection, not the ORM (which would fetch every row first): rows are read
    # from the database as the loop asks for them.
    recent = session.connection().execute(_RECENT_TESTS, {"patient_id": patient_id})
    try:
        for row_id, system, code in recent:
            if (system, code) not in seen:
                seen.add((system, code))
                ids.append(row_id)
                if len(ids) == tests:
                    break
    finally:
        recent.close()
    return ids


def newest_first(rows: list[ClinicalResource]) -> list[ClinicalResource]:
    """In the record pages' order: newest first, undated last, then by id (as in SQL)."""
    rows = sorted(rows, key=lambda r: r.id)
    # Sorting is stable (reverse too), so entries of the same date stay in id order.
    rows.sort(key=lambda r: (r.effective_at is not None, r.effective_at or _EPOCH), reverse=True)
    return rows


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def summary(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    *,
    client_address: str = "",
    purpose: str = "record",
    limits: dict[str, int] = SUMMARY_FULL,
) -> RecordSummary:
    """Current problems, allergies and medicines, the latest results and recent vaccinations
    (each newest first, as many as ``limits`` says), with the number of entries of each type
    and of current entries. A fixed number of queries, whatever the size of the record."""
    patient = _open(session, actor, patient_id, purpose, client_address)
    result_ids = _latest_result_ids(session, patient.id, limits["results"])
    rows = session.scalars(
        _summary_entries(tuple(limits.items())),
        {"patient_id": patient.id, "result_ids": result_ids},
    ).all()
    by_type: dict[str, list[ClinicalResource]] = {}
    for row in rows:
        by_type.setdefault(row.resource_type, []).append(row)

    def part(*types: str) -> list[ClinicalResource]:
        return newest_first([row for kind in types for row in by_type.get(kind, [])])

    loaded = {row.id: row for row in rows}
    numbers = session.connection()  # plain numbers: no ORM entities to build
    counts = dict(numbers.execute(_COUNTS, {"patient_id": patient.id}).all())
    current = numbers.execute(_CURRENT_COUNTS, {"patient_id": patient.id}).one()
    return RecordSummary(
        patient,
        problems=part("Condition"),
        allergies=part("AllergyIntolerance"),
        medicines=part(*SECTIONS["medicines"]),
        results=[loaded[i] for i in result_ids],
        immunisations=part("Immunization"),
        counts=counts,
        current=dict(zip(CURRENT, current, strict=True)),
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
            checked(select(ClinicalResource))
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
