"""NEWS2 against the Royal College of Physicians' 2017 chart: both sides of every boundary of
every parameter, SpO2 scale 2 with and without oxygen, and the clinical risk bands including
"any single parameter scoring 3"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage_algorithms.core import DISPOSITIONS, REVIEW_THRESHOLD, InvalidAnswers
from triage_algorithms.scores import news2
from triage_algorithms.scores.news2 import News2

ALGORITHM = News2()
# Every parameter scores 0.
NORMAL = {
    "respiration_rate": 16,
    "spo2": 97,
    "spo2_scale": 1,
    "on_oxygen": False,
    "systolic_bp": 120,
    "pulse": 70,
    "consciousness": "A",
    "temperature": 37.0,
}


def score(**changes) -> int:
    return ALGORITHM.evaluate({**NORMAL, **changes}).score


@pytest.mark.parametrize(
    ("value", "points"),
    [(0, 3), (8, 3), (9, 1), (11, 1), (12, 0), (20, 0), (21, 2), (24, 2), (25, 3), (80, 3)],
)
def test_respiration_rate(value, points):
    assert score(respiration_rate=value) == points


@pytest.mark.parametrize(
    ("value", "points"), [(91, 3), (92, 2), (93, 2), (94, 1), (95, 1), (96, 0), (100, 0)]
)
def test_spo2_scale_1_ignores_oxygen_for_the_saturation_points(value, points):
    assert score(spo2=value) == points
    assert score(spo2=value, on_oxygen=True) == points + 2


@pytest.mark.parametrize(
    ("value", "on_air", "on_oxygen"),
    [
        (83, 3, 3),
        (84, 2, 2),
        (85, 2, 2),
        (86, 1, 1),
        (87, 1, 1),
        (88, 0, 0),
        (92, 0, 0),
        (93, 0, 1),
        (94, 0, 1),
        (95, 0, 2),
        (96, 0, 2),
        (97, 0, 3),
        (100, 0, 3),
    ],
)
def test_spo2_scale_2(value, on_air, on_oxygen):
    assert news2.spo2_points(value, 2, on_oxygen=False) == on_air
    assert news2.spo2_points(value, 2, on_oxygen=True) == on_oxygen
    assert score(spo2=value, spo2_scale=2) == on_air
    assert score(spo2=value, spo2_scale=2, on_oxygen=True) == on_oxygen + 2


@pytest.mark.parametrize(
    ("value", "points"),
    [(50, 3), (90, 3), (91, 2), (100, 2), (101, 1), (110, 1), (111, 0), (219, 0), (220, 3)],
)
def test_systolic_blood_pressure(value, points):
    assert score(systolic_bp=value) == points


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (30, 3),
        (40, 3),
        (41, 1),
        (50, 1),
        (51, 0),
        (90, 0),
        (91, 1),
        (110, 1),
        (111, 2),
        (130, 2),
        (131, 3),
    ],
)
def test_pulse(value, points):
    assert score(pulse=value) == points


@pytest.mark.parametrize(("level", "points"), [("A", 0), ("C", 3), ("V", 3), ("P", 3), ("U", 3)])
def test_consciousness_new_confusion_scores_3(level, points):
    assert score(consciousness=level) == points


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (34.0, 3),
        (35.0, 3),
        (35.1, 1),
        (36.0, 1),
        (36.1, 0),
        (38.0, 0),
        (38.1, 1),
        (39.0, 1),
        (39.1, 2),
        (41.0, 2),
        (38.04, 0),  # read to one decimal place, as on the chart
        (38.05, 1),
        ("37.5", 0),
    ],
)
def test_temperature(value, points):
    assert score(temperature=value) == points


@pytest.mark.parametrize(
    ("changes", "total", "band", "disposition", "urgency", "review"),
    [
        ({}, 0, "low", None, 0, False),
        ({"respiration_rate": 21, "pulse": 111}, 4, "low", None, 1, False),
        ({"respiration_rate": 25}, 3, "low-medium", "urgent_care_today", 3, False),
        ({"consciousness": "C", "pulse": 91}, 4, "low-medium", "urgent_care_today", 3, False),
        (
            {"respiration_rate": 21, "pulse": 111, "temperature": 38.5},
            5,
            "medium",
            "a_and_e_now",
            4,
            True,
        ),
        ({"systolic_bp": 90, "respiration_rate": 21}, 5, "medium", "a_and_e_now", 4, True),
        ({"spo2": 93, "pulse": 111, "respiration_rate": 22}, 6, "medium", "a_and_e_now", 4, True),
        ({"spo2": 91, "pulse": 111, "respiration_rate": 22}, 7, "high", "call_999", 5, True),
    ],
)
def test_clinical_risk_bands_and_responses(changes, total, band, disposition, urgency, review):
    outcome = ALGORITHM.evaluate({**NORMAL, **changes})
    assert (outcome.score, outcome.band) == (total, band)
    assert (outcome.disposition, outcome.urgency) == (disposition, urgency)
    assert outcome.disposition is None or DISPOSITIONS[outcome.disposition] == urgency
    assert outcome.flags == ([REVIEW_THRESHOLD] if review else [])
    assert outcome.rationale[-1].rule == f"news2.band.{band}"
    assert outcome.rationale[-1].text.startswith(f"Total {total}.")
    assert "rcp.ac.uk" in outcome.rationale[-1].sources[0].url


def test_rationale_lists_each_scoring_parameter():
    outcome = ALGORITHM.evaluate(
        {**NORMAL, "respiration_rate": 22, "spo2": 95, "on_oxygen": True, "temperature": 38.5}
    )
    assert [reason.text for reason in outcome.rationale[:-1]] == [
        "Breathing rate 22 a minute: scores 2.",
        "Oxygen level 95% on scale 1 while breathing oxygen: scores 1.",
        "Breathing extra oxygen: scores 2.",
        "Temperature 38.5°C: scores 1.",
    ]
    assert outcome.version == "NEWS2 (RCP 2017)"


def test_each_parameter_reason_is_a_template_with_its_values():
    outcome = ALGORITHM.evaluate(
        {**NORMAL, "respiration_rate": 22, "spo2": 95, "on_oxygen": True, "temperature": 38.5}
    )
    assert [(reason.template, reason.params) for reason in outcome.rationale] == [
        ("Breathing rate %(value)s a minute: scores %(points)s.", {"value": 22, "points": 2}),
        (
            "Oxygen level %(value)s%% on scale %(scale)s while breathing oxygen: scores "
            "%(points)s.",
            {"value": 95, "scale": 1, "points": 1},
        ),
        ("Breathing extra oxygen: scores %(points)s.", {"points": 2}),
        ("Temperature %(value)s°C: scores %(points)s.", {"value": 38.5, "points": 1}),
        (
            "Total %(total)s. A total of 5 or 6 (medium): the RCP asks for an urgent response by "
            "a clinician skilled in caring for people who are acutely ill.",
            {"total": 6},
        ),
    ]


def test_the_other_parameter_reasons_read_as_before():
    outcome = ALGORITHM.evaluate(
        {**NORMAL, "spo2": 84, "spo2_scale": 2, "systolic_bp": 95, "pulse": 45, "temperature": 35}
    )
    assert [reason.text for reason in outcome.rationale[:-1]] == [
        "Oxygen level 84% on scale 2: scores 2.",
        "Systolic BP 95: scores 2.",
        "Pulse 45 a minute: scores 1.",
        "Temperature 35°C: scores 3.",
    ]
    assert outcome.rationale[-1].text == (
        "Total 8. A total of 7 or more (high): the RCP asks for an emergency response by a "
        "critical care team."
    )


@pytest.mark.parametrize(
    ("level", "text"),
    [
        ("C", "Consciousness: new confusion: scores 3."),
        ("V", "Consciousness: responds only to voice: scores 3."),
        ("P", "Consciousness: responds only to pain: scores 3."),
        ("U", "Consciousness: unresponsive: scores 3."),
    ],
)
def test_each_level_of_consciousness_is_its_own_message(level, text):
    reason, band = ALGORITHM.evaluate({**NORMAL, "consciousness": level}).rationale
    assert (reason.rule, reason.text, reason.params) == ("news2.consciousness", text, {"points": 3})
    assert band.text == (
        "Total 3. One measurement scored 3 (low-medium): the RCP asks for an urgent review by a "
        "doctor."
    )


def test_band_reasons_for_no_score_and_a_low_score():
    (zero,) = ALGORITHM.evaluate(NORMAL).rationale
    assert zero.rule == "news2.band.low"
    assert zero.text == "Total 0. A total of 0: the RCP asks for routine monitoring only."
    assert zero.params == {"total": 0}
    low = ALGORITHM.evaluate({**NORMAL, "pulse": 95}).rationale[-1]
    assert low.text.startswith("Total 1. A total of 1 to 4 (low): a nurse or clinician")
    assert low.params == {"total": 1}


def test_out_of_range_and_missing_answers_are_each_named():
    wrong = {
        "respiration_rate": 81,
        "spo2": 101,
        "spo2_scale": 3,
        "on_oxygen": "perhaps",
        "systolic_bp": -1,
        "pulse": 301,
        "consciousness": "X",
        "temperature": 24.9,
    }
    with pytest.raises(InvalidAnswers) as error:
        ALGORITHM.evaluate(wrong)
    assert error.value.errors == {
        "respiration_rate": "Must be between 0 and 80",
        "spo2": "Must be between 0 and 100",
        "spo2_scale": "Choose one of: 1, 2",
        "on_oxygen": "Answer yes or no",
        "systolic_bp": "Must be between 0 and 300",
        "pulse": "Must be between 0 and 300",
        "consciousness": "Choose one of: A, C, V, P, U",
        "temperature": "Must be between 25 and 45",
    }
    with pytest.raises(InvalidAnswers) as error:
        ALGORITHM.evaluate({"pulse": 70.5})
    assert error.value.errors["pulse"] == "Enter a whole number"
    assert len(error.value.errors) == len(ALGORITHM.questions)
    assert not any(q.dont_know_allowed or q.record_key for q in ALGORITHM.questions)


observations = st.fixed_dictionaries(
    {
        "respiration_rate": st.integers(0, 80),
        "spo2": st.integers(0, 100),
        "spo2_scale": st.sampled_from([1, 2]),
        "on_oxygen": st.booleans(),
        "systolic_bp": st.integers(0, 300),
        "pulse": st.integers(0, 300),
        "consciousness": st.sampled_from("ACVPU"),
        "temperature": st.floats(25, 45),
    }
)


@settings(max_examples=500, deadline=None)
@given(observations)
def test_total_is_the_sum_of_the_parameter_scores_and_the_band_follows(answers):
    outcome = ALGORITHM.evaluate(answers)
    parts = [
        news2.respiration_points(answers["respiration_rate"]),
        news2.spo2_points(answers["spo2"], answers["spo2_scale"], answers["on_oxygen"]),
        2 if answers["on_oxygen"] else 0,
        news2.systolic_points(answers["systolic_bp"]),
        news2.pulse_points(answers["pulse"]),
        0 if answers["consciousness"] == "A" else 3,
        news2.temperature_points(answers["temperature"]),
    ]
    assert all(0 <= part <= 3 for part in parts)
    assert outcome.score == sum(parts)
    if outcome.score >= 7:
        assert (outcome.band, outcome.urgency) == ("high", 5)
    elif outcome.score >= 5:
        assert (outcome.band, outcome.urgency) == ("medium", 4)
    elif 3 in parts:
        assert (outcome.band, outcome.urgency) == ("low-medium", 3)
    else:
        assert outcome.band == "low" and outcome.urgency == min(outcome.score, 1)
    assert (REVIEW_THRESHOLD in outcome.flags) is (outcome.score >= 5)
