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
from tests.selfcare.helpers import PREFIX, draft_state, start
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
        import_document(db, resource, organisation=patient.registered_organisation, source="test")
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
    known = services.prefill(db, world.patient_user, triage_algorithms.load("qrisk3"))
    answers, from_record = known.answers, known.from_record
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
    known = services.prefill(db, world.patient_user, triage_algorithms.load("qrisk3"))
    assert "bmi" not in known.answers


def test_active_long_term_conditions_are_prefilled_and_resolved_ones_are_not(db, world):
    copd, asthma = "13645005", "195967001"
    add_to_record(db, world.patient, condition(copd), condition(asthma, "resolved"))
    pathway = triage_algorithms.load("cough_breathlessness")
    known = services.prefill(db, world.patient_user, pathway)
    by_key = {q.record_key: q.id for q in pathway.questions if q.record_key}
    by_key |= {c.record_key: q.id for q in pathway.questions for c in q.choices if c.record_key}
    copd = pathway.question(by_key["condition:copd"])
    if copd.type == "multiple":
        item = next(c.value for c in copd.choices if c.record_key == "condition:copd")
        assert item in known.preselected[copd.id]
        ticked = known.preselected[copd.id]
        assert all(c.record_key != "condition:asthma" for c in copd.choices if c.value in ticked)
    else:
        assert known.answers[copd.id] is True
        assert copd.id in known.from_record
        assert by_key["condition:asthma"] not in known.answers


def test_signed_out_nothing_is_read_or_prefilled(db, world):
    before = db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert services.prefill(db, None, triage_algorithms.load("qrisk3")) == services.Prefill()
    nothing = services.prefill(db, world.clinician, triage_algorithms.load("qrisk3"))
    assert nothing == services.Prefill({}, [], {})
    assert db.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) == before


def test_prefilled_answers_are_skipped_and_marked_on_check_your_answers(db, world, signed_in):
    add_to_record(db, world.patient, condition("77386006"))  # pregnancy
    client = signed_in(world.patient_user)
    pathway = triage_algorithms.load("headache")
    pregnant = next(q for q in pathway.questions if q.record_key == "condition:pregnancy")
    start(client, "headache")
    state = draft_state(client)
    assert state["answers"][pregnant.id] is True
    assert pregnant.id in state["from_record"]


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
    state = draft_state(client)
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
    assert age_question.id not in draft_state(client)["from_record"]


def medicine(name: str, status: str = "active", code: str = "1", resource="MedicationRequest"):
    resource_body = {
        "resourceType": resource,
        "status": status,
        "medicationCodeableConcept": {
            "coding": [{"system": "https://dmd.nhs.uk", "code": code, "display": name}]
        },
    }
    if resource == "MedicationRequest":
        resource_body["intent"] = "order"
    return resource_body


def procedure(code: str, when: str, category: str | None = None) -> dict:
    resource = {
        "resourceType": "Procedure",
        "status": "completed",
        "code": {"coding": [{"system": SNOMED, "code": code}]},
        "performedDateTime": when,
    }
    if category:
        resource["category"] = {"coding": [{"system": SNOMED, "code": category}]}
    return resource


def test_medicines_taken_now_answer_the_risk_factor_questions(db, world):
    add_to_record(
        db,
        world.patient,
        medicine("Apixaban 5mg tablets"),
        medicine("Methotrexate 2.5mg tablets", resource="MedicationStatement"),
        medicine("Lamotrigine 25mg tablets", status="stopped"),  # no longer taken
        medicine("Paracetamol 500mg tablets"),
    )
    keys = {f"medicine:{k}" for k in ("anticoagulant", "immunosuppressant", "severe_skin_reaction")}
    facts = services.record_facts(db, world.patient, keys)
    assert facts == {"medicine:anticoagulant": True, "medicine:immunosuppressant": True}


def test_cancer_counts_whatever_its_status_and_an_operation_only_when_recent(db, world):
    from datetime import UTC, datetime, timedelta

    recent = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    long_ago = (datetime.now(UTC) - timedelta(days=200)).isoformat()
    add_to_record(
        db,
        world.patient,
        condition("363346000", "resolved"),  # malignant neoplastic disease, in remission
        procedure("0", long_ago, category="387713003"),
    )
    keys = {"history:cancer", "history:recent_surgery"}
    assert services.record_facts(db, world.patient, keys) == {"history:cancer": True}
    add_to_record(db, world.patient, procedure("0", recent, category="387713003"))
    assert services.record_facts(db, world.patient, keys) == {
        "history:cancer": True,
        "history:recent_surgery": True,
    }
    # a resolved long-term condition still does not count as current
    assert services.record_facts(db, world.patient, {"condition:asthma"}) == {}


def test_list_items_the_record_holds_are_ticked_for_the_person_to_confirm(db, world):
    """A list of signs is never skipped: its other items may apply. The record's items are
    ticked on it instead."""
    add_to_record(db, world.patient, medicine("Warfarin sodium 3mg tablets"))
    pathways = [
        triage_algorithms.load(entry["id"])
        for entry in triage_algorithms.catalogue()
        if entry["kind"] == "pathway"
    ]
    with_item = [
        (pathway, question, choice)
        for pathway in pathways
        for question in pathway.questions
        for choice in question.choices
        if choice.record_key == "medicine:anticoagulant"
    ]
    assert with_item, "some pathway asks about blood thinners in a list"
    for pathway, question, choice in with_item:
        known = services.prefill(db, world.patient_user, pathway)
        assert choice.value in known.preselected[question.id]
        assert question.id not in known.answers


def test_an_account_waiting_for_an_identity_check_gets_nothing_from_the_record(db, world):
    from myhealth.database import utcnow

    add_to_record(db, world.patient, condition("13645005"))
    world.patient_user.identity_pending_since = utcnow()
    db.commit()
    known = services.prefill(db, world.patient_user, triage_algorithms.load("cough_breathlessness"))
    assert known == services.Prefill()
