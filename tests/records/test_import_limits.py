"""Hostile sizes and shapes (issue 9, low): refused with a message, never a server error; uploads
capped in entries; downloads streamed rather than built whole in memory."""

from __future__ import annotations

import json
import tracemalloc

import pytest
from sqlalchemy import func, select

from myhealth.config import load_config
from myhealth.people.models import Patient
from myhealth.records import fhir_export
from myhealth.records.fhir_import import import_document
from myhealth.records.models import ClinicalResource
from tests.conftest import sign_in_as
from tests.records.helpers import TOMMY, error_summary, sample, upload


def stored(db) -> int:
    db.expire_all()
    return db.scalar(select(func.count(ClinicalResource.id))) or 0


def nested_extensions(depth: int, subject: str = "Patient/example") -> bytes:
    """The blood pressure example with one extension nested `depth` times inside another."""
    inner = '{"url": "https://example.org/leaf", "valueString": "x"}'
    for level in range(depth):
        inner = f'{{"url": "https://example.org/{level}", "extension": [{inner}]}}'
    observation = sample("observation-example-bloodpressure.json")
    observation["subject"] = {"reference": subject}
    raw = json.dumps(observation)
    start = '"resourceType": "Observation",'
    return raw.replace(start, f'{start} "extension": [{inner}],', 1).encode()


HOSTILE = {
    "deeply nested arrays": (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
    "deeply nested extensions": (nested_extensions(300), "nested more than"),
    "a 100,000-digit number": (
        json.dumps(sample("observation-example-f001-glucose.json"))
        .replace('"value": 6.3', '"value": ' + "9" * 100_000)
        .encode(),
        "a number longer than",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_shapes_are_refused_with_a_message(db, world, signed_in, name):
    document, message = HOSTILE[name]
    before = stored(db)
    response = upload(signed_in(world.clinician), document)
    assert response.status_code == 200
    summary = error_summary(response)
    assert "The file was not imported" in summary and message in summary
    assert stored(db) == before


def test_a_record_nested_as_deep_as_real_ones_still_imports(db, world, signed_in):
    document = nested_extensions(20, subject=f"Patient/{world.patient.id}")
    response = upload(signed_in(world.clinician), document)
    assert error_summary(response) == ""
    assert "1 resource was imported" in response.get_data(as_text=True)


def test_uploads_are_capped_in_entries(extra_app, db, world):
    app = extra_app(IMPORT_MAX_ENTRIES=300)
    client = sign_in_as(app, db, world.clinician)
    before = stored(db)
    summary = error_summary(upload(client, TOMMY.read_bytes()))  # 318 entries
    assert "318 entries" in summary and "the limit is 300" in summary
    assert stored(db) == before


def test_the_entry_cap_is_configurable_and_has_a_default(monkeypatch, tmp_path):
    assert load_config({"INSTANCE_DIR": tmp_path})["IMPORT_MAX_ENTRIES"] == 25_000
    monkeypatch.setenv("MYHEALTH_IMPORT_MAX_ENTRIES", "500")
    assert load_config({"INSTANCE_DIR": tmp_path})["IMPORT_MAX_ENTRIES"] == 500


def big_record(db, organisation, count: int) -> Patient:
    patient = {
        "resourceType": "Patient",
        "id": f"big-{count}",
        "name": [{"use": "official", "family": "Large", "given": ["Lorna"]}],
        "birthDate": "1950-05-05",
    }
    entries = [{"resource": patient}]
    for n in range(count):
        entries.append(
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": f"big-{count}-{n}",
                    "status": "final",
                    "code": {
                        "text": "Heart rate",
                        "coding": [{"system": "http://loinc.org", "code": "8867-4"}],
                    },
                    "subject": {"reference": f"Patient/big-{count}"},
                    "effectiveDateTime": f"2020-01-{1 + n % 28:02d}T09:{n % 60:02d}:00Z",
                    "valueQuantity": {"value": 60 + n % 40, "unit": "/min"},
                    "note": [{"text": "x" * 200}],
                }
            }
        )
    report = import_document(
        db,
        {"resourceType": "Bundle", "type": "collection", "entry": entries},
        organisation=organisation,
        max_entries=count + 1,
    )
    db.commit()
    return db.get(Patient, next(iter(report.patients)))


def test_the_download_is_streamed_and_imports_again(db, world, signed_in):
    patient = big_record(db, world.practice, 300)
    response = signed_in(world.clinician).get(f"/record/{patient.id}/download")
    assert response.status_code == 200
    assert response.is_streamed
    bundle = json.loads(response.get_data(as_text=True))
    assert bundle["resourceType"] == "Bundle" and len(bundle["entry"]) == 301
    again = import_document(db, bundle, organisation=world.practice)
    assert sum(again.unchanged.values()) == 301


def export_peak(db, patient) -> tuple[int, int]:
    """The most memory the export takes while it is written, and the size of what it wrote."""
    tracemalloc.start()
    try:
        size = sum(len(chunk) for chunk in fhir_export.bundle_chunks(db, patient.id))
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_the_memory_an_export_takes_does_not_grow_with_the_record(db, world):
    small_peak, small_size = export_peak(db, big_record(db, world.practice, 1000))
    large_peak, large_size = export_peak(db, big_record(db, world.practice, 4000))
    assert large_size > 3.5 * small_size
    # Built whole, the Bundle took four times the memory for four times the record.
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
