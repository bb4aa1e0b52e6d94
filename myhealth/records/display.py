"""Plain-English wording of FHIR resources for the record pages.

Everything here reads a stored resource (its search columns and its FHIR content) and returns
text a person can read: names from the coding display text, Babel-formatted dates, results
with their units and reference ranges. Nothing here queries the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from myhealth.i18n import gettext as _
from myhealth.records import fhir_fields, formatting
from myhealth.records.models import ClinicalResource
from myhealth.records.services import SECTIONS

SECTION_TITLES = {
    "conditions": _l("Conditions"),
    "allergies": _l("Allergies and reactions"),
    "medicines": _l("Medicines"),
    "immunisations": _l("Vaccinations"),
    "results": _l("Test results and measurements"),
    "encounters": _l("Consultations and appointments"),
    "procedures": _l("Procedures"),
    "care-plans": _l("Care plans and goals"),
    "documents": _l("Documents and reports"),
}

SECTION_DESCRIPTIONS = {
    "conditions": _l("Illnesses and health problems, current and past"),
    "allergies": _l("Allergies and bad reactions to medicines or other things"),
    "medicines": _l("Medicines you take now and have taken before"),
    "immunisations": _l("Vaccinations you have had"),
    "results": _l("Blood tests, blood pressure, weight and other measurements"),
    "encounters": _l("Appointments and visits to health services"),
    "procedures": _l("Operations, checks and other procedures"),
    "care-plans": _l("Plans and goals agreed with your care team"),
    "documents": _l("Letters, test reports and scans"),
}

STATUS_LABELS = {
    "active": _l("Active"),
    "recurrence": _l("Returned"),
    "relapse": _l("Returned"),
    "inactive": _l("Inactive"),
    "remission": _l("In remission"),
    "resolved": _l("Resolved"),
    "on-hold": _l("Paused"),
    "stopped": _l("Stopped"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
    "revoked": _l("Cancelled"),
    "entered-in-error": _l("Entered in error"),
    "draft": _l("Draft"),
    "planned": _l("Planned"),
    "arrived": _l("Arrived"),
    "in-progress": _l("In progress"),
    "finished": _l("Finished"),
    "not-done": _l("Not done"),
    "preparation": _l("Being prepared"),
    "registered": _l("Registered"),
    "preliminary": _l("Preliminary"),
    "final": _l("Final"),
    "amended": _l("Amended"),
    "corrected": _l("Corrected"),
    "available": _l("Available"),
    "current": _l("Current"),
    "superseded": _l("Replaced"),
    "unknown": _l("Unknown"),
    "intended": _l("Planned"),
    "not-taken": _l("Not taken"),
    "proposed": _l("Proposed"),
    "accepted": _l("Agreed"),
    "achieved": _l("Achieved"),
}

# Tag colours: green for current, grey for finished, red for errors.
_STATUS_COLOURS = {
    "active": "green",
    "recurrence": "orange",
    "relapse": "orange",
    "on-hold": "yellow",
    "in-progress": "blue",
    "planned": "blue",
    "entered-in-error": "red",
    "not-done": "red",
    "cancelled": "red",
}

# Which statuses each section's filter offers (values as stored in the status column).
STATUS_FILTERS: dict[str, tuple[str, ...]] = {
    "conditions": ("active", "recurrence", "remission", "inactive", "resolved"),
    "allergies": ("active", "inactive", "resolved"),
    "medicines": ("active", "on-hold", "stopped", "completed", "cancelled"),
    "immunisations": ("completed", "not-done"),
    "encounters": ("finished", "in-progress", "planned", "cancelled"),
    "procedures": ("completed", "in-progress", "not-done"),
    "care-plans": ("active", "completed", "revoked"),
}

SEARCH_HINTS = {
    "conditions": _l("For example, asthma"),
    "allergies": _l("For example, penicillin"),
    "medicines": _l("For example, paracetamol"),
    "immunisations": _l("For example, flu"),
    "results": _l("For example, cholesterol"),
    "encounters": _l("For example, check up"),
    "procedures": _l("For example, X-ray"),
    "care-plans": _l("For example, diabetes"),
    "documents": _l("For example, blood count"),
}

IMMUNISATION_STATUS = {"completed": _l("Given"), "not-done": _l("Not given")}

ENCOUNTER_CLASSES = {
    "AMB": _l("Appointment"),
    "EMER": _l("Emergency care"),
    "IMP": _l("Hospital stay"),
    "ACUTE": _l("Hospital stay"),
    "NONAC": _l("Hospital stay"),
    "SS": _l("Day case"),
    "HH": _l("Home visit"),
    "VR": _l("Phone or video appointment"),
    "FLD": _l("Visit"),
    "PRENC": _l("Pre-admission appointment"),
}

ALLERGY_CATEGORIES = {
    "food": _l("Food"),
    "medication": _l("Medicine"),
    "environment": _l("Environment"),
    "biologic": _l("Biological product"),
}

CRITICALITY = {
    "high": _l("High risk"),
    "low": _l("Low risk"),
    "unable-to-assess": _l("Risk not known"),
}

DOCUMENT_KINDS = {
    "DocumentReference": _l("Document"),
    "DiagnosticReport": _l("Test report"),
    "ImagingStudy": _l("Scan or X-ray"),
    "CarePlan": _l("Care plan"),
    "Goal": _l("Goal"),
    "MedicationRequest": _l("Prescription"),
    "MedicationStatement": _l("Reported by you or another service"),
}

# LOINC codes whose components read as one value (systolic first: "120/80 mmHg").
_SYSTOLIC, _DIASTOLIC = "8480-6", "8462-4"

# UCUM units as people write them.
_UNITS = {
    "mm[Hg]": "mmHg",
    "[lb_av]": "lb",
    "[in_i]": "in",
    "[ft_i]": "ft",
    "kg/m2": "kg/m²",
    "/min": _l("per minute"),
    "{beats}/min": _l("beats per minute"),
    "{breaths}/min": _l("breaths per minute"),
    "Cel": "°C",
    "[degF]": "°F",
    "mL/min/{1.73_m2}": "mL/min/1.73 m²",
    "mL/min/1.73.m2": "mL/min/1.73 m²",
    "umol/L": "µmol/L",
    "ug/L": "µg/L",
    "fL": "fL",
}
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


@dataclass(frozen=True)
class Cell:
    """One table cell: text, and optionally a status tag colour or a trend-page link."""

    text: str
    tag: str | None = None  # NHS tag colour
    trend: tuple[str, str | None] | None = None  # (code, code system)
    nowrap: bool = False  # dates read badly broken over two lines
    # A result outside its normal range: words for an NHS tag after the text, and its colour.
    flag: tuple[str, str] | None = None


def _date_cell(text: str) -> Cell:
    return Cell(text or "–", nowrap=bool(text))


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Reading:
    """One numeric value of an observation (one per component for blood pressure)."""

    label: str
    value: float
    unit: str


# --- small pieces -------------------------------------------------------------------------


def section_title(section: str) -> str:
    return formatting.labels(SECTION_TITLES).get(section, section)


def status_label(status: str | None) -> str:
    if not status:
        return ""
    return formatting.labels(STATUS_LABELS).get(status) or status.replace("-", " ").capitalize()


def status_cell(status: str | None) -> Cell:
    return Cell(
        status_label(status) or "–",
        tag=_STATUS_COLOURS.get(status or "", "grey") if status else None,
    )


def unit_label(unit: str | None) -> str:
    """A UCUM unit as people write it: mm[Hg] -> mmHg, 10*9/L -> ×10⁹/L, {score} -> ''."""
    if not unit:
        return ""
    if unit in _UNITS:
        return formatting.labels(_UNITS)[unit]
    text = re.sub(r"\{[^}]*\}", "", unit).strip()
    text = re.sub(r"10\*(-?\d+)", lambda m: "×10" + m.group(1).translate(_SUPERSCRIPT), text)
    text = re.sub(r"\bu(?=(L|g|mol|mmol)\b)", "µ", text)
    return text.strip("/ ")


# Units read as whole numbers whatever the source's precision (blood pressure 120/80).
_WHOLE_UNITS = {"mm[Hg]", "mmHg", "/min", "{beats}/min", "{breaths}/min"}

# SNOMED CT fully specified names end in a semantic tag that means nothing to a patient.
_SEMANTIC_TAG = re.compile(
    r"\s+\((disorder|finding|procedure|situation|regime/therapy|observable entity|event|"
    r"morphologic abnormality|substance|product|qualifier value|body structure|"
    r"medicinal product|clinical drug|record artifact|environment)\)$"
)


def number(value: float | int, unit: str | None = None) -> str:
    """Rounded the way results are read: 3 significant places at most, no trailing zeros."""
    size = abs(value)
    places = 0 if size >= 100 or unit in _WHOLE_UNITS else 1 if size >= 10 else 2
    rounded = round(float(value), places)
    return formatting.decimal_text(rounded, "#,##0." + "#" * places if places else "#,##0")


def _concept_text(concept) -> str:
    if not isinstance(concept, dict):
        return ""
    if concept.get("text"):
        return _SEMANTIC_TAG.sub("", str(concept["text"]))
    for coding in concept.get("coding") or []:
        if coding.get("display"):
            return _SEMANTIC_TAG.sub("", str(coding["display"]))
    return ""


def _concepts_text(concepts) -> str:
    return ", ".join(t for t in (_concept_text(c) for c in concepts or []) if t)


def _quantity_text(quantity) -> str:
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        return ""
    raw_unit = quantity.get("unit") or quantity.get("code")
    unit = unit_label(raw_unit)
    comparator = quantity.get("comparator") or ""
    return f"{comparator}{number(quantity['value'], raw_unit)}" + (f" {unit}" if unit else "")


def date_text(value: datetime | None, *, precision: int = 10) -> str:
    """A Babel-formatted date; a year or a month and year when that is all the source says."""
    if value is None:
        return ""
    if precision == 4:
        return formatting.date_text(value, "yyyy")
    if precision == 7:
        return formatting.date_text(value, "MMMM yyyy")
    return formatting.date_text(value, "d MMM yyyy")


def _fhir_date(value) -> str:
    if not isinstance(value, str):
        return ""
    return date_text(fhir_fields.parse_fhir_datetime(value), precision=len(value))


def when(row: ClinicalResource) -> str:
    """The resource's date, at the precision the source recorded it."""
    if row.effective_at is None:
        return ""
    for path in fhir_fields.EFFECTIVE_FIELDS.get(row.resource_type, ()):
        raw = fhir_fields.get_path(row.content, path)
        if isinstance(raw, str) and raw:
            return date_text(row.effective_at, precision=len(raw) if len(raw) < 10 else 10)
    return date_text(row.effective_at)


def name(row: ClinicalResource) -> str:
    """What it is, in the words of the coding display text, with sensible fall-backs."""
    if row.display:
        return _SEMANTIC_TAG.sub("", row.display)
    content = row.content or {}
    if row.resource_type == "ImagingStudy":
        series = content.get("series") or [{}]
        modality = (series[0].get("modality") or {}).get("display") or ""
        site = (series[0].get("bodySite") or {}).get("display") or ""
        text = " – ".join(t for t in (modality.capitalize(), site) if t)
        if text:
            return text
    if row.resource_type == "Encounter":
        kind = (content.get("class") or {}).get("code")
        if kind in ENCOUNTER_CLASSES:
            return formatting.labels(ENCOUNTER_CLASSES)[kind]
    if content.get("description") and isinstance(content["description"], str):
        return content["description"]
    if content.get("title"):
        return str(content["title"])
    return _("Unnamed entry")


# --- results ------------------------------------------------------------------------------


def _component_order(component: dict) -> int:
    code = ((component.get("code") or {}).get("coding") or [{}])[0].get("code")
    return {_SYSTOLIC: 0, _DIASTOLIC: 1}.get(code, 2)


def value_and_unit(content: dict) -> tuple[str, str]:
    """The value and its unit apart: ("6.3", "mmol/L"), ("120/80", "mmHg"), ("Never smoker", "")."""
    if "valueQuantity" in content:
        quantity = content["valueQuantity"] or {}
        if quantity.get("value") is None:
            return "", ""
        raw_unit = quantity.get("unit") or quantity.get("code")
        value = number(quantity["value"], raw_unit)
        return f"{quantity.get('comparator') or ''}{value}", unit_label(raw_unit)
    if "valueCodeableConcept" in content:
        return _concept_text(content["valueCodeableConcept"]), ""
    if "valueString" in content:
        return str(content["valueString"]), ""
    if "valueBoolean" in content:
        return (_("Yes") if content["valueBoolean"] else _("No")), ""
    if "valueInteger" in content:
        return number(content["valueInteger"]), ""
    if "valueRange" in content:
        low = _quantity_text(content["valueRange"].get("low"))
        high = _quantity_text(content["valueRange"].get("high"))
        return (_("%(low)s to %(high)s", low=low, high=high) if low and high else low or high), ""
    components = sorted(content.get("component") or [], key=_component_order)
    quantities = [c.get("valueQuantity") for c in components]
    if quantities and all(isinstance(q, dict) and q.get("value") is not None for q in quantities):
        units = {q.get("unit") or q.get("code") for q in quantities}
        if len(units) == 1:
            unit = units.pop()
            return "/".join(number(q["value"], unit) for q in quantities), unit_label(unit)
        return "; ".join(
            f"{_concept_text(c.get('code'))}: {_quantity_text(q)}"
            for c, q in zip(components, quantities, strict=True)
        ), ""
    parts = [
        f"{_concept_text(c.get('code'))}: {result_value(c)}" for c in components if result_value(c)
    ]
    if parts:
        return "; ".join(parts), ""
    if content.get("dataAbsentReason"):
        return _("Not recorded"), ""
    return "", ""


def result_value(content: dict) -> str:
    """The value with units: "6.3 mmol/L", "120/80 mmHg", "Never smoker"."""
    value, unit = value_and_unit(content)
    return f"{value} {unit}" if value and unit else value


def readings(content: dict) -> list[Reading]:
    """The numbers a chart can plot: the value, or each component (systolic, diastolic)."""
    quantity = content.get("valueQuantity")
    if isinstance(quantity, dict) and isinstance(quantity.get("value"), int | float):
        return [
            Reading(
                "",
                float(quantity["value"]),
                unit_label(quantity.get("unit") or quantity.get("code")),
            )
        ]
    if isinstance(content.get("valueInteger"), int):
        return [Reading("", float(content["valueInteger"]), "")]
    found = []
    for component in sorted(content.get("component") or [], key=_component_order):
        q = component.get("valueQuantity")
        if isinstance(q, dict) and isinstance(q.get("value"), int | float):
            found.append(
                Reading(
                    _concept_text(component.get("code")),
                    float(q["value"]),
                    unit_label(q.get("unit") or q.get("code")),
                )
            )
    return found


def reference_bounds(content: dict) -> tuple[float | None, float | None]:
    """Low and high of the first reference range, where the source gives numbers."""
    for ref in content.get("referenceRange") or []:
        low = (ref.get("low") or {}).get("value")
        high = (ref.get("high") or {}).get("value")
        if isinstance(low, int | float) or isinstance(high, int | float):
            return (
                float(low) if isinstance(low, int | float) else None,
                float(high) if isinstance(high, int | float) else None,
            )
    return None, None


def reference_range(content: dict) -> str:
    """The normal range as written: "3.1 to 6.2 mmol/L", "up to 5", or the source's text."""
    for ref in content.get("referenceRange") or []:
        low = _quantity_text(ref.get("low"))
        high = _quantity_text(ref.get("high"))
        if low and high:
            low_unit = unit_label((ref.get("low") or {}).get("unit"))
            high_unit = unit_label((ref.get("high") or {}).get("unit"))
            if low_unit and low_unit == high_unit:
                low = number(ref["low"]["value"])
            return _("%(low)s to %(high)s", low=low, high=high)
        if low:
            return _("%(low)s or more", low=low)
        if high:
            return _("up to %(high)s", high=high)
        if ref.get("text"):
            return str(ref["text"])
    return ""


def interpretation(content: dict) -> str:
    return _concepts_text(content.get("interpretation"))


# --- one row per section ------------------------------------------------------------------


def page_numbers(page: int, pages: int) -> list[int | None]:
    """Page numbers to offer, with None where an ellipsis stands for the ones left out."""
    wanted = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    out: list[int | None] = []
    for number_ in wanted:
        if out and out[-1] is not None and number_ - out[-1] > 1:
            out.append(None)
        out.append(number_)
    return out


def section_counts(counts_by_type: dict[str, int]) -> dict[str, int]:
    """Counts by resource type, added up per record section."""
    return {
        section: sum(counts_by_type.get(t, 0) for t in types) for section, types in SECTIONS.items()
    }
