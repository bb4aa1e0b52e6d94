"""One demo patient's record as it is written: a FHIR R4 resource for each entry, with ids
that follow from the NHS number, times in surgery hours, and the practice's clinicians.

What goes into the record, and when, is the story's (``demo_story``).
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from myhealth.people.models import Patient
from myhealth.records.demo_terms import (
    DMD,
    HL7,
    LOINC,
    MEDICINES,
    TEST_NAMES,
    TESTS,
    VACCINES,
    hl7,
    qty,
    sct,
)
from myhealth.records.fhir_import import NHS_NUMBER_SYSTEM, ODS_SYSTEM

_NAMESPACE = uuid.UUID("0d6f6c1e-5b7a-4c1e-8d43-2f6a9e0b7c15")


class DemoRecord:
    """The Bundle's entries for one patient, one method per kind of resource."""

    def __init__(
        self, patient: Patient, ods: str, practice: str, clinicians: Sequence[str], today: date
    ):
        if patient.id is None or not patient.nhs_number or patient.birth_date is None:
            raise ValueError("a demo record needs a stored patient with an NHS number")
        self.patient, self.today, self.ods, self.practice = patient, today, ods, practice
        self.clinicians = list(clinicians) or ["Dr Aled Rees", "Megan Price (practice nurse)"]
        self.rng = random.Random(f"myhealth-demo-record:{patient.nhs_number}")
        self.subject = {"reference": f"Patient/{patient.id}"}
        self.entries: list[dict] = []
        self._counts: Counter = Counter()

    def add(self, resource: dict) -> str:
        rtype = resource["resourceType"]
        self._counts[rtype] += 1
        rid = str(
            uuid.uuid5(_NAMESPACE, f"{self.patient.nhs_number}/{rtype}/{self._counts[rtype]}")
        )
        self.entries.append(
            {
                "fullUrl": f"urn:uuid:{rid}",
                "resource": {"resourceType": rtype, "id": rid, **resource},
            }
        )
        return f"{rtype}/{rid}"

    def age(self, on: date) -> int:
        born = self.patient.birth_date
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    def at(self, day: date) -> datetime:
        """A time in surgery hours on that day, or the working day before."""
        while day.weekday() >= 5 or (day.month, day.day) in {(12, 25), (12, 26), (1, 1)}:
            day -= timedelta(days=1)
        return datetime(
            day.year,
            day.month,
            day.day,
            self.rng.randint(8, 17),
            self.rng.choice((0, 10, 20, 30, 40, 50)),
            tzinfo=UTC,
        )

    def between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    # --- resources ----------------------------------------------------------------------

    def patient_resource(self) -> None:
        p = self.patient
        resource = {
            "identifier": [{"system": NHS_NUMBER_SYSTEM, "value": p.nhs_number}],
            "name": [{"use": "official", "family": p.family_name, "given": p.given_name.split()}],
            "gender": str(p.gender),
            "birthDate": p.birth_date.isoformat(),
            "address": [
                {
                    "use": "home",
                    "line": [p.address] if p.address else [],
                    "postalCode": p.postcode,
                    "country": "GB",
                }
            ],
            "generalPractitioner": [
                {"identifier": {"system": ODS_SYSTEM, "value": self.ods}, "display": self.practice}
            ],
        }
        if p.phone:
            resource["telecom"] = [{"system": "phone", "value": p.phone, "use": "mobile"}]
        self.entries.append(
            {
                "fullUrl": f"urn:uuid:{p.id}",
                "resource": {"resourceType": "Patient", "id": str(p.id), **resource},
            }
        )

    def condition(
        self, code: str, term: str, text: str, onset: date, resolved: date | None = None
    ) -> str:
        resource = {
            "clinicalStatus": hl7("condition-clinical", "resolved" if resolved else "active"),
            "verificationStatus": hl7("condition-ver-status", "confirmed"),
            "category": [
                hl7(
                    "condition-category", "encounter-diagnosis" if resolved else "problem-list-item"
                )
            ],
            "code": sct(code, term, text),
            "subject": self.subject,
            "onsetDateTime": onset.isoformat(),
            "recordedDate": onset.isoformat(),
        }
        if resolved:
            resource["abatementDateTime"] = resolved.isoformat()
        return self.add({"resourceType": "Condition", **resource})

    def encounter(
        self, day: date, type_code: str, type_term: str, reason: dict | None, nurse: bool = False
    ) -> tuple[str, datetime]:
        start = self.at(day)
        end = start + timedelta(minutes=self.rng.choice((10, 12, 15, 20)))
        who = self.clinicians[1 if nurse and len(self.clinicians) > 1 else 0]
        resource = {
            "status": "finished",
            "class": {"system": HL7 + "v3-ActCode", "code": "AMB", "display": "ambulatory"},
            "type": [sct(type_code, type_term)],
            "subject": self.subject,
            "participant": [{"individual": {"display": who}}],
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "serviceProvider": {
                "identifier": {"system": ODS_SYSTEM, "value": self.ods},
                "display": self.practice,
            },
        }
        if reason:
            resource["reasonCode"] = [reason]
        return self.add({"resourceType": "Encounter", **resource}), start

    def observation(
        self,
        key: str,
        when: datetime,
        encounter: str,
        value=None,
        *,
        components: dict | None = None,
        comparator: str = "",
        coded: dict | None = None,
    ) -> None:
        code, display, category, unit, ucum, _ = TESTS[key]
        resource: dict = {
            "status": "final",
            "category": [hl7("observation-category", category)],
            "code": {
                "coding": [{"system": LOINC, "code": code, "display": display}],
                "text": TEST_NAMES[key],
            },
            "subject": self.subject,
            "encounter": {"reference": encounter},
            "effectiveDateTime": when.isoformat(),
        }
        if category == "laboratory":
            resource["issued"] = (when + timedelta(hours=2)).isoformat()
        if coded is not None:
            resource["valueCodeableConcept"] = coded
        elif components:
            resource["component"] = [
                self._valued(
                    k,
                    v,
                    {
                        "code": {
                            "coding": [
                                {"system": LOINC, "code": TESTS[k][0], "display": TESTS[k][1]}
                            ]
                        }
                    },
                )
                for k, v in components.items()
            ]
        else:
            self._valued(key, value, resource, comparator)
        self.add({"resourceType": "Observation", **resource})

    @staticmethod
    def _valued(key: str, value, target: dict, comparator: str = "") -> dict:
        _, _, _, unit, ucum, reference = TESTS[key]
        target["valueQuantity"] = qty(value, unit, ucum)
        if comparator:
            target["valueQuantity"]["comparator"] = comparator
        if reference:
            low, high = reference
            target["referenceRange"] = [
                {k: qty(v, unit, ucum) for k, v in (("low", low), ("high", high)) if v is not None}
            ]
            flag = (
                "H"
                if high is not None and value > high
                else ("L" if low is not None and value < low and not comparator else "N")
            )
            target["interpretation"] = [hl7("v3-ObservationInterpretation", flag)]
        return target

    def medicine(
        self,
        key: str,
        authored: date,
        *,
        status: str = "active",
        repeat: bool = True,
        reason: str | None = None,
        stopped_because: str = "",
    ) -> None:
        code, name, dosage, quantity, unit = MEDICINES[key]
        resource = {
            "status": status,
            "intent": "order",
            "medicationCodeableConcept": {
                "coding": [{"system": DMD, "code": code, "display": name}],
                "text": name,
            },
            "subject": self.subject,
            "authoredOn": authored.isoformat(),
            "requester": {"display": self.clinicians[0]},
            "courseOfTherapyType": {
                "coding": [
                    {
                        "system": HL7 + "medicationrequest-course-of-therapy",
                        "code": "continuous" if repeat else "acute",
                    }
                ]
            },
            "dosageInstruction": [{"text": dosage}],
            "dispenseRequest": {
                "quantity": {"value": quantity, "unit": unit},
                "numberOfRepeatsAllowed": 5 if repeat else 0,
            },
        }
        if reason:
            resource["reasonReference"] = [{"reference": reason}]
        if stopped_because:
            resource["statusReason"] = {"text": stopped_because}
        self.add({"resourceType": "MedicationRequest", **resource})

    def immunisation(self, key: str, day: date, dose: int | None = None) -> None:
        code, term, text = VACCINES[key]
        when = self.at(day).isoformat()
        resource = {
            "status": "completed",
            "vaccineCode": sct(code, term, text),
            "patient": self.subject,
            "occurrenceDateTime": when,
            "recorded": when[:10],
            "primarySource": True,
            "lotNumber": f"{self.rng.choice('ABCDEFGHJK')}{self.rng.randint(10000, 99999)}",
            "site": sct("368208006", "Left upper arm structure"),
            "route": sct("78421000", "Intramuscular route"),
            "doseQuantity": qty(0.5, "mL", "mL"),
        }
        if dose:
            resource["protocolApplied"] = [{"doseNumberPositiveInt": dose}]
        self.add({"resourceType": "Immunization", **resource})

    def procedure(self, code: str, term: str, when: datetime, encounter: str) -> None:
        self.add(
            {
                "resourceType": "Procedure",
                "status": "completed",
                "code": sct(code, term),
                "subject": self.subject,
                "performedDateTime": when.isoformat(),
                "encounter": {"reference": encounter},
            }
        )
