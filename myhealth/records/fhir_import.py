"""Import FHIR R4 bundles and resources, all or nothing.

A document (a Bundle of type transaction, batch, collection or searchset, or one resource)
is checked whole before anything is written: JSON syntax, R4 validity of every entry
(``fhir.resources.R4B``), supported transaction requests, duplicate ids, references that
cannot resolve, and past events dated in the future. Any problem refuses the whole
document with messages naming the entry index, resource type and element path.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from myhealth.access.policy import may_access_patient
from myhealth.access.services import record_event
from myhealth.database import utcnow
from myhealth.errors import InvalidInput
from myhealth.records import fhir_fields
from myhealth.records.models import ClinicalResource, Patient

NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
SUPPORTED_BUNDLES = {"transaction", "batch", "collection", "searchset"}
_ID_NAMESPACE = uuid.UUID("6f1d8c52-6a0e-4c5e-9a49-3c1f0f1e2a77")
_RELATIVE_REF = re.compile(r"^(?:.*/)?([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/.*)?$")
FUTURE_TOLERANCE = timedelta(days=1)
MAX_PROBLEMS = 25


@dataclass(frozen=True)
class Problem:
    entry: int | None  # None for the document itself
    resource_type: str
    path: str
    message: str

    def __str__(self) -> str:
        where = "document" if self.entry is None else f"entry {self.entry}"
        kind = f" ({self.resource_type})" if self.resource_type else ""
        at = f" at {self.path}" if self.path else ""
        return f"{where}{kind}{at}: {self.message}"


class ImportRefused(InvalidInput):
    """The document was refused whole; nothing of it was stored."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems[:MAX_PROBLEMS]
        more = len(problems) - len(self.problems)
        text = "; ".join(str(p) for p in self.problems) + (f"; and {more} more" if more else "")
        super().__init__(text)


@dataclass
class ImportReport:
    stored: Counter = field(default_factory=Counter)  # new resources by type
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)  # e.g. OperationOutcome in a searchset
    patients: set = field(default_factory=set)

    @property
    def total(self) -> int:
        return sum(self.stored.values()) + sum(self.updated.values()) + sum(self.unchanged.values())

    def merge(self, other: ImportReport) -> None:
        self.stored += other.stored
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.patients |= other.patients


@dataclass
class _Entry:
    index: int
    full_url: str | None
    resource: dict
    resource_type: str
    fhir_id: str = ""


def parse_document(raw: bytes | str | dict, *, max_bytes: int) -> dict:
    if isinstance(raw, dict):
        return raw
    size = len(raw.encode() if isinstance(raw, str) else raw)
    if size > max_bytes:
        raise ImportRefused(
            [
                Problem(
                    None,
                    "",
                    "",
                    (
                        f"the file is {size / 1_000_000:.1f} MB; "
                        f"the limit is {max_bytes / 1_000_000:.0f} MB"
                    ),
                )
            ]
        )
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if hasattr(exc, "lineno") else ""
        raise ImportRefused([Problem(None, "", "", f"not valid JSON{where}: {exc}")]) from exc
    if not isinstance(data, dict):
        raise ImportRefused([Problem(None, "", "", "a FHIR document must be a JSON object")])
    return data


def _entries(doc: dict, problems: list[Problem], report: ImportReport) -> list[_Entry]:
    resource_type = doc.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        problems.append(Problem(None, "", "resourceType", "missing resourceType"))
        return []
    if resource_type != "Bundle":
        return [_Entry(0, None, doc, resource_type)]
    kind = doc.get("type")
    if kind not in SUPPORTED_BUNDLES:
        problems.append(
            Problem(
                None,
                "Bundle",
                "type",
                (
                    f"bundles of type {kind!r} are not imported; use one of "
                    f"{', '.join(sorted(SUPPORTED_BUNDLES))}"
                ),
            )
        )
        return []
    entries: list[_Entry] = []
    for index, entry in enumerate(doc.get("entry") or []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        request = entry.get("request") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            method = (request or {}).get("method", "")
            problems.append(
                Problem(
                    index,
                    "",
                    "resource",
                    (
                        f"{method} requests are not supported by the importer"
                        if method
                        else "entry has no resource"
                    ),
                )
            )
            continue
        rtype = resource.get("resourceType", "")
        if kind == "searchset" and (entry.get("search") or {}).get("mode") == "outcome":
            report.skipped[rtype] += 1
            continue
        if kind in {"transaction", "batch"}:
            method = (request or {}).get("method")
            url = (request or {}).get("url", "")
            conditional = (
                any(
                    (request or {}).get(k)
                    for k in ("ifNoneExist", "ifMatch", "ifNoneMatch", "ifModifiedSince")
                )
                or "?" in url
            )
            if method not in {"POST", "PUT"}:
                problems.append(
                    Problem(
                        index,
                        rtype,
                        "request.method",
                        (
                            f"{method} requests are not supported by the importer; "
                            "only POST and PUT of whole resources are"
                        ),
                    )
                )
                continue
            if conditional:
                problems.append(
                    Problem(
                        index,
                        rtype,
                        "request",
                        ("conditional requests are not supported by the importer"),
                    )
                )
                continue
            if method == "PUT":
                match = _RELATIVE_REF.match(url)
                if not match or match.group(1) != rtype:
                    problems.append(
                        Problem(
                            index, rtype, "request.url", (f"PUT url {url!r} must be {rtype}/[id]")
                        )
                    )
                    continue
                resource = {**resource, "id": resource.get("id") or match.group(2)}
        entries.append(_Entry(index, entry.get("fullUrl"), resource, rtype))
    return entries


def _validate(entry: _Entry, problems: list[Problem]) -> None:
    if not entry.resource_type:
        problems.append(Problem(entry.index, "", "resourceType", "missing resourceType"))
        return
    try:
        model = get_fhir_model_class(entry.resource_type)
    except (KeyError, ValueError):
        problems.append(
            Problem(entry.index, entry.resource_type, "resourceType", "not a FHIR R4 resource type")
        )
        return
    try:
        model.model_validate(entry.resource)
    except ValidationError as exc:
        for error in exc.errors()[:5]:
            path = ".".join(str(p) for p in error["loc"])
            problems.append(Problem(entry.index, entry.resource_type, path, error["msg"]))


def _assign_id(entry: _Entry) -> None:
    given = entry.resource.get("id")
    if isinstance(given, str) and given:
        entry.fhir_id = given
    elif entry.full_url and entry.full_url.startswith("urn:uuid:"):
        entry.fhir_id = entry.full_url.removeprefix("urn:uuid:")
    else:
        # No id anywhere: derive one from the content, so re-importing never duplicates.
        canonical = json.dumps(entry.resource, sort_keys=True, separators=(",", ":"))
        entry.fhir_id = str(uuid.uuid5(_ID_NAMESPACE, canonical))
    entry.resource = {**entry.resource, "id": entry.fhir_id}


def _rewrite_references(
    node, path: str, targets: dict[str, str], entry: _Entry, problems: list[Problem]
):
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            child = f"{path}.{key}" if path else key
            if key == "reference" and isinstance(value, str):
                if value.startswith("urn:uuid:") or value.startswith("urn:oid:"):
                    if value not in targets:
                        problems.append(
                            Problem(
                                entry.index,
                                entry.resource_type,
                                child,
                                (f"reference {value} does not match any entry in the bundle"),
                            )
                        )
                    out[key] = targets.get(value, value)
                else:
                    out[key] = targets.get(value, value)
            else:
                out[key] = _rewrite_references(value, child, targets, entry, problems)
        return out
    if isinstance(node, list):
        return [
            _rewrite_references(v, f"{path}[{i}]", targets, entry, problems)
            for i, v in enumerate(node)
        ]
    return node


def _check_dates(entry: _Entry, now: datetime, problems: list[Problem]) -> None:
    for path in fhir_fields.PAST_EVENT_FIELDS.get(entry.resource_type, ()):
        value = fhir_fields.get_path(entry.resource, path)
        when = fhir_fields.parse_fhir_datetime(value) if isinstance(value, str) else None
        if when is not None and when > now + FUTURE_TOLERANCE:
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    path,
                    (f"{value} is in the future; a past event cannot be"),
                )
            )


def check_document(doc: dict) -> tuple[list[_Entry], ImportReport]:
    """Everything that can be checked without the database. Raises ImportRefused."""
    problems: list[Problem] = []
    report = ImportReport()
    entries = _entries(doc, problems, report)
    for entry in entries:
        _validate(entry, problems)
    if problems:
        raise ImportRefused(problems)
    targets: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    for entry in entries:
        _assign_id(entry)
        key = (entry.resource_type, entry.fhir_id)
        if key in seen:
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    "id",
                    (
                        f"duplicate id {entry.fhir_id!r}: entry {seen[key]} has the same "
                        f"{entry.resource_type}"
                    ),
                )
            )
        seen[key] = entry.index
        local = f"{entry.resource_type}/{entry.fhir_id}"
        if entry.full_url:
            if entry.full_url in targets and targets[entry.full_url] != local:
                problems.append(
                    Problem(
                        entry.index,
                        entry.resource_type,
                        "fullUrl",
                        (f"duplicate fullUrl {entry.full_url}"),
                    )
                )
            targets[entry.full_url] = local
    now = utcnow()
    for entry in entries:
        entry.resource = _rewrite_references(entry.resource, "", targets, entry, problems)
        _check_dates(entry, now, problems)
    if problems:
        raise ImportRefused(problems)
    return entries, report


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


def _nhs_number(resource: dict) -> str | None:
    for ident in resource.get("identifier") or []:
        if ident.get("system") == NHS_NUMBER_SYSTEM and ident.get("value"):
            digits = "".join(ch for ch in str(ident["value"]) if ch.isdigit())
            return digits if len(digits) == 10 else None
    return None


def _apply_demographics(
    session: Session, patient: Patient, resource: dict, *, registration: bool
) -> None:
    details = fhir_fields.patient_demographics(resource)
    for name, value in details.items():
        if value not in (None, ""):
            setattr(patient, name, value)
    if not registration:
        return
    for gp in resource.get("generalPractitioner") or []:
        ident = gp.get("identifier") or {}
        if ident.get("system") == ODS_SYSTEM and ident.get("value"):
            from myhealth.directory.models import Organisation

            org = session.scalar(
                select(Organisation).where(Organisation.ods_code == ident["value"].upper())
            )
            if org is not None and org.accepts_registrations:
                patient.registered_organisation_id = org.id


def _resolve_patients(
    session: Session, entries: list[_Entry], actor, problems: list[Problem]
) -> dict[str, Patient]:
    """Map "Patient/<id>" to a Patient row: by NHS number, then by earlier import, else new.

    With an actor (an upload through the web), only patients the actor cares for may be
    touched, new patients join the actor's organisation, and registration never changes.
    """
    patients: dict[str, Patient] = {}
    for entry in entries:
        if entry.resource_type != "Patient":
            continue
        ref = f"Patient/{entry.fhir_id}"
        patient = None
        nhs = _nhs_number(entry.resource)
        if nhs:
            patient = session.scalar(select(Patient).where(Patient.nhs_number == nhs))
        if patient is None:
            patient = session.scalar(
                select(Patient)
                .join(ClinicalResource, ClinicalResource.patient_id == Patient.id)
                .where(
                    ClinicalResource.resource_type == "Patient",
                    ClinicalResource.fhir_id == entry.fhir_id,
                )
            )
        if patient is None:
            patient = Patient(nhs_number=nhs, given_name="", family_name="")
            if actor is not None:
                patient.registered_organisation_id = _actor_practice(actor)
            session.add(patient)
        elif actor is not None and not may_access_patient(actor, patient, "record:patient:read"):
            problems.append(
                Problem(
                    entry.index,
                    "Patient",
                    "identifier",
                    (
                        "this patient is not registered with your organisation; "
                        "you cannot add to their record"
                    ),
                )
            )
            continue
        _apply_demographics(session, patient, entry.resource, registration=actor is None)
        patients[ref] = patient
    session.flush()
    # References to patients imported earlier, or created here in the portal.
    wanted = {fhir_fields.patient_reference(e.resource) for e in entries} - set(patients) - {None}
    if wanted:
        ids = [ref.split("/", 1)[1] for ref in wanted]
        rows = session.execute(
            select(ClinicalResource.fhir_id, ClinicalResource.patient_id).where(
                ClinicalResource.resource_type == "Patient", ClinicalResource.fhir_id.in_(ids)
            )
        ).all()
        found = {f"Patient/{fid}": pid for fid, pid in rows}
        uuids = []
        for ref in wanted - set(found):
            try:
                uuids.append(uuid.UUID(ref.split("/", 1)[1]))
            except ValueError:
                continue
        if uuids:
            for p in session.scalars(select(Patient).where(Patient.id.in_(uuids))):
                patients[f"Patient/{p.id}"] = p
        for ref, pid in found.items():
            patients[ref] = session.get(Patient, pid)
    if actor is not None:
        for entry in entries:
            ref = fhir_fields.patient_reference(entry.resource)
            if entry.resource_type == "Patient" or ref is None:
                continue
            patient = patients.get(ref)
            if patient is None:
                problems.append(
                    Problem(
                        entry.index,
                        entry.resource_type,
                        "subject",
                        (f"{ref} is not on the system; include the Patient in the bundle"),
                    )
                )
            elif not may_access_patient(actor, patient, "record:patient:read"):
                problems.append(
                    Problem(
                        entry.index,
                        entry.resource_type,
                        "subject",
                        (
                            "this patient is not registered with your organisation; "
                            "you cannot add to their record"
                        ),
                    )
                )
    return patients


def _actor_practice(actor):
    organisation = getattr(actor, "organisation", None)
    return (
        organisation.id if organisation is not None and organisation.accepts_registrations else None
    )


def import_document(
    session: Session,
    raw: bytes | str | dict,
    *,
    source: str = "",
    max_bytes: int = 50_000_000,
    progress: Callable[[int, int], None] | None = None,
    actor=None,
    client_address: str = "",
) -> ImportReport:
    """Check then store one document in the caller's transaction. Raises ImportRefused,
    after which the caller rolls back.

    `actor` is given for uploads through the web: the import is then limited to patients
    the actor may see (or new patients, who join the actor's organisation), existing shared
    resources cannot be changed, and each patient written gets an audit entry. The CLI,
    run by an operator on the server, imports without an actor.
    """
    doc = parse_document(raw, max_bytes=max_bytes)
    entries, report = check_document(doc)
    problems: list[Problem] = []
    patients = _resolve_patients(session, entries, actor, problems)
    now = utcnow()
    existing: dict[tuple[str, str], ClinicalResource] = {}
    by_type: dict[str, list[str]] = {}
    for entry in entries:
        by_type.setdefault(entry.resource_type, []).append(entry.fhir_id)
    for rtype, ids in by_type.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = session.scalars(
                select(ClinicalResource).where(
                    ClinicalResource.resource_type == rtype, ClinicalResource.fhir_id.in_(chunk)
                )
            )
            existing.update({(r.resource_type, r.fhir_id): r for r in rows})

    for entry in entries:
        row = existing.get((entry.resource_type, entry.fhir_id))
        if row is None or actor is None:
            continue
        ref = (
            f"Patient/{entry.fhir_id}"
            if entry.resource_type == "Patient"
            else fhir_fields.patient_reference(entry.resource)
        )
        owner = patients.get(ref) if ref else None
        if row.patient_id is not None and (owner is None or row.patient_id != owner.id):
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    "id",
                    (f"id {entry.fhir_id!r} belongs to another record"),
                )
            )
        elif row.patient_id is None and _content_hash(row.content) != _content_hash(entry.resource):
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    "id",
                    (
                        f"{entry.resource_type}/{entry.fhir_id} is already on the system "
                        "and cannot be changed by an upload"
                    ),
                )
            )
    if problems:
        raise ImportRefused(problems)

    new_rows: list[dict] = []
    for done, entry in enumerate(entries, start=1):
        resource = entry.resource
        ref = (
            f"Patient/{entry.fhir_id}"
            if entry.resource_type == "Patient"
            else fhir_fields.patient_reference(resource)
        )
        patient = patients.get(ref) if ref else None
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
                    "version_id": int(version) if version.isdigit() else 1,
                    "last_updated": fhir_fields.parse_fhir_datetime(meta["lastUpdated"]) or now,
                    "content": {**resource, "meta": meta},
                    "source": source[:300],
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
                row.source = source[:300]
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
    if actor is not None:
        for patient_id in sorted(report.patients, key=str):
            record_event(
                session,
                "patient.import",
                actor=actor,
                patient_id=patient_id,
                purpose="record import",
                client_address=client_address,
                detail=f"source={source[:200]}",
            )
    # Resources that arrived before their patient now find them.
    for ref, patient in patients.items():
        session.execute(
            update(ClinicalResource)
            .where(ClinicalResource.subject_ref == ref, ClinicalResource.patient_id.is_(None))
            .values(patient_id=patient.id)
        )
    return report


def as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
