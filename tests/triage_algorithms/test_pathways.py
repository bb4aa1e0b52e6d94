"""The packaged symptom pathways, tested from their own definitions.

Every rule of every pathway (red flags, ordered rules and the default) must be able to fire
and decide the outcome for some complete answer set: the answer sets are enumerated from the
question definitions, respecting skip logic, with numbers tried at and either side of every
threshold the conditions use. Hypothesis then checks the properties over generated answer
sets, and hand-written cases pin the behaviour the brief and the sources require."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import triage_algorithms
from triage_algorithms.conditions import CONDITIONS
from triage_algorithms.core import DISPOSITIONS, RED_FLAG, Question
from triage_algorithms.engine import SOURCE_HOSTS, Pathway, load_pathways
from triage_algorithms.rules import Answer

PATHWAYS: dict[str, Pathway] = {pathway.id: pathway for pathway in load_pathways()}
REQUIRED = {
    "chest_pain",
    "headache",
    "abdominal_pain",
    "fever_adult",
    "cough_breathlessness",
    "sore_throat",
    "urinary_symptoms",
    "back_pain",
    "rash",
    "low_mood",
}
RULES = [
    (pathway.id, rule.id)
    for pathway in PATHWAYS.values()
    for rule in (*pathway.red_flags, *pathway.rules)
]
HYPOTHESIS = settings(max_examples=150, deadline=None, database=None, derandomize=True)


# --- answer sets derived from the definitions ----------------------------------------------


def _leaves(condition: Any) -> Iterator[Answer]:
    if isinstance(condition, Answer):
        yield condition
    elif hasattr(condition, "condition"):
        yield from _leaves(condition.condition)
    elif condition is not None:
        for item in condition.conditions:
            yield from _leaves(item)


def _conditions(pathway: Pathway) -> list[Any]:
    rules = (*pathway.red_flags, *pathway.rules)
    return [*pathway.ask_if.values(), *(rule.when for rule in rules)]


def candidates(pathway: Pathway, question: Question) -> list[Any]:
    """Answers worth trying: every choice, or each number threshold and its neighbours."""
    if question.type == "boolean":
        return [True, False]
    if question.type == "choice":
        return [choice.value for choice in question.choices]
    values = {question.minimum, question.maximum}
    for condition in _conditions(pathway):
        for leaf in _leaves(condition):
            if leaf.question == question.id:
                values |= {leaf.value - 1, leaf.value, leaf.value + 1}
    return sorted(v for v in values if question.minimum <= v <= question.maximum)


def answer_sets(pathway: Pathway) -> Iterator[dict[str, Any]]:
    """Every complete answer set over the candidate answers, asking only what skip logic asks."""

    def walk(index: int, answers: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if index == len(pathway.questions):
            yield dict(answers)
            return
        question = pathway.questions[index]
        if not pathway.applies(question, answers):
            yield from walk(index + 1, answers)
            return
        for value in candidates(pathway, question):
            answers[question.id] = value
            yield from walk(index + 1, answers)
        del answers[question.id]

    return walk(0, {})


@cache
def deciding_answers(pathway_id: str) -> dict[str, dict[str, Any]]:
    """For each rule, the first enumerated answer set in which that rule decides the outcome."""
    pathway = PATHWAYS[pathway_id]
    found: dict[str, dict[str, Any]] = {}
    for answers in answer_sets(pathway):
        found.setdefault(pathway.evaluate(answers).rationale[0].rule, answers)
    return found


def complete(pathway: Pathway, **given: Any) -> dict[str, Any]:
    """A complete answer set: the given answers, "no" to every other yes/no question asked,
    and the lowest value for other number questions. Choice questions must be given."""
    answers: dict[str, Any] = {}
    for question in pathway.questions:
        if not pathway.applies(question, answers):
            continue
        if question.id in given:
            answers[question.id] = given[question.id]
        elif question.type == "boolean":
            answers[question.id] = False
        elif question.type in ("integer", "number"):
            answers[question.id] = question.minimum
        else:
            raise AssertionError(f"give an answer to {question.id}")
    return answers


def outcome_of(pathway_id: str, **given: Any):
    pathway = PATHWAYS[pathway_id]
    return pathway.evaluate(complete(pathway, **given))


# --- coverage of the definitions -------------------------------------------------------------


def test_the_ten_required_pathways_exist():
    assert set(PATHWAYS) >= REQUIRED


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_each_pathway_is_a_manageable_set_of_questions(pathway_id):
    pathway = PATHWAYS[pathway_id]
    assert 6 <= len(pathway.questions) <= 12
    assert pathway.red_flags, "every pathway has red flags"
    assert pathway.audience and pathway.summary and pathway.sources
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", pathway.version)
    assert sum(1 for _ in answer_sets(pathway)) < 20_000, "too many answer sets to check all"


@pytest.mark.parametrize(("pathway_id", "rule_id"), RULES)
def test_every_rule_can_fire_and_decide_the_outcome(pathway_id, rule_id):
    pathway = PATHWAYS[pathway_id]
    rule = pathway.rule(rule_id)
    answers = deciding_answers(pathway_id).get(rule_id)
    assert answers is not None, f"{pathway_id}: no complete answer set makes {rule_id} decide"
    outcome = pathway.evaluate(answers)
    assert rule_id in [reason.rule for reason in outcome.rationale]
    assert outcome.disposition == rule.disposition
    assert outcome.urgency == DISPOSITIONS[rule.disposition]
    assert outcome.rationale[0].sources == rule.sources
    assert (outcome.care_advice, outcome.worsening_advice) == (
        rule.care_advice,
        rule.worsening_advice,
    )
    if rule in pathway.red_flags:
        assert outcome.flags[0] == RED_FLAG and rule_id in outcome.flags
    else:
        assert outcome.flags == [] and len(outcome.rationale) == 1


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_every_enumerated_answer_set_gets_one_disposition_with_reasons(pathway_id):
    pathway = PATHWAYS[pathway_id]
    for answers in answer_sets(pathway):
        _check_outcome(pathway, answers)


# --- properties over generated answer sets -----------------------------------------------


@st.composite
def generated_answers(draw, pathway: Pathway) -> dict[str, Any]:
    """A complete answer set drawn from the question definitions, following skip logic."""
    answers: dict[str, Any] = {}
    for question in pathway.questions:
        if not pathway.applies(question, answers):
            continue
        if question.type == "boolean":
            value = draw(st.booleans())
        elif question.type == "choice":
            value = draw(st.sampled_from([choice.value for choice in question.choices]))
        elif question.type == "integer":
            value = draw(st.integers(int(question.minimum), int(question.maximum)))
        else:
            value = draw(st.floats(question.minimum, question.maximum, allow_nan=False))
        answers[question.id] = value
    return answers


def _check_outcome(pathway: Pathway, answers: dict[str, Any]) -> None:
    outcome = pathway.evaluate(answers)
    assert outcome.disposition in DISPOSITIONS
    assert outcome.urgency == DISPOSITIONS[outcome.disposition]
    assert outcome.algorithm == pathway.id and outcome.version == pathway.version
    assert outcome.rationale, "every outcome says why"
    for reason in outcome.rationale:
        assert reason.text and reason.sources
        assert all(source.title and source.url.startswith("https://") for source in reason.sources)
    assert outcome.care_advice and outcome.worsening_advice

    typed = pathway.validate(answers)
    fired = [rule for rule in pathway.red_flags if rule.matches(typed)]
    if fired:
        top = max(rule.urgency for rule in fired)
        assert outcome.urgency == top
        assert outcome.disposition in {rule.disposition for rule in fired if rule.urgency == top}
        assert outcome.flags[0] == RED_FLAG
        assert set(outcome.flags[1:]) == {rule.id for rule in fired}
        assert [reason.rule for reason in outcome.rationale] == outcome.flags[1:]
    else:
        first = next(rule for rule in pathway.rules if rule.matches(typed))
        assert [reason.rule for reason in outcome.rationale] == [first.id]
        assert outcome.disposition == first.disposition
        assert outcome.flags == []


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
@HYPOTHESIS
@given(data=st.data())
def test_any_complete_answer_set_gets_one_disposition_and_red_flags_win(pathway_id, data):
    pathway = PATHWAYS[pathway_id]
    _check_outcome(pathway, data.draw(generated_answers(pathway)))


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
@HYPOTHESIS
@given(data=st.data())
def test_the_same_answers_always_give_the_same_outcome(pathway_id, data):
    pathway = PATHWAYS[pathway_id]
    answers = data.draw(generated_answers(pathway))
    first = pathway.evaluate(answers)
    shuffled = dict(data.draw(st.permutations(list(answers.items()))))
    assert pathway.evaluate(shuffled) == first
    assert PATHWAYS[pathway_id].evaluate(dict(answers)).to_dict() == first.to_dict()
    # as a web form would send them
    as_text = {
        key: ("yes" if value else "no") if isinstance(value, bool) else str(value)
        for key, value in answers.items()
    }
    assert pathway.evaluate(as_text) == first


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
@HYPOTHESIS
@given(data=st.data())
def test_answers_to_skipped_questions_change_nothing(pathway_id, data):
    pathway = PATHWAYS[pathway_id]
    answers = data.draw(generated_answers(pathway))
    extra = dict(answers)
    for question in pathway.questions:
        if question.id not in answers:
            extra[question.id] = data.draw(st.sampled_from(candidates(pathway, question)))
    assert pathway.validate(extra) == pathway.validate(answers)
    assert pathway.evaluate(extra) == pathway.evaluate(answers)


# --- content rules -----------------------------------------------------------------------

AMERICAN = re.compile(
    r"\b(color|center|behavior|organiz|recogniz|pediatric|anemia|diarrhea|anesthe|"
    r"hospitaliz|emergency room|gray|pain killer|vomitting)",
    re.IGNORECASE,
)


def _texts(pathway: Pathway) -> Iterator[str]:
    yield from (pathway.title, pathway.summary, pathway.audience)
    for question in pathway.questions:
        yield from (question.text, question.help, *(c.label for c in question.choices))
    for rule in (*pathway.red_flags, *pathway.rules):
        yield from (rule.reason, rule.care_advice, rule.worsening_advice)


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_plain_british_english_throughout(pathway_id):
    for text in _texts(PATHWAYS[pathway_id]):
        assert not AMERICAN.search(text), text
        assert "  " not in text and text == text.strip(), repr(text)


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_sources_are_nice_cks_nice_or_nhs_pages(pathway_id):
    pathway = PATHWAYS[pathway_id]
    for rule in (*pathway.red_flags, *pathway.rules):
        for source in rule.sources:
            host = source.url.split("/")[2]
            assert host in SOURCE_HOSTS
            assert source.title.split(":")[0] in ("NHS", "NICE CKS") or source.title.startswith(
                "NICE "
            ), source.title
            assert source in pathway.sources, f"{rule.id} cites a source the pathway does not list"


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_age_and_conditions_can_come_from_the_record(pathway_id):
    for question in PATHWAYS[pathway_id].questions:
        if question.id == "age":
            assert question.record_key == "age" and question.type == "integer"
            assert question.minimum == 16, "the pathways are for adults aged 16 and over"
        if question.record_key and question.record_key.startswith("condition:"):
            assert question.record_key.removeprefix("condition:") in CONDITIONS
            assert question.type == "boolean"


def test_the_pathways_use_age_and_long_term_conditions():
    keys = {q.record_key for p in PATHWAYS.values() for q in p.questions if q.record_key}
    assert {"age", "sex"} <= keys
    assert {
        "condition:copd",
        "condition:heart_failure",
        "condition:asthma",
        "condition:diabetes",
        "condition:immunosuppression",
        "condition:pregnancy",
        "condition:coronary_heart_disease",
    } <= keys


@pytest.mark.skipif(
    importlib.util.find_spec("triage_algorithms.scores") is None,
    reason="triage_algorithms.scores is not written yet",
)
def test_the_catalogue_lists_and_loads_the_pathways():
    entries = {entry["id"]: entry for entry in triage_algorithms.catalogue()}
    for pathway_id, pathway in PATHWAYS.items():
        assert entries[pathway_id] == pathway.describe()
        assert entries[pathway_id]["kind"] == "pathway"
        assert triage_algorithms.load(pathway_id).rules == pathway.rules
    with pytest.raises(triage_algorithms.UnknownAlgorithm):
        triage_algorithms.load("broken_leg")


def test_every_pathway_uses_skip_logic():
    assert all(pathway.ask_if for pathway in PATHWAYS.values())


# --- behaviour the sources require ------------------------------------------------------------


def _decided_by(outcome) -> str:
    return outcome.rationale[0].rule


def test_a_rash_that_does_not_fade_means_calling_999():
    outcome = outcome_of("rash", not_fading=True)
    assert outcome.disposition == "call_999"
    assert outcome.flags == [RED_FLAG, "rash_not_fading"]
    assert outcome_of("rash").disposition == "pharmacist"


@pytest.mark.parametrize(
    "given",
    [
        {"suicidal_thoughts": True, "plan_or_intent": True},
        {"suicidal_thoughts": True, "cannot_keep_safe": True},
        {"harmed_self": True},
    ],
)
def test_suicidal_thoughts_with_a_plan_or_self_harm_means_calling_999(given):
    outcome = outcome_of("low_mood", **given)
    assert outcome.disposition == "call_999"
    assert RED_FLAG in outcome.flags
    assert "999" in outcome.care_advice


def test_suicidal_thoughts_without_a_plan_means_urgent_mental_health_help_today():
    outcome = outcome_of("low_mood", suicidal_thoughts=True)
    assert outcome.disposition == "urgent_care_today"
    assert outcome.flags == [RED_FLAG, "suicidal_thoughts"]
    assert "option 2" in outcome.care_advice and "116 123" in outcome.care_advice
    with_plan = outcome_of("low_mood", suicidal_thoughts=True, plan_or_intent=True)
    assert [reason.rule for reason in with_plan.rationale] == [
        "suicidal_with_plan",
        "suicidal_thoughts",
    ]


def test_low_mood_for_two_weeks_means_seeing_a_gp():
    assert outcome_of("low_mood", low_two_weeks=True).disposition == "gp_within_3_days"
    assert outcome_of("low_mood").disposition == "self_care"


@pytest.mark.parametrize(
    ("given", "red_flag"),
    [
        ({"when_pain": "now", "spreads": True}, "heart_attack_signs"),
        ({"when_pain": "last_12_hours", "with_symptoms": True}, "heart_attack_signs"),
        ({"when_pain": "now", "sudden_not_going": True}, "heart_attack_signs"),
        (
            {"when_pain": "now", "heart_condition": True, "gtn_not_helped": True},
            "angina_not_relieved",
        ),
        ({"when_pain": "now", "blood_or_leg": True}, "blood_clot_signs"),
    ],
)
def test_chest_pain_red_flags_mean_calling_999(given, red_flag):
    outcome = outcome_of("chest_pain", **given)
    assert outcome.disposition == "call_999"
    assert red_flag in outcome.flags


def test_chest_pain_timing_follows_nice_cg95():
    features = {"spreads": True}
    assert outcome_of("chest_pain", when_pain="hours_12_to_72", **features).disposition == (
        "urgent_care_today"
    )
    assert outcome_of("chest_pain", when_pain="over_72_hours", **features).disposition == "gp_today"
    assert outcome_of("chest_pain", when_pain="over_72_hours").disposition == "gp_within_3_days"


def test_breathlessness_with_copd_or_heart_failure_escalates():
    worse = {"worse_with_activity": True}
    assert outcome_of("cough_breathlessness", **worse).disposition == "gp_within_3_days"
    assert outcome_of("cough_breathlessness", copd=True, **worse).disposition == "gp_today"
    assert outcome_of("cough_breathlessness", heart_failure=True, **worse).disposition == "gp_today"
    assert outcome_of("cough_breathlessness", more_breathless=True, copd=True).disposition == (
        "urgent_care_today"
    )


def test_an_asthma_attack_means_calling_999():
    outcome = outcome_of("cough_breathlessness", asthma=True, asthma_attack=True)
    assert outcome.disposition == "call_999"
    assert _decided_by(outcome) == "asthma_attack"


def test_fever_during_cancer_treatment_or_with_weak_immunity_is_urgent():
    fever = {"high_temperature": True, "age": 40}
    assert outcome_of("fever_adult", cancer_treatment=True, **fever).disposition == "a_and_e_now"
    assert outcome_of("fever_adult", weak_immune_system=True, **fever).disposition == "gp_today"
    assert outcome_of("fever_adult", **fever).disposition == "self_care"


def test_fever_in_people_over_75_follows_nice_ng51():
    assert outcome_of("fever_adult", high_temperature=True, age=75).disposition == "gp_today"
    assert outcome_of("fever_adult", high_temperature=True, age=74).disposition == "self_care"


def test_sepsis_signs_mean_calling_999():
    outcome = outcome_of("fever_adult", age=30, high_temperature=True, confused=True)
    assert outcome.disposition == "call_999"
    assert _decided_by(outcome) == "sepsis_signs"


@pytest.mark.parametrize(
    ("given", "disposition", "rule"),
    [
        ({"sex": "female", "age": 30}, "pharmacist", "pharmacist"),
        ({"sex": "female", "age": 64}, "pharmacist", "pharmacist"),
        ({"sex": "female", "age": 65}, "gp_within_3_days", "older_women"),
        ({"sex": "male", "age": 30}, "gp_today", "men"),
        ({"sex": "female", "age": 30, "pregnant": True}, "gp_today", "pregnancy"),
        ({"sex": "not_said", "age": 30}, "gp_today", "sex_not_given"),
        ({"sex": "female", "age": 30, "kidney_signs": True}, "gp_today", "kidney_infection_signs"),
    ],
)
def test_urinary_symptoms_go_to_a_pharmacist_only_for_women_16_to_64(given, disposition, rule):
    outcome = outcome_of("urinary_symptoms", **given)
    assert (outcome.disposition, _decided_by(outcome)) == (disposition, rule)


def test_men_are_not_asked_whether_they_are_pregnant():
    pathway = PATHWAYS["urinary_symptoms"]
    asked = [q.id for q in pathway.asked_questions({"sex": "male"})]
    assert "pregnant" not in asked
    assert "pregnant" in [q.id for q in pathway.asked_questions({"sex": "female"})]


@pytest.mark.parametrize(
    ("signs", "rule"),
    [
        (5, "feverpain_4_or_5"),
        (4, "feverpain_4_or_5"),
        (3, "feverpain_2_or_3"),
        (2, "feverpain_2_or_3"),
        (1, "self_care"),
        (0, "self_care"),
    ],
)
def test_sore_throat_follows_the_feverpain_bands_of_nice_ng84(signs, rule):
    items = ["fever_24_hours", "pus", "started_recently", "inflamed_tonsils"]
    given = {item: True for item in items[: min(signs, 4)]}
    given["cough_or_cold"] = signs < 5  # having no cough or cold is the fifth sign
    assert _decided_by(outcome_of("sore_throat", **given)) == rule


def test_sore_throat_with_a_weak_immune_system_or_diabetes_needs_a_gp_today():
    assert outcome_of("sore_throat", weak_immune_system=True).disposition == "gp_today"
    assert outcome_of("sore_throat", diabetes=True).disposition == "gp_today"
    assert outcome_of("sore_throat", airway=True).disposition == "call_999"


def test_headache_red_flags():
    assert outcome_of("headache", sudden_severe=True).disposition == "call_999"
    assert outcome_of("headache", stroke_signs=True).disposition == "call_999"
    assert outcome_of("headache", fever_stiff_neck=True).disposition == "call_999"
    assert outcome_of("headache", severe=True, red_eye=True).disposition == "call_999"
    assert outcome_of("headache", head_injury=True).disposition == "a_and_e_now"
    assert outcome_of("headache", pregnant=True, severe=True).disposition == "urgent_care_today"
    assert outcome_of("headache").disposition == "self_care"


def test_back_pain_red_flags():
    assert outcome_of("back_pain", nerve_emergency=True).disposition == "a_and_e_now"
    assert outcome_of("back_pain", chest_pain=True).disposition == "call_999"
    assert outcome_of("back_pain", pain_pattern=True).disposition == "gp_today"
    assert outcome_of("back_pain").disposition == "self_care"


def test_stomach_pain_with_diabetes_and_vomiting_means_calling_999():
    outcome = outcome_of("abdominal_pain", vomiting=True, diabetes=True)
    assert outcome.disposition == "call_999"
    assert outcome_of("abdominal_pain", vomiting=True).disposition == "pharmacist"


def test_shingles_goes_to_a_pharmacist_from_18_and_a_gp_when_pregnant_or_near_the_eye():
    shingles = {"shingles": True}
    assert outcome_of("rash", age=18, **shingles).disposition == "pharmacist"
    assert outcome_of("rash", age=17, **shingles).disposition == "gp_today"
    assert _decided_by(outcome_of("rash", age=40, pregnant=True, **shingles)) == "shingles_urgent"
    assert _decided_by(outcome_of("rash", age=40, shingles_eye=True, **shingles)) == (
        "shingles_urgent"
    )
