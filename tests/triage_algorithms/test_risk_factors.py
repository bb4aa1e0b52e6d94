"""Risk factors from the record: coded medicines, a history of cancer and recent operations.

The names below are written as the record carries them: dm+d VMP and AMP names in England,
RxNorm names in the Synthea samples (../shared/fhir-samples).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from triage_algorithms import risk_factors
from triage_algorithms.conditions import CONDITIONS, RECORD_KEYS
from triage_algorithms.risk_factors import HISTORY, MEDICINES, history_keys, is_operation
from triage_algorithms.risk_factors import medicine_keys as keys_of

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "fhir-samples"
SYNTHEA = sorted(p for p in SAMPLES.glob("*.json") if "_" in p.stem and p.stem[0].isupper())
ALLOWED_HOSTS = {"www.nice.org.uk", "cks.nice.org.uk", "www.nhs.uk", "bnf.nice.org.uk"}


def named(name: str) -> set[str]:
    return keys_of([(None, name)])


# --- SNOMED CT identifiers: the Verhoeff check digit -----------------------------------------

_D = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 2, 3, 4, 0, 6, 7, 8, 9, 5),
    (2, 3, 4, 0, 1, 7, 8, 9, 5, 6),
    (3, 4, 0, 1, 2, 8, 9, 5, 6, 7),
    (4, 0, 1, 2, 3, 9, 5, 6, 7, 8),
    (5, 9, 8, 7, 6, 0, 4, 3, 2, 1),
    (6, 5, 9, 8, 7, 1, 0, 4, 3, 2),
    (7, 6, 5, 9, 8, 2, 1, 0, 4, 3),
    (8, 7, 6, 5, 9, 3, 2, 1, 0, 4),
    (9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
)
_P = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
    (1, 5, 7, 6, 2, 8, 3, 0, 9, 4),
    (5, 8, 0, 3, 7, 9, 6, 1, 4, 2),
    (8, 9, 1, 6, 0, 4, 3, 5, 2, 7),
    (9, 4, 5, 3, 1, 2, 6, 8, 7, 0),
    (4, 2, 8, 6, 5, 7, 3, 9, 0, 1),
    (2, 7, 9, 3, 8, 0, 6, 4, 1, 5),
    (7, 0, 4, 6, 9, 1, 3, 2, 5, 8),
)


def verhoeff_ok(digits: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(digits)):
        check = _D[check][_P[position % 8][int(digit)]]
    return check == 0


def is_concept_id(code: str) -> bool:
    # SNOMED CT: 6-18 digits, no leading zero, a concept partition ("00" short, "10" extension)
    # and a valid Verhoeff check digit.
    return (
        re.fullmatch(r"[1-9][0-9]{5,17}", code) is not None
        and code[-3:-1] in {"00", "10"}
        and verhoeff_ok(code)
    )


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("363346000", True),  # Malignant neoplastic disease
        ("387713003", True),  # Surgical procedure
        ("703908001", True),  # Apixaban 5mg tablets
        ("19506911000001105", True),  # Eliquis 5mg tablets (dm+d extension id)
        ("363346001", False),  # last digit changed
        ("363364000", False),  # two digits swapped: Verhoeff catches transpositions
        ("19506911000001100", False),  # a spreadsheet's rounding of a long id
        ("12345", False),  # too short
        ("0363346000", False),  # leading zero
        ("1234567890123456789", False),  # too long
    ],
)
def test_the_id_check_itself(code, valid):
    assert is_concept_id(code) is valid


def all_codes():
    for group in MEDICINES.values():
        for code, name in group.codes.items():
            yield f"medicine:{group.key}", code, name
    for item in HISTORY.values():
        for code, name in {**item.codes, **(item.categories or {})}.items():
            yield f"history:{item.key}", code, name


@pytest.mark.parametrize(("key", "code", "name"), list(all_codes()), ids=lambda v: str(v)[:40])
def test_every_listed_id_is_a_snomed_concept_id(key, code, name):
    assert is_concept_id(code), f"{key}: {code} ({name}) is not a valid SNOMED CT concept id"
    assert name and name == name.strip()


def test_an_id_listed_in_two_groups_names_the_same_product():
    names: dict[str, str] = {}
    for _key, code, name in all_codes():
        assert names.setdefault(code, name) == name, code


# --- Sources and keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry", [*MEDICINES.values(), *HISTORY.values()], ids=lambda entry: entry.key
)
def test_every_group_cites_a_source_on_an_allowed_host(entry):
    assert entry.sources
    for source in entry.sources:
        url = urlsplit(source.url)
        assert url.scheme == "https", source
        assert url.hostname in ALLOWED_HOSTS, source
        assert source.title.strip(), source


def test_every_key_is_a_record_key():
    expected = {
        *(f"condition:{key}" for key in CONDITIONS),
        *(f"medicine:{key}" for key in MEDICINES),
        *(f"history:{key}" for key in HISTORY),
    }
    assert expected <= RECORD_KEYS
    assert {"medicine:anticoagulant", "history:cancer", "history:recent_surgery"} <= RECORD_KEYS
    assert set(MEDICINES) == {
        "anticoagulant",
        "immunosuppressant",
        "low_white_cells",
        "severe_skin_reaction",
    }
    assert set(HISTORY) == {"cancer", "recent_surgery"}


def test_the_dictionaries_are_keyed_by_their_own_keys():
    assert all(key == group.key for key, group in MEDICINES.items())
    assert all(key == item.key for key, item in HISTORY.items())


def test_ingredients_are_lower_case_and_unique():
    for group in MEDICINES.values():
        assert all(name == name.lower().strip() for name in group.ingredients), group.key
        assert len(set(group.ingredients)) == len(group.ingredients), group.key


# --- Medicines by name -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # dm+d VMP names
        ("Apixaban 5mg tablets", "anticoagulant"),
        ("Apixaban 2.5mg tablets", "anticoagulant"),
        ("Rivaroxaban 20mg tablets", "anticoagulant"),
        ("Edoxaban 60mg tablets", "anticoagulant"),
        ("Dabigatran etexilate 150mg capsules", "anticoagulant"),
        ("Warfarin 1mg tablets", "anticoagulant"),
        ("Warfarin sodium 1mg tablets", "anticoagulant"),
        (
            "Enoxaparin sodium 40mg/0.4ml solution for injection pre-filled syringes",
            "anticoagulant",
        ),
        (
            "Dalteparin sodium 5,000units/0.2ml solution for injection pre-filled syringes",
            "anticoagulant",
        ),
        (
            "Tinzaparin sodium 10,000units/0.5ml solution for injection pre-filled syringes",
            "anticoagulant",
        ),
        (
            "Fondaparinux sodium 2.5mg/0.5ml solution for injection pre-filled syringes",
            "anticoagulant",
        ),
        ("Heparin sodium 5,000units/0.2ml solution for injection ampoules", "anticoagulant"),
        ("Acenocoumarol 1mg tablets", "anticoagulant"),
        ("Methotrexate 2.5mg tablets", "immunosuppressant"),
        ("Methotrexate 10mg/0.2ml solution for injection pre-filled syringes", "immunosuppressant"),
        ("Azathioprine 50mg tablets", "immunosuppressant"),
        ("Mycophenolate mofetil 500mg tablets", "immunosuppressant"),
        ("Mycophenolic acid 360mg gastro-resistant tablets", "immunosuppressant"),
        ("Ciclosporin 100mg capsules", "immunosuppressant"),
        ("Tacrolimus 1mg capsules", "immunosuppressant"),
        ("Leflunomide 20mg tablets", "immunosuppressant"),
        ("Capecitabine 500mg tablets", "immunosuppressant"),
        ("Cyclophosphamide 50mg tablets", "immunosuppressant"),
        ("Adalimumab 40mg/0.4ml solution for injection pre-filled pens", "immunosuppressant"),
        ("Etanercept 50mg/1ml solution for injection pre-filled pens", "immunosuppressant"),
        (
            "Infliximab 100mg powder for concentrate for solution for infusion vials",
            "immunosuppressant",
        ),
        ("Rituximab 500mg/50ml concentrate for solution for infusion vials", "immunosuppressant"),
        ("Tocilizumab 162mg/0.9ml solution for injection pre-filled syringes", "immunosuppressant"),
        ("Carbimazole 20mg tablets", "low_white_cells"),
        ("Propylthiouracil 50mg tablets", "low_white_cells"),
        ("Clozapine 100mg tablets", "low_white_cells"),
        ("Sulfasalazine 500mg gastro-resistant tablets", "low_white_cells"),
        ("Methotrexate 2.5mg tablets", "low_white_cells"),
        ("Azathioprine 25mg tablets", "low_white_cells"),
        ("Mercaptopurine 50mg tablets", "low_white_cells"),
        ("Allopurinol 100mg tablets", "severe_skin_reaction"),
        ("Carbamazepine 200mg modified-release tablets", "severe_skin_reaction"),
        ("Carbamazepine 100mg/5ml oral suspension sugar free", "severe_skin_reaction"),
        ("Lamotrigine 25mg dispersible tablets sugar free", "severe_skin_reaction"),
        ("Phenytoin sodium 100mg capsules", "severe_skin_reaction"),
        ("Phenobarbital 30mg tablets", "severe_skin_reaction"),
        ("Oxcarbazepine 300mg tablets", "severe_skin_reaction"),
        ("Nevirapine 200mg tablets", "severe_skin_reaction"),
        ("Co-trimoxazole 80mg/400mg tablets", "severe_skin_reaction"),
        ("Co-trimoxazole 40mg/200mg/5ml oral suspension sugar free", "severe_skin_reaction"),
        ("Sulfasalazine 500mg tablets", "severe_skin_reaction"),
        ("Meloxicam 7.5mg tablets", "severe_skin_reaction"),
        ("Piroxicam 10mg capsules", "severe_skin_reaction"),
        # RxNorm names, as in the Synthea samples
        ("Warfarin Sodium 5 MG Oral Tablet", "anticoagulant"),
        ("apixaban 5 MG Oral Tablet", "anticoagulant"),
        ("rivaroxaban 20 MG Oral Tablet [Xarelto]", "anticoagulant"),
        ("dabigatran etexilate 150 MG Oral Capsule", "anticoagulant"),
        ("enoxaparin sodium 40 MG in 0.4 ML Prefilled Syringe", "anticoagulant"),
        ("Methotrexate 2.5 MG Oral Tablet", "immunosuppressant"),
        ("cycloSPORINE 100 MG Oral Capsule", "immunosuppressant"),
        ("hydroxyurea 500 MG Oral Capsule", "immunosuppressant"),
        ("1 ML adalimumab 50 MG/ML Prefilled Syringe", "immunosuppressant"),
        ("clozapine 100 MG Oral Tablet", "low_white_cells"),
        ("sulfamethoxazole 800 MG / trimethoprim 160 MG Oral Tablet", "severe_skin_reaction"),
        ("lamoTRIgine 25 MG Oral Tablet", "severe_skin_reaction"),
        ("24 HR carbamazepine 200 MG Extended Release Oral Tablet", "severe_skin_reaction"),
    ],
)
def test_a_coded_name_belongs_to_its_group(name, key):
    assert key in named(name)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        # not anticoagulants: painkillers and antiplatelets
        ("Paracetamol 500mg tablets", "anticoagulant"),
        ("Acetaminophen 325 MG Oral Tablet", "anticoagulant"),
        ("Aspirin 75mg dispersible tablets", "anticoagulant"),
        ("Aspirin 81 MG Oral Tablet", "anticoagulant"),
        ("Clopidogrel 75mg tablets", "anticoagulant"),
        ("Ticagrelor 90mg tablets", "anticoagulant"),
        ("Dipyridamole 200mg modified-release capsules", "anticoagulant"),
        # heparin that does not anticoagulate the person
        ("Heparinised saline 10units/ml", "anticoagulant"),
        ("Heparin sodium 10units/ml flush solution", "anticoagulant"),
        ("Heparin Lock Flush 10 UNT/ML Injectable Solution", "anticoagulant"),
        ("Hirudoid 0.3% cream (heparinoid)", "anticoagulant"),
        # not immunosuppressive: skin and eye preparations, steroids, hydroxychloroquine
        ("Tacrolimus 0.1% ointment", "immunosuppressant"),
        ("Ciclosporin 1mg/ml eye drops", "immunosuppressant"),
        ("Fluorouracil 5% cream", "immunosuppressant"),
        ("Prednisolone 5mg tablets", "immunosuppressant"),
        ("Hydroxychloroquine sulfate 200mg tablets", "immunosuppressant"),
        ("Sulfasalazine 500mg tablets", "immunosuppressant"),
        # no agranulocytosis warning
        ("Amoxicillin 500mg capsules", "low_white_cells"),
        ("Levothyroxine sodium 50microgram tablets", "low_white_cells"),
        ("Olanzapine 10mg tablets", "low_white_cells"),
        # not on the NHS list of medicines linked to Stevens-Johnson syndrome
        ("Ibuprofen 400mg tablets", "severe_skin_reaction"),
        ("Naproxen sodium 220 MG Oral Tablet", "severe_skin_reaction"),
        ("Sodium valproate 200mg gastro-resistant tablets", "severe_skin_reaction"),
        ("Trimethoprim 200mg tablets", "severe_skin_reaction"),
        ("Silver sulfadiazine 1% cream", "severe_skin_reaction"),
    ],
)
def test_a_near_miss_does_not_belong(name, key):
    assert key not in named(name)


def test_names_are_matched_as_whole_words_whatever_the_case():
    assert named("WARFARIN 3MG TABLETS") == {"anticoagulant"}
    assert named("warfarin 3mg tablets") == {"anticoagulant"}
    # "phenytoin" is not found inside "fosphenytoin": fosphenytoin is listed in its own right
    assert "fosphenytoin" in MEDICINES["severe_skin_reaction"].ingredients
    pattern = risk_factors._INGREDIENT_PATTERNS["severe_skin_reaction"]
    assert pattern.search("Fosphenytoin sodium 750mg/10ml").group(0) == "Fosphenytoin"
    # a word that merely starts with an ingredient's name is not that ingredient
    assert named("Heparinoid 0.3% cream") == set()
    assert named("Carbamazepinex 200mg") == set()
    assert named("Pre-warfarin assessment") == set()
    # "cutaneous" excludes a skin preparation, but not a subcutaneous injection
    assert named("Methotrexate 25mg/0.5ml solution for subcutaneous injection") == {
        "immunosuppressant",
        "low_white_cells",
    }
    assert named("Methotrexate 25mg/0.5ml solution for sub-cutaneous injection") == {
        "immunosuppressant",
        "low_white_cells",
    }


def test_one_medicine_can_answer_several_groups():
    assert named("Methotrexate 2.5mg tablets") == {"immunosuppressant", "low_white_cells"}
    assert named("Sulfasalazine 500mg tablets") == {"low_white_cells", "severe_skin_reaction"}
    assert keys_of(
        [(None, "Apixaban 5mg tablets"), (None, "Allopurinol 100mg tablets"), (None, None)]
    ) == {"anticoagulant", "severe_skin_reaction"}


def test_nothing_is_answered_without_a_code_or_a_name():
    assert keys_of([]) == set()
    assert keys_of([(None, None), (None, ""), ("", None)]) == set()


# --- Medicines by code -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "key"),
    [
        ("21677511000001105", "anticoagulant"),  # Eliquis 5mg tablets
        ("19841411000001101", "anticoagulant"),  # Xarelto 20mg tablets
        ("19465811000001104", "anticoagulant"),  # Pradaxa 150mg capsules
        ("29902711000001104", "anticoagulant"),  # Lixiana 60mg tablets
        ("933311000001105", "anticoagulant"),  # Marevan 1mg tablets
        ("3825411000001104", "anticoagulant"),  # Clexane 40mg/0.4ml
        ("3723611000001103", "anticoagulant"),  # Fragmin 5,000units/0.2ml
        ("675711000001108", "immunosuppressant"),  # Imuran 50mg tablets
        ("456811000001107", "immunosuppressant"),  # Neoral 100mg capsules
        ("3661611000001102", "immunosuppressant"),  # CellCept 500mg tablets
        ("62411000001105", "immunosuppressant"),  # Arava 20mg tablets
        ("3832011000001100", "low_white_cells"),  # Clozaril 100mg tablets
        ("198211000001102", "low_white_cells"),  # Salazopyrin EN-Tabs 500mg
        ("644711000001108", "low_white_cells"),  # Maxtrex 2.5mg tablets
        ("443711000001108", "severe_skin_reaction"),  # Tegretol 200mg tablets
        ("2925811000001101", "severe_skin_reaction"),  # Lamictal 25mg tablets
        ("764411000001104", "severe_skin_reaction"),  # Septrin Forte tablets
    ],
)
def test_a_brand_is_recognised_by_its_dmd_id(code, key):
    group = MEDICINES[key]
    brand = group.codes[code]
    assert key in keys_of([(code, brand)])
    assert key in keys_of([(f" {code} ", None)])  # the id alone, as the record may carry it
    # the brand's name does not name its ingredient: without the id nothing would match
    assert not any(word in brand.lower() for word in group.ingredients)


def test_an_unknown_code_falls_back_to_the_name():
    assert keys_of([("999999999", "Apixaban 5mg tablets")]) == {"anticoagulant"}
    assert keys_of([("999999999", "Paracetamol 500mg tablets")]) == set()


def test_the_listed_generic_products_also_match_by_name():
    # A VMP listed by id is named after its ingredient, so the two routes agree.
    for key, vmp in [
        ("anticoagulant", "703908001"),
        ("anticoagulant", "319733000"),
        ("immunosuppressant", "326874007"),
        ("low_white_cells", "42270011000001100"),
        ("severe_skin_reaction", "41947411000001107"),
    ]:
        name = MEDICINES[key].codes[vmp]
        assert key in named(name), (key, name)


# --- History ---------------------------------------------------------------------------------


def test_cancer_is_answered_by_the_general_concept_and_common_primaries():
    cancer = HISTORY["cancer"]
    assert cancer.codes["363346000"] == "Malignant neoplastic disease (disorder)"
    assert cancer.within_days is None
    for code in [
        "363346000",  # Malignant neoplastic disease
        "254837009",  # breast
        "363358000",  # lung
        "399068003",  # prostate
        "363406005",  # colon
        "363351006",  # rectum
        "118600007",  # lymphoma
        "93143009",  # leukaemia
        "372244006",  # melanoma
        "109989006",  # myeloma
    ]:
        assert history_keys([code]) == {"cancer"}, code
    assert all(name.endswith(")") for name in cancer.codes.values())


def test_history_ignores_other_conditions_and_operations():
    # Synthea conditions: diabetes, hypertension, acute bronchitis
    assert history_keys(["44054006", "38341003", "10509002"]) == set()
    # an operation's code is not a history item answered by condition codes
    assert history_keys(["80146002"]) == set()
    assert history_keys([]) == set()


def test_history_codes_are_trimmed_and_a_single_code_is_not_split():
    assert history_keys([" 254837009 "]) == {"cancer"}
    assert history_keys("363346000") == {"cancer"}
    assert history_keys("3") == set()


def test_recent_surgery_is_four_weeks():
    assert HISTORY["recent_surgery"].within_days == 28
    assert HISTORY["recent_surgery"].categories == {"387713003": "Surgical procedure (procedure)"}


@pytest.mark.parametrize(
    "code",
    [
        "80146002",  # Appendectomy
        "6025007",  # Laparoscopic appendectomy
        "45595009",  # Laparoscopic cholecystectomy
        "52734007",  # Total replacement of hip
        "609588000",  # Total knee replacement
        "11466000",  # Cesarean section
        "236886002",  # Hysterectomy
        "44558001",  # Repair of inguinal hernia
        "232717009",  # Coronary artery bypass graft
    ],
)
def test_a_listed_operation_counts(code):
    assert is_operation(code, [])
    assert is_operation(f" {code}", ())


@pytest.mark.parametrize(
    "code",
    [
        "73761001",  # Colonoscopy (Synthea)
        "117015009",  # Throat culture (Synthea)
        "46706006",  # Replacement of contraceptive intrauterine device (Synthea)
        "428191000124101",  # Documentation of current medications (Synthea)
        "387713003",  # the category code, given as a procedure code
        None,
        "",
    ],
)
def test_a_procedure_that_is_not_a_listed_operation_does_not_count(code):
    assert not is_operation(code, [])


def test_the_surgical_category_counts_whatever_the_code():
    assert is_operation(None, ["387713003"])
    assert is_operation("73761001", ["103693007", "387713003"])
    assert is_operation(None, "387713003")  # a single category, not split into digits
    assert not is_operation(None, ["103693007"])  # Diagnostic procedure
    assert not is_operation(None, [None])
    assert not is_operation(None, [])


# --- The Synthea samples: real coded data, all near misses ---------------------------------


def synthea_resources(resource_type: str):
    for path in SYNTHEA:
        bundle = json.loads(path.read_bytes())
        for entry in bundle.get("entry", []):
            resource = entry.get("resource", {})
            if resource.get("resourceType") == resource_type:
                yield resource


def test_the_synthea_samples_are_there():
    assert len(SYNTHEA) >= 5, f"Synthea samples missing from {SAMPLES}"


def test_no_synthea_medicine_is_in_a_group():
    # Aspirin, paracetamol, naproxen, amoxicillin, metformin ...: none is in a group.
    pairs = [
        (coding.get("code"), coding.get("display"))
        for request in synthea_resources("MedicationRequest")
        for coding in request.get("medicationCodeableConcept", {}).get("coding", [])
    ]
    assert len(pairs) >= 10
    assert ("243670", "Aspirin 81 MG Oral Tablet") in pairs
    assert keys_of(pairs) == set()


def test_no_synthea_condition_is_cancer():
    codes = [
        coding["code"]
        for condition in synthea_resources("Condition")
        for coding in condition.get("code", {}).get("coding", [])
    ]
    assert "44054006" in codes
    assert history_keys(codes) == set()


def test_no_synthea_procedure_is_an_operation():
    procedures = list(synthea_resources("Procedure"))
    assert procedures
    for procedure in procedures:
        codes = [coding["code"] for coding in procedure.get("code", {}).get("coding", [])]
        categories = [
            coding["code"]
            for category in (procedure.get("category") and [procedure["category"]] or [])
            for coding in category.get("coding", [])
        ]
        assert not any(is_operation(code, categories) for code in codes), codes
