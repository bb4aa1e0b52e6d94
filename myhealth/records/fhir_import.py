"""Import FHIR R4 bundles and resources into one organisation's records, all or nothing.

The document is checked whole first (``fhir_check``), then each entry is matched to its
patient and to what its source sent before (``fhir_match``); any problem refuses all of it.
Only then is anything stored: new resources in bulk, changed ones as new versions. Resources
whose patient is not on the system yet wait, within their source, and join the patient when
that source sends them, which the report and the audit trail say.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from myhealth.access.services import record_event
from myhealth.database import utcnow
from myhealth.records import fhir_fields
from myhealth.records.fhir_check import (
    Document,
    ImportRefused,
    Problem,
    check_document,
    parse_document,
)
from myhealth.records.fhir_match import (
    NHS_NUMBER_SYSTEM,
    ODS_SYSTEM,
    Importer,
    Resolution,
    existing_rows,
    resolve_patients,
)
from myhealth.records.models import ClinicalResource

__all__ = [
    "NHS_NUMBER_SYSTEM",
    "ODS_SYSTEM",
    "ImportRefused",
    "ImportReport",
    "Problem",
    "import_document",
]

DEFAULT_MAX_ENTRIES = 25_000


@dataclass
class ImportReport:
    stored: Counter = field(default_factory=Counter)  # new resources by type
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # e.g. OperationOutcome in a searchset
    patients: set = field(default_factory=set)
    linked: int = 0  # resources imported earlier that were waiting for their patient
    waiting: int = 0  # resources stored to wait for a patient not on the system yet
    matched: int = 0  # accounts whose identity this import confirmed
    flagged: int = 0  # accounts kept apart from the imported record, for the practice to check

    @property
    def total(self) -> int:
        return sum(self.stored.values()) + sum(self.updated.values()) + sum(self.unchanged.values())

    def merge(self, other: ImportReport) -> None:
        self.stored += other.stored
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.patients |= other.patients
        self.linked += other.linked
        self.waiting += other.waiting
        self.matched += other.matched
        self.flagged += other.flagged


def _content_hash(resource: dict) -> str:
    body = {k: v for k, v in resource.items() if k != "meta"}
    meta = {
        k: v
        for k, v in (resource.get("meta") or {}).items()
        if k not in {"versionId", "lastUpdated"}
    }
    if meta:
        body["meta"] = meta
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _owner_ref(entry) -> str | None:
    if entry.resource_type == "Patient":
        return f"Patient/{entry.fhir_id}"
    return fhir_fields.patient_reference(entry.resource)


def _check_existing(document: Document, importer: Importer, resolution: Resolution, existing):
    """Resources this source sent before may change only within the same patient's record;
    an upload may not change those that belong to no patient (practitioners, places)."""
    problems = []
    for entry in document.entries:
        row = existing.get((entry.resource_type, entry.fhir_id))
        if row is None:
            continue
        ref = _owner_ref(entry)
        owner = resolution.patients.get(ref) if ref else None
        if row.patient_id is not None and (owner is None or row.patient_id != owner.id):
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    "id",
                    f"id {entry.fhir_id!r} belongs to another record",
                )
            )
        elif (
            row.patient_id is None
            and owner is None
            and importer.actor is not None
            and _content_hash(row.content) != _content_hash(entry.resource)
        ):
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    "id",
                    f"{entry.resource_type}/{entry.fhir_id} is already on the system "
                    "and cannot be changed by an upload",
                )
            )
    return problems


def _store(
    session: Session,
    document: Document,
    importer: Importer,
    resolution: Resolution,
    existing,
    report: ImportReport,
    progress,
) -> None:
    now = utcnow()
    new_rows: list[dict] = []
    entries = document.entries
    for done, entry in enumerate(entries, start=1):
        resource = entry.resource
        ref = _owner_ref(entry)
        patient = resolution.patients.get(ref) if ref else None
        columns = fhir_fields.search_columns(entry.resource_type, resource)
        columns["patient_id"] = patient.id if patient is not None else None
        columns["subject_ref"] = ref
        row = existing.get((entry.resource_type, entry.fhir_id))
        if row is None:
            meta = dict(resource.get("meta") or {})
            meta.setdefault("versionId", "1")
            meta.setdefault("lastUpdated", now.isoformat())
            version = str(meta["versionId"])
            # New rows are inserted in bulk below: much faster than one ORM object each.
            new_rows.append(
                {
                    "id": uuid.uuid4(),
                    "resource_type": entry.resource_type,
                    "fhir_id": entry.fhir_id,
                    "organisation_id": importer.organisation.id,
                    "source_system": document.source_system,
                    "version_id": int(version) if version.isdigit() else 1,
                    "last_updated": fhir_fields.parse_fhir_datetime(meta["lastUpdated"]) or now,
                    "content": {**resource, "meta": meta},
                    "source": importer.source[:300],
                    **columns,
                }
            )
            report.stored[entry.resource_type] += 1
        else:
            if _content_hash(row.content) == _content_hash(resource):
                report.unchanged[entry.resource_type] += 1
            else:
                row.version_id += 1
                row.last_updated = now
                meta = {
                    **(resource.get("meta") or {}),
                    "versionId": str(row.version_id),
                    "lastUpdated": now.isoformat(),
                }
                row.content = {**resource, "meta": meta}
                row.source = importer.source[:300]
                report.updated[entry.resource_type] += 1
            for name, value in columns.items():
                if getattr(row, name) != value:
                    setattr(row, name, value)
        if patient is not None:
            report.patients.add(patient.id)
        if progress is not None and (done % 200 == 0 or done == len(entries)):
            progress(done, len(entries))
    session.flush()
    for start in range(0, len(new_rows), 1000):
        session.execute(insert(ClinicalResource), new_rows[start : start + 1000])


def _link_waiting(session: Session, document: Document, importer, resolution) -> Counter:
    """Resources the same source sent before their patient now join them: counted by patient,
    for the report and the audit trail."""
    linked: Counter = Counter()
    for ref, patient in resolution.in_document.items():
        result = session.execute(
            update(ClinicalResource)
            .where(
                ClinicalResource.organisation_id == importer.organisation.id,
                ClinicalResource.source_system == document.source_system,
                ClinicalResource.subject_ref == ref,
                ClinicalResource.patient_id.is_(None),
            )
            .values(patient_id=patient.id)
        )
        if result.rowcount:
            linked[patient.id] += result.rowcount
    return linked


def _importer(organisation, actor, **details) -> Importer:
    if actor is not None:
        if actor.organisation is None:
            raise ValueError("only staff of an organisation import records")
        if organisation is not None and organisation.id != actor.organisation.id:
            raise ValueError("an upload imports into the uploader's own organisation")
        return Importer(actor.organisation, actor, **details)
    if organisation is None:
        raise TypeError("import_document needs the organisation it imports for, or an actor")
    return Importer(organisation, None, **details)


def import_document(
    session: Session,
    raw: bytes | str | dict,
    *,
    organisation=None,
    actor=None,
    source: str = "",
    via: str = "",
    max_bytes: int = 50_000_000,
    max_entries: int = DEFAULT_MAX_ENTRIES,
    progress: Callable[[int, int], None] | None = None,
    client_address: str = "",
    system=None,
) -> ImportReport:
    """Check then store one document in the caller's transaction, for one organisation.
    Raises ImportRefused, after which the caller rolls back.

    `actor` is given for uploads through the web: the organisation is theirs, the import is
    limited to patients they may see (or new patients, who join their organisation) and
    resources that belong to no patient cannot be changed. The CLI and the demo name the
    `organisation` instead, and the `system` job (a context.Actor) that the audit trail
    names. Every patient written gets an audit entry either way.
    """
    importer = _importer(
        organisation, actor, source=source, via=via, client_address=client_address, system=system
    )
    document = check_document(parse_document(raw, max_bytes=max_bytes), max_entries=max_entries)
    problems: list[Problem] = []
    resolution = resolve_patients(session, document, importer, problems)
    existing = existing_rows(session, document, importer)
    problems += _check_existing(document, importer, resolution, existing)
    if problems:
        raise ImportRefused(problems)

    report = ImportReport(skipped=document.skipped)
    _store(session, document, importer, resolution, existing, report, progress)
    linked = _link_waiting(session, document, importer, resolution)
    report.patients |= set(linked)
    report.linked = sum(linked.values())
    report.waiting = resolution.waiting
    report.matched, report.flagged = resolution.matched, resolution.flagged
    for patient_id in sorted(report.patients, key=str):
        record_event(
            session,
            "patient.import",
            actor=importer.audit_actor,
            patient_id=patient_id,
            purpose="record import",
            client_address=client_address,
            detail=importer.audit_detail
            + (f" linked={linked[patient_id]}" if linked[patient_id] else ""),
        )
    return report
