"""Demo self-assessments: a history for the demo patient and a review queue for the demo
clinician, saved through the same service as the web flow (FHIR resources, review items and
audit entries included). Times are relative to now so the queue always looks live."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import triage_algorithms
from myhealth.clinician import services as review_services
from myhealth.database import utcnow
from myhealth.selfcare.models import Assessment
from myhealth.selfcare.services import record_assessment

QRISK3_RAISED = {
    "sex": "male",
    "age": 64,
    "ethnicity": 1,
    "smoking": 2,
    "townsend": 0,
    "bmi": 29.0,
    "sbp": 148,
    "sbp_sd": 0,
    "chol_hdl_ratio": 5.2,
    "atrial_fibrillation": False,
    "atypical_antipsychotics": False,
    "corticosteroids": False,
    "erectile_dysfunction": False,
    "migraine": False,
    "rheumatoid_arthritis": False,
    "ckd_3_5": False,
    "severe_mental_illness": False,
    "sle": False,
    "treated_hypertension": True,
    "diabetes_type1": False,
    "diabetes_type2": False,
    "family_history_chd": True,
}
NEWS2_HIGH = {
    "respiration_rate": 25,
    "spo2": 91,
    "spo2_scale": 1,
    "on_oxygen": False,
    "systolic_bp": 95,
    "pulse": 115,
    "consciousness": "A",
    "temperature": 38.6,
}
# (patient index among the practice's others, algorithm, answers, hours ago)
QUEUE = [
    # Sepsis signs on the emergency screen: told to call 999 at once, no further questions.
    (4, "fever_adult", {"emergency_signs": ["confused", "extreme_shivering"]}, 0.2),
    (0, "news2", NEWS2_HIGH, 0.5),
    (1, "phq9", {"items": [1, 2, 1, 1, 0, 1, 1, 0, 1]}, 1),
    (2, "gad7", {"items": [3, 2, 3, 2, 2, 3, 2]}, 3),
    (3, "qrisk3", QRISK3_RAISED, 4 * 24),
]


def seed_assessments(session: Session, demo_patient, others: list, clinician, config) -> bool:
    """Seed once: True when anything was added."""
    if session.scalar(select(func.count(Assessment.id))):
        return False
    now = utcnow()

    def save(patient, algorithm_id, answers, hours_ago):
        return record_assessment(
            session,
            patient,
            triage_algorithms.load(algorithm_id),
            answers,
            config=config,
            created_at=now - timedelta(hours=hours_ago),
        )

    # The demo patient: a low mood check that a clinician answered with advice, and a sore
    # throat score that needed nobody.
    reviewed = save(demo_patient, "phq9", {"items": [2, 1, 2, 1, 1, 1, 2, 2, 0]}, 10 * 24)
    item = reviewed.assessment.review_item
    review_services.claim(session, clinician, item.id)
    review_services.close(
        session,
        clinician,
        item.id,
        outcome="advice",
        note="Moderate PHQ-9, no thoughts of self-harm. Offered talking therapies.",
        advice=(
            "Thank you for filling this in. You can refer yourself to NHS Talking Therapies "
            "online. If you would like to talk it through, book a telephone appointment with "
            "me this week."
        ),
    )
    save(
        demo_patient,
        "feverpain",
        {
            "fever_past_24h": True,
            "purulence": False,
            "attend_rapidly_within_3_days": True,
            "severely_inflamed_tonsils": False,
            "no_cough_or_coryza": False,
        },
        3 * 24,
    )
    for index, algorithm_id, answers, hours_ago in QUEUE:
        if index < len(others):
            save(others[index], algorithm_id, answers, hours_ago)
    session.flush()
    return True
