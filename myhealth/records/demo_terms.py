"""The coded terms the demo records are written in: SNOMED CT problems, allergies, procedures
and vaccines, LOINC tests with their units and reference ranges, and dm+d style medicines
(plausible demo codes, not a dm+d release), with how each is written as a FHIR value.
"""

from __future__ import annotations

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
DMD = "https://dmd.nhs.uk"
HL7 = "http://terminology.hl7.org/CodeSystem/"

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

# The youngest age each long-term condition starts at in the demo.
MIN_ONSET_AGE = {
    "hypertension": 30,
    "diabetes": 30,
    "asthma": 4,
    "copd": 45,
    "hypothyroidism": 20,
    "depression": 16,
}


def sct(code: str, term: str, text: str | None = None) -> dict:
    concept: dict = {"coding": [{"system": SNOMED, "code": code, "display": term}]}
    if text:
        concept["text"] = text
    return concept


def hl7(system: str, code: str) -> dict:
    return {"coding": [{"system": HL7 + system, "code": code}]}


def qty(value, unit: str, code: str) -> dict:
    return {"value": value, "unit": unit, "system": UCUM, "code": code}
