"""A saved assessment as FHIR R4: a QuestionnaireResponse, and a RiskAssessment for scores.

Both are validated with the R4B models and stored in the patient's record, so they appear in
exports and at the FHIR API like any other resource.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.records.fhir_fields import search_columns
from myhealth.records.models import ClinicalResource
from myhealth.selfcare.models import Assessment
from triage_algorithms.core import DONT_KNOW, Algorithm

CANONICAL_BASE = "https://myhealth.nhs.invalid/fhir/Questionnaire/"
SOURCE = "myhealth self-assessment"


def patient_reference(session: Session, patient_id) -> str:
    """The record's own Patient resource when it has one, else the portal's patient id."""
    fhir_id = session.scalar(
        select(ClinicalResource.fhir_id).where(
            ClinicalResource.patient_id == patient_id, ClinicalResource.resource_type == "Patient"
        )
    )
    return f"Patient/{fhir_id or patient_id}"


# "I'm not sure" / "I do not know", as FHIR says an answer is absent because it is unknown.
ASKED_UNKNOWN = {
    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
    "code": "asked-unknown",
    "display": "Asked But Unknown",
}


def _answer_value(value: Any) -> list[dict]:
    if value == DONT_KNOW:
        return [{"valueCoding": dict(ASKED_UNKNOWN)}]
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, int):
        return [{"valueInteger": value}]
    if isinstance(value, float):
        return [{"valueDecimal": value}]
    if isinstance(value, list):
        if not value:  # a list of signs with none ticked
            return [{"valueString": "none of these"}]
        return [
            {"valueInteger": item} if isinstance(item, int) else {"valueString": str(item)}
            for item in value
        ]
    return [{"valueString": str(value)}]


def questionnaire_response(assessment: Assessment, algorithm: Algorithm, subject: str) -> dict:
    items = []
    for question in algorithm.questions:
        if question.id in assessment.answers:
            items.append(
                {
                    "linkId": question.id,
                    "text": question.text,
                    "answer": _answer_value(assessment.answers[question.id]),
                }
            )
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"qr-{assessment.id}",
        "questionnaire": f"{CANONICAL_BASE}{algorithm.id}|{algorithm.version}",
        "status": "completed",
        "subject": {"reference": subject},
        "authored": assessment.created_at.isoformat(),
        "item": items,
    }


def risk_assessment(assessment: Assessment, algorithm: Algorithm, subject: str) -> dict:
    outcome = assessment.outcome
    prediction: dict[str, Any] = {}
    if outcome.get("band"):
        prediction["qualitativeRisk"] = {"text": outcome["band"]}
    if algorithm.id == "qrisk3" and outcome.get("score") is not None:
        # QRISK3 is a probability of a cardiovascular event within ten years.
        prediction["probabilityDecimal"] = round(outcome["score"] / 100, 6)
        prediction["outcome"] = {"text": "Cardiovascular disease within 10 years"}
        prediction["whenRange"] = {"high": {"value": 10, "unit": "years"}}
    elif outcome.get("score") is not None:
        prediction["rationale"] = f"{algorithm.title} score {outcome['score']:g}"
    resource = {
        "resourceType": "RiskAssessment",
        "id": f"ra-{assessment.id}",
        "status": "final",
        "subject": {"reference": subject},
        "occurrenceDateTime": assessment.created_at.isoformat(),
        "code": {"text": f"{algorithm.title} ({algorithm.version})"},
        "method": {"text": f"{algorithm.id} {algorithm.version}"},
        "basis": [{"reference": f"QuestionnaireResponse/qr-{assessment.id}"}],
        "note": [{"text": reason["text"]} for reason in outcome.get("rationale", [])][:20],
    }
    if prediction:
        resource["prediction"] = [prediction]
    return resource


def resources_for(session: Session, assessment: Assessment, algorithm: Algorithm) -> Iterator:
    """ClinicalResource rows for the assessment, each validated as FHIR R4 first."""
    subject = patient_reference(session, assessment.patient_id)
    contents = [questionnaire_response(assessment, algorithm, subject)]
    if algorithm.kind == "score":
        contents.append(risk_assessment(assessment, algorithm, subject))
    for content in contents:
        get_fhir_model_class(content["resourceType"]).model_validate(content)
        yield ClinicalResource(
            resource_type=content["resourceType"],
            fhir_id=content["id"],
            patient_id=assessment.patient_id,
            subject_ref=subject,
            source=SOURCE,
            content=content,
            **{
                **search_columns(content["resourceType"], content),
                "effective_at": assessment.created_at,
            },
        )
