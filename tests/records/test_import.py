"""Importing FHIR R4: real externally produced samples, all-or-nothing refusals."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from myhealth.people.models import Patient
from myhealth.records.fhir_import import ImportRefused, import_document
from myhealth.records.models import ClinicalResource
from tests import factories

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "fhir-samples"
SAMPLE_FILES = sorted(p for p in SAMPLES.glob("*.json"))
UNSUPPORTED = {"bundle-transaction.json"}  # DELETE, GET and conditional requests


@pytest.fixture
def practice(db):
    """The organisation every import here is for: ids are kept per source."""
    return factories.organisation(db, name="Import Test Practice")


def test_the_external_samples_are_there():
    # They live in ../shared beside the clone; without them the sample tests would vanish.
    assert len(SAMPLE_FILES) >= 20, f"FHIR samples missing from {SAMPLES}"


def stored_count(db) -> int:
    return db.scalar(select(func.count(ClinicalResource.id))) or 0


def expected_resources(path: Path) -> int:
    data = json.loads(path.read_bytes())
    if data["resourceType"] != "Bundle":
        return 1
    return sum(
        1
        for e in data.get("entry", [])
        if "resource" in e and (e.get("search") or {}).get("mode") != "outcome"
    )


@pytest.mark.parametrize(
    "path", [p for p in SAMPLE_FILES if p.name not in UNSUPPORTED], ids=lambda p: p.name
)
def test_every_external_sample_imports(db, practice, path):
    report = import_document(db, path.read_bytes(), organisation=practice, source=path.name)
    db.commit()
    assert report.total == expected_resources(path)
    again = import_document(db, path.read_bytes(), organisation=practice, source=path.name)
    db.commit()
    # Re-importing the same document updates in place and never duplicates.
    assert sum(again.stored.values()) == 0
    assert sum(again.unchanged.values()) == expected_resources(path)


def test_unsupported_transaction_entries_are_refused_by_name(db, practice):
    before = stored_count(db)
    with pytest.raises(ImportRefused) as refused:
        import_document(
            db, (SAMPLES / "bundle-transaction.json").read_bytes(), organisation=practice
        )
    text = str(refused.value)
    assert "entry 5" in text and "DELETE requests are not supported" in text
    assert "conditional requests are not supported" in text
    db.rollback()
    assert stored_count(db) == before


def test_synthea_patient_keeps_every_resource_and_links_to_one_patient(db, practice):
    path = SAMPLES / "Tommy_Friesen_dc0e6a8c-6c31-4d75-966f-ac682f486756.json"
    report = import_document(db, path.read_bytes(), organisation=practice, source=path.name)
    db.commit()
    assert report.stored["Observation"] == 196
    assert report.stored["Claim"] == 23  # kept although no page shows claims
    assert len(report.patients) == 1
    patient = db.get(Patient, next(iter(report.patients)))
    assert (patient.given_name, patient.family_name) == ("Tommy", "Friesen")
    linked = db.scalar(
        select(func.count(ClinicalResource.id)).where(ClinicalResource.patient_id == patient.id)
    )
    assert linked == 318 - 4  # all but the 2 Organizations and 2 Practitioners
    # urn:uuid references were resolved to Type/id.
    obs = db.scalar(
        select(ClinicalResource)
        .where(
            ClinicalResource.patient_id == patient.id,
            ClinicalResource.resource_type == "Observation",
        )
        .limit(1)
    )
    assert obs.content["subject"]["reference"].startswith("Patient/")
    assert obs.content["meta"]["versionId"] == "1"


def test_nhs_number_matches_an_existing_patient(db, world):
    data = json.loads((SAMPLES / "Patient.json").read_bytes())
    data["identifier"][0]["value"] = world.patient.nhs_number
    report = import_document(db, data, organisation=world.practice)
    db.commit()
    assert report.patients == {world.patient.id}


def test_resource_before_its_patient_is_linked_when_the_patient_arrives(db, practice):
    obs = json.loads((SAMPLES / "observation-example-bloodpressure.json").read_bytes())
    obs["id"], obs["subject"] = "late-bp", {"reference": "Patient/late-arrival"}
    assert import_document(db, obs, organisation=practice).waiting == 1
    patient = json.loads((SAMPLES / "patient-example.json").read_bytes())
    patient["id"] = "late-arrival"
    report = import_document(db, patient, organisation=practice)
    db.commit()
    row = db.scalar(select(ClinicalResource).where(ClinicalResource.fhir_id == "late-bp"))
    assert row.patient_id == next(iter(report.patients))
    assert report.linked == 1  # and said so


def test_changed_resource_is_updated_in_place_with_a_new_version(db, practice):
    obs = json.loads((SAMPLES / "observation-example-f001-glucose.json").read_bytes())
    import_document(db, obs, organisation=practice)
    obs["valueQuantity"]["value"] = 7.1
    report = import_document(db, obs, organisation=practice)
    db.commit()
    assert report.updated["Observation"] == 1
    row = db.scalar(select(ClinicalResource).where(ClinicalResource.fhir_id == obs["id"]))
    assert row.version_id == 2 and row.content["meta"]["versionId"] == "2"
    assert row.content["valueQuantity"]["value"] == 7.1


def bundle(*resources, kind="collection"):
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [
            {"fullUrl": f"urn:uuid:{r.pop('_url')}", "resource": r}
            if "_url" in r
            else {"resource": r}
            for r in resources
        ],
    }


def good_obs(**changes):
    obs = {
        "resourceType": "Observation",
        "id": "ok-1",
        "status": "final",
        "code": {"text": "Weight"},
        "valueQuantity": {"value": 70, "unit": "kg"},
        "effectiveDateTime": "2024-01-02",
    }
    obs.update(changes)
    return obs


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (
            bundle(good_obs(), {"resourceType": "Nonsense", "id": "x"}),
            "entry 1 (Nonsense) at resourceType: not a FHIR R4 resource type",
        ),
        (
            bundle(good_obs(), good_obs(valueQuantity={"value": "heavy"})),
            "entry 1 (Observation) at valueQuantity.value",
        ),
        (bundle(good_obs(), good_obs()), "entry 1 (Observation) at id: duplicate id 'ok-1'"),
        (
            bundle(
                good_obs(subject={"reference": "urn:uuid:0b0d9b0e-0000-4000-8000-000000000000"})
            ),
            "does not match any entry in the bundle",
        ),
        (
            bundle(good_obs(effectiveDateTime="2999-01-01")),
            "effectiveDateTime: 2999-01-01 is in the future",
        ),
        ({"resourceType": "Bundle", "type": "document", "entry": []}, "bundles of type"),
        ({"status": "final"}, "missing resourceType"),
    ],
)
def test_bad_documents_are_refused_whole_with_a_clear_message(db, practice, document, message):
    before = stored_count(db)
    with pytest.raises(ImportRefused) as refused:
        raw = json.dumps(document) if isinstance(document, dict) else document
        import_document(db, raw, organisation=practice)
    assert message in str(refused.value)
    db.rollback()
    assert stored_count(db) == before  # nothing of it, not even the good entries


def test_files_over_the_size_limit_are_refused(db, practice):
    with pytest.raises(ImportRefused, match="the limit is 1 MB"):
        import_document(db, b" " * 1_100_000, organisation=practice, max_bytes=1_000_000)


def test_an_import_names_the_organisation_it_is_for(db):
    with pytest.raises(TypeError, match="organisation"):
        import_document(db, json.dumps(good_obs()))
