"""Long-term conditions a health record can answer, by SNOMED CT concept id.

A pathway question with ``record_key: condition:<key>`` asks about one of these; the portal
passes the SNOMED CT codes of the person's active problems to ``condition_keys`` and offers
the matching questions pre-answered "yes" for the person to confirm. A code not listed here
answers nothing: the person is asked as usual. Pass only current (not resolved) problems;
pregnancy in particular is a finding that ends.

Each key lists the general concept and the commonly coded, more specific concepts beneath it,
because this module has no terminology server to work out subsumption.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LongTermCondition:
    key: str
    label: str  # what people call it
    codes: dict[str, str]  # SNOMED CT concept id -> fully specified name


CONDITIONS: dict[str, LongTermCondition] = {
    condition.key: condition
    for condition in (
        LongTermCondition(
            "asthma",
            "Asthma",
            {"195967001": "Asthma (disorder)"},
        ),
        LongTermCondition(
            "copd",
            "COPD (chronic obstructive pulmonary disease)",
            {"13645005": "Chronic obstructive lung disease (disorder)"},
        ),
        LongTermCondition(
            "heart_failure",
            "Heart failure",
            {
                "84114007": "Heart failure (disorder)",
                "42343007": "Congestive heart failure (disorder)",
                "88805009": "Chronic congestive heart failure (disorder)",
            },
        ),
        LongTermCondition(
            "coronary_heart_disease",
            "Coronary heart disease or angina",
            {
                "414545008": "Ischemic heart disease (disorder)",
                "53741008": "Coronary arteriosclerosis (disorder)",
                "194828000": "Angina (disorder)",
                "22298006": "Myocardial infarction (disorder)",
                "399211009": "History of myocardial infarction (situation)",
            },
        ),
        LongTermCondition(
            "diabetes",
            "Diabetes",
            {
                "73211009": "Diabetes mellitus (disorder)",
                "46635009": "Diabetes mellitus type 1 (disorder)",
                "44054006": "Diabetes mellitus type 2 (disorder)",
            },
        ),
        LongTermCondition(
            "chronic_kidney_disease",
            "Chronic kidney disease",
            {
                "709044004": "Chronic kidney disease (disorder)",
                "431855005": "Chronic kidney disease stage 1 (disorder)",
                "431856006": "Chronic kidney disease stage 2 (disorder)",
                "433144002": "Chronic kidney disease stage 3 (disorder)",
                "431857002": "Chronic kidney disease stage 4 (disorder)",
                "433146000": "Chronic kidney disease stage 5 (disorder)",
            },
        ),
        LongTermCondition(
            "immunosuppression",
            "A weakened immune system",
            {
                "370388006": "Patient immunocompromised (finding)",
                "234532001": "Immunodeficiency disorder (disorder)",
                "86406008": "Human immunodeficiency virus infection (disorder)",
            },
        ),
        LongTermCondition(
            "pregnancy",
            "Pregnancy",
            {"77386006": "Pregnancy (finding)"},
        ),
    )
}

_KEY_BY_CODE: dict[str, str] = {
    code: condition.key for condition in CONDITIONS.values() for code in condition.codes
}


def condition_keys(codes: Iterable[str]) -> set[str]:
    """The condition keys these SNOMED CT codes answer; unknown codes are ignored.

    >>> sorted(condition_keys(["44054006", "13645005", "999999"]))
    ['copd', 'diabetes']
    """
    if isinstance(codes, str):
        codes = [codes]
    return {_KEY_BY_CODE[code] for code in (str(c).strip() for c in codes) if code in _KEY_BY_CODE}


def _record_keys() -> frozenset[str]:
    from triage_algorithms.risk_factors import HISTORY, MEDICINES

    return frozenset(
        [
            *(f"condition:{key}" for key in CONDITIONS),
            *(f"medicine:{key}" for key in MEDICINES),
            *(f"history:{key}" for key in HISTORY),
        ]
    )


# Every yes/no fact a health record can answer for a question (besides age and sex).
RECORD_KEYS: frozenset[str] = _record_keys()
