"""Where the searchable facts live in each FHIR R4 resource type."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from myhealth.people.models import Gender

# Elements that record when a past event happened: a date after today is an error.
PAST_EVENT_FIELDS: dict[str, tuple[str, ...]] = {
    "Patient": ("birthDate",),
    "Observation": ("effectiveDateTime", "effectivePeriod.start", "issued"),
    "Condition": ("onsetDateTime", "onsetPeriod.start", "recordedDate", "abatementDateTime"),
    "Procedure": ("performedDateTime", "performedPeriod.start"),
    "Immunization": ("occurrenceDateTime", "recorded"),
    "Encounter": ("period.start",),
    "AllergyIntolerance": ("onsetDateTime", "recordedDate", "lastOccurrence"),
    "DiagnosticReport": ("effectiveDateTime", "effectivePeriod.start", "issued"),
    "MedicationRequest": ("authoredOn",),
    "MedicationStatement": ("dateAsserted",),
    "DocumentReference": ("date",),
    "ImagingStudy": ("started",),
    "Claim": ("created",),
    "ExplanationOfBenefit": ("created",),
}

# The element that says when, for sorting and date filters (first present wins).
EFFECTIVE_FIELDS: dict[str, tuple[str, ...]] = {
    **PAST_EVENT_FIELDS,
    "Condition": ("onsetDateTime", "onsetPeriod.start", "recordedDate"),
    "CarePlan": ("period.start", "created"),
    "Goal": ("startDate", "statusDate"),
    "MedicationStatement": ("effectiveDateTime", "effectivePeriod.start", "dateAsserted"),
    "Claim": ("billablePeriod.start", "created"),
    "ExplanationOfBenefit": ("billablePeriod.start", "created"),
}

# The element holding what it is (a CodeableConcept), for names and code search.
CODE_FIELDS: dict[str, str] = {
    "Observation": "code",
    "Condition": "code",
    "Procedure": "code",
    "AllergyIntolerance": "code",
    "Immunization": "vaccineCode",
    "MedicationRequest": "medicationCodeableConcept",
    "MedicationStatement": "medicationCodeableConcept",
    "DiagnosticReport": "code",
    "Encounter": "type[0]",
    "CarePlan": "category[0]",
    "DocumentReference": "type",
    "Goal": "description",
    "ImagingStudy": "procedureCode[0]",
    "Claim": "type",
    "ExplanationOfBenefit": "type",
    "Medication": "code",
}

PATIENT_REFERENCE_FIELDS = ("subject", "patient", "beneficiary")

_PATH_PART = re.compile(r"^([A-Za-z]+)(?:\[(\d+)\])?$")


def get_path(resource: dict, path: str):
    """resource["a"]["b"][0]... for a path like "a.b[0]"; None when absent."""
    node = resource
    for part in path.split("."):
        match = _PATH_PART.match(part)
        if not match or not isinstance(node, dict):
            return None
        node = node.get(match.group(1))
        if match.group(2) is not None:
            if not isinstance(node, list) or len(node) <= int(match.group(2)):
                return None
            node = node[int(match.group(2))]
    return node


def parse_fhir_datetime(value: str | None) -> datetime | None:
    """FHIR date, dateTime or instant (partial dates allowed) as an aware UTC datetime."""
    if not value or not isinstance(value, str):
        return None
    try:
        if len(value) == 4:
            return datetime(int(value), 1, 1, tzinfo=UTC)
        if len(value) == 7:
            return datetime(int(value[:4]), int(value[5:7]), 1, tzinfo=UTC)
        if len(value) == 10:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _first_coding(concept) -> tuple[str | None, str | None, str | None]:
    if not isinstance(concept, dict):
        return None, None, None
    codings = concept.get("coding") or []
    coding = codings[0] if codings else {}
    display = concept.get("text") or coding.get("display")
    return coding.get("system"), coding.get("code"), display


def display_name(resource_type: str, resource: dict) -> str | None:
    path = CODE_FIELDS.get(resource_type)
    if path:
        return _first_coding(get_path(resource, path))[2]
    return None


def patient_reference(resource: dict) -> str | None:
    for name in PATIENT_REFERENCE_FIELDS:
        ref = (
            (resource.get(name) or {}).get("reference")
            if isinstance(resource.get(name), dict)
            else None
        )
        if isinstance(ref, str) and ref.startswith("Patient/"):
            return ref
    return None


def _status(resource: dict) -> str | None:
    clinical = resource.get("clinicalStatus")
    if isinstance(clinical, dict):
        code = _first_coding(clinical)[1]
        if code:
            return code[:32]
    status = resource.get("status")
    return status[:32] if isinstance(status, str) else None


def search_columns(resource_type: str, resource: dict) -> dict:
    system, code, display = None, None, None
    path = CODE_FIELDS.get(resource_type)
    if path:
        system, code, display = _first_coding(get_path(resource, path))
    effective = None
    for field_path in EFFECTIVE_FIELDS.get(resource_type, ()):
        value = get_path(resource, field_path)
        effective = parse_fhir_datetime(value) if isinstance(value, str) else None
        if effective is not None:
            break
    return {
        "code_system": (system or None) and system[:200],
        "code": (code or None) and str(code)[:64],
        "display": (display or None) and display[:500],
        "effective_at": effective,
        "status": _status(resource),
    }


def patient_demographics(resource: dict) -> dict:
    names = resource.get("name") or []
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else {})
    given = " ".join(name.get("given") or [])
    family = name.get("family") or ""
    if not (given or family) and name.get("text"):
        given, _, family = name["text"].rpartition(" ")
    birth = resource.get("birthDate")
    try:
        birth_date = date.fromisoformat(birth) if birth and len(birth) == 10 else None
    except ValueError:
        birth_date = None
    addresses = resource.get("address") or []
    address = next(
        (a for a in addresses if a.get("use") == "home"), addresses[0] if addresses else {}
    )
    phone = next(
        (t.get("value") for t in resource.get("telecom") or [] if t.get("system") == "phone"), ""
    )
    gender = resource.get("gender")
    return {
        "given_name": given[:100],
        "family_name": family[:100],
        "birth_date": birth_date,
        "gender": Gender(gender) if gender in {g.value for g in Gender} else None,
        "address": ", ".join([*(address.get("line") or []), address.get("city") or ""]).strip(", ")[
            :300
        ],
        "postcode": (address.get("postalCode") or "")[:10],
        "phone": (phone or "")[:30],
    }
