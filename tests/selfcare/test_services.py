"""What the record answers for a signed-in patient, and when an outcome needs a clinician."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

import triage_algorithms
from myhealth.access.models import AuditEvent
from myhealth.records.fhir_import import import_document
from myhealth.selfcare import services
from tests.accounts.helpers import csrf_token
from tests.selfcare.helpers import PREFIX, start
from triage_algorithms.core import RED_FLAG, REVIEW_THRESHOLD, Outcome

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"


def add_to_record(db, patient, *resources) -> None:
    for resource in resources:
        resource = {
            "id": f"selfcare-{uuid.uuid4()}",
            "subject": {"reference": f"Patient/{patient.id}"},
            **resource,
        }
        import_document(db, resource, source="test")
    db.commit()


def quantity(code: str, value: float, when: str, unit: str = "1") -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "effectiveDateTime": when,
        "valueQuantity": {"value": value, "unit": unit},
    }


def blood_pressure(systolic: float, diastolic: float, when: str) -> dict:
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": LOINC, "code": "85354-9"}]},
        "effectiveDateTime": when,
        "component": [
            {
                "code": {"coding": [{"system": LOINC, "code": "8480-6"}]},
                "valueQuantity": {"value": systolic, "unit": "mm[Hg]"},
            },
            {
                "code": {"coding": [{"system": LOINC, "code": "8462-4"}]},
                "valueQuantity": {"value": diastolic, "unit": "mm[Hg]"},
            },
        ],
    }


def condition(code: str, status: str = "active") -> dict:
    return {
        "resourceType": "Condition",
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": status,
                }
            ]
        },
        "code": {"coding": [{"system": SNOMED, "code": code}]},
    }


def test_the_record_prefills_qrisk3_with_the_latest_readings_and_the_read_is_audited(db, world):
    add_to_record(
        db,
        world.patient,
        quantity("39156-5", 31.0, "2023-01-10T09:00:00+00:00", "kg/m2"),
        quantity("39156-5", 27.4, "2025-06-01T09:00:00+00:00", "kg/m2"),
        blood_pressure(151, 92, "2025-06-01T09:05:00+00:00"),
        quantity("9830-1", 4.2, "2025-05-20T09:00:00+00:00"),
    )
    answers, from_record = services.prefill(
        db, world.patient_user, triage_algorithms.load("qrisk3")
    )
    born = world.patient.birth_date
    today = date.today()
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    assert answers["age"] == age
    assert answers["sex"] == "female"
    assert answers["bmi"] == 27.4  # the latest, not the first
    assert answers["sbp"] == 151  # from the blood pressure panel's component
    assert answers["chol_hdl_ratio"] == 4.2
    assert set(from_record) == {"age", "sex", "bmi", "sbp", "chol_hdl_ratio"}
    reads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == world.patient.id, AuditEvent.purpose == services.PURPOSE
        )
    ).all()
    assert [event.actor_user_id for event in reads] == [world.patient_user.id]


def test_a_reading_outside_the_tools_range_is_left_for_the_person_to_answer(db, world):
    add_to_record(db, world.patient, quantity("39156-5", 52.0, "2025-06-01T09:00:00+00:00"))
    answers, _from_record = services.prefill(
        db, world.patient_user, triage_algorithms.load("qrisk3")
    )
    assert "bmi" not in answers


def test_active_long_term_conditions_are_prefilled_and_resolved_ones_are_not(db, world):
    copd, asthma = "13645005", "195967001"
    add_to_record(db, world.patient, condition(copd), condition(asthma, "resolved"))
    pathway = triage_algorithms.load("cough_breathlessness")
    answers, from_record = services.prefill(db, world.patient_user, pathway)
    by_key = {q.record_key: q.id for q in pathway.questions if q.record_key}
    assert answers[by_key["condition:copd"]] is True
    assert by_key["condition:asthma"] not in answers
    assert by_key["condition:copd"] in from_record


def test_signed_out_nothing_is_read_or_prefilled(db, world):
    before = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert services.prefill(db, None, triage_algorithms.load("qrisk3")) == ({}, [])
    assert services.prefill(db, world.clinician, triage_algorithms.load("qrisk3")) == ({}, [])
    assert db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == before


def test_prefilled_answers_are_skipped_and_marked_on_check_your_answers(db, world, signed_in):
    add_to_record(db, world.patient, condition("13645005"))
    client = signed_in(world.patient_user)
    pathway = triage_algorithms.load("cough_breathlessness")
    copd_question = next(q for q in pathway.questions if q.record_key == "condition:copd")
    start(client, "cough_breathlessness")
    with client.session_transaction() as session:
        state = session["selfcare"]
    assert state["answers"][copd_question.id] is True
    assert copd_question.id in state["from_record"]


def outcome(urgency: int, flags=()) -> Outcome:
    return Outcome("x", "1", None, None, None, urgency, list(flags), [])


@pytest.mark.parametrize(
    ("result", "level", "reasons"),
    [
        (outcome(2), 3, []),
        (outcome(3), 3, ["urgency"]),
        (outcome(5, [RED_FLAG, "rule_x"]), 3, ["urgency", "red_flag"]),
        (outcome(0, [REVIEW_THRESHOLD]), 3, ["score_threshold"]),
        (
            outcome(2, [REVIEW_THRESHOLD, "suicidal_thoughts"]),
            3,
            ["score_threshold", "suicidal_thoughts"],
        ),
        (outcome(1), 1, ["urgency"]),
    ],
)
def test_review_reasons_follow_urgency_red_flags_and_score_thresholds(result, level, reasons):
    assert services.review_reasons(result, level) == reasons


@pytest.mark.parametrize(
    ("algorithm_id", "answers", "flagged"),
    [
        ("phq9", {"items": [1, 1, 1, 1, 1, 1, 1, 2, 0]}, False),  # 9: mild
        ("phq9", {"items": [1, 1, 1, 1, 1, 1, 2, 2, 0]}, True),  # 10: moderate
        ("gad7", {"items": [1, 1, 1, 1, 1, 2, 2]}, False),  # 9
        ("gad7", {"items": [1, 1, 1, 1, 2, 2, 2]}, True),  # 10
    ],
)
def test_score_thresholds_of_the_issue_flag_at_their_edges(algorithm_id, answers, flagged):
    result = triage_algorithms.load(algorithm_id).evaluate(answers)
    assert bool(services.review_reasons(result, 6)) is flagged


def test_a_prefilled_age_shows_as_from_the_record_on_check_your_answers(db, world, signed_in):
    client = signed_in(world.patient_user)
    start(client, "fever_adult")
    with client.session_transaction() as session:
        state = session["selfcare"]
    pathway = triage_algorithms.load("fever_adult")
    age_question = next(q for q in pathway.questions if q.record_key == "age")
    assert age_question.id in state["from_record"]
    page = client.get(f"{PREFIX}/fever_adult/questions/{age_question.id}")
    assert page.status_code == 200  # it can still be changed
    token = csrf_token(client, f"{PREFIX}/fever_adult/questions/{age_question.id}")
    client.post(
        f"{PREFIX}/fever_adult/questions/{age_question.id}",
        data={"csrf_token": token, "answer": "70"},
    )
    with client.session_transaction() as session:
        assert age_question.id not in session["selfcare"]["from_record"]
