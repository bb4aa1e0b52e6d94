"""A patient's whole record as one FHIR R4 Bundle, ready to import again.

The Bundle is written as a stream of JSON text, a batch of entries at a time, while the record
is read in batches: the memory an export takes does not grow with the size of the record.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from myhealth import nhs_number
from myhealth.access.services import get_record_for
from myhealth.database import utcnow
from myhealth.people.models import Patient
from myhealth.records.fhir_match import NHS_NUMBER_SYSTEM, ODS_SYSTEM
from myhealth.records.models import ClinicalResource

BATCH = 500  # rows read at a time
CHUNK_CHARS = 64 * 1024  # text written at a time


def _references(node, found: set[tuple[str, str]]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str) and value.count("/") == 1:
                rtype, rid = value.split("/")
                found.add((rtype, rid))
            else:
                _references(value, found)
    elif isinstance(node, list):
        for value in node:
            _references(value, found)


def synthesised_patient(patient: Patient) -> dict:
    """A Patient resource from the portal's own details, for patients who joined here."""
    resource: dict = {"resourceType": "Patient", "id": str(patient.id)}
    if patient.nhs_number:
        resource["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": patient.nhs_number}]
    resource["name"] = [
        {"use": "official", "family": patient.family_name, "given": patient.given_name.split()}
    ]
    if patient.gender:
        resource["gender"] = str(patient.gender)
    if patient.birth_date:
        resource["birthDate"] = patient.birth_date.isoformat()
    if patient.phone:
        resource["telecom"] = [{"system": "phone", "value": patient.phone}]
    if patient.address or patient.postcode:
        resource["address"] = [
            {
                "use": "home",
                "line": [patient.address] if patient.address else [],
                "postalCode": patient.postcode,
            }
        ]
    if patient.registered_organisation is not None:
        resource["generalPractitioner"] = [
            {
                "identifier": {
                    "system": ODS_SYSTEM,
                    "value": patient.registered_organisation.ods_code,
                },
                "display": patient.registered_organisation.name,
            }
        ]
    return resource


def iter_resources(session: Session, patient: Patient) -> Iterator[dict]:
    """The patient's resources, then the shared ones they refer to (practitioners...), read a
    batch at a time. Shared resources come from the same organisations' imports only."""
    own_patient = session.scalar(
        select(ClinicalResource.id)
        .where(
            ClinicalResource.patient_id == patient.id, ClinicalResource.resource_type == "Patient"
        )
        .limit(1)
    )
    if own_patient is None:
        yield synthesised_patient(patient)
    own = session.execute(
        select(
            ClinicalResource.resource_type,
            ClinicalResource.fhir_id,
            ClinicalResource.organisation_id,
            ClinicalResource.content,
        )
        .where(ClinicalResource.patient_id == patient.id)
        .order_by(
            ClinicalResource.resource_type != "Patient",
            ClinicalResource.resource_type,
            ClinicalResource.effective_at,
            ClinicalResource.fhir_id,
        )
        .execution_options(yield_per=BATCH)
    )
    refs: set[tuple[str, str]] = set()
    have: set[tuple[str, str]] = set()
    organisations: set[uuid.UUID] = set()
    try:
        for rtype, fhir_id, organisation_id, content in own:
            _references(content, refs)
            have.add((rtype, fhir_id))
            if organisation_id is not None:
                organisations.add(organisation_id)
            yield content
    finally:
        own.close()  # a download stopped half way leaves no cursor open on the server
    wanted = sorted(refs - have)
    sent: set[tuple[str, str]] = set()
    for start in range(0, len(wanted) if organisations else 0, BATCH):
        shared = session.execute(
            select(
                ClinicalResource.resource_type, ClinicalResource.fhir_id, ClinicalResource.content
            )
            .where(
                ClinicalResource.patient_id.is_(None),
                ClinicalResource.organisation_id.in_(sorted(organisations)),
                tuple_(ClinicalResource.resource_type, ClinicalResource.fhir_id).in_(
                    wanted[start : start + BATCH]
                ),
            )
            .order_by(ClinicalResource.resource_type, ClinicalResource.fhir_id)
        )
        for rtype, fhir_id, content in shared:
            if (rtype, fhir_id) not in sent:  # one copy when two sources hold the same id
                sent.add((rtype, fhir_id))
                yield content


def _source_system(session: Session, patient: Patient) -> str | None:
    """The one system the record's resources came from, if it named itself (meta.source)."""
    systems = session.scalars(
        select(ClinicalResource.source_system)
        .where(ClinicalResource.patient_id == patient.id)
        .distinct()
        .limit(2)
    ).all()
    return systems[0] if len(systems) == 1 and systems[0] else None


def _entry(resource: dict) -> dict:
    return {"fullUrl": f"urn:uuid:{_entry_uuid(resource)}", "resource": resource}


def _header(session: Session, patient: Patient) -> dict:
    now = utcnow().isoformat()
    meta = {"lastUpdated": now}
    source = _source_system(session, patient)
    if source:
        meta["source"] = source  # so that importing it again finds the same source
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": meta,
        "type": "collection",
        "timestamp": now,
    }


def bundle_chunks(session: Session, patient_id: uuid.UUID) -> Iterator[str]:
    """The patient's record as a collection Bundle in JSON text, in chunks of about 64 kB.

    It takes the patient's id, not the row: a web response streams this after the request's
    own session has ended, so the patient is read again in the session that streams it.
    """
    patient = session.get(Patient, patient_id)
    head = json.dumps(_header(session, patient), ensure_ascii=False)
    parts = [head[:-1], ', "entry": [']
    size, count = 0, 0
    for resource in iter_resources(session, patient):
        text = json.dumps(_entry(resource), ensure_ascii=False)
        parts.append(("\n" if count == 0 else ",\n") + text)
        size += len(text)
        count += 1
        if size >= CHUNK_CHARS:
            yield "".join(parts)
            parts, size = [], 0
    parts.append(f'\n], "total": {count}}}\n')
    yield "".join(parts)


def patient_bundle(session: Session, patient: Patient) -> dict:
    """The same Bundle as a dict, for callers that want it whole (small records, tests)."""
    entries = [_entry(r) for r in iter_resources(session, patient)]
    return {**_header(session, patient), "entry": entries, "total": len(entries)}


def _entry_uuid(resource: dict) -> uuid.UUID:
    try:
        return uuid.UUID(resource["id"])
    except (ValueError, KeyError):
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{resource['resourceType']}/{resource['id']}")


def open_for_export(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    *,
    client_address: str = "",
    purpose: str = "download",
) -> Patient:
    """The patient whose record the actor is about to download; audited as one read."""
    return get_record_for(
        session, actor, patient_id, purpose=purpose, client_address=client_address
    )


def download_name(patient: Patient) -> str:
    return f"health-record-{patient.nhs_number or patient.id}.json"


def find_patient(session: Session, nhs_number_or_id: str) -> Patient | None:
    """For the CLI: an NHS number, the portal's patient id, or an imported FHIR id that only
    one source used (ids are the sending system's, so several patients may share one)."""
    if nhs_number.is_valid(nhs_number_or_id):
        number = nhs_number.normalise(nhs_number_or_id)
        found = session.scalar(select(Patient).where(Patient.nhs_number == number))
        if found is not None:
            return found
    try:
        found = session.get(Patient, uuid.UUID(nhs_number_or_id))
        if found is not None:
            return found
    except ValueError:
        pass
    owners = session.scalars(
        select(ClinicalResource.patient_id)
        .where(
            ClinicalResource.resource_type == "Patient",
            ClinicalResource.fhir_id == nhs_number_or_id,
            ClinicalResource.patient_id.is_not(None),
        )
        .distinct()
        .limit(2)
    ).all()
    return session.get(Patient, owners[0]) if len(owners) == 1 else None
