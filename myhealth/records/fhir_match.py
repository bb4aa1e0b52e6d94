"""Whose record each entry of a checked document joins, inside the importing organisation.

Ids in a file belong to the system that wrote it, never to us: a resource is found again only
by the same source (the importing organisation and the file's ``meta.source``). A Patient
entry is matched by NHS number, then by an earlier import from the same source, then by our
own patient id; whichever way it is found, an import reaches a patient only if they are
registered with the importing organisation (and, for an upload, the uploader may see them).
Accounts still waiting for an identity check are handled by ``records.identity``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth import nhs_number as nhs_numbers
from myhealth.access.policy import may_access_patient
from myhealth.people.models import Organisation, Patient
from myhealth.records import fhir_fields, identity
from myhealth.records.fhir_check import Document, Entry, Problem
from myhealth.records.models import ClinicalResource

NHS_NUMBER_SYSTEM = nhs_numbers.FHIR_SYSTEM
ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code"
NOT_YOURS = "this patient is not registered with your organisation; you cannot add to their record"


@dataclass(frozen=True)
class Importer:
    """Who is importing: the organisation always; the person for an upload through the web
    (the CLI and the demo, run by an operator on the server, have none)."""

    organisation: Organisation
    actor: object | None = None
    source: str = ""  # the file name, for the audit trail
    via: str = ""  # how it arrived when there is no actor: "import-fhir", "demo"
    client_address: str = ""
    system: object | None = None  # the system job (context.Actor) that imports, if no person

    @property
    def audit_actor(self):
        """Who the audit trail names: the person uploading, else the system job."""
        return self.actor if self.actor is not None else self.system

    def may_touch(self, patient: Patient) -> bool:
        if patient.registered_organisation_id != self.organisation.id:
            return False
        return self.actor is None or may_access_patient(self.actor, patient, "record:patient:read")

    @property
    def new_patients_join(self):
        """New patients register with the importing organisation when it takes registrations."""
        return self.organisation.id if self.organisation.accepts_registrations else None

    @property
    def audit_detail(self) -> str:
        return f"source={self.source[:200]}" + (f" via={self.via}" if self.via else "")


@dataclass
class Resolution:
    patients: dict[str, Patient] = field(default_factory=dict)  # "Patient/<fhir id>" -> row
    in_document: dict[str, Patient] = field(default_factory=dict)  # those with a Patient entry
    waiting: int = 0  # entries whose patient is not on the system yet (CLI only)
    matched: int = 0  # waiting accounts this import confirmed
    flagged: int = 0  # waiting accounts kept apart from the imported record


def nhs_number(resource: dict) -> str | None:
    for ident in resource.get("identifier") or []:
        if ident.get("system") == NHS_NUMBER_SYSTEM and ident.get("value"):
            return nhs_numbers.normalise(ident["value"])  # fhir_check refused invalid ones
    return None


def _earlier_imports(
    session: Session, importer: Importer, system: str, ids
) -> dict[str, uuid.UUID]:
    """Patients imported before from this same source, by the id the source gave them."""
    if not ids:
        return {}
    rows = session.execute(
        select(ClinicalResource.fhir_id, ClinicalResource.patient_id).where(
            ClinicalResource.organisation_id == importer.organisation.id,
            ClinicalResource.source_system == system,
            ClinicalResource.resource_type == "Patient",
            ClinicalResource.fhir_id.in_(sorted(ids)),
            ClinicalResource.patient_id.is_not(None),
        )
    ).all()
    return dict(rows)


def _our_patients(session: Session, ids) -> dict[str, Patient]:
    """Patients whose id in this portal is the given FHIR id (our own exports use it)."""
    ours = {}
    for fhir_id in ids:
        try:
            ours[str(uuid.UUID(fhir_id))] = fhir_id
        except ValueError:
            continue
    if not ours:
        return {}
    found = session.scalars(select(Patient).where(Patient.id.in_([uuid.UUID(k) for k in ours])))
    return {ours[str(p.id)]: p for p in found}


def _patient_entry(
    session: Session,
    entry: Entry,
    found: Patient | None,
    importer: Importer,
    result: Resolution,
    problems: list[Problem],
) -> Patient | None:
    details = fhir_fields.patient_demographics(entry.resource)
    nhs = nhs_number(entry.resource)
    patient = found
    account = identity.account_of(session, patient) if patient is not None else None
    if identity.waiting_for_check(account) and not (
        importer.may_touch(patient) and identity.same_person(patient, details)
    ):
        patient = identity.keep_apart(
            session,
            account,
            patient,
            registered_organisation_id=importer.new_patients_join,
            actor=importer.audit_actor,
            detail=importer.audit_detail,
            client_address=importer.client_address,
        )
        result.flagged += 1
    elif patient is not None and not importer.may_touch(patient):
        problems.append(Problem(entry.index, "Patient", "identifier", NOT_YOURS))
        return None
    elif identity.waiting_for_check(account):
        identity.confirm_by_match(
            session,
            account,
            actor=importer.audit_actor,
            detail=importer.audit_detail,
            client_address=importer.client_address,
        )
        result.matched += 1
    elif patient is None:
        patient = Patient(
            nhs_number=nhs,
            given_name="",
            family_name="",
            registered_organisation_id=importer.new_patients_join,
        )
        session.add(patient)
    # The imported record's details; registration never moves through an import.
    for name, value in details.items():
        if value not in (None, ""):
            setattr(patient, name, value)
    return patient


def resolve_patients(
    session: Session, document: Document, importer: Importer, problems: list[Problem]
) -> Resolution:
    """Map each "Patient/<id>" the document names to a patient row, creating, matching or
    refusing as the rules above say. Problems are appended; the caller refuses on any."""
    result = Resolution()
    system = document.source_system
    entries = [e for e in document.entries if e.resource_type == "Patient"]
    ids = {e.fhir_id for e in entries}
    earlier = _earlier_imports(session, importer, system, ids)
    ours = _our_patients(session, ids)
    for entry in entries:
        number = nhs_number(entry.resource)
        found = (
            session.scalar(select(Patient).where(Patient.nhs_number == number)) if number else None
        )
        if found is None and entry.fhir_id in earlier:
            found = session.get(Patient, earlier[entry.fhir_id])
        if found is None and entry.fhir_id in ours and importer.may_touch(ours[entry.fhir_id]):
            found = ours[entry.fhir_id]
        patient = _patient_entry(session, entry, found, importer, result, problems)
        if patient is not None:
            ref = f"Patient/{entry.fhir_id}"
            result.patients[ref] = result.in_document[ref] = patient
    session.flush()

    # References to patients imported earlier from this source, or to our own patients.
    wanted = (
        {
            fhir_fields.patient_reference(e.resource)
            for e in document.entries
            if e.resource_type != "Patient"
        }
        - set(result.patients)
        - {None}
    )
    ids = {ref.split("/", 1)[1] for ref in wanted}
    earlier = _earlier_imports(session, importer, system, ids)
    ours = _our_patients(session, ids)
    for fhir_id in ids:
        patient = (
            session.get(Patient, earlier[fhir_id]) if fhir_id in earlier else ours.get(fhir_id)
        )
        if patient is not None:
            result.patients[f"Patient/{fhir_id}"] = patient
    for entry in document.entries:
        ref = fhir_fields.patient_reference(entry.resource)
        if entry.resource_type == "Patient" or ref is None:
            continue
        patient = result.patients.get(ref)
        if patient is not None and not importer.may_touch(patient):
            problems.append(Problem(entry.index, entry.resource_type, "subject", NOT_YOURS))
        elif patient is None and importer.actor is not None:
            problems.append(
                Problem(
                    entry.index,
                    entry.resource_type,
                    "subject",
                    f"{ref} is not on the system; include the Patient in the bundle",
                )
            )
        elif patient is None:
            result.waiting += 1  # kept in its source until its patient arrives from there
    return result


def existing_rows(
    session: Session, document: Document, importer: Importer
) -> dict[tuple[str, str], ClinicalResource]:
    """Rows this same source stored before, by (resource type, FHIR id)."""
    existing: dict[tuple[str, str], ClinicalResource] = {}
    by_type: dict[str, list[str]] = {}
    for entry in document.entries:
        by_type.setdefault(entry.resource_type, []).append(entry.fhir_id)
    for rtype, ids in by_type.items():
        for start in range(0, len(ids), 500):
            rows = session.scalars(
                select(ClinicalResource).where(
                    ClinicalResource.organisation_id == importer.organisation.id,
                    ClinicalResource.source_system == document.source_system,
                    ClinicalResource.resource_type == rtype,
                    ClinicalResource.fhir_id.in_(ids[start : start + 500]),
                )
            )
            existing.update({(r.resource_type, r.fhir_id): r for r in rows})
    return existing
