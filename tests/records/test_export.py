"""Export: a whole record as a FHIR Bundle that imports again to the same record."""

import json
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import select

from myhealth.cli import main
from myhealth.extensions import db as _db
from myhealth.people.models import Organisation, OrganisationKind, Patient
from myhealth.records.fhir_export import patient_bundle
from myhealth.records.fhir_import import import_document
from myhealth.records.models import ClinicalResource
from tests import factories
from tests.records.test_import import SAMPLES

SYNTHEA = sorted(SAMPLES.glob("*_*-*-*-*-*.json"))  # the five Synthea patient bundles


def by_key(resources):
    return {(r["resourceType"], r["id"]): r for r in resources}


def test_round_trip_into_an_empty_database_is_lossless(db, world, extra_app, scratch_database):
    originals = {}
    for path in SYNTHEA:
        report = import_document(
            db, path.read_bytes(), organisation=world.practice, source=path.name
        )
        originals[path.name] = next(iter(report.patients))
    db.commit()
    exports = {name: patient_bundle(db, db.get(Patient, pid)) for name, pid in originals.items()}

    empty = extra_app(SQLALCHEMY_DATABASE_URI=scratch_database)
    with empty.app_context():
        upgrade()
        engine = _db.engine
    from sqlalchemy.orm import Session

    with Session(engine) as fresh:
        practice = Organisation(
            ods_code="Y99999", name="Empty Practice", kind=OrganisationKind.GP_PRACTICE
        )
        fresh.add(practice)
        fresh.flush()
        for bundle in exports.values():
            import_document(fresh, json.dumps(bundle), organisation=practice)
        fresh.commit()
        for name, bundle in exports.items():
            exported = by_key(e["resource"] for e in bundle["entry"])
            rows = fresh.scalars(select(ClinicalResource)).all()
            reimported = by_key(r.content for r in rows)
            missing = set(exported) - set(reimported)
            assert not missing, f"{name}: lost {sorted(missing)[:5]}"
            for key, resource in exported.items():
                assert reimported[key] == resource, f"{name}: {key} changed"
    engine.dispose()


def test_export_includes_every_type_and_the_shared_resources_referred_to(db, world):
    path = SAMPLES / "Patria_Schimmel_d2f8f862-3856-490d-b56f-98e0ed984b1e.json"
    report = import_document(db, path.read_bytes(), organisation=world.practice)
    db.commit()
    bundle = patient_bundle(db, db.get(Patient, next(iter(report.patients))))
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Claim", "ExplanationOfBenefit", "Goal", "Organization", "Practitioner"} <= types
    source = json.loads(path.read_bytes())
    assert len(bundle["entry"]) == len(source["entry"])


def test_cli_import_and_export(app, db, tmp_path):
    practice = factories.organisation(db)
    runner = app.test_cli_runner()
    files = [
        str(SAMPLES / "Patient.json"),
        str(SAMPLES / "bundle-transaction.json"),
        str(SAMPLES / "observation-example-f001-glucose.json"),
    ]
    result = runner.invoke(main, ["import-fhir", "--organisation", practice.ods_code, *files])
    assert result.exit_code == 1  # one file was refused
    assert "stored  Patient: 1" in result.output
    assert "files refused: 1 (bundle-transaction.json)" in result.output

    exported = runner.invoke(main, ["export-fhir", "9000000009"])
    assert exported.exit_code == 0, exported.output
    bundle = json.loads(exported.output)
    assert bundle["resourceType"] == "Bundle"
    assert bundle["entry"][0]["resource"]["id"] == "9000000009"

    unknown = runner.invoke(main, ["export-fhir", "9999999999"])
    assert unknown.exit_code == 1 and "no patient" in unknown.output

    out = tmp_path / "backup"
    backup = runner.invoke(main, ["export-fhir", "--all", str(out)])
    assert backup.exit_code == 0, backup.output
    count = len(db.scalars(select(Patient.id)).all())
    assert len(list(Path(out).glob("*.json"))) == count


def test_portal_only_patient_exports_a_synthesised_patient(db, world):
    bundle = patient_bundle(db, world.patient)
    [entry] = bundle["entry"]
    resource = entry["resource"]
    assert resource["identifier"][0]["value"] == world.patient.nhs_number
    report = import_document(db, json.dumps(bundle), organisation=world.practice)
    assert report.patients == {world.patient.id}  # matched again by NHS number
