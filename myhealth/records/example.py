"""An example health record to explore, for a newcomer whose own record is still empty.

A made-up person (never stored: built in memory from the demo record generator, the same
every time), shown on its own page that says, on every screen, that it is an example. Nothing
here reads or writes anyone's data.
"""

from __future__ import annotations

import uuid
from datetime import date
from functools import cache

from myhealth.people.models import Gender, Patient
from myhealth.records.demo_records import build_record
from myhealth.records.fhir_fields import search_columns
from myhealth.records.models import ClinicalResource
from myhealth.records.services import (
    ACTIVE_CONDITION,
    CURRENT_MEDICINE,
    SUMMARY_FULL,
    RecordSummary,
    newest_first,
)

EXAMPLE_ID = uuid.UUID("00000000-0000-4000-8000-00000000e7a1")
# 999 000 0000-series numbers are never issued to real people (NHS test range).
EXAMPLE_NHS_NUMBER = "9990000018"


@cache
def _example() -> tuple[Patient, tuple[ClinicalResource, ...]]:
    """The example person and every entry of their record, built in memory."""
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
                id=uuid.uuid5(EXAMPLE_ID, f"{content['resourceType']}/{content.get('id', '')}"),
                resource_type=content["resourceType"],
                fhir_id=content.get("id", ""),
                content=content,
                **search_columns(content["resourceType"], content),
            )
        )
    return patient, tuple(rows)


def example_rows() -> tuple[ClinicalResource, ...]:
    """Every entry of the example record (never stored)."""
    return _example()[1]


@cache
def example_summary() -> RecordSummary:
    """The example person's record summary, as the summary page shows a real one."""
    patient, rows = _example()

    def of(*types: str) -> list[ClinicalResource]:
        return [r for r in rows if r.resource_type in types]

    latest: dict[tuple, ClinicalResource] = {}
    for row in newest_first([r for r in of("Observation") if r.code]):
        latest.setdefault((row.code_system, row.code), row)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.resource_type] = counts.get(row.resource_type, 0) + 1
    current = {
        "conditions": newest_first([r for r in of("Condition") if r.status in ACTIVE_CONDITION]),
        "allergies": newest_first([r for r in of("AllergyIntolerance") if r.status != "resolved"]),
        "medicines": newest_first(
            [
                r
                for r in of("MedicationRequest", "MedicationStatement")
                if r.status in CURRENT_MEDICINE
            ]
        ),
    }
    # All of a part, as the printed summary shows them: the example has no section pages.
    limits = SUMMARY_FULL
    return RecordSummary(
        patient=patient,
        problems=current["conditions"][: limits["conditions"]],
        allergies=current["allergies"][: limits["allergies"]],
        medicines=current["medicines"][: limits["medicines"]],
        results=list(latest.values())[: limits["results"]],
        immunisations=newest_first(of("Immunization"))[: limits["immunisations"]],
        counts=counts,
        current={part: len(entries) for part, entries in current.items()},
    )
