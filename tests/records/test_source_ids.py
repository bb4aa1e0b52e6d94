"""Claiming another organisation's patient through FHIR ids (issue 9, medium).

Ids in a file are the sending system's, never ours: they are kept per source (the importing
organisation and the file's source system), an upload never reaches a patient outside the
uploader's organisation, the CLI names the organisation it imports for, and resources that
arrived before their patient are linked only within their own source, and never silently.
The samples are the HL7 examples "Roel" (Patient/f201, with Condition/f201) and the glucose
result of Patient/f001.
"""

from __future__ import annotations

from sqlalchemy import select

from myhealth.access.models import AuditEvent
from myhealth.people.models import Patient
from myhealth.records.models import ClinicalResource
from tests.records.helpers import (
    collection,
    error_summary,
    import_cli,
    page_text,
    sample,
    upload,
)

ROEL = "patient-example-f201-roel.json"
FEVER = "condition-example-f201-fever.json"
GLUCOSE = "observation-example-f001-glucose.json"


def decoy(fhir_id: str, family: str = "Decoy") -> dict:
    """What the attacking practice uploads: a made-up person under someone else's id."""
    return {
        "resourceType": "Patient",
        "id": fhir_id,
        "name": [{"use": "official", "family": family, "given": ["Dee"]}],
        "birthDate": "1980-01-01",
    }


def patient_named(db, family: str, organisation) -> Patient:
    db.expire_all()
    return db.scalar(
        select(Patient).where(
            Patient.family_name == family,
            Patient.registered_organisation_id == organisation.id,
        )
    )


def test_a_practice_cannot_block_another_practices_upload_by_using_its_patient_id_first(
    db, world, signed_in
):
    attacker = signed_in(world.other_clinician)
    assert "1 resource was imported" in page_text(upload(attacker, decoy("f201")))

    clinician = signed_in(world.clinician)
    response = upload(clinician, collection(sample(ROEL), sample(FEVER)))
    assert error_summary(response) == ""
    assert "2 resources were imported" in page_text(response)

    roel = patient_named(db, "Bor", world.practice)
    assert roel is not None
    assert "Fever" in clinician.get(f"/record/{roel.id}/conditions").get_data(as_text=True)
    decoyed = patient_named(db, "Decoy", world.other_practice)
    assert "Fever" not in attacker.get(f"/record/{decoyed.id}/conditions").get_data(as_text=True)
    assert attacker.get(f"/record/{roel.id}").status_code == 404


def test_the_cli_imports_into_the_organisation_it_names_whatever_the_ids_say(
    app, db, world, signed_in, tmp_path
):
    attacker = signed_in(world.other_clinician)
    upload(attacker, decoy("f201"))
    clinician = signed_in(world.clinician)
    upload(clinician, sample(ROEL))

    result = import_cli(app, tmp_path, sample(FEVER), "--organisation", world.practice.ods_code)
    assert result.exit_code == 0, result.output

    roel = patient_named(db, "Bor", world.practice)
    decoyed = patient_named(db, "Decoy", world.other_practice)
    assert "Fever" in clinician.get(f"/record/{roel.id}/conditions").get_data(as_text=True)
    assert "Fever" not in attacker.get(f"/record/{decoyed.id}/conditions").get_data(as_text=True)
    fever = db.scalar(select(ClinicalResource).where(ClinicalResource.resource_type == "Condition"))
    assert fever.organisation_id == world.practice.id


def test_the_cli_must_name_an_organisation_that_exists(app, db, tmp_path):
    before = db.scalar(select(ClinicalResource.id).limit(1))
    without = import_cli(app, tmp_path, sample(FEVER))
    assert without.exit_code == 2
    assert "--organisation" in without.output
    unknown = import_cli(app, tmp_path, sample(FEVER), "--organisation", "NOPE1")
    assert unknown.exit_code == 2
    assert "No organisation has ODS code NOPE1" in unknown.output
    db.expire_all()
    assert db.scalar(select(ClinicalResource.id).limit(1)) == before


def test_resources_waiting_for_their_patient_never_attach_to_another_practices_upload(
    app, db, world, signed_in, tmp_path
):
    waiting = import_cli(app, tmp_path, sample(GLUCOSE), "--organisation", world.practice.ods_code)
    assert waiting.exit_code == 0, waiting.output
    assert "waiting for their patient: 1" in waiting.output

    attacker = signed_in(world.other_clinician)
    assert error_summary(upload(attacker, decoy("f001"))) == ""
    decoyed = patient_named(db, "Decoy", world.other_practice)
    results = attacker.get(f"/record/{decoyed.id}/results").get_data(as_text=True)
    assert "Glucose" not in results
    db.expire_all()
    glucose = db.scalar(
        select(ClinicalResource).where(ClinicalResource.resource_type == "Observation")
    )
    assert glucose.patient_id is None


def test_resources_waiting_for_their_patient_join_them_from_the_same_source_and_it_is_said(
    app, db, world, signed_in, tmp_path
):
    import_cli(app, tmp_path, sample(GLUCOSE), "--organisation", world.practice.ods_code)
    clinician = signed_in(world.clinician)
    page = page_text(upload(clinician, decoy("f001", family="Heuvel")))
    assert (
        "1 resource imported earlier was waiting for this patient and is now in their record"
        in (page)
    )
    heuvel = patient_named(db, "Heuvel", world.practice)
    results = clinician.get(f"/record/{heuvel.id}/results").get_data(as_text=True)
    assert "Glucose" in results
    db.expire_all()
    [event] = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == heuvel.id, AuditEvent.action == "patient.import"
        )
    ).all()
    assert "linked=1" in event.detail


def test_an_upload_never_reaches_another_practices_patient_through_our_own_ids(
    db, world, signed_in
):
    attacker = signed_in(world.other_clinician)
    fever = sample(FEVER)
    fever["subject"] = {"reference": f"Patient/{world.patient.id}"}
    summary = error_summary(upload(attacker, fever))
    assert "not registered with your organisation" in summary
    db.expire_all()
    assert (
        db.scalar(select(ClinicalResource).where(ClinicalResource.resource_type == "Condition"))
        is None
    )
