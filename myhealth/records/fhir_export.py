"""A patient's whole record as one FHIR R4 Bundle, ready to import again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from myhealth.access.services import get_patient_for
from myhealth.database import utcnow
from myhealth.records.fhir_import import NHS_NUMBER_SYSTEM, ODS_SYSTEM
from myhealth.records.models import ClinicalResource, Patient


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
    """The patient's resources, then the shared ones they refer to (practitioners...)."""
    own = session.scalars(
        select(ClinicalResource)
        .where(ClinicalResource.patient_id == patient.id)
        .order_by(
            ClinicalResource.resource_type != "Patient",
            ClinicalResource.resource_type,
            ClinicalResource.effective_at,
            ClinicalResource.fhir_id,
        )
    ).all()
    if not any(r.resource_type == "Patient" for r in own):
        yield synthesised_patient(patient)
    refs: set[tuple[str, str]] = set()
    for row in own:
        _references(row.content, refs)
        yield row.content
    have = {(r.resource_type, r.fhir_id) for r in own}
    wanted = sorted(refs - have)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        shared = session.scalars(
            select(ClinicalResource)
            .where(
                ClinicalResource.patient_id.is_(None),
                tuple_(ClinicalResource.resource_type, ClinicalResource.fhir_id).in_(chunk),
            )
            .order_by(ClinicalResource.resource_type, ClinicalResource.fhir_id)
        )
        for row in shared:
            yield row.content


def patient_bundle(session: Session, patient: Patient) -> dict:
    entries = [
        {"fullUrl": f"urn:uuid:{_entry_uuid(r)}", "resource": r}
        for r in iter_resources(session, patient)
    ]
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": utcnow().isoformat()},
        "type": "collection",
        "timestamp": utcnow().isoformat(),
        "total": len(entries),
        "entry": entries,
    }


def _entry_uuid(resource: dict) -> uuid.UUID:
    try:
        return uuid.UUID(resource["id"])
    except (ValueError, KeyError):
        return uuid.uuid5(uuid.NAMESPACE_URL, f"{resource['resourceType']}/{resource['id']}")


def export_for(
    session: Session,
    actor,
    patient_id: uuid.UUID,
    *,
    client_address: str = "",
    purpose: str = "download",
) -> dict:
    """The actor's download of a record they may see; audited as one read."""
    patient = get_patient_for(
        session,
        actor,
        patient_id,
        permission="record:patient:read",
        purpose=purpose,
        client_address=client_address,
    )
    return patient_bundle(session, patient)


def find_patient(session: Session, nhs_number_or_id: str) -> Patient | None:
    """For the CLI: an NHS number, the portal's patient id or an imported FHIR id."""
    digits = nhs_number_or_id.replace(" ", "")
    if digits.isdigit() and len(digits) == 10:
        found = session.scalar(select(Patient).where(Patient.nhs_number == digits))
        if found is not None:
            return found
    try:
        found = session.get(Patient, uuid.UUID(nhs_number_or_id))
        if found is not None:
            return found
    except ValueError:
        pass
    pid = session.scalar(
        select(ClinicalResource.patient_id).where(
            ClinicalResource.resource_type == "Patient",
            ClinicalResource.fhir_id == nhs_number_or_id,
        )
    )
    return session.get(Patient, pid) if pid else None
