"""Reading saved self-assessments: a patient's list and one assessment of their own, the
outcome as it was given, the algorithm as it is now, and the homepage widget's rows.

Saving them is ``services``' job; reading another patient's assessment answers "not found".
"""

from __future__ import annotations

import uuid
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session, joinedload

import triage_algorithms
from myhealth.access.scoping import CHECKED_OPTIONS, checked
from myhealth.access.services import get_patient_for
from myhealth.clinician.models import ReviewItem
from myhealth.errors import DeniedRead, NotFound
from myhealth.selfcare.models import Assessment
from myhealth.selfcare.services import PURPOSE, saves_for
from triage_algorithms.core import Algorithm, Outcome


def history(session: Session, user, *, client_address: str = "") -> list[Assessment]:
    """The signed-in patient's saved assessments, newest first, with their review status."""
    patient = get_patient_for(
        session, user, user.patient_id, purpose=PURPOSE, client_address=client_address
    )
    return list(
        session.scalars(
            checked(select(Assessment))
            .where(Assessment.patient_id == patient.id)
            .options(joinedload(Assessment.review_item))
            .order_by(Assessment.created_at.desc(), Assessment.id)
        )
    )


def assessment_for(
    session: Session, user, assessment_id: uuid.UUID, *, client_address: str = ""
) -> Assessment:
    """One of the signed-in patient's own assessments; anyone else's answers "not found"."""
    # Checked below, before anything of it is shown.
    assessment = session.get(Assessment, assessment_id, execution_options=CHECKED_OPTIONS)
    if assessment is None:
        raise NotFound("Assessment not found")
    if not saves_for(user) or assessment.patient_id != user.patient_id:
        raise DeniedRead(user, assessment.patient_id, PURPOSE, client_address)
    get_patient_for(
        session, user, assessment.patient_id, purpose=PURPOSE, client_address=client_address
    )
    return assessment


def stored_outcome(assessment: Assessment) -> Outcome:
    """The outcome as it was given, from the version that gave it; never re-evaluated, so a
    later change to an algorithm does not rewrite what someone was told."""
    return Outcome.from_dict(assessment.outcome)


def current_algorithm(assessment: Assessment) -> Algorithm | None:
    """The algorithm as it is now, or None if it has been withdrawn."""
    try:
        return triage_algorithms.load(assessment.algorithm_id)
    except triage_algorithms.UnknownAlgorithm:
        return None


@cache  # built once (when the models are all mapped): composing it costs more than running it
def _latest_for_widget():
    return checked(  # the homepage opened this patient through access first
        select(
            Assessment.id,
            Assessment.algorithm_title,
            Assessment.created_at,
            ReviewItem.status.label("review_status"),
        )
        .outerjoin(ReviewItem, ReviewItem.assessment_id == Assessment.id)
        .where(Assessment.patient_id == bindparam("patient_id"))
        .order_by(Assessment.created_at.desc(), Assessment.id)
        .limit(bindparam("limit"))
    )


def latest_for_widget(session: Session, patient_id: uuid.UUID, limit: int = 3) -> list:
    """The newest assessments for the homepage widget (its read is audited by the homepage):
    rows of id, algorithm_title, created_at and review_status (None when not flagged), the
    columns the widget shows rather than whole assessments with their answers."""
    params = {"patient_id": patient_id, "limit": limit}
    return session.connection().execute(_latest_for_widget(), params).all()
