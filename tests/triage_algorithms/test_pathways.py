"""The packaged symptom pathways, tested from their own definitions.

Every rule of every pathway (red flags, ordered rules and the default) must be able to fire
and decide the outcome for some complete answer set: a search over the question definitions
(respecting skip logic, with numbers tried at and either side of every threshold the
conditions use) finds one, pruning with the engine's three-valued logic. Hypothesis then
checks the properties over generated answer sets, including that stopping early on an
emergency never gives other advice than asking every question. What the sources require of
each pathway is tested by the stories in ``test_scenarios.py``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import triage_algorithms
from triage_algorithms.conditions import RECORD_KEYS
from triage_algorithms.core import DISPOSITIONS, DONT_KNOW, EMERGENCY_URGENCY, RED_FLAG, Question
from triage_algorithms.engine import DEMOGRAPHIC_KEYS, SOURCE_HOSTS, Pathway, load_pathways
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
    """Answers worth trying, the least alarming first: no before yes, none of a list before
    each item and each pair of items, every choice, or each number threshold and its
    neighbours."""
    if question.type == "boolean":
        return [False, True]
    if question.type == "choice":
        return [choice.value for choice in question.choices]
    if question.type == "multiple":
        values = [choice.value for choice in question.choices]
        pairs = [[a, b] for i, a in enumerate(values) for b in values[i + 1 :]]
        return [[], *([value] for value in values), *pairs, values]
    values = {question.minimum, question.maximum}
    for condition in _conditions(pathway):
        for leaf in _leaves(condition):
            if leaf.question == question.id:
                values |= {leaf.value - 1, leaf.value, leaf.value + 1}
    return sorted(v for v in values if question.minimum <= v <= question.maximum)


def search(pathway: Pathway, wanted) -> dict[str, Any] | None:
    """A complete answer set for which ``wanted(typed, pending)`` is never False, found by
    trying answers in order and backtracking as soon as it is (three-valued pruning)."""

    def walk(index: int, answers: dict[str, Any], pending: set[str]) -> dict[str, Any] | None:
        if wanted(answers, pending) is False:
            return None
        if index == len(pathway.questions):
            return dict(answers) if wanted(answers, set()) else None
        question = pathway.questions[index]
        rest = pending - {question.id}
        if not pathway.applies(question, answers):
            return walk(index + 1, answers, rest)
        for value in candidates(pathway, question):
            answers[question.id] = value
            found = walk(index + 1, answers, rest)
            if found is not None:
                return found
        del answers[question.id]
        return None

    return walk(0, {}, {question.id for question in pathway.questions})


@cache
def deciding_answers(pathway_id: str, rule_id: str) -> dict[str, Any] | None:
    """A complete answer set in which this rule decides the outcome: for a red flag, it fires
    and no more urgent (or earlier, equally urgent) red flag does; for an ordered rule, no red
    flag and no earlier rule fires."""
    pathway = PATHWAYS[pathway_id]
    rule = pathway.rule(rule_id)
    if rule in pathway.red_flags:
        index = pathway.red_flags.index(rule)
        beaten_by = [
            other
            for position, other in enumerate(pathway.red_flags)
            if other.urgency > rule.urgency or (other.urgency == rule.urgency and position < index)
        ]
    else:
        index = pathway.rules.index(rule)
        beaten_by = [*pathway.red_flags, *pathway.rules[:index]]

    def wanted(answers, pending):
        if rule.value3(answers, pending) is False:
            return False
        values = [other.value3(answers, pending) for other in beaten_by]
        if any(value is True for value in values):
            return False
        if not pending:
            return rule.value3(answers, pending) is True and not any(values)
        return None

    return search(pathway, wanted)


def complete(pathway: Pathway, **given: Any) -> dict[str, Any]:
    """A complete answer set: the given answers, "no" to every other yes/no question asked,
    none of every list, and the lowest value for other number questions. Choice questions
    must be given."""
    answers: dict[str, Any] = {}
    for question in pathway.questions:
        if not pathway.applies(question, answers):
            continue
        if question.id in given:
            answers[question.id] = given[question.id]
        elif question.type == "boolean":
            answers[question.id] = False
        elif question.type == "multiple":
            answers[question.id] = []
        elif question.type in ("integer", "number"):
            answers[question.id] = question.minimum
        else:
            raise AssertionError(f"give an answer to {question.id}")
    return answers


# --- coverage of the definitions -------------------------------------------------------------


def test_the_ten_required_pathways_exist():
    assert set(PATHWAYS) >= REQUIRED


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_each_pathway_starts_with_the_emergency_screen(pathway_id):
    pathway = PATHWAYS[pathway_id]
    assert pathway.screen == "emergency_screen"
    assert pathway.questions[0].id == "emergency_signs"
    assert pathway.questions[0].type == "multiple"
    assert pathway.red_flags, "every pathway has red flags"
    assert pathway.audience and pathway.summary and pathway.sources
    assert re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", pathway.version)
    assert len(pathway.questions) <= 40


@pytest.mark.parametrize(("pathway_id", "rule_id"), RULES)
def test_every_rule_can_fire_and_decide_the_outcome(pathway_id, rule_id):
    pathway = PATHWAYS[pathway_id]
    rule = pathway.rule(rule_id)
    answers = deciding_answers(pathway_id, rule_id)
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
def test_red_flag_questions_are_asked_of_everyone(pathway_id):
    """The loader refuses gated red flags; check the packaged files the same way from here."""
    pathway = PATHWAYS[pathway_id]
    by_id = {question.id: question for question in pathway.questions}
    for rule in pathway.red_flags:
        for question_id in rule.when.questions():
            condition = pathway.ask_if.get(question_id)
            gates = condition.questions() if condition is not None else set()
            assert all(by_id[gate].record_key in DEMOGRAPHIC_KEYS for gate in gates), (
                rule.id,
                question_id,
            )


# --- properties over generated answer sets -----------------------------------------------


@st.composite
def generated_answers(draw, pathway: Pathway) -> dict[str, Any]:
    """A complete answer set drawn from the question definitions, following skip logic."""
    answers: dict[str, Any] = {}
    typed: dict[str, Any] = {}
    for question in pathway.questions:
        if not pathway.applies(question, typed):
            continue
        if question.not_sure is not None and draw(st.integers(0, 4)) == 0:
            value = DONT_KNOW
        elif question.type == "boolean":
            value = draw(st.booleans())
        elif question.type == "choice":
            value = draw(st.sampled_from([choice.value for choice in question.choices]))
        elif question.type == "multiple":
            values = [choice.value for choice in question.choices]
            # Mostly nothing ticked, as most people would, so later questions are reached.
            value = draw(st.one_of(st.just([]), st.lists(st.sampled_from(values), max_size=3)))
        elif question.type == "integer":
            value = draw(st.integers(int(question.minimum), int(question.maximum)))
        else:
            value = draw(st.floats(question.minimum, question.maximum, allow_nan=False))
        answers[question.id] = value
        typed[question.id] = question.coerce(value)
    return answers


def _check_outcome(pathway: Pathway, answers: dict[str, Any]) -> None:
    outcome = pathway.evaluate(answers)
    assert outcome.disposition in DISPOSITIONS
    assert outcome.urgency == DISPOSITIONS[outcome.disposition]
    assert outcome.algorithm == pathway.id and outcome.version == pathway.version
    assert outcome.rationale, "every outcome says why"
    assert not outcome.decided_early, "a complete answer set is evaluated in full"
    for reason in outcome.rationale:
        assert reason.text and reason.sources
        assert all(source.title and source.url.startswith("https://") for source in reason.sources)
    assert outcome.care_advice and outcome.worsening_advice

    typed = pathway.validate(answers)
    fired = [rule for rule in pathway.red_flags if rule.matches(typed)]
    rules = [r.rule for r in outcome.rationale if not r.rule.startswith("not_sure.")]
    if fired:
        top = max(rule.urgency for rule in fired)
        assert outcome.urgency == top
        assert outcome.disposition in {rule.disposition for rule in fired if rule.urgency == top}
        assert outcome.flags[0] == RED_FLAG
        assert set(outcome.flags[1:]) == {rule.id for rule in fired}
        assert rules == outcome.flags[1:]
    else:
        first = next(rule for rule in pathway.rules if rule.matches(typed))
        assert rules == [first.id]
        assert outcome.disposition == first.disposition
        assert outcome.flags == []
    unsure = {q.id for q in pathway.questions if answers.get(q.id) == DONT_KNOW}
    noted = {
        r.rule.removeprefix("not_sure.")
        for r in outcome.rationale
        if r.rule.startswith("not_sure.")
    }
    assert noted == unsure, "every 'not sure' answer is explained with the outcome"


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
@HYPOTHESIS
@given(data=st.data())
def test_any_complete_answer_set_gets_one_disposition_and_red_flags_win(pathway_id, data):
    pathway = PATHWAYS[pathway_id]
    _check_outcome(pathway, data.draw(generated_answers(pathway)))


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
@HYPOTHESIS
@given(data=st.data())
def test_stopping_early_never_changes_the_advice(pathway_id, data):
    """Whenever the answers so far decide an emergency, asking the rest would have given the
    same disposition: the early outcome is never less (or more) urgent than the full one."""
    pathway = PATHWAYS[pathway_id]
    answers = data.draw(generated_answers(pathway))
    full = pathway.evaluate(answers)
    so_far: dict[str, Any] = {}
    for question in pathway.asked_questions(answers):
        so_far[question.id] = answers[question.id]
        decided = pathway.decide(so_far)
        if decided is not None:
            early = decided[1]
            assert early.urgency == full.urgency >= EMERGENCY_URGENCY
            assert early.disposition == full.disposition
            assert early.decided_early == (len(so_far) < len(pathway.asked_questions(answers)))
            assert set(early.flags) <= set(full.flags)
            break


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
        key: ("yes" if value else "no")
        if isinstance(value, bool)
        else value
        if isinstance(value, list)
        else str(value)
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
            assert source.title.split(":")[0] in (
                "NHS",
                "NICE CKS",
                "UK Sepsis Trust",
            ) or source.title.startswith("NICE "), source.title
            assert source in pathway.sources, f"{rule.id} cites a source the pathway does not list"


@pytest.mark.parametrize("pathway_id", sorted(PATHWAYS))
def test_age_and_conditions_can_come_from_the_record(pathway_id):
    for question in PATHWAYS[pathway_id].questions:
        if question.id == "age":
            assert question.record_key == "age" and question.type == "integer"
            assert question.minimum == 16, "the pathways are for adults aged 16 and over"
        if question.record_key and question.record_key not in ("age", "sex"):
            assert question.record_key in RECORD_KEYS
            assert question.type == "boolean"
        for choice in question.choices:
            assert choice.record_key is None or choice.record_key in RECORD_KEYS


def test_the_pathways_use_age_long_term_conditions_and_risk_factors():
    keys = {q.record_key for p in PATHWAYS.values() for q in p.questions if q.record_key}
    keys |= {c.record_key for p in PATHWAYS.values() for q in p.questions for c in q.choices}
    assert {"age", "sex"} <= keys
    assert {
        "condition:copd",
        "condition:heart_failure",
        "condition:asthma",
        "condition:diabetes",
        "condition:immunosuppression",
        "condition:pregnancy",
        "condition:coronary_heart_disease",
        "medicine:anticoagulant",
        "medicine:immunosuppressant",
        "medicine:low_white_cells",
        "medicine:severe_skin_reaction",
        "history:cancer",
        "history:recent_surgery",
    } <= keys


def test_the_catalogue_lists_and_loads_the_pathways():
    entries = {entry["id"]: entry for entry in triage_algorithms.catalogue()}
    for pathway_id, pathway in PATHWAYS.items():
        assert entries[pathway_id] == pathway.describe()
        assert entries[pathway_id]["kind"] == "pathway"
        assert triage_algorithms.load(pathway_id).rules == pathway.rules
    with pytest.raises(triage_algorithms.UnknownAlgorithm):
        triage_algorithms.load("broken_leg")
