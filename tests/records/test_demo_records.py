"""The demo health records: valid FHIR R4, deterministic, idempotent, never in the future."""

import json
import re
from datetime import date, timedelta

import pytest
from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import func, select

from myhealth import demo
from myhealth.accounts.models import User
from myhealth.database import utcnow
from myhealth.demo_people import DEMO_PATIENT_EMAIL
from myhealth.people.models import Gender, Patient
from myhealth.records import services
from myhealth.records.demo_records import build_record
from myhealth.records.fhir_fields import parse_fhir_datetime
from myhealth.records.fhir_import import import_document
from myhealth.records.models import ClinicalResource
from tests import factories

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
HBA1C_OR_BP = ("59261-8", "85354-9")
RICH = 5  # the 71-year-old gets the signed-in demo patient's kind of record


@pytest.fixture
def practice(db):
    return factories.organisation(db, name="Demo Test Practice")


@pytest.fixture
def patients(db, practice) -> list[Patient]:
    """Adults of several ages, so young, middle-aged and older stories are all built."""
    ages = (19, 33, 47, 58, 66, 71, 84, 91)
    return [
        factories.patient(
            db,
            practice,
            birth_date=date(2025, 3, 1) - timedelta(days=365 * age),
            gender=Gender.FEMALE if i % 2 else Gender.MALE,
            address=f"{i + 1} Station Road",
            postcode="LS1 4AB",
        )
        for i, age in enumerate(ages)
    ]


def record_for(patient: Patient, practice, *, rich: bool = False) -> dict:
    return build_record(
        patient,
        practice_ods=practice.ods_code,
        practice_name=practice.name,
        clinicians=["Dr Nia Evans", "Megan Price (practice nurse)"],
        rich=rich,
    )


def dated_strings(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from dated_strings(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from dated_strings(value, f"{path}[{i}]")
    elif isinstance(node, str) and _DATE.match(node):
        yield path, node


def test_every_record_validates_and_imports_linked_to_its_patient(db, practice, patients):
    for i, patient in enumerate(patients):
        bundle = record_for(patient, practice, rich=i == RICH)
        assert bundle["resourceType"] == "Bundle" and bundle["type"] == "collection"
        for entry in bundle["entry"]:
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        report = import_document(db, bundle, organisation=practice, source="demo")
        db.commit()
        assert report.total == len(bundle["entry"]) == sum(report.stored.values())
        assert report.patients == {patient.id}
        linked = db.scalar(
            select(func.count(ClinicalResource.id)).where(ClinicalResource.patient_id == patient.id)
        )
        assert linked == len(bundle["entry"])
    assert len(record_for(patients[RICH], practice, rich=True)["entry"]) >= 80


def test_the_same_patient_always_gets_the_same_record(practice, patients):
    first = json.dumps(record_for(patients[3], practice), sort_keys=True)
    assert first == json.dumps(record_for(patients[3], practice), sort_keys=True)
    ids = {e["resource"]["id"] for p in patients for e in record_for(p, practice)["entry"]}
    assert len(ids) == sum(len(record_for(p, practice)["entry"]) for p in patients)


def test_importing_the_record_again_changes_nothing(db, practice, patients):
    patient = patients[6]
    bundle = record_for(patient, practice)
    import_document(db, bundle, organisation=practice, source="demo")
    db.commit()
    before = (
        patient.given_name,
        patient.family_name,
        patient.birth_date,
        patient.address,
        patient.postcode,
        patient.registered_organisation_id,
    )
    versions = dict(
        db.execute(
            select(ClinicalResource.fhir_id, ClinicalResource.version_id).where(
                ClinicalResource.patient_id == patient.id
            )
        ).all()
    )

    again = import_document(db, record_for(patient, practice), organisation=practice, source="demo")
    db.commit()
    db.expire_all()
    assert not again.stored and not again.updated
    assert sum(again.unchanged.values()) == len(bundle["entry"])
    assert versions == dict(
        db.execute(
            select(ClinicalResource.fhir_id, ClinicalResource.version_id).where(
                ClinicalResource.patient_id == patient.id
            )
        ).all()
    )
    assert before == (
        patient.given_name,
        patient.family_name,
        patient.birth_date,
        patient.address,
        patient.postcode,
        patient.registered_organisation_id,
    )


def test_no_date_in_any_record_is_in_the_future(practice, patients):
    now = utcnow()
    for i, patient in enumerate(patients):
        for path, value in dated_strings(record_for(patient, practice, rich=i == RICH)):
            when = parse_fhir_datetime(value)
            assert when is not None and when <= now, (path, value)


def test_the_demo_patient_has_a_rich_record(db):
    demo.seed(db)
    db.commit()
    assert (
        db.scalar(
            select(func.count(ClinicalResource.id)).where(
                ClinicalResource.resource_type == "Patient", ClinicalResource.source == "demo"
            )
        )
        == 60
    )

    account = db.scalar(select(User).where(User.email == DEMO_PATIENT_EMAIL))
    found = services.summary(db, account, account.patient_id)
    assert len(found.problems) >= 2
    assert all(p.status == "active" for p in found.problems)
    assert len(found.medicines) >= 3
    assert found.allergies and found.immunisations
    assert found.counts["Observation"] >= 40

    for code in HBA1C_OR_BP:
        first, last, count = db.execute(
            select(
                func.min(ClinicalResource.effective_at),
                func.max(ClinicalResource.effective_at),
                func.count(ClinicalResource.id),
            ).where(
                ClinicalResource.patient_id == account.patient_id,
                ClinicalResource.resource_type == "Observation",
                ClinicalResource.code == code,
            )
        ).one()
        assert count >= 6, code
        assert (last - first).days >= 2 * 365, code
    resolved = db.scalar(
        select(func.count(ClinicalResource.id)).where(
            ClinicalResource.patient_id == account.patient_id,
            ClinicalResource.resource_type == "Condition",
            ClinicalResource.status == "resolved",
        )
    )
    assert resolved >= 1
