"""QRISK3-2017 against scores computed by ClinRisk's original C code.

Reference profiles:

* ``R_PACKAGE_PROFILES``: the 48 profiles of the CRAN package QRISK3's test data set
  ``QRISK3_2019_test`` ("QRISK_C_algorithm_score ... is the score calculated using original
  algorithm", rounded to 1 decimal; https://cran.r-project.org/package=QRISK3), read from its
  JSON transcription in github.com/amanabib/Vascura (tests/qrisk3_reference.json). Each differs
  from a base profile (age 64, Indian, non-smoker, 80 kg, 178 cm, ratio 4, systolic 180,
  standard deviation 20, Townsend 0) in one answer; BMI is weight / height², as the package
  computes it.
* ``PORT_PROFILES``: the expected scores in the test suite of the JavaScript port
  github.com/sisuhealthgroup/qrisk3 (src/qrisk3.test.js), which vary age, ethnicity, cholesterol
  ratio and Townsend score (70 kg, 170 cm, systolic 120).

Together these cover every yes/no term, both sexes, ethnicities 1-5 and 8 and smoking
categories 0-2. The remaining ethnicity and smoking coefficients are checked against a second,
independent reading: the R transcription in the same CRAN package (R/QRISK3-2017ver9.R).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_algorithms.core import REVIEW_THRESHOLD, InvalidAnswers
from triage_algorithms.scores import _qrisk3_equations as equations
from triage_algorithms.scores.qrisk3 import QRisk3

ALGORITHM = QRisk3()
CONDITIONS = equations.CONDITIONS

BASE = {
    "age": 64,
    "ethnicity": 2,
    "smoking": 0,
    "townsend": 0,
    "bmi": 80 / 1.78**2,
    "sbp": 180,
    "sbp_sd": 20,
    "chol_hdl_ratio": 4,
    **{name: False for name in CONDITIONS},
}


def answers(sex: str, **changes) -> dict:
    return {**BASE, "sex": sex, **changes}


# (ID, sex, changes from the base profile, score by the original C code)
R_PACKAGE_PROFILES = [
    (1, "female", {}, 17.2),
    (2, "female", {"atrial_fibrillation": True}, 36.0),
    (3, "female", {"atypical_antipsychotics": True}, 21.6),
    (4, "female", {"corticosteroids": True}, 24.1),
    (5, "female", {"erectile_dysfunction": True}, 17.2),
    (6, "female", {"migraine": True}, 19.1),
    (7, "female", {"rheumatoid_arthritis": True}, 20.9),
    (8, "female", {"ckd_3_5": True}, 22.3),
    (9, "female", {"severe_mental_illness": True}, 19.3),
    (10, "female", {"sle": True}, 23.5),
    (11, "female", {"treated_hypertension": True}, 20.1),
    (12, "female", {"diabetes_type1": True}, 45.6),
    (13, "female", {"diabetes_type2": True}, 30.9),
    (14, "female", {"bmi": 75 / 1.78**2}, 17.2),
    (15, "female", {"bmi": 80 / 1.70**2}, 17.3),
    (16, "female", {"ethnicity": 4}, 17.5),
    (17, "female", {"ethnicity": 5}, 14.2),
    (18, "female", {"family_history_chd": True}, 21.9),
    (19, "female", {"chol_hdl_ratio": 5}, 19.8),
    (20, "female", {"chol_hdl_ratio": 10}, 37.8),
    (21, "female", {"sbp": 175}, 16.5),
    (22, "female", {"sbp_sd": 15}, 16.6),
    (23, "female", {"smoking": 1}, 19.1),
    (24, "female", {"smoking": 2}, 24.5),
    (25, "male", {}, 27.1),
    (26, "male", {"atrial_fibrillation": True}, 42.0),
    (27, "male", {"atypical_antipsychotics": True}, 30.2),
    (28, "male", {"corticosteroids": True}, 35.2),
    (29, "male", {"erectile_dysfunction": True}, 30.4),
    (30, "male", {"migraine": True}, 29.7),
    (31, "male", {"rheumatoid_arthritis": True}, 32.3),
    (32, "male", {"ckd_3_5": True}, 38.2),
    (33, "male", {"severe_mental_illness": True}, 30.0),
    (34, "male", {"sle": True}, 38.8),
    (35, "male", {"treated_hypertension": True}, 30.1),
    (36, "male", {"diabetes_type1": True}, 55.2),
    (37, "male", {"diabetes_type2": True}, 41.5),
    (38, "male", {"bmi": 75 / 1.78**2}, 27.2),
    (39, "male", {"bmi": 80 / 1.70**2}, 27.1),
    (40, "male", {"ethnicity": 4}, 33.4),
    (41, "male", {"ethnicity": 5}, 22.0),
    (42, "male", {"family_history_chd": True}, 34.1),
    (43, "male", {"chol_hdl_ratio": 5}, 31.3),
    (44, "male", {"chol_hdl_ratio": 10}, 59.1),
    (45, "male", {"sbp": 175}, 26.1),
    (46, "male", {"sbp_sd": 15}, 25.9),
    (47, "male", {"smoking": 1}, 29.9),
    (48, "male", {"smoking": 2}, 36.0),
]


@pytest.mark.parametrize(("profile", "sex", "changes", "expected"), R_PACKAGE_PROFILES)
def test_matches_the_original_c_code(profile, sex, changes, expected):
    outcome = ALGORITHM.evaluate(answers(sex, **changes))
    assert outcome.score == pytest.approx(expected, abs=0.05 + 1e-9), profile
    assert outcome.band == "raised" and REVIEW_THRESHOLD in outcome.flags
    assert outcome.version == "QRISK3-2017"


PORT = {"bmi": 70 / 1.7**2, "sbp": 120, "sbp_sd": 10, "townsend": 0, "smoking": 0}


@pytest.mark.parametrize(
    ("age", "sex", "ethnicity", "ratio", "expected"),
    [
        (75, "male", 1, 4, 24.6),
        (65, "male", 1, 4, 12.7),
        (55, "male", 1, 8, 11.7),
        (35, "male", 1, 3.5, 0.6),
        (75, "female", 1, 4, 18.1),
        (65, "female", 1, 4, 8.0),
        (55, "female", 1, 8, 6.1),
        (35, "female", 1, 3.5, 0.4),
        (75, "male", 2, 4, 31.1),
        (65, "male", 3, 4, 19.5),
        (55, "male", 4, 8, 19.1),
        (35, "male", 8, 3.5, 0.4),
        (75, "female", 2, 4, 23.2),
        (65, "female", 3, 4, 13.7),
        (55, "female", 4, 8, 8.1),
        (35, "female", 8, 3.5, 0.3),
    ],
)
def test_matches_the_ports_published_ages_and_ethnicities(age, sex, ethnicity, ratio, expected):
    given_answers = answers(sex, **PORT, age=age, ethnicity=ethnicity, chol_hdl_ratio=ratio)
    score = ALGORITHM.evaluate(given_answers).score
    assert score == pytest.approx(expected, abs=0.05 + 1e-9)


@pytest.mark.parametrize(
    ("age", "sex", "ethnicity", "townsend", "expected"),
    [
        (45, "female", 1, 1.297155 - 0.9, 1.3),
        (45, "female", 1, 6.8937 - 0.9, 1.9),
        (45, "female", 3, 2.2624 - 0.9, 2.3),
        (45, "male", 2, 6.8937 - 0.9, 3.5),
        (75, "male", 2, 6.8937 - 0.9, 30.2),
    ],
)
def test_matches_the_ports_published_townsend_examples(age, sex, ethnicity, townsend, expected):
    changes = {**PORT, "sbp_sd": 0, "townsend": townsend, "age": age, "ethnicity": ethnicity}
    assert ALGORITHM.evaluate(answers(sex, **changes)).score == pytest.approx(expected, abs=0.1)


# A second reading of the coefficients no worked example reaches, from R/QRISK3-2017ver9.R.
R_READING = {
    "female": {
        "survivor": 0.988876402378082,
        "ethnicity": (0, 0.28040314332995425, 0.56298994142075398, 0.29590000851116516,
                      0.072785379877982545, -0.17072135508857317, -0.39371043314874971,
                      -0.32632495283530272, -0.17127056883241784),
        "smoking": (0, 0.13386833786546262, 0.56200858012438537, 0.66749593377502547,
                    0.84948177644830847),
        "age_1": (-4.7057161785851891, -2.7430383403573337, -0.86608088829392182,
                  0.90241562369710648),
        "age_2": (-0.075589244643193026, -0.11951192874867074, -0.10366306397571923,
                  -0.13991853591718389),
    },
    "male": {
        "survivor": 0.977268040180206,
        "ethnicity": (0, 0.27719248760308279, 0.47446360714931268, 0.52961729919689371,
                      0.035100159186299017, -0.35807899669327919, -0.4005648523216514,
                      -0.41522792889830173, -0.26321348134749967),
        "smoking": (0, 0.19128222863388983, 0.55241588192645552, 0.63835053027506072,
                    0.78983819881858019),
        "age_1": (-0.21011133933516346, 0.75268676447503191, 0.99315887556405791,
                  2.1331163414389076),
        "age_2": (-0.00049854870275326121, -0.00079875633317385414, -0.00083706184266251296,
                  -0.00078400319155637289),
    },
}  # fmt: skip


@pytest.mark.parametrize(
    ("sex", "equation"), [("female", equations.FEMALE), ("male", equations.MALE)]
)
def test_coefficients_match_a_second_reading(sex, equation):
    reading = R_READING[sex]
    assert equation.survivor == reading["survivor"]
    assert equation.ethnicity == reading["ethnicity"]
    assert equation.smoking == reading["smoking"]
    for power in ("age_1", "age_2"):
        terms = getattr(equation, f"{power}_terms")
        assert tuple(terms[f"smoking_{k}"] for k in range(1, 5)) == reading[power]


def test_only_the_mens_equation_has_erectile_dysfunction():
    assert "erectile_dysfunction" not in equations.FEMALE.terms
    assert "erectile_dysfunction" in equations.MALE.terms
    outcome = ALGORITHM.evaluate(answers("female", erectile_dysfunction=True))
    assert outcome.score == ALGORITHM.evaluate(answers("female")).score
    assert "qrisk3.erectile_dysfunction" in [reason.rule for reason in outcome.rationale]
    assert "not part of the women's equation" in outcome.rationale[1].text


def test_low_risk_below_ten_percent():
    outcome = ALGORITHM.evaluate(answers("female", **PORT, age=65, ethnicity=1))
    assert outcome.score == pytest.approx(8.03, abs=0.01)
    assert (outcome.band, outcome.urgency, outcome.disposition) == ("low", 0, None)
    assert outcome.flags == []
    assert [reason.rule for reason in outcome.rationale] == [
        "qrisk3.equation",
        "qrisk3.band.low",
        "qrisk3.disclaimer",
    ]
    assert "ClinRisk" in outcome.rationale[-1].text


def test_raised_risk_explains_each_factor_and_cites_its_source():
    outcome = ALGORITHM.evaluate(answers("male", atrial_fibrillation=True, migraine=True))
    assert (outcome.band, outcome.urgency) == ("raised", 1)
    rules = [reason.rule for reason in outcome.rationale]
    assert rules[:3] == ["qrisk3.equation", "qrisk3.atrial_fibrillation", "qrisk3.migraine"]
    assert "qrisk3.band.raised" in rules
    band = outcome.rationale[rules.index("qrisk3.band.raised")]
    assert band.sources[0].url == "https://www.nice.org.uk/guidance/ng238"
    assert all(reason.sources for reason in outcome.rationale)
    assert f"{outcome.score:.1f}%" in outcome.rationale[0].text
    assert "men's equation" in outcome.rationale[0].text


@pytest.mark.parametrize("sex", ["female", "male"])
def test_the_equation_reason_is_a_template_for_each_sex(sex):
    outcome = ALGORITHM.evaluate(answers(sex))
    reason = outcome.rationale[0]
    words = "women" if sex == "female" else "men"
    assert reason.template == (
        f"The QRISK3-2017 {words}'s equation gives a %(risk).1f%% chance of a heart attack or "
        "stroke in the next 10 years."
    )
    assert reason.params == {"risk": outcome.score}
    assert reason.text == (
        f"The QRISK3-2017 {words}'s equation gives a {outcome.score:.1f}% chance of a heart "
        "attack or stroke in the next 10 years."
    )


def test_band_reasons_fill_in_the_nice_threshold():
    raised = ALGORITHM.evaluate(answers("male")).rationale[-2]
    assert raised.text == (
        "A risk of 10% or more: NICE advises talking with your GP practice about lowering it, "
        "which may include a statin."
    )
    assert raised.params == {"threshold": 10}
    low = ALGORITHM.evaluate(answers("female", **PORT, age=65, ethnicity=1)).rationale[-2]
    assert low.text == "A risk below 10%: under NICE guidance, a statin is offered from 10%."
    assert low.template == (
        "A risk below %(threshold)s%%: under NICE guidance, a statin is offered from "
        "%(threshold)s%%."
    )


def test_each_risk_factor_is_one_sentence():
    outcome = ALGORITHM.evaluate(
        answers("male", **{name: True for name in CONDITIONS if name != "diabetes_type2"})
    )
    texts = {reason.rule: reason.text for reason in outcome.rationale}
    assert texts["qrisk3.atrial_fibrillation"] == (
        "You have atrial fibrillation, which QRISK3 counts as a risk factor."
    )
    assert texts["qrisk3.atypical_antipsychotics"] == (
        "You take an atypical antipsychotic medicine, which QRISK3 counts as a risk factor."
    )
    assert texts["qrisk3.corticosteroids"] == (
        "You take steroid tablets regularly, which QRISK3 counts as a risk factor."
    )
    assert texts["qrisk3.treated_hypertension"] == (
        "You take medicine for high blood pressure, which QRISK3 counts as a risk factor."
    )
    assert texts["qrisk3.family_history_chd"] == (
        "You have a parent, brother or sister who had angina or a heart attack before 60, which "
        "QRISK3 counts as a risk factor."
    )
    factors = [r for r in outcome.rationale if r.rule[len("qrisk3.") :] in CONDITIONS]
    assert len(factors) == len(CONDITIONS) - 1
    assert not any(reason.template for reason in factors)
    women = ALGORITHM.evaluate(answers("female", erectile_dysfunction=True)).rationale[1]
    assert women.text == (
        "Erectile dysfunction is not part of the women's equation, so it was not used."
    )


def test_score_is_unrounded():
    assert ALGORITHM.evaluate(answers("female")).score == pytest.approx(17.2298485, abs=1e-6)


@pytest.mark.parametrize(
    ("field", "low", "high", "message"),
    [
        ("age", 24, 85, "Must be between 25 and 84"),
        ("bmi", 19.9, 40.1, "Must be between 20 and 40"),
        ("sbp", 69, 211, "Must be between 70 and 210"),
        ("sbp_sd", -1, 101, "Must be between 0 and 100"),
        ("chol_hdl_ratio", 0.9, 12.1, "Must be between 1 and 12"),
        ("townsend", -8.1, 12.1, "Must be between -8 and 12"),
    ],
)
def test_out_of_range_answers_are_refused_with_the_range(field, low, high, message):
    for value in (low, high):
        with pytest.raises(InvalidAnswers) as error:
            ALGORITHM.evaluate(answers("female", **{field: value}))
        assert error.value.errors == {field: message}


def test_limits_themselves_are_accepted():
    lowest = {"age": 25, "bmi": 20, "sbp": 70, "sbp_sd": 0, "chol_hdl_ratio": 1, "townsend": -8}
    highest = {"age": 84, "bmi": 40, "sbp": 210, "sbp_sd": 100, "chol_hdl_ratio": 12}
    for sex in ("female", "male"):
        assert 0 < ALGORITHM.evaluate(answers(sex, **lowest)).score < 1
        assert ALGORITHM.evaluate(answers(sex, **highest, townsend=12)).score > 90


def test_choices_are_the_qrisk3_codes():
    with pytest.raises(InvalidAnswers) as error:
        ALGORITHM.evaluate(answers("other", ethnicity=10, smoking=5))
    assert set(error.value.errors) == {"sex", "ethnicity", "smoking"}
    labels = [choice.label for choice in ALGORITHM.question("ethnicity").choices]
    assert labels[0] == "White or not stated" and labels[-1] == "Other ethnic group"
    assert [choice.value for choice in ALGORITHM.question("smoking").choices] == [0, 1, 2, 3, 4]


def test_missing_answers_are_each_named():
    with pytest.raises(InvalidAnswers) as error:
        ALGORITHM.evaluate({})
    assert error.value.errors == {q.id: "Missing answer" for q in ALGORITHM.questions}


def test_both_types_of_diabetes_are_refused():
    with pytest.raises(InvalidAnswers) as error:
        ALGORITHM.evaluate(answers("male", diabetes_type1=True, diabetes_type2=True))
    assert error.value.errors == {
        "diabetes_type1": "Answer yes to only one of type 1 and type 2 diabetes",
        "diabetes_type2": "Answer yes to only one of type 1 and type 2 diabetes",
    }


def test_dont_know_uses_clinrisk_default_only_where_published():
    known = ALGORITHM.evaluate(answers("female", townsend=0, sbp_sd=0))
    unknown = ALGORITHM.evaluate(answers("female", townsend="dont_know", sbp_sd="dont_know"))
    assert unknown.score == known.score
    notes = [reason for reason in unknown.rationale if reason.rule.startswith("qrisk3.default")]
    assert [note.rule for note in notes] == ["qrisk3.default.townsend", "qrisk3.default.sbp_sd"]
    assert "ep-qrisk3" in notes[0].sources[0].url
    assert [note.text for note in notes] == [
        "You did not know your Townsend deprivation score, so 0 was used, as the official "
        "QRISK3 software does.",
        "You did not know your blood pressure variation (standard deviation), so 0 was used, as "
        "the official QRISK3 software does.",
    ]
    allowed = {q.id: q.default for q in ALGORITHM.questions if q.dont_know_allowed}
    assert allowed == {"townsend": 0.0, "sbp_sd": 0.0}
    for field in ("bmi", "sbp", "chol_hdl_ratio", "age"):
        with pytest.raises(InvalidAnswers) as error:
            ALGORITHM.evaluate(answers("female", **{field: "dont_know"}))
        assert list(error.value.errors) == [field]


def test_record_keys():
    keys = {q.id: q.record_key for q in ALGORITHM.questions if q.record_key}
    assert keys == {
        "sex": "sex",
        "age": "age",
        "bmi": "observation:39156-5",
        "sbp": "observation:8480-6",
        "chol_hdl_ratio": "observation:9830-1",
    }


profiles = st.fixed_dictionaries(
    {
        "sex": st.sampled_from(["female", "male"]),
        "age": st.integers(25, 84),
        "ethnicity": st.integers(1, 9),
        "smoking": st.integers(0, 4),
        "townsend": st.floats(-8, 12),
        "bmi": st.floats(20, 40),
        "sbp": st.floats(70, 210),
        "sbp_sd": st.floats(0, 100),
        "chol_hdl_ratio": st.floats(1, 12),
        **{name: st.booleans() for name in CONDITIONS if name != "diabetes_type2"},
        "diabetes_type2": st.just(False),
    }
)


@settings(max_examples=300, deadline=None)
@given(profiles)
def test_risk_is_a_percentage_and_the_band_follows_it(profile):
    outcome = ALGORITHM.evaluate(profile)
    assert 0 <= outcome.score <= 100
    raised = outcome.score >= 10
    assert outcome.band == ("raised" if raised else "low")
    assert (REVIEW_THRESHOLD in outcome.flags) is raised
    assert outcome.urgency == int(raised)


@settings(max_examples=200, deadline=None)
@given(profiles, st.floats(0, 99), st.floats(1, 11))
def test_risk_rises_with_ratio_and_blood_pressure_variation(profile, sd, ratio):
    # Both enter each equation once, with a positive coefficient and no interaction.
    base = ALGORITHM.evaluate({**profile, "sbp_sd": sd, "chol_hdl_ratio": ratio}).score
    assert ALGORITHM.evaluate({**profile, "sbp_sd": sd + 1, "chol_hdl_ratio": ratio}).score >= base
    assert ALGORITHM.evaluate({**profile, "sbp_sd": sd, "chol_hdl_ratio": ratio + 1}).score >= base
