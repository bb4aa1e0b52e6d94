"""Risk factors a health record can answer besides long-term conditions: medicines that
change what a symptom means, a history of cancer and a recent operation.

A pathway question (or an item of a "multiple" question) with ``record_key:
medicine:<key>`` or ``history:<key>`` is offered pre-answered "yes" when the record holds it,
for the person to confirm or change. A record that does not hold it answers nothing: the
person is asked as usual, so these lists make the questions easier, never skip them.

Medicines are recognised by their dm+d / SNOMED CT concept id, or by the dm+d virtual
therapeutic moiety (the active ingredient's name, such as "apixaban") appearing as a word in
the coded name, because a record codes medicines at product level (dm+d VMP or AMP in
England; RxNorm in the Synthea samples) and this package has no terminology server to walk
from a product to its ingredient. Conditions are recognised by SNOMED CT concept id, listing
the commonly coded concepts beneath the general one for the same reason.

A branded product's name (an AMP such as "Eliquis 5mg tablets") does not contain its
ingredient, so the ids listed are mostly the brands' AMPs, with the VMPs of the common forms;
a brand whose id is not listed is recognised only when the record also carries the name of
its ingredient. Every id listed here was checked against a published code list (named in a
comment beside it); none was typed from memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from triage_algorithms.core import Source
from triage_algorithms.risk_factor_codes import (
    AZATHIOPRINE,
    CANCER,
    CARBAMAZEPINE,
    CLOZAPINE,
    CO_TRIMOXAZOLE,
    DOAC,
    IMMUNOSUPPRESSANT_ONLY,
    LAMOTRIGINE,
    LEFLUNOMIDE,
    LMWH_BRANDS,
    MERCAPTOPURINE,
    METHOTREXATE,
    OPERATIONS,
    SULFASALAZINE,
    WARFARIN,
)

# --- Sources (https on www.nice.org.uk, cks.nice.org.uk, www.nhs.uk or bnf.nice.org.uk) ---

CKS_ANTICOAGULATION_ORAL = Source(
    "NICE CKS: Anticoagulation - oral", "https://cks.nice.org.uk/topics/anticoagulation-oral/"
)
NICE_HEAD_INJURY = Source(
    "NICE NG232: Head injury: assessment and early management",
    "https://www.nice.org.uk/guidance/ng232",
)
NICE_PE = Source(
    "NICE NG158: Venous thromboembolic diseases: diagnosis, management and thrombophilia testing",
    "https://www.nice.org.uk/guidance/ng158",
)
NICE_NEUTROPENIC_SEPSIS = Source(
    "NICE CG151: Neutropenic sepsis: prevention and management in people with cancer",
    "https://www.nice.org.uk/guidance/cg151",
)
CKS_NEUTROPENIC_SEPSIS = Source(
    "NICE CKS: Neutropenic sepsis", "https://cks.nice.org.uk/topics/neutropenic-sepsis/"
)
CKS_DMARDS = Source("NICE CKS: DMARDs", "https://cks.nice.org.uk/topics/dmards/")
CKS_SORE_THROAT = Source(
    "NICE CKS: Sore throat - acute", "https://cks.nice.org.uk/topics/sore-throat-acute/"
)
BNF_CARBIMAZOLE = Source("BNF: Carbimazole", "https://bnf.nice.org.uk/drugs/carbimazole/")
BNF_CLOZAPINE = Source("BNF: Clozapine", "https://bnf.nice.org.uk/drugs/clozapine/")
NHS_SJS = Source(
    "NHS: Stevens-Johnson syndrome", "https://www.nhs.uk/conditions/stevens-johnson-syndrome/"
)
BNF_OXCARBAZEPINE = Source("BNF: Oxcarbazepine", "https://bnf.nice.org.uk/drugs/oxcarbazepine/")
CKS_BACK_PAIN = Source(
    "NICE CKS: Back pain - low (without radiculopathy)",
    "https://cks.nice.org.uk/topics/back-pain-low-without-radiculopathy/",
)

# Kept for callers of the earlier name (it always pointed at the CKS topic).
BNF_ANTICOAGULANTS = CKS_ANTICOAGULATION_ORAL


@dataclass(frozen=True)
class MedicineGroup:
    key: str
    label: str  # what people call it
    ingredients: tuple[str, ...]  # dm+d VTM names (and RxNorm spellings), lower case
    codes: dict[str, str]  # dm+d / SNOMED CT concept id -> name
    sources: tuple[Source, ...]
    # Words that, in a coded name, mean the product does not count although it names an
    # ingredient (a skin cream or eye drop of an immunosuppressant, a heparin line flush).
    # Only names are filtered: a listed id always counts.
    not_if: tuple[str, ...] = ()

    def matches(self, code: str | None, name: str | None) -> bool:
        if code is not None and str(code).strip() in self.codes:
            return True
        if not name or _INGREDIENT_PATTERNS[self.key].search(name) is None:
            return False
        exclude = _EXCLUDE_PATTERNS.get(self.key)
        return exclude is None or exclude.search(name) is None


@dataclass(frozen=True)
class HistoryItem:
    key: str
    label: str
    # SNOMED CT concept id -> fully specified name (for operations: the term of the list the
    # id was checked against, which is the preferred term)
    codes: dict[str, str]
    sources: tuple[Source, ...]
    # For an operation: how recent it must be to count, in days (None: any time).
    within_days: int | None = None
    # FHIR Procedure.category codes that also count (SNOMED CT).
    categories: dict[str, str] | None = None


# Skin, eye and ear preparations of an immunosuppressant or cytotoxic (tacrolimus or
# ciclosporin ointment and eye drops, fluorouracil cream, sirolimus gel) do not weaken the
# immune system or the bone marrow.
_NOT_SYSTEMIC = (
    "cream",
    "ointment",
    "gel",
    "eye drops",
    "ear drops",
    "eye emulsion",
    "eye ointment",
    "cutaneous",
    "topical",
    "lotion",
)

MEDICINES: dict[str, MedicineGroup] = {
    group.key: group
    for group in (
        # BNF chapter 2.8: parenteral anticoagulants (heparin, the low molecular weight
        # heparins, heparinoid, fondaparinux, direct thrombin inhibitors) and oral
        # anticoagulants (vitamin K antagonists and the DOACs). Antiplatelets (aspirin,
        # clopidogrel, ticagrelor, prasugrel, dipyridamole) are a different BNF section and
        # are not anticoagulants. Names are matched as whole words, so "heparinised saline"
        # and "heparinoid" (Hirudoid cream) do not match "heparin"; a heparin line flush or
        # lock named as such is excluded. A low-strength heparin flush coded only as
        # "Heparin sodium ... solution for injection" is still recognised: the person is
        # asked to confirm.
        MedicineGroup(
            "anticoagulant",
            "A blood thinner (anticoagulant), such as warfarin, apixaban or rivaroxaban",
            (
                "warfarin",
                "acenocoumarol",
                "phenindione",
                "apixaban",
                "dabigatran",
                "edoxaban",
                "rivaroxaban",
                "heparin",
                "dalteparin",
                "enoxaparin",
                "tinzaparin",
                "danaparoid",
                "fondaparinux",
                "argatroban",
                "bivalirudin",
            ),
            {**DOAC, **WARFARIN, **LMWH_BRANDS},
            (CKS_ANTICOAGULATION_ORAL, NICE_HEAD_INJURY, NICE_PE),
            not_if=("flush", "lock", "cream", "gel", "ointment"),
        ),
        # Cytotoxic chemotherapy (NICE CG151 and CKS: neutropenic sepsis), the antimetabolite,
        # calcineurin and mTOR immunosuppressants, the DMARD leflunomide (CKS: DMARDs) and the
        # biologic and JAK-inhibitor immunosuppressants a primary care record commonly holds as
        # hospital-prescribed medicines. Oral corticosteroids are left out on purpose: CKS and
        # the Green Book count steroids as immunosuppressive only at a high dose taken for a
        # set time, and a coded prescription does not say whether the person's dose and
        # duration reach that, so most prednisolone records (short courses, low doses) would be
        # pre-answered wrongly. Hydroxychloroquine and sulfasalazine do not weaken the immune
        # system in this sense (sulfasalazine is in low_white_cells for its blood warnings).
        MedicineGroup(
            "immunosuppressant",
            "Chemotherapy or another medicine that weakens the immune system",
            (
                # cytotoxic chemotherapy, oral
                "capecitabine",
                "cyclophosphamide",
                "chlorambucil",
                "melphalan",
                "busulfan",
                "temozolomide",
                "lomustine",
                "hydroxycarbamide",
                "hydroxyurea",  # RxNorm name of hydroxycarbamide
                "tioguanine",
                "thioguanine",  # RxNorm name of tioguanine
                "etoposide",
                "procarbazine",
                # cytotoxic chemotherapy, intravenous
                "fluorouracil",
                "docetaxel",
                "paclitaxel",
                "carboplatin",
                "cisplatin",
                "oxaliplatin",
                "doxorubicin",
                "epirubicin",
                "gemcitabine",
                "irinotecan",
                "vincristine",
                "vinorelbine",
                "cytarabine",
                "fludarabine",
                "bendamustine",
                "ifosfamide",
                "pemetrexed",
                "azacitidine",
                # antimetabolite immunosuppressants
                "methotrexate",
                "azathioprine",
                "mercaptopurine",
                "mycophenolate",
                "mycophenolic acid",
                "leflunomide",
                # calcineurin and mTOR inhibitors
                "ciclosporin",
                "cyclosporine",  # RxNorm name of ciclosporin
                "tacrolimus",
                "sirolimus",
                "everolimus",
                # biologic and JAK-inhibitor immunosuppressants
                "adalimumab",
                "etanercept",
                "infliximab",
                "certolizumab",
                "golimumab",
                "rituximab",
                "tocilizumab",
                "sarilumab",
                "abatacept",
                "ustekinumab",
                "secukinumab",
                "ixekizumab",
                "vedolizumab",
                "natalizumab",
                "ocrelizumab",
                "alemtuzumab",
                "anakinra",
                "baricitinib",
                "tofacitinib",
                "upadacitinib",
                "filgotinib",
            ),
            {
                **AZATHIOPRINE,
                **METHOTREXATE,
                **MERCAPTOPURINE,
                **LEFLUNOMIDE,
                **IMMUNOSUPPRESSANT_ONLY,
            },
            (NICE_NEUTROPENIC_SEPSIS, CKS_NEUTROPENIC_SEPSIS, CKS_DMARDS),
            not_if=_NOT_SYSTEMIC,
        ),
        # Medicines the BNF and CKS warn can cause agranulocytosis or neutropenia, with the
        # advice that a sore throat, mouth ulcers or fever needs an urgent blood count: the
        # antithyroid drugs carbimazole and propylthiouracil (BNF, CSM warning), clozapine
        # (BNF), and the DMARDs CKS monitors for neutropenia (methotrexate, azathioprine,
        # mercaptopurine, sulfasalazine, leflunomide, penicillamine). Cytotoxic chemotherapy
        # is the immunosuppressant group; a pathway that cares about both asks both.
        MedicineGroup(
            "low_white_cells",
            "A medicine that can lower the white blood cells, such as carbimazole or clozapine",
            (
                "carbimazole",
                "propylthiouracil",
                "clozapine",
                "sulfasalazine",
                "sulphasalazine",  # the former British name, still in older records
                "methotrexate",
                "azathioprine",
                "mercaptopurine",
                "leflunomide",
                "penicillamine",
            ),
            {
                **CLOZAPINE,
                **SULFASALAZINE,
                **AZATHIOPRINE,
                **METHOTREXATE,
                **MERCAPTOPURINE,
                **LEFLUNOMIDE,
            },
            (CKS_SORE_THROAT, BNF_CARBIMAZOLE, BNF_CLOZAPINE, CKS_DMARDS),
            not_if=_NOT_SYSTEMIC,
        ),
        # The NHS page's "medicines commonly linked to Stevens-Johnson syndrome": allopurinol,
        # carbamazepine, lamotrigine, nevirapine, oxicam anti-inflammatories (meloxicam,
        # piroxicam; tenoxicam is the third oxicam in the BNF), phenobarbital, phenytoin,
        # sulfamethoxazole (co-trimoxazole) and other sulfa antibiotics (sulfadiazine), and
        # sulfasalazine; with oxcarbazepine and eslicarbazepine, which the BNF and MHRA warn
        # about with carbamazepine (HLA-B*1502 and HLA-A*3101). Other NSAIDs such as
        # ibuprofen are not on the NHS list and are not included. "Phenytoin" is matched as a
        # whole word, so it does not match "fosphenytoin"; fosphenytoin (an injection turned
        # into phenytoin in the body) is listed in its own right.
        MedicineGroup(
            "severe_skin_reaction",
            "A medicine known to cause severe skin reactions, such as lamotrigine or allopurinol",
            (
                "allopurinol",
                "carbamazepine",
                "oxcarbazepine",
                "eslicarbazepine",
                "lamotrigine",
                "phenytoin",
                "fosphenytoin",
                "phenobarbital",
                "phenobarbitone",  # the former British name, still in older records
                "nevirapine",
                "meloxicam",
                "piroxicam",
                "tenoxicam",
                "co-trimoxazole",
                "sulfamethoxazole",
                "sulfadiazine",
                "sulfasalazine",
                "sulphasalazine",
            ),
            {**CARBAMAZEPINE, **LAMOTRIGINE, **CO_TRIMOXAZOLE, **SULFASALAZINE},
            (NHS_SJS, BNF_OXCARBAZEPINE),
            # silver sulfadiazine cream (Flamazine) is a burns dressing, not a sulfa antibiotic
            # taken by mouth
            not_if=("cream",),
        ),
    )
}

HISTORY: dict[str, HistoryItem] = {
    item.key: item
    for item in (
        # Cancer now or in the past: the condition counts whatever its clinical status
        # (active, in remission or resolved).
        HistoryItem(
            "cancer",
            "Cancer, now or in the past",
            CANCER,
            (CKS_BACK_PAIN, NICE_NEUTROPENIC_SEPSIS),
        ),
        HistoryItem(
            "recent_surgery",
            "An operation in the last 4 weeks",
            OPERATIONS,
            (NICE_PE,),
            within_days=28,
            # checked in the same IPS free set as the operations
            categories={"387713003": "Surgical procedure (procedure)"},
        ),
    )
}


def _words(words: Iterable[str]) -> re.Pattern[str]:
    # Whole words, case-insensitive; a space in a phrase also matches a hyphen or several
    # spaces ("eye drops", "eye-drops").
    alternatives = (r"[\s-]+".join(map(re.escape, word.split())) for word in words)
    return re.compile(r"(?<![\w-])(" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


# An ingredient is matched only as a whole word: "phenytoin" does not match "fosphenytoin",
# "heparin" does not match "heparinised" or "heparinoid", and a hyphenated name such as
# "co-trimoxazole" is one word.
_INGREDIENT_PATTERNS = {group.key: _words(group.ingredients) for group in MEDICINES.values()}
_EXCLUDE_PATTERNS = {
    group.key: _words(group.not_if) for group in MEDICINES.values() if group.not_if
}


def medicine_keys(medicines: Iterable[tuple[str | None, str | None]]) -> set[str]:
    """The medicine groups these (code, coded name) pairs belong to.

    >>> sorted(medicine_keys([(None, "Apixaban 5mg tablets"), ("1", "Paracetamol")]))
    ['anticoagulant']
    """
    return {
        group.key
        for code, name in medicines
        for group in MEDICINES.values()
        if group.matches(code, name)
    }


def history_keys(condition_codes: Iterable[str]) -> set[str]:
    """The history items (other than operations) these SNOMED CT condition codes answer.

    Pass the codes of the person's conditions whatever their clinical status: cancer in
    remission or resolved still answers "cancer, now or in the past".

    >>> sorted(history_keys(["254837009", "44054006"]))
    ['cancer']
    """
    if isinstance(condition_codes, str):
        condition_codes = [condition_codes]
    codes = {str(code).strip() for code in condition_codes}
    return {
        item.key
        for item in HISTORY.values()
        if item.within_days is None and codes & set(item.codes)
    }


def is_operation(code: str | None, categories: Iterable[str]) -> bool:
    """Whether a procedure with this code and these category codes counts as an operation.

    The caller checks the date against ``HISTORY["recent_surgery"].within_days``.

    >>> is_operation("80146002", []), is_operation("73761001", [])
    (True, False)
    >>> is_operation(None, ["387713003"])
    True
    """
    item = HISTORY["recent_surgery"]
    if isinstance(categories, str):
        categories = [categories]
    category_codes = {str(category).strip() for category in categories if category is not None}
    return (code is not None and str(code).strip() in item.codes) or bool(
        category_codes & set(item.categories or {})
    )
