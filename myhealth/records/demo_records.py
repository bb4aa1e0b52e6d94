"""Demo health records: a realistic UK primary-care FHIR R4 record for a demo patient.

A record is one collection Bundle, stored through ``import_document`` like real data. All of
it follows from the NHS number (the random seed and every resource id), so building it again
gives the same Bundle and re-seeding finds every resource unchanged. Codes are SNOMED CT,
LOINC and dm+d style; the medicine codes are plausible demo values, not a dm+d release.
"""

from __future__ import annotations

import random
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from myhealth.records.fhir_import import NHS_NUMBER_SYSTEM, ODS_SYSTEM
from myhealth.records.models import Patient

# Records end the day before: nothing is ever dated in the future.
RECORD_TODAY = date(2026, 1, 1)
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
DMD = "https://dmd.nhs.uk"
HL7 = "http://terminology.hl7.org/CodeSystem/"
_NAMESPACE = uuid.UUID("0d6f6c1e-5b7a-4c1e-8d43-2f6a9e0b7c15")

# key: SNOMED code, term, what people call it, chance by age (<40, 40-64, 65+), medicines
LONG_TERM = {
    "hypertension": (
        "38341003",
        "Hypertensive disorder, systemic arterial",
        "Hypertension",
        (0.04, 0.22, 0.5),
        ("amlodipine",),
    ),
    "diabetes": (
        "44054006",
        "Type 2 diabetes mellitus",
        "Type 2 diabetes",
        (0.02, 0.09, 0.18),
        ("metformin", "atorvastatin"),
    ),
    "asthma": (
        "195967001",
        "Asthma",
        "Asthma",
        (0.12, 0.09, 0.08),
        ("salbutamol", "beclometasone"),
    ),
    "copd": (
        "13645005",
        "Chronic obstructive lung disease",
        "COPD",
        (0.0, 0.03, 0.09),
        ("salbutamol", "tiotropium"),
    ),
    "hypothyroidism": (
        "40930008",
        "Hypothyroidism",
        "Underactive thyroid",
        (0.02, 0.04, 0.07),
        ("levothyroxine",),
    ),
    "depression": (
        "35489007",
        "Depressive disorder",
        "Depression",
        (0.1, 0.1, 0.06),
        ("sertraline",),
    ),
}
# key: dm+d style code, name, dosage, quantity, unit
MEDICINES = {
    "amlodipine": ("319283006", "Amlodipine 5mg tablets", "One tablet once a day", 28, "tablet"),
    "ramipril": ("318906001", "Ramipril 5mg capsules", "One capsule once a day", 28, "capsule"),
    "losartan": ("318956003", "Losartan 50mg tablets", "One tablet once a day", 28, "tablet"),
    "metformin": (
        "325278007",
        "Metformin 500mg tablets",
        "One tablet twice a day with food",
        56,
        "tablet",
    ),
    "atorvastatin": ("320000009", "Atorvastatin 20mg tablets", "One tablet at night", 28, "tablet"),
    "salbutamol": (
        "39113611000001102",
        "Salbutamol 100micrograms/dose inhaler CFC free",
        "Two puffs when required for breathlessness",
        200,
        "dose",
    ),
    "beclometasone": (
        "39112711000001103",
        "Clenil Modulite 100micrograms/dose inhaler",
        "Two puffs twice a day",
        200,
        "dose",
    ),
    "tiotropium": (
        "407889001",
        "Tiotropium 18microgram inhalation powder capsules",
        "Inhale the contents of one capsule once a day",
        30,
        "capsule",
    ),
    "levothyroxine": (
        "10071011000001106",
        "Levothyroxine sodium 50microgram tablets",
        "One tablet each morning before breakfast",
        28,
        "tablet",
    ),
    "sertraline": ("321958009", "Sertraline 50mg tablets", "One tablet once a day", 28, "tablet"),
    "amoxicillin": (
        "323510009",
        "Amoxicillin 500mg capsules",
        "One capsule three times a day for 5 days",
        15,
        "capsule",
    ),
    "doxycycline": (
        "324689003",
        "Doxycycline 100mg capsules",
        "Two capsules on the first day, then one a day for 4 days",
        6,
        "capsule",
    ),
    "nitrofurantoin": (
        "376001004",
        "Nitrofurantoin 100mg modified-release capsules",
        "One capsule twice a day for 3 days",
        6,
        "capsule",
    ),
    "phenoxymethylpenicillin": (
        "324096005",
        "Phenoxymethylpenicillin 250mg tablets",
        "Two tablets four times a day for 5 days",
        40,
        "tablet",
    ),
    "clarithromycin": (
        "324357008",
        "Clarithromycin 500mg tablets",
        "One tablet twice a day for 5 days",
        10,
        "tablet",
    ),
    "naproxen": (
        "329911004",
        "Naproxen 250mg tablets",
        "One tablet twice a day with food when required",
        28,
        "tablet",
    ),
}
PENICILLINS = {"amoxicillin": "doxycycline", "phenoxymethylpenicillin": "clarithromycin"}
# Resolved acute problems: SNOMED code, term, medicine (or None)
ACUTE = [
    ("10509002", "Acute bronchitis", "amoxicillin"),
    ("68566005", "Urinary tract infectious disease", "nitrofurantoin"),
    ("17741008", "Acute tonsillitis", "phenoxymethylpenicillin"),
    ("44465007", "Sprain of ankle", "naproxen"),
    ("279039007", "Low back pain", "naproxen"),
    ("25374005", "Gastroenteritis", None),
    ("840539006", "COVID-19", None),
    ("65363002", "Otitis media", "amoxicillin"),
]
# Allergy code and term, substance code and term, reaction code and term, category, criticality
ALLERGIES = [
    (
        "91936005",
        "Allergy to penicillin",
        "764146007",
        "Penicillin",
        "271807003",
        "Eruption of skin",
        "medication",
        "high",
    ),
    (
        "293586001",
        "Allergy to aspirin",
        "387458008",
        "Aspirin",
        "41291007",
        "Angioedema",
        "medication",
        "high",
    ),
    (
        "91935009",
        "Allergy to peanut",
        "762952008",
        "Peanut",
        "39579001",
        "Anaphylaxis",
        "food",
        "high",
    ),
    (
        "418689008",
        "Allergy to grass pollen",
        "256277009",
        "Grass pollen",
        "61582004",
        "Allergic rhinitis",
        "environment",
        "low",
    ),
]
# key: LOINC code, display, category, unit, UCUM code, reference range (low, high)
TESTS = {
    "bp": (
        "85354-9",
        "Blood pressure panel with all children optional",
        "vital-signs",
        "",
        "",
        None,
    ),
    "systolic": ("8480-6", "Systolic blood pressure", "", "mmHg", "mm[Hg]", (None, 140)),
    "diastolic": ("8462-4", "Diastolic blood pressure", "", "mmHg", "mm[Hg]", (None, 90)),
    # IFCC HbA1c is reported in mmol/mol in the UK (LOINC 4548-4 is the % test).
    "hba1c": (
        "59261-8",
        "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol",
        "laboratory",
        "mmol/mol",
        "mmol/mol",
        (20, 41),
    ),
    "weight": ("29463-7", "Body weight", "vital-signs", "kg", "kg", None),
    "bmi": (
        "39156-5",
        "Body mass index (BMI) [Ratio]",
        "vital-signs",
        "kg/m2",
        "kg/m2",
        (18.5, 24.9),
    ),
    # mmol/L is the moles-per-volume test (LOINC 2093-3 is mass per volume).
    "cholesterol": (
        "14647-2",
        "Cholesterol [Moles/volume] in Serum or Plasma",
        "laboratory",
        "mmol/L",
        "mmol/L",
        (None, 5.0),
    ),
    "egfr": (
        "33914-3",
        "Glomerular filtration rate/1.73 sq M.predicted (MDRD)",
        "laboratory",
        "mL/min/1.73m2",
        "mL/min/{1.73_m2}",
        (60, None),
    ),
    "peak_flow": (
        "19935-6",
        "Maximum expiratory gas flow by Peak flow meter",
        "exam",
        "L/min",
        "L/min",
        None,
    ),
    "tsh": (
        "3016-3",
        "Thyrotropin [Units/volume] in Serum or Plasma",
        "laboratory",
        "mU/L",
        "m[IU]/L",
        (0.27, 4.2),
    ),
    "smoking": ("72166-2", "Tobacco smoking status", "social-history", "", "", None),
    "phq9": (
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score",
        "survey",
        "score",
        "{score}",
        (None, 4),
    ),
}
# What the record shows for each test, in the words GP records in England use.
TEST_NAMES = {
    "bp": "Blood pressure",
    "hba1c": "HbA1c (average blood sugar)",
    "weight": "Body weight",
    "bmi": "Body mass index (BMI)",
    "cholesterol": "Total cholesterol",
    "egfr": "eGFR (kidney function)",
    "peak_flow": "Peak flow",
    "tsh": "TSH (thyroid function)",
    "smoking": "Smoking status",
    "phq9": "PHQ-9 depression score",
}
VACCINES = {
    "flu": ("1181000221105", "Influenza virus antigen only vaccine product", "Flu vaccine"),
    "covid": ("1119349007", "SARS-CoV-2 mRNA only vaccine product", "COVID-19 vaccine"),
    "pneumo": (
        "836398006",
        "Streptococcus pneumoniae antigen only vaccine product",
        "Pneumococcal vaccine",
    ),
}


def _sct(code: str, term: str, text: str | None = None) -> dict:
    concept: dict = {"coding": [{"system": SNOMED, "code": code, "display": term}]}
    if text:
        concept["text"] = text
    return concept


def _hl7(system: str, code: str) -> dict:
    return {"coding": [{"system": HL7 + system, "code": code}]}


def _qty(value, unit: str, code: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}


class _Record:
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
            "clinicalStatus": _hl7("condition-clinical", "resolved" if resolved else "active"),
            "verificationStatus": _hl7("condition-ver-status", "confirmed"),
            "category": [
                _hl7(
                    "condition-category", "encounter-diagnosis" if resolved else "problem-list-item"
                )
            ],
            "code": _sct(code, term, text),
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
            "type": [_sct(type_code, type_term)],
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
            "category": [_hl7("observation-category", category)],
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
        target["valueQuantity"] = _qty(value, unit, ucum)
        if comparator:
            target["valueQuantity"]["comparator"] = comparator
        if reference:
            low, high = reference
            target["referenceRange"] = [
                {k: _qty(v, unit, ucum) for k, v in (("low", low), ("high", high)) if v is not None}
            ]
            flag = (
                "H"
                if high is not None and value > high
                else ("L" if low is not None and value < low and not comparator else "N")
            )
            target["interpretation"] = [_hl7("v3-ObservationInterpretation", flag)]
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
            "vaccineCode": _sct(code, term, text),
            "patient": self.subject,
            "occurrenceDateTime": when,
            "recorded": when[:10],
            "primarySource": True,
            "lotNumber": f"{self.rng.choice('ABCDEFGHJK')}{self.rng.randint(10000, 99999)}",
            "site": _sct("368208006", "Left upper arm structure"),
            "route": _sct("78421000", "Intramuscular route"),
            "doseQuantity": _qty(0.5, "mL", "mL"),
        }
        if dose:
            resource["protocolApplied"] = [{"doseNumberPositiveInt": dose}]
        self.add({"resourceType": "Immunization", **resource})

    def procedure(self, code: str, term: str, when: datetime, encounter: str) -> None:
        self.add(
            {
                "resourceType": "Procedure",
                "status": "completed",
                "code": _sct(code, term),
                "subject": self.subject,
                "performedDateTime": when.isoformat(),
                "encounter": {"reference": encounter},
            }
        )


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
    record = _Record(
        patient,
        practice_ods,
        practice_name or practice_ods,
        clinicians,
        min(today or RECORD_TODAY, date.today()),
    )
    record.patient_resource()
    _Story(record, rich).tell()
    return {"resourceType": "Bundle", "type": "collection", "entry": record.entries}


_MIN_ONSET_AGE = {
    "hypertension": 30,
    "diabetes": 30,
    "asthma": 4,
    "copd": 45,
    "hypothyroidism": 20,
    "depression": 16,
}


class _Story:
    """What happened to this patient: problems, medicines, reviews, results, vaccines."""

    def __init__(self, record: _Record, rich: bool):
        self.r, self.rich = record, rich
        self.rng = record.rng
        self.last = record.today - timedelta(days=1)
        self.age = record.age(record.today)
        self.female = str(record.patient.gender) == "female"
        self.window = record.today - timedelta(days=365 * (5 if rich else self.rng.randint(3, 5)))
        self.conditions: dict[str, str] = {}
        self.onsets: dict[str, date] = {}
        self.resolved: dict[str, date] = {}
        self.penicillin_allergy = False

    def tell(self) -> None:
        self.long_term_conditions()
        self.allergies()
        self.medicines()
        if self.onsets:
            self.reviews()
        else:
            self.check_up()
        self.screening()
        self.acute_episodes()
        self.immunisations()
        self.care_plans()

    def _onset(self, key: str) -> date:
        earliest = max(
            self.r.patient.birth_date + timedelta(days=365 * _MIN_ONSET_AGE[key]),
            self.r.today - timedelta(days=365 * 20),
        )
        return self.r.between(
            min(earliest, self.last - timedelta(days=200)), self.last - timedelta(days=200)
        )

    def long_term_conditions(self) -> None:
        band = 0 if self.age < 40 else 1 if self.age < 65 else 2
        chosen = [k for k, spec in LONG_TERM.items() if self.rng.random() < spec[3][band]]
        onsets = {k: self._onset(k) for k in LONG_TERM}
        if self.rich:
            chosen = [
                k
                for k in LONG_TERM
                if k in {"hypertension", "diabetes", "hypothyroidism"} or k in chosen
            ]
        if "asthma" in chosen and "copd" in chosen:  # one airways diagnosis keeps it readable
            chosen.remove("copd")
            # Diagnosed early in the window, so the results show the first year's progress.
            onsets["diabetes"] = self.window + timedelta(days=75)
        for key in chosen:
            code, term, text, _, _ = LONG_TERM[key]
            onset = onsets[key]
            resolved = None
            if key == "depression" and self.rng.random() < 0.4:
                candidate = onset + timedelta(days=self.rng.randint(270, 540))
                resolved = candidate if candidate < self.last else None
            self.conditions[key] = self.r.condition(code, term, text, onset, resolved)
            self.onsets[key] = onset
            if resolved:
                self.resolved[key] = resolved

    def allergies(self) -> None:
        chances = (0.1, 0.03, 0.02, 0.05)
        for spec, chance in zip(ALLERGIES, chances, strict=True):
            if not (self.rng.random() < chance or (self.rich and spec[3] == "Penicillin")):
                continue
            code, term, s_code, s_term, m_code, m_term, category, criticality = spec
            onset = self.r.between(
                self.r.patient.birth_date + timedelta(days=365 * 3), self.last - timedelta(days=365)
            )
            self.penicillin_allergy |= s_term == "Penicillin"
            self.r.add(
                {
                    "resourceType": "AllergyIntolerance",
                    "clinicalStatus": _hl7("allergyintolerance-clinical", "active"),
                    "verificationStatus": _hl7("allergyintolerance-verification", "confirmed"),
                    "type": "allergy",
                    "category": [category],
                    "criticality": criticality,
                    "code": _sct(code, term),
                    "patient": self.r.subject,
                    "onsetDateTime": onset.isoformat(),
                    "recordedDate": onset.isoformat(),
                    "reaction": [
                        {
                            "substance": _sct(s_code, s_term),
                            "manifestation": [_sct(m_code, m_term)],
                            "severity": "severe" if criticality == "high" else "mild",
                        }
                    ],
                }
            )

    def medicines(self) -> None:
        prescribed: set[str] = set()
        for key, onset in self.onsets.items():
            reason = self.conditions[key]
            start = onset + timedelta(days=self.rng.randint(0, 21))
            if key == "hypertension" and (self.rich or self.rng.random() < 0.35):
                self.r.medicine(
                    "ramipril", start, status="stopped", reason=reason, stopped_because="Dry cough"
                )
                self.r.medicine("losartan", start + timedelta(days=42), reason=reason)
            for medicine in LONG_TERM[key][4]:
                if medicine in prescribed:  # one salbutamol inhaler for asthma and COPD
                    continue
                prescribed.add(medicine)
                if key in self.resolved:
                    self.r.medicine(medicine, start, status="completed", reason=reason)
                else:
                    self.r.medicine(medicine, start, reason=reason)

    # --- reviews and results ---------------------------------------------------------------

    def _active(self, day: date) -> list[str]:
        return [
            k
            for k, onset in self.onsets.items()
            if onset <= day and not (k in self.resolved and self.resolved[k] < day)
        ]

    def _months(self, key: str, day: date) -> float:
        return (day - self.onsets[key]).days / 30.4

    def _body(self) -> tuple[float, float]:
        height = self.rng.gauss(1.63 if self.female else 1.77, 0.06)
        weight = self.rng.gauss(74 if self.female else 87, 10) + (
            8 if "diabetes" in self.onsets else 0
        )
        return height, weight

    def reviews(self) -> None:
        rng, r = self.rng, self.r
        height, weight = self._body()
        smoker = self._smoking()
        cholesterol = rng.uniform(4.8, 6.8)
        egfr = 112 - self.age * 0.75 + rng.gauss(0, 8) - 6 * ("diabetes" in self.onsets)
        hba1c_start, hba1c_target = rng.uniform(62, 80), rng.uniform(47, 55)
        bp_start = rng.uniform(150, 168)
        predicted_flow = (440 if self.female else 600) - max(0, self.age - 30) * 3
        phq_start = rng.randint(15, 21)
        day = max(self.window, min(self.onsets.values())) + timedelta(days=rng.randint(14, 60))
        last_annual: date | None = None
        first = True
        while day < self.last:
            active = self._active(day)
            if not active:  # only a problem that has resolved: no more reviews for it
                day += timedelta(days=rng.randint(90, 180))
                continue
            reason = LONG_TERM[active[0]]
            enc, when = r.encounter(
                day,
                "185389009",
                "Follow-up visit",
                _sct(reason[0], reason[1], reason[2]),
                nurse=not first and rng.random() < 0.6,
            )
            if "hypertension" in active:
                systolic = 131 + (bp_start - 131) * 0.82 ** self._months("hypertension", day)
            else:
                systolic = 118 + max(0, self.age - 40) * 0.35
            systolic = round(systolic + rng.gauss(0, 6))
            r.observation(
                "bp",
                when,
                enc,
                components={
                    "systolic": systolic,
                    "diastolic": round(systolic * 0.58 + rng.gauss(0, 4)),
                },
            )
            weight += rng.gauss(-0.3 if "diabetes" in active else 0, 1.2)
            annual = last_annual is None or (day - last_annual).days >= 300
            if "diabetes" in active or annual:
                r.observation("weight", when, enc, round(weight, 1))
                r.observation("bmi", when, enc, round(weight / height**2, 1))
            if "diabetes" in active:
                settling = 0.85 ** self._months("diabetes", day)  # treatment takes effect
                value = hba1c_target + (hba1c_start - hba1c_target) * settling
                r.observation("hba1c", when, enc, round(value + rng.gauss(0, 2.5)))
            if {"asthma", "copd"} & set(active):
                share = rng.uniform(0.55, 0.7) if "copd" in active else rng.uniform(0.78, 0.97)
                r.observation("peak_flow", when, enc, round(predicted_flow * share / 10) * 10)
            if "depression" in active and self._months("depression", day) < 14:
                score = phq_start - self._months("depression", day) * 1.2 + rng.gauss(0, 1.5)
                r.observation("phq9", when, enc, max(1, round(score)))
            if first:
                r.observation("smoking", when, enc, coded=smoker)
                self._first_review_procedures(active, when, enc)
            if annual:
                self._annual(active, when, enc, cholesterol, egfr)
                cholesterol += rng.gauss(-0.25 if "diabetes" in active else 0, 0.3)
                egfr -= rng.uniform(0, 2.5)
                last_annual = day
            first = False
            day += timedelta(days=rng.randint(90, 180))

    def _annual(
        self, active: list[str], when: datetime, enc: str, cholesterol: float, egfr: float
    ) -> None:
        r = self.r
        if {"hypertension", "diabetes"} & set(active) or self.age >= 40:
            r.observation("cholesterol", when, enc, round(max(2.8, cholesterol), 1))
        if {"hypertension", "diabetes"} & set(active):
            value = max(20, round(egfr))
            r.observation("egfr", when, enc, min(value, 90), comparator=">" if value > 90 else "")
        if "hypothyroidism" in active:
            tsh = (
                self.rng.uniform(0.6, 4.0)
                if self.rng.random() < 0.85
                else self.rng.uniform(4.5, 7.5)
            )
            r.observation("tsh", when, enc, round(tsh, 2))
        if "diabetes" in active:
            r.procedure("401191002", "Diabetic foot examination", when, enc)
        if self.rich or self.rng.random() < 0.5:
            r.procedure("182836005", "Review of medication", when, enc)

    def _first_review_procedures(self, active: list[str], when: datetime, enc: str) -> None:
        if "hypertension" in active and (self.rich or self.rng.random() < 0.5):
            self.r.procedure("29303009", "Electrocardiographic procedure", when, enc)
        if "copd" in active:
            self.r.procedure("127783003", "Spirometry", when, enc)

    def _smoking(self) -> dict:
        roll = self.rng.random()
        if "copd" in self.onsets:
            roll = 0.3 + roll * 0.7
        if roll < 0.55:
            return _sct("266919005", "Never smoked tobacco")
        if roll < 0.85:
            return _sct("8517006", "Ex-smoker")
        return _sct("77176002", "Smoker")

    def check_up(self) -> None:
        """No long-term condition: a health check (or new-patient check) and nothing more."""
        r, rng = self.r, self.rng
        height, weight = self._body()
        day = r.between(self.window, self.last - timedelta(days=30))
        enc, when = r.encounter(day, "185349003", "Encounter for check up", None, nurse=True)
        systolic = round(116 + max(0, self.age - 40) * 0.35 + rng.gauss(0, 8))
        r.observation(
            "bp",
            when,
            enc,
            components={"systolic": systolic, "diastolic": round(systolic * 0.6 + rng.gauss(0, 4))},
        )
        r.observation("weight", when, enc, round(weight, 1))
        r.observation("bmi", when, enc, round(weight / height**2, 1))
        r.observation("smoking", when, enc, coded=self._smoking())
        if 40 <= self.age < 75:
            r.observation("cholesterol", when, enc, round(rng.uniform(3.8, 6.9), 1))

    def screening(self) -> None:
        if self.female and 25 <= self.age < 65:
            day = self.r.between(self.window, self.last - timedelta(days=30))
            enc, when = self.r.encounter(
                day, "185349003", "Encounter for check up", None, nurse=True
            )
            self.r.procedure("171149006", "Screening for malignant neoplasm of cervix", when, enc)

    # --- episodes, vaccines, plans ---------------------------------------------------------

    def acute_episodes(self) -> None:
        r, rng = self.r, self.rng
        count = 2 if self.rich else rng.randint(1, 3)
        for code, term, medicine in rng.sample(ACUTE, count):
            day = r.between(self.window, self.last - timedelta(days=40))
            phone = rng.random() < 0.4
            concept = _sct(code, term)
            r.encounter(
                day,
                *(("185317003", "Telephone encounter") if phone else ("11429006", "Consultation")),
                concept,
            )
            ref = r.condition(code, term, term, day, day + timedelta(days=rng.randint(7, 21)))
            if medicine:
                if self.penicillin_allergy:
                    medicine = PENICILLINS.get(medicine, medicine)
                r.medicine(medicine, day, status="completed", repeat=False, reason=ref)

    def immunisations(self) -> None:
        r, rng = self.r, self.rng
        born = r.patient.birth_date
        at_risk = bool({"diabetes", "asthma", "copd"} & set(self.onsets))

        for year in range(self.window.year, r.today.year + 1):
            day = date(year, 9, 25) + timedelta(days=rng.randint(0, 60))
            if (
                self.window <= day < self.last
                and (r.age(day) >= 65 or at_risk)
                and rng.random() < 0.85
            ):
                r.immunisation("flu", day)
        if r.age(date(2021, 6, 1)) >= 16:
            first = date(2021, 1, 8) + timedelta(
                days=min(150, max(0, 90 - r.age(date(2021, 1, 1))) * 3) + rng.randint(0, 14)
            )
            doses = [
                first,
                first + timedelta(days=rng.randint(56, 84)),
                date(2021, 12, 1) + timedelta(days=rng.randint(0, 40)),
            ]
            for year in (2023, 2024, 2025):
                eligible = r.age(date(year, 9, 1)) >= (75 if year == 2025 else 65) or (
                    at_risk and year < 2025
                )
                if eligible and rng.random() < 0.85:
                    doses.append(date(year, 9, 20) + timedelta(days=rng.randint(0, 50)))
            for number, day in enumerate(doses, start=1):
                if born < day < self.last:
                    r.immunisation("covid", day, dose=number)
        if self.age >= 65:
            day = born + timedelta(days=365 * 65 + rng.randint(30, 400))
            if day < self.last:
                r.immunisation("pneumo", day, dose=1)

    def care_plans(self) -> None:
        plans = {
            "diabetes": (
                "735985000",
                "Diabetes self management plan",
                "Type 2 diabetes care plan",
                "HbA1c, blood pressure, kidney function and foot checks at each "
                "review; structured education; eye screening every year.",
            ),
            "asthma": (
                "734163000",
                "Care plan",
                "Asthma action plan",
                "Preventer inhaler twice a day; reliever when needed; seek help "
                "the same day if the reliever is needed more than three times a "
                "week.",
            ),
        }
        for key, (code, term, title, detail) in plans.items():
            if key not in self.onsets or key in self.resolved:
                continue
            start = max(self.onsets[key], self.window).isoformat()
            self.r.add(
                {
                    "resourceType": "CarePlan",
                    "status": "active",
                    "intent": "plan",
                    "title": title,
                    "category": [_sct(code, term, title)],
                    "subject": self.r.subject,
                    "period": {"start": start},
                    "created": start,
                    "addresses": [{"reference": self.conditions[key]}],
                    "activity": [{"detail": {"status": "in-progress", "description": detail}}],
                }
            )
