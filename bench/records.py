"""FHIR import speed and record summary time, as ratios measured side by side in one run.

    python -m bench.records [--quick]

Prints one JSON object per line: {"metric", "value", "unit", "target", "ok"}.

1. Import: a corpus of generated demo records (``myhealth.records.demo_records``), each
   timed twice in turn: parsed and validated alone with fhir.resources R4B, then stored with
   ``import_document`` into a throwaway SQLite database built by the migrations. Storing
   should cost no more than 2.5 times validating (rate ratio >= 0.4).
2. Summary: the record summary of a patient with 50 resources against one with 5,000 (the
   same 50 plus years of home readings). The signed-in page ``/record/<id>`` is timed when
   the records blueprint is registered, otherwise the ``services.summary`` call it makes.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from bench.common import demo_app, emit, sign_in

PRACTICE = ("Y90001", "Riverside Medical Practice")
SMALL, LARGE = 50, 5000
# Home readings for the large record: LOINC code, display, unit, UCUM code, typical, spread
HOME_READINGS = [
    ("8867-4", "Heart rate", "beats/min", "/min", 72, 8),
    ("29463-7", "Body weight", "kg", "kg", 84, 2),
    ("15074-8", "Glucose [Moles/volume] in Blood", "mmol/L", "mmol/L", 7.2, 1.5),
    ("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry", "%", "%", 96, 1.5),
]
_NAMESPACE = uuid.UUID("b7d3e0a4-2f61-4c8e-9a53-6d1c2e8f4b90")


def synthetic_patients(count: int, offset: int):
    """Unsaved patients with test-range NHS numbers clear of the demo's and the tests'."""
    from myhealth import demo_people
    from myhealth.people.models import Gender, Patient

    rng = random.Random(f"bench-records-{offset}")
    for nhs in demo_people.test_range_nhs_numbers(offset + count)[offset:]:
        female = rng.random() < 0.52
        yield Patient(
            id=uuid.uuid5(_NAMESPACE, nhs),
            nhs_number=nhs,
            given_name=rng.choice(demo_people.GIVEN_FEMALE if female else demo_people.GIVEN_MALE),
            family_name=rng.choice(demo_people.FAMILY),
            birth_date=date(2026, 1, 1) - timedelta(days=rng.randint(18 * 365, 92 * 365)),
            gender=Gender.FEMALE if female else Gender.MALE,
            address=f"{rng.randint(1, 140)} {rng.choice(demo_people.STREETS)}",
            postcode="LS1 4AB",
            phone="",
        )


def record(patient, *, rich: bool = False) -> dict:
    from myhealth.records.demo_records import build_record

    return build_record(patient, practice_ods=PRACTICE[0], practice_name=PRACTICE[1], rich=rich)


def parse_only(raw: bytes) -> int:
    from fhir.resources.R4B import get_fhir_model_class

    entries = json.loads(raw).get("entry", [])
    for entry in entries:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return len(entries)


def trimmed(bundle: dict, size: int) -> dict:
    """The Patient and an even spread of the rest, so every section has something."""
    patient, rest = bundle["entry"][0], bundle["entry"][1:]
    if len(rest) < size - 1:
        raise ValueError(f"the record has {len(rest) + 1} entries, fewer than {size}")
    step = len(rest) / (size - 1)
    return {**bundle, "entry": [patient, *(rest[int(i * step)] for i in range(size - 1))]}


def home_readings(patient_ref: str, nhs: str, count: int) -> list[dict]:
    """Twice-daily readings going back from the last day before the demo's "today"."""
    rng = random.Random(f"bench-home-{nhs}")
    start = datetime(2025, 12, 31, 20, 0, tzinfo=UTC)
    entries = []
    for n in range(count):
        code, display, unit, ucum, typical, spread = HOME_READINGS[n % len(HOME_READINGS)]
        when = start - timedelta(hours=12 * (n // len(HOME_READINGS)), minutes=n % 7)
        rid = str(uuid.uuid5(_NAMESPACE, f"{nhs}/home/{n}"))
        entries.append(
            {
                "fullUrl": f"urn:uuid:{rid}",
                "resource": {
                    "resourceType": "Observation",
                    "id": rid,
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                    "code": "vital-signs",
                                }
                            ]
                        }
                    ],
                    "code": {
                        "coding": [{"system": "http://loinc.org", "code": code, "display": display}]
                    },
                    "subject": {"reference": patient_ref},
                    "effectiveDateTime": when.isoformat(),
                    "valueQuantity": {
                        "value": round(rng.gauss(typical, spread), 1),
                        "unit": unit,
                        "system": "http://unitsofmeasure.org",
                        "code": ucum,
                    },
                },
            }
        )
    return entries


def make_app():
    return demo_app(seed=False)


def bench_practice(session):
    """The organisation the benchmark imports for (every import names one)."""
    from sqlalchemy import select

    from myhealth.people.models import Organisation, OrganisationKind

    found = session.scalar(select(Organisation).where(Organisation.ods_code == "BENCH1"))
    if found is None:
        found = Organisation(
            ods_code="BENCH1", name="Bench Practice", kind=OrganisationKind.GP_PRACTICE
        )
        session.add(found)
        session.flush()
    return found


def bench_import(app, count: int) -> None:
    from myhealth.extensions import db
    from myhealth.records.fhir_import import import_document

    raws = [json.dumps(record(p)).encode() for p in synthetic_patients(count + 1, 6000)]
    with app.app_context():
        parse_only(raws[0])  # warm up: model classes, first queries
        practice = bench_practice(db.session)
        import_document(db.session, raws[0], organisation=practice, source="bench")
        db.session.commit()
        parse_seconds = import_seconds = 0.0
        resources = 0
        for raw in raws[1:]:
            started = time.perf_counter()
            resources += parse_only(raw)
            parsed = time.perf_counter()
            import_document(db.session, raw, organisation=practice, source="bench")
            db.session.commit()
            import_seconds += time.perf_counter() - parsed
            parse_seconds += parsed - started
    parse_rate, import_rate = resources / parse_seconds, resources / import_seconds
    emit("fhir_parse_only_resources_per_second", parse_rate, "resources/s", "reported", True)
    emit("fhir_import_resources_per_second", import_rate, "resources/s", "reported", True)
    ratio = import_rate / parse_rate
    emit(f"fhir_import_vs_parse_only_rate_{count}_records", ratio, "ratio", ">= 0.4", ratio >= 0.4)


def _store_patient(app, bundle: dict, email: str) -> uuid.UUID:
    from myhealth.accounts.models import Role, User
    from myhealth.extensions import db
    from myhealth.records.fhir_import import import_document

    with app.app_context():
        practice = bench_practice(db.session)
        report = import_document(db.session, bundle, organisation=practice, source="bench")
        (patient_id,) = report.patients
        db.session.add(
            User(
                email=email,
                password_hash="!bench-no-password",
                role=Role.PATIENT,
                display_name="Bench patient",
                patient_id=patient_id,
            )
        )
        db.session.commit()
        return patient_id


def _summary_timer(app, email: str, patient_id: uuid.UUID):
    """A function timing one summary, through the page when the route exists."""
    from myhealth.accounts.models import User
    from myhealth.extensions import db
    from myhealth.records import services

    if "records.summary" in app.view_functions:
        client = sign_in(app, email)

        def page() -> float:
            started = time.perf_counter()
            response = client.get(f"/record/{patient_id}")
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            return elapsed

        return "page", page

    def service() -> float:
        with app.app_context():
            user = db.session.query(User).filter_by(email=email).one()
            started = time.perf_counter()
            found = services.summary(db.session, user, patient_id, client_address="127.0.0.1")
            db.session.commit()  # the view commits the audit entry too
            elapsed = time.perf_counter() - started
            assert found.patient.id == patient_id
            return elapsed

    return "service", service


def bench_summary(app, repeats: int) -> None:
    small_patient, large_patient = synthetic_patients(2, 7000)
    small = trimmed(record(small_patient, rich=True), SMALL)
    large = trimmed(record(large_patient, rich=True), SMALL)
    large["entry"] += home_readings(
        f"Patient/{large_patient.id}", large_patient.nhs_number, LARGE - SMALL
    )
    assert len(small["entry"]) == SMALL and len(large["entry"]) == LARGE
    timers = {}
    for name, bundle in (("small", small), ("large", large)):
        email = f"bench-{name}@records.invalid"
        patient_id = _store_patient(app, bundle, email)
        timers[name] = _summary_timer(app, email, patient_id)
    how = timers["small"][0]
    samples: dict[str, list[float]] = {"small": [], "large": []}
    for i in range(repeats + 3):
        for name, (_, timed) in timers.items():  # alternate, so drift hits both alike
            elapsed = timed()
            if i >= 3:  # the first rounds warm up caches and templates
                samples[name].append(elapsed)
    ratio = statistics.median(samples["large"]) / statistics.median(samples["small"])
    emit(f"record_summary_{how}_{LARGE}_vs_{SMALL}_resources", ratio, "ratio", "< 2", ratio < 2)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    args = parser.parse_args()
    app = make_app()
    bench_import(app, 40 if args.quick else 200)
    bench_summary(app, 15 if args.quick else 60)


if __name__ == "__main__":
    main()
