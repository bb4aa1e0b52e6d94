"""NHS numbers on the command line: `export-fhir` takes one however it is spaced, and a number
that fails its check is refused with the reason, by `export-fhir` and by `import-fhir`."""

import json

from sqlalchemy import func, select

from myhealth.cli import main
from myhealth.people.models import Patient
from tests import factories
from tests.records.helpers import NHS_NUMBER_SYSTEM, import_cli, sample


def test_export_takes_a_number_with_spaces_or_dashes(app, db, world):
    patient = factories.patient(db, world.practice)
    n = patient.nhs_number
    runner = app.test_cli_runner()
    for written in (n, f"{n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}"):
        result = runner.invoke(main, ["export-fhir", written])
        assert result.exit_code == 0, result.output
        bundle = json.loads(result.output)
        [exported] = [
            e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
        ]
        assert exported["id"] == str(patient.id)
        assert exported["identifier"] == [{"system": NHS_NUMBER_SYSTEM, "value": n}]


def test_export_refuses_a_number_with_a_wrong_check_digit(app, db, world):
    result = app.test_cli_runner().invoke(main, ["export-fhir", "999 000 0019"])
    assert result.exit_code == 2
    assert (
        "Error: '999 000 0019' is not a valid NHS number: the check digit is wrong" in result.output
    )


def test_export_of_a_valid_number_nobody_has_still_says_so(app, db, world):
    result = app.test_cli_runner().invoke(main, ["export-fhir", "999-999-9999"])
    assert result.exit_code == 1
    assert "no patient with NHS number or id 999-999-9999" in result.output


def test_import_refuses_a_file_whose_patient_has_a_wrong_check_digit(app, db, world, tmp_path):
    patient = sample("patient-example.json")
    patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": "999-000-0019"}]
    before = db.scalar(select(func.count(Patient.id)))
    result = import_cli(
        app, tmp_path, patient, "--organisation", world.practice.ods_code, name="mistyped.json"
    )
    assert result.exit_code == 1
    assert (
        "mistyped.json: refused, nothing stored: entry 0 (Patient) at identifier[0].value: "
        "'999-000-0019' is not a valid NHS number: the check digit is wrong" in result.output
    )
    assert "files refused: 1 (mistyped.json)" in result.output
    db.expire_all()
    assert db.scalar(select(func.count(Patient.id))) == before


def test_import_takes_a_number_with_dashes(app, db, world, tmp_path):
    patient = sample("patient-example.json")
    patient["identifier"] = [{"system": NHS_NUMBER_SYSTEM, "value": "999-000-0026"}]
    result = import_cli(app, tmp_path, patient, "--organisation", world.practice.ods_code)
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.scalar(select(Patient).where(Patient.nhs_number == "9990000026")) is not None
