"""An example health record to explore, for a newcomer whose own record is still empty.

A made-up person (never stored: built in memory from the demo record generator, the same
every time), shown on its own page that says, on every screen, that it is an example. Nothing
here reads or writes anyone's data.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache

from myhealth.records.demo_records import build_record
from myhealth.records.fhir_fields import search_columns
from myhealth.records.models import ClinicalResource, Gender, Patient
from myhealth.records.services import ACTIVE_CONDITION, CURRENT_MEDICINE, RecordSummary

EXAMPLE_ID = uuid.UUID("00000000-0000-4000-8000-00000000e7a1")
# 999 000 0000-series numbers are never issued to real people (NHS test range).
EXAMPLE_NHS_NUMBER = "9990000018"


def _newest(items: list[ClinicalResource], limit: int) -> list[ClinicalResource]:
    dated = sorted(items, key=lambda r: (r.effective_at is not None, r.effective_at), reverse=True)
    return dated[:limit]


@cache
def example_summary() -> RecordSummary:
    """The example person's record summary, as the summary page shows a real one."""
    patient = Patient(
        id=EXAMPLE_ID,
        nhs_number=EXAMPLE_NHS_NUMBER,
        given_name="Alex",
        family_name="Example",
        birth_date=date(1961, 5, 14),
        gender=Gender.FEMALE,
    )
    bundle = build_record(
        patient, practice_ods="EXAMPLE", practice_name="Example Practice", rich=True
    )
    rows = []
    for entry in bundle["entry"]:
        content = entry["resource"]
        if content["resourceType"] == "Patient":
            continue
        rows.append(
            ClinicalResource(
                resource_type=content["resourceType"],
                fhir_id=content.get("id", ""),
                content=content,
                **search_columns(content["resourceType"], content),
            )
        )

    def of(*types: str) -> list[ClinicalResource]:
        return [r for r in rows if r.resource_type in types]

    latest: dict[tuple, ClinicalResource] = {}
    for row in _newest([r for r in of("Observation") if r.code], len(rows)):
        latest.setdefault((row.code_system, row.code), row)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.resource_type] = counts.get(row.resource_type, 0) + 1
    return RecordSummary(
        patient=patient,
        problems=_newest([r for r in of("Condition") if r.status in ACTIVE_CONDITION], 20),
        allergies=_newest([r for r in of("AllergyIntolerance") if r.status != "resolved"], 20),
        medicines=_newest(
            [
                r
                for r in of("MedicationRequest", "MedicationStatement")
                if r.status in CURRENT_MEDICINE
            ],
            20,
        ),
        results=list(latest.values())[:8],
        immunisations=_newest(of("Immunization"), 5),
        counts=counts,
    )
