"""Demo health records: a realistic UK primary-care FHIR R4 record for a demo patient.

A record is one collection Bundle, stored through ``import_document`` like real data. All of
it follows from the NHS number (the random seed and every resource id), so building it again
gives the same Bundle and re-seeding finds every resource unchanged. What happens to the
patient is in ``demo_story``, how each resource is written in ``demo_resources``, and the
SNOMED CT, LOINC and dm+d style codes in ``demo_terms``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from myhealth.people.models import Patient
from myhealth.records.demo_resources import DemoRecord
from myhealth.records.demo_story import Story

# Records end the day before: nothing is ever dated in the future.
RECORD_TODAY = date(2026, 1, 1)


def build_record(
    patient: Patient,
    *,
    practice_ods: str,
    practice_name: str = "",
    clinicians: Sequence[str] = (),
    rich: bool = False,
    today: date | None = None,
) -> dict:
    """One patient's demo record as a FHIR R4 collection Bundle, the same every time.

    ``rich`` gives the signed-in demo patient several long-term conditions and five years
    of reviews. ``clinicians`` are the display names of the practice's staff.
    """
    record = DemoRecord(
        patient,
        practice_ods,
        practice_name or practice_ods,
        clinicians,
        min(today or RECORD_TODAY, date.today()),
    )
    record.patient_resource()
    Story(record, rich).tell()
    return {"resourceType": "Bundle", "type": "collection", "entry": record.entries}
