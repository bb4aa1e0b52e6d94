"""Running self-assessments: what the record can answer, evaluating, saving and flagging.

Signed out, nothing is saved to a record: the answers in progress are a draft on the server
(see drafts), deleted after two hours without an answer. Signed in as a patient, the
completed assessment is saved to their record (with the FHIR QuestionnaireResponse, and
RiskAssessment for scores) and, when the outcome needs a clinician, a review item goes to
their registered organisation, all in the caller's one transaction. Reading saved
assessments back is in ``saved``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

import triage_algorithms
from myhealth.access.policy import identity_confirmed
from myhealth.access.services import get_patient_for, record_event
from myhealth.accounts.models import Role
from myhealth.clinician.models import ReviewItem
from myhealth.database import utcnow
from myhealth.errors import NotFound
from myhealth.records.models import ClinicalResource
from myhealth.records.services import ACTIVE_CONDITION
from myhealth.selfcare import fhir
from myhealth.selfcare.models import Assessment
from triage_algorithms.conditions import condition_keys
from triage_algorithms.core import DONT_KNOW, RED_FLAG, REVIEW_THRESHOLD, Algorithm, Outcome
from triage_algorithms.risk_factors import HISTORY, history_keys, is_operation, medicine_keys

PURPOSE = "self-assessment"
# Why an outcome needs a clinician; the labels people see are in selfcare.display.
REASON_URGENCY = "urgency"
REASON_RED_FLAG = "red_flag"
REASON_THRESHOLD = "score_threshold"
REASON_SUICIDAL_THOUGHTS = "suicidal_thoughts"
# LOINC: a blood pressure panel holds systolic and diastolic readings as components.
BP_PANEL = "85354-9"
MEDICINE_TYPES = ("MedicationRequest", "MedicationStatement")
# Statuses of a medicine the person is taking now (FHIR R4 MedicationRequest and
# MedicationStatement status codes).
CURRENT_MEDICINE = ("active", "on-hold", "intended")


@dataclass(frozen=True)
class Completed:
    outcome: Outcome
    assessment: Assessment | None = None
    review_reasons: list[str] = field(default_factory=list)


def algorithm_or_404(algorithm_id: str) -> Algorithm:
    try:
        return triage_algorithms.load(algorithm_id)
    except triage_algorithms.UnknownAlgorithm:
        raise NotFound("No such self-assessment") from None


def saves_for(user) -> bool:
    """Whether completing an assessment saves it: signed-in patients with a record only."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role is Role.PATIENT
        and user.patient_id is not None
    )


def _age(birth_date: date, today: date) -> int:
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


def _observation_value(resource: dict, loinc: str) -> float | None:
    if (resource.get("code") or {}).get("coding", [{}])[0].get("code") == loinc:
        value = (resource.get("valueQuantity") or {}).get("value")
        if isinstance(value, (int, float)):
            return float(value)
    for component in resource.get("component") or []:
        codes = {c.get("code") for c in (component.get("code") or {}).get("coding") or []}
        value = (component.get("valueQuantity") or {}).get("value")
        if loinc in codes and isinstance(value, (int, float)):
            return float(value)
    return None


def record_facts(session: Session, patient, keys: set[str]) -> dict[str, Any]:
    """What the record says for each record key asked about. Only what it positively holds:
    a condition missing from the record is not taken as "no". One query per kind of fact."""
    facts: dict[str, Any] = {}
    if "age" in keys and patient.birth_date:
        facts["age"] = _age(patient.birth_date, date.today())
    if "sex" in keys and str(patient.gender) in ("female", "male"):
        facts["sex"] = str(patient.gender)
    wanted = {kind: _keys_of(keys, kind) for kind in ("condition", "medicine", "history")}
    if wanted["condition"] or "cancer" in wanted["history"]:
        facts |= _condition_facts(session, patient, wanted["condition"], wanted["history"])
    if wanted["medicine"]:
        medicines = session.execute(
            select(ClinicalResource.code, ClinicalResource.display).where(
                ClinicalResource.patient_id == patient.id,
                ClinicalResource.resource_type.in_(MEDICINE_TYPES),
                ClinicalResource.status.in_(CURRENT_MEDICINE),
            )
        ).all()
        for key in medicine_keys(medicines) & wanted["medicine"]:
            facts[f"medicine:{key}"] = True
    if "recent_surgery" in wanted["history"] and _had_recent_operation(session, patient):
        facts["history:recent_surgery"] = True
    for key in sorted(k for k in keys if k.startswith("observation:")):
        loinc = key.removeprefix("observation:")
        recent = session.scalars(
            select(ClinicalResource.content)
            .where(
                ClinicalResource.patient_id == patient.id,
                ClinicalResource.resource_type == "Observation",
                ClinicalResource.code.in_({loinc, BP_PANEL}),
            )
            .order_by(ClinicalResource.effective_at.desc().nulls_last())
            .limit(5)
        ).all()
        for content in recent:
            value = _observation_value(content, loinc)
            if value is not None:
                facts[key] = round(value, 1)
                break
    return facts


def _keys_of(keys: set[str], kind: str) -> set[str]:
    return {key.removeprefix(f"{kind}:") for key in keys if key.startswith(f"{kind}:")}


def _condition_facts(session: Session, patient, conditions: set[str], history: set[str]) -> dict:
    """Current long-term conditions, and cancer at any time (a history, whatever its status)."""
    rows = session.execute(
        select(ClinicalResource.code, ClinicalResource.status).where(
            ClinicalResource.patient_id == patient.id,
            ClinicalResource.resource_type == "Condition",
            ClinicalResource.code.is_not(None),
        )
    ).all()
    current = [code for code, status in rows if status in ACTIVE_CONDITION]
    facts = {f"condition:{key}": True for key in condition_keys(current) & conditions}
    facts |= {f"history:{key}": True for key in history_keys(c for c, _ in rows) & history}
    return facts


def _had_recent_operation(session: Session, patient) -> bool:
    """An operation within the window the history item gives (NICE NG158: 4 weeks)."""
    since = utcnow() - timedelta(days=HISTORY["recent_surgery"].within_days)
    procedures = session.execute(
        select(ClinicalResource.code, ClinicalResource.content)
        .where(
            ClinicalResource.patient_id == patient.id,
            ClinicalResource.resource_type == "Procedure",
            ClinicalResource.effective_at >= since,
        )
        .limit(50)
    ).all()
    return any(is_operation(code, _category_codes(content)) for code, content in procedures)


def _category_codes(content: dict) -> list[str]:
    category = content.get("category") if isinstance(content, dict) else None
    categories = category if isinstance(category, list) else [category or {}]
    return [
        str(coding.get("code"))
        for concept in categories
        if isinstance(concept, dict)
        for coding in concept.get("coding") or []
        if isinstance(coding, dict) and coding.get("code")
    ]


def record_keys(algorithm: Algorithm) -> set[str]:
    """Every fact the record could answer for this algorithm, for questions and list items."""
    keys = {q.record_key for q in algorithm.questions if q.record_key}
    keys |= {c.record_key for q in algorithm.questions for c in q.choices if c.record_key}
    return keys


@dataclass(frozen=True)
class Prefill:
    """What the record already answers: answers (their pages are skipped; shown on "check
    your answers" to change), and list items to tick for the person to confirm (the list is
    still asked: its other items may apply)."""

    answers: dict[str, Any] = field(default_factory=dict)
    from_record: list[str] = field(default_factory=list)
    preselected: dict[str, list] = field(default_factory=dict)


def prefill(session: Session, user, algorithm: Algorithm, *, client_address: str = "") -> Prefill:
    """What the signed-in patient's record already holds for this algorithm. The read is
    audited; someone signed out gets nothing pre-filled."""
    keys = record_keys(algorithm)
    # An account waiting for its practice to confirm who they are reads nothing of a record.
    if not keys or not saves_for(user) or not identity_confirmed(user):
        return Prefill()
    patient = get_patient_for(
        session, user, user.patient_id, purpose=PURPOSE, client_address=client_address
    )
    facts = record_facts(session, patient, keys)
    answers: dict[str, Any] = {}
    preselected: dict[str, list] = {}
    for question in algorithm.questions:
        if question.type == "multiple":
            items = [c.value for c in question.choices if facts.get(c.record_key or "")]
            if items:
                preselected[question.id] = items
            continue
        value = facts.get(question.record_key or "")
        if value is None:
            continue
        try:
            answers[question.id] = question.coerce(value)
        except ValueError:
            continue  # outside the algorithm's range: the person answers it themselves
    return Prefill(answers, sorted(answers), preselected)


def review_reasons(outcome: Outcome, urgency_level: int) -> list[str]:
    """Why this outcome needs a clinician, or an empty list when it does not."""
    reasons = []
    if outcome.urgency >= urgency_level:
        reasons.append(REASON_URGENCY)
    if RED_FLAG in outcome.flags:
        reasons.append(REASON_RED_FLAG)
    if REVIEW_THRESHOLD in outcome.flags:
        reasons.append(REASON_THRESHOLD)
    if REASON_SUICIDAL_THOUGHTS in outcome.flags:
        reasons.append(REASON_SUICIDAL_THOUGHTS)
    return reasons


def complete(
    session: Session,
    user,
    algorithm: Algorithm,
    answers: dict[str, Any],
    *,
    from_record: list[str] = (),
    config: dict,
    client_address: str = "",
) -> Completed:
    """Evaluate the answers (InvalidAnswers if any is missing or wrong). For a signed-in
    patient, save the assessment, its FHIR resources and any review item, and audit it."""
    if not saves_for(user):
        outcome = algorithm.evaluate(answers)
        return Completed(outcome, None, review_reasons(outcome, config["REVIEW_URGENCY_LEVEL"]))
    patient = get_patient_for(
        session, user, user.patient_id, purpose=PURPOSE, client_address=client_address
    )
    return record_assessment(
        session,
        patient,
        algorithm,
        answers,
        submitted_by=user,
        from_record=from_record,
        config=config,
        client_address=client_address,
    )


def record_assessment(
    session: Session,
    patient,
    algorithm: Algorithm,
    answers: dict[str, Any],
    *,
    submitted_by=None,
    from_record: list[str] = (),
    config: dict,
    created_at=None,
    client_address: str = "",
) -> Completed:
    """Save an assessment for a patient whose access has already been checked (``complete``
    checks it; the demo seeds through here): the row, its FHIR resources, any review item and
    the audit entry, in the caller's transaction."""
    typed, outcome = algorithm.evaluate_typed(answers)
    # Keep "I'm not sure" as the person said it (the outcome says what was assumed).
    typed = {
        key: DONT_KNOW if answers.get(key) == DONT_KNOW else value for key, value in typed.items()
    }
    reasons = review_reasons(outcome, config["REVIEW_URGENCY_LEVEL"])
    created_at = created_at or utcnow()
    assessment = Assessment(
        patient_id=patient.id,
        submitted_by_user_id=submitted_by.id if submitted_by is not None else None,
        algorithm_id=algorithm.id,
        algorithm_version=algorithm.version,
        algorithm_title=algorithm.title,
        kind=algorithm.kind,
        answers=typed,
        from_record=[q for q in from_record if q in typed],
        outcome=outcome.to_dict(),
        score=outcome.score,
        band=outcome.band,
        disposition=outcome.disposition,
        urgency=outcome.urgency,
        flagged=bool(reasons),
        created_at=created_at,
    )
    session.add(assessment)
    session.flush()
    for resource in fhir.resources_for(session, assessment, algorithm):
        session.add(resource)
    if reasons:
        due_hours = config["REVIEW_DUE_HOURS"][outcome.urgency]
        session.add(
            ReviewItem(
                assessment_id=assessment.id,
                patient_id=patient.id,
                organisation_id=patient.registered_organisation_id,
                urgency=outcome.urgency,
                reasons=reasons,
                created_at=created_at,
                due_at=created_at + timedelta(hours=due_hours),
            )
        )
    record_event(
        session,
        "assessment.create",
        actor=submitted_by,
        patient_id=patient.id,
        purpose=PURPOSE,
        detail=f"{algorithm.id} {algorithm.version} urgency={outcome.urgency} "
        f"flagged={bool(reasons)}",
        client_address=client_address,
    )
    session.flush()
    return Completed(outcome, assessment, reasons)
