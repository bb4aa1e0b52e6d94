"""The Diabetes UK / Leicester Diabetes Risk Score (Gray et al. 2010; Diabetes UK's printed
risk score form) and FeverPAIN (Little et al. BMJ 2013; NICE NG84): every points boundary,
every band edge, and the validation of answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_algorithms.core import REVIEW_THRESHOLD, InvalidAnswers
from triage_algorithms.scores.diabetes_risk import DiabetesRisk
from triage_algorithms.scores.feverpain import FeverPain

DIABETES = DiabetesRisk()
FEVERPAIN = FeverPain()

# Scores 0: female, 49 or younger, white European, no family history, waist < 90, BMI < 25.
ZERO = {
    "age": 40,
    "sex": "female",
    "white_european": True,
    "family_history_diabetes": False,
    "waist_cm": 80,
    "bmi": 22,
    "high_blood_pressure": False,
}


def diabetes(**changes):
    return DIABETES.evaluate({**ZERO, **changes})


@pytest.mark.parametrize(
    ("field", "value", "points"),
    [
        ("age", 49, 0),
        ("age", 50, 5),
        ("age", 59, 5),
        ("age", 60, 9),
        ("age", 69, 9),
        ("age", 70, 13),
        ("sex", "male", 1),
        ("white_european", False, 6),
        ("family_history_diabetes", True, 5),
        ("waist_cm", 89.9, 0),
        ("waist_cm", 90, 4),
        ("waist_cm", 99.9, 4),
        ("waist_cm", 100, 6),
        ("waist_cm", 109.9, 6),
        ("waist_cm", 110, 9),
        ("bmi", 24.9, 0),
        ("bmi", 25, 3),
        ("bmi", 29.9, 3),
        ("bmi", 30, 5),
        ("bmi", 34.9, 5),
        ("bmi", 35, 8),
        ("high_blood_pressure", True, 5),
    ],
)
def test_diabetes_points_for_each_answer(field, value, points):
    outcome = diabetes(**{field: value})
    assert outcome.score == points
    explained = [
        reason for reason in outcome.rationale if not reason.rule.startswith("diabetes_risk.band")
    ]
    assert len(explained) == (1 if points else 0)
    if points:
        assert explained[0].text.endswith(f": {points} point{'' if points == 1 else 's'}.")


# Diabetes UK: 0-6 low, 7-15 increased, 16-24 moderate, 25-47 high.
@pytest.mark.parametrize(
    ("changes", "total", "band", "disposition", "urgency"),
    [
        ({}, 0, "low", "self_care", 0),
        ({"white_european": False}, 6, "low", "self_care", 0),
        ({"white_european": False, "sex": "male"}, 7, "increased", "self_care", 0),
        ({"age": 65, "white_european": False}, 15, "increased", "self_care", 0),
        ({"age": 65, "white_european": False, "sex": "male"}, 16, "moderate", None, 1),
        (
            {"age": 70, "white_european": False, "high_blood_pressure": True},
            24,
            "moderate",
            None,
            1,
        ),
        (
            {"age": 70, "white_european": False, "high_blood_pressure": True, "sex": "male"},
            25,
            "high",
            "gp_within_3_days",
            1,
        ),
        (
            {
                "age": 75,
                "sex": "male",
                "white_european": False,
                "family_history_diabetes": True,
                "waist_cm": 120,
                "bmi": 40,
                "high_blood_pressure": True,
            },
            47,
            "high",
            "gp_within_3_days",
            1,
        ),
    ],
)
def test_diabetes_band_edges(changes, total, band, disposition, urgency):
    outcome = diabetes(**changes)
    assert (outcome.score, outcome.band) == (total, band)
    assert (outcome.disposition, outcome.urgency) == (disposition, urgency)
    assert outcome.flags == ([REVIEW_THRESHOLD] if band == "high" else [])
    assert outcome.rationale[-1].rule == f"diabetes_risk.band.{band}"
    assert outcome.rationale[-1].sources[0].url == "https://riskscore.diabetes.org.uk/"


def test_diabetes_worked_example_explains_every_point():
    # A 55-year-old white European woman, waist 95 cm, BMI 28: 5 + 4 + 3 = 12, increased.
    outcome = diabetes(age=55, waist_cm=95, bmi=28)
    assert (outcome.score, outcome.band) == (12, "increased")
    assert [reason.text for reason in outcome.rationale] == [
        "Age 55: 5 points.",
        "Waist 95 cm: 4 points.",
        "BMI 28: 3 points.",
        "A total of 12 points is in the 7 to 15 range: increased risk.",
    ]


def test_diabetes_reasons_keep_their_template_and_values():
    outcome = diabetes(age=55, waist_cm=101.5, bmi=28, sex="male")
    age, sex, waist, bmi, band = outcome.rationale
    assert (age.template, age.params) == (
        "Age %(age)s: %(points)s points.",
        {"age": 55, "points": 5},
    )
    assert (sex.text, sex.template) == ("Male: 1 point.", "")
    assert waist.text == "Waist 101.5 cm: 6 points."
    assert (waist.template, waist.params) == (
        "Waist %(waist)s cm: %(points)s points.",
        {"waist": 101.5, "points": 6},
    )
    assert bmi.params == {"bmi": 28, "points": 3}
    assert band.text == "A total of 15 points is in the 7 to 15 range: increased risk."
    assert band.template == "A total of %(total)s points is in the 7 to 15 range: increased risk."
    assert band.params == {"total": 15}


def test_diabetes_yes_no_reasons_and_every_band_sentence():
    outcome = diabetes(
        age=75,
        white_european=False,
        family_history_diabetes=True,
        high_blood_pressure=True,
        waist_cm=110,
        bmi=35,
    )
    assert [reason.text for reason in outcome.rationale] == [
        "Age 75: 13 points.",
        "Not white European: 6 points.",
        "A close family member with diabetes: 5 points.",
        "Waist 110 cm: 9 points.",
        "BMI 35: 8 points.",
        "High blood pressure: 5 points.",
        "A total of 46 points is in the 25 to 47 range: high risk.",
    ]
    assert outcome.rationale[1].params == {"points": 6}
    moderate = diabetes(age=70, white_european=False, high_blood_pressure=True)
    assert moderate.rationale[-1].text == (
        "A total of 24 points is in the 16 to 24 range: moderate risk."
    )


def test_diabetes_one_point_is_not_points():
    # Only a man otherwise scoring 0 has a total of 1: the singular is its own message.
    outcome = diabetes(sex="male")
    assert [reason.text for reason in outcome.rationale] == [
        "Male: 1 point.",
        "A total of 1 point is in the 0 to 6 range: low risk.",
    ]
    assert not outcome.rationale[-1].template
    zero = diabetes().rationale[-1]
    assert zero.text == "A total of 0 points is in the 0 to 6 range: low risk."
    assert zero.params == {"total": 0}


def test_diabetes_invalid_and_missing_answers_are_each_named():
    with pytest.raises(InvalidAnswers) as error:
        DIABETES.evaluate({**ZERO, "age": 17, "waist_cm": 251, "bmi": 9, "sex": "x"})
    assert error.value.errors == {
        "age": "Must be between 18 and 120",
        "waist_cm": "Must be between 40 and 250",
        "bmi": "Must be between 10 and 100",
        "sex": "Choose one of: female, male",
    }
    with pytest.raises(InvalidAnswers) as error:
        DIABETES.evaluate({"age": 50})
    assert set(error.value.errors) == {q.id for q in DIABETES.questions} - {"age"}
    assert not any(q.dont_know_allowed for q in DIABETES.questions)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "age": st.integers(18, 120),
            "sex": st.sampled_from(["female", "male"]),
            "white_european": st.booleans(),
            "family_history_diabetes": st.booleans(),
            "waist_cm": st.floats(40, 250),
            "bmi": st.floats(10, 100),
            "high_blood_pressure": st.booleans(),
        }
    )
)
def test_diabetes_total_is_the_sum_of_its_parts(answers):
    outcome = DIABETES.evaluate(answers)
    parts = [
        int(text.rsplit(": ", 1)[1].split()[0])
        for text in (reason.text for reason in outcome.rationale[:-1])
    ]
    assert outcome.score == sum(parts) and 0 <= outcome.score <= 47
    bands = [(6, "low"), (15, "increased"), (24, "moderate"), (47, "high")]
    assert outcome.band == next(band for top, band in bands if outcome.score <= top)


CRITERIA = [
    "fever_past_24h",
    "purulence",
    "attend_rapidly_within_3_days",
    "severely_inflamed_tonsils",
    "no_cough_or_coryza",
]


@pytest.mark.parametrize(
    ("score", "band", "disposition", "urgency"),
    [
        (0, "low", "self_care", 0),
        (1, "low", "self_care", 0),
        (2, "intermediate", "pharmacist", 1),
        (3, "intermediate", "pharmacist", 1),
        (4, "high", "gp_today", 2),
        (5, "high", "gp_today", 2),
    ],
)
def test_feverpain_scores_and_nice_ng84_bands(score, band, disposition, urgency):
    answers = {name: index < score for index, name in enumerate(CRITERIA)}
    outcome = FEVERPAIN.evaluate(answers)
    assert (outcome.score, outcome.band) == (score, band)
    assert (outcome.disposition, outcome.urgency) == (disposition, urgency)
    assert outcome.flags == []
    rules = [reason.rule for reason in outcome.rationale]
    assert rules == [f"feverpain.{name}" for name in CRITERIA[:score]] + [f"feverpain.band.{band}"]
    assert outcome.rationale[-1].sources[0].url == "https://www.nice.org.uk/guidance/ng84"
    assert "999" in outcome.worsening_advice


@pytest.mark.parametrize("criterion", CRITERIA)
def test_feverpain_each_criterion_scores_one(criterion):
    outcome = FEVERPAIN.evaluate({name: name == criterion for name in CRITERIA})
    assert outcome.score == 1
    assert outcome.rationale[0].rule == f"feverpain.{criterion}"
    assert outcome.rationale[0].sources[0].url == "https://doi.org/10.1136/bmj.f5806"


def test_feverpain_reasons_are_fixed_messages():
    outcome = FEVERPAIN.evaluate({name: True for name in CRITERIA})
    assert [reason.text for reason in outcome.rationale] == [
        "One point: a fever in the last 24 hours.",
        "One point: pus on the tonsils or throat.",
        "One point: symptoms that started 3 days ago or less.",
        "One point: very swollen, red tonsils.",
        "One point: no cough or cold symptoms.",
        "A score of 4 or 5: NICE advises considering an antibiotic straight away or a back-up "
        "prescription.",
    ]
    assert not any(reason.template or reason.params for reason in outcome.rationale)


def test_feverpain_invalid_and_missing_answers_are_each_named():
    with pytest.raises(InvalidAnswers) as error:
        FEVERPAIN.evaluate({"fever_past_24h": "maybe", "purulence": "yes"})
    assert error.value.errors == {
        "fever_past_24h": "Answer yes or no",
        **{name: "Missing answer" for name in CRITERIA[2:]},
    }


@settings(max_examples=100, deadline=None)
@given(st.lists(st.booleans(), min_size=5, max_size=5))
def test_feverpain_score_counts_the_criteria_present(flags):
    outcome = FEVERPAIN.evaluate(dict(zip(CRITERIA, flags, strict=True)))
    assert outcome.score == sum(flags)
