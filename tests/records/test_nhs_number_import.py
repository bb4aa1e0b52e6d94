"""The importer reads a patient's NHS number as the sign-up form does: spaces and dashes are
ignored, and a number that fails its check refuses the whole document, naming the entry.

Before, a wrong check digit was imported as it was (a patient nobody could match again) and a
number of the wrong length was silently dropped.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from myhealth.people.models import Patient
from myhealth.records.fhir_import import ImportRefused, import_document
from myhealth.records.models import ClinicalResource
from tests import factories
from tests.records.helpers import NHS_NUMBER_SYSTEM, collection, sample, upload

VALID = "9990000026"
WRONG_CHECK_DIGIT = "9990000027"


def patient_with(number: str, fhir_id: str = "nhs-number-test") -> dict:
    resource = sample("patient-example.json")
    resource["id"] = fhir_id
    resource["identifier"] = [
        {"system": "urn:oid:1.2.36.146.595.217.0.1", "value": "12345"},
        {"system": NHS_NUMBER_SYSTEM, "value": number},
    ]
    return resource


def stored(db) -> tuple[int, int]:
    return (
        db.scalar(select(func.count(Patient.id))),
        db.scalar(select(func.count(ClinicalResource.id))),
    )


def test_the_numbers_used_here_are_what_they_say():
    import nhs_number

    assert nhs_number.is_valid(VALID) and not nhs_number.is_valid(WRONG_CHECK_DIGIT)


@pytest.mark.parametrize("written", ["999 000 0026", "999-000-0026", " 9990000026 "])
def test_a_number_written_with_spaces_or_dashes_is_stored_as_its_digits(db, world, written):
    report = import_document(db, patient_with(written), organisation=world.practice)
    db.commit()
    patient = db.get(Patient, next(iter(report.patients)))
    assert patient.nhs_number == VALID


def test_a_spaced_number_matches_the_patient_already_there(db, world):
    existing = factories.patient(db, world.practice)
    spaced = f"{existing.nhs_number[:3]}-{existing.nhs_number[3:6]}-{existing.nhs_number[6:]}"
    report = import_document(db, patient_with(spaced), organisation=world.practice)
    db.commit()
    assert report.patients == {existing.id}


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("999 000 0027", "the check digit is wrong"),
        ("99900000", "it has 8 digits; an NHS number has 10"),
        ("999000002X", "it has letters or symbols in it"),
    ],
)
def test_a_number_that_fails_its_check_refuses_the_document_naming_the_entry(
    db, world, written, reason
):
    document = collection(
        sample("observation-example-f001-glucose.json"), patient_with(written, "second")
    )
    before = stored(db)
    with pytest.raises(ImportRefused) as refused:
        import_document(db, document, organisation=world.practice)
    db.rollback()
    [problem] = refused.value.problems
    assert (problem.entry, problem.resource_type, problem.path) == (
        1,
        "Patient",
        "identifier[1].value",
    )
    assert str(problem).startswith(f"entry 1 (Patient) at identifier[1].value: {written!r}")
    assert f"is not a valid NHS number: {reason}" in str(problem)
    assert stored(db) == before


def test_an_upload_with_a_wrong_check_digit_is_refused_on_the_page(db, world, signed_in):
    before = stored(db)
    page = upload(signed_in(world.clinician), collection(patient_with(WRONG_CHECK_DIGIT)))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "The file was not imported. Nothing from it was stored." in text
    assert "entry 0 (Patient) at identifier[1].value:" in text
    assert "is not a valid NHS number: the check digit is wrong" in text
    assert stored(db) == before
