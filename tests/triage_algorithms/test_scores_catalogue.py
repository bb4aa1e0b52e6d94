"""What every score shares: the catalogue list, plain-English questions, cited sources, valid
outcomes, and no dependency on the portal."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from triage_algorithms.core import DISPOSITIONS, Algorithm, Question, Source
from triage_algorithms.scores import SCORES

EXAMPLES = {
    "qrisk3": {
        "sex": "female",
        "age": 64,
        "ethnicity": 2,
        "smoking": 0,
        "townsend": "dont_know",
        "bmi": 25.2,
        "sbp": 180,
        "sbp_sd": "dont_know",
        "chol_hdl_ratio": 4,
        "atrial_fibrillation": "yes",
        "atypical_antipsychotics": "no",
        "corticosteroids": False,
        "erectile_dysfunction": False,
        "migraine": False,
        "rheumatoid_arthritis": False,
        "ckd_3_5": False,
        "severe_mental_illness": False,
        "sle": False,
        "treated_hypertension": False,
        "diabetes_type1": False,
        "diabetes_type2": False,
        "family_history_chd": False,
    },
    "phq9": {"items": [1, 2, 1, 0, 0, 1, 0, 0, 1]},
    "gad7": {"items": [3, 3, 3, 3, 0, 0, 0]},
    "diabetes_risk": {
        "age": 61,
        "sex": "male",
        "white_european": False,
        "family_history_diabetes": True,
        "waist_cm": 101.5,
        "bmi": 31.2,
        "high_blood_pressure": True,
    },
    "feverpain": {
        "fever_past_24h": True,
        "purulence": True,
        "attend_rapidly_within_3_days": True,
        "severely_inflamed_tonsils": False,
        "no_cough_or_coryza": True,
    },
    "news2": {
        "respiration_rate": 26,
        "spo2": 90,
        "spo2_scale": "2",
        "on_oxygen": "yes",
        "systolic_bp": 95,
        "pulse": 120,
        "consciousness": "C",
        "temperature": "39.4",
    },
}
AMERICAN = re.compile(
    r"\b(color|center|behavior|organiz|recogniz|pediatric|anemia|liter|fiber|gray)",
    re.IGNORECASE,
)


def test_the_catalogue_lists_the_six_scores_once():
    ids = [score().id for score in SCORES]
    assert ids == ["qrisk3", "phq9", "gad7", "diabetes_risk", "feverpain", "news2"]
    assert all(issubclass(score, Algorithm) for score in SCORES)


@pytest.mark.parametrize("score", SCORES, ids=lambda score: score.id)
def test_description_and_questions_are_complete_and_in_plain_british_english(score):
    algorithm = score()
    described = algorithm.describe()
    assert described["kind"] == "score"
    assert described["version"] and described["title"] and described["audience"]
    assert len(algorithm.summary) > 60
    assert algorithm.sources and all(isinstance(source, Source) for source in algorithm.sources)
    assert all(source.url.startswith("https://") for source in algorithm.sources)
    ids = [question.id for question in algorithm.questions]
    assert len(ids) == len(set(ids))
    texts = [algorithm.summary, algorithm.title]
    for question in algorithm.questions:
        assert isinstance(question, Question)
        assert question.text.endswith("?") and question.help, question.id
        assert (question.default is not None) is question.dont_know_allowed
        texts += [question.text, question.help, *(c.label for c in question.choices)]
        texts += list(question.item_texts)
        json.dumps(question.to_dict())
    assert not AMERICAN.search(" ".join(texts))


@pytest.mark.parametrize("score", SCORES, ids=lambda score: score.id)
def test_example_outcome_is_complete_deterministic_and_cited(score):
    algorithm = score()
    outcome = algorithm.evaluate(EXAMPLES[algorithm.id])
    assert outcome == algorithm.evaluate(EXAMPLES[algorithm.id])
    assert (outcome.algorithm, outcome.version) == (algorithm.id, algorithm.version)
    assert 0 <= outcome.urgency <= 5
    assert outcome.disposition is None or outcome.disposition in DISPOSITIONS
    assert outcome.band and outcome.score is not None
    assert outcome.care_advice and outcome.worsening_advice
    assert not AMERICAN.search(outcome.care_advice + outcome.worsening_advice)
    assert outcome.rationale
    for reason in outcome.rationale:
        assert reason.rule.startswith(f"{algorithm.id}.") and reason.text
        assert reason.sources and all(s.url.startswith("https://") for s in reason.sources)
    assert json.loads(json.dumps(outcome.to_dict()))["algorithm"] == algorithm.id


def test_the_scores_import_nothing_from_the_portal():
    code = (
        "import sys, triage_algorithms.scores\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'myhealth', 'flask_sqlalchemy'))\n"
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
