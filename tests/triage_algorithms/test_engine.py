"""The pathway engine: strict loading of pathway files, the condition language, evaluation,
answer validation, record condition codes, the shared core shapes, and purity (no portal
imports). No database or Flask app is needed."""

from __future__ import annotations

import copy
import importlib.util
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from triage_algorithms import engine
from triage_algorithms.conditions import CONDITIONS, condition_keys
from triage_algorithms.core import (
    DISPOSITIONS,
    RED_FLAG,
    Algorithm,
    Choice,
    InvalidAnswers,
    Outcome,
    Question,
    Reason,
    Source,
    UnknownAlgorithm,
)
from triage_algorithms.engine import Pathway, PathwayError, load_pathway, load_pathways

NHS = {"title": "NHS: Example", "url": "https://www.nhs.uk/conditions/example/"}
NICE = {"title": "NICE NG0: Example", "url": "https://www.nice.org.uk/guidance/ng0"}


def _rule(rule_id, disposition, when=None):
    rule = {
        "id": rule_id,
        "disposition": disposition,
        "reason": f"Because of {rule_id}.",
        "care_advice": f"Care for {rule_id}.",
        "worsening_advice": f"If worse after {rule_id}, call 999.",
        "sources": [NHS],
    }
    if when is not None:
        rule["when"] = when
    return rule


def valid() -> dict:
    """A small pathway using every part of the format."""
    return {
        "id": "demo",
        "title": "Demo",
        "version": "2026.11.1",
        "audience": "Adults aged 16 and over",
        "summary": "A demo pathway.",
        "sources": [NHS, NICE],
        "questions": [
            {
                "id": "age",
                "text": "How old are you?",
                "help": "From your record.",
                "type": "integer",
                "minimum": 16,
                "maximum": 120,
                "unit": "years",
                "record_key": "age",
            },
            {
                "id": "sex",
                "text": "What is your sex?",
                "help": "For the right advice.",
                "type": "choice",
                "choices": [
                    {"value": "female", "label": "Female"},
                    {"value": "male", "label": "Male"},
                ],
                "record_key": "sex",
            },
            {
                "id": "pain",
                "text": "Are you in pain?",
                "help": "Any pain.",
                "type": "boolean",
            },
            {
                "id": "score",
                "text": "How bad is it, from 0 to 10?",
                "help": "0 is none.",
                "type": "number",
                "minimum": 0,
                "maximum": 10,
                "ask_if": {"answer": "age", "at_least": 18},
            },
            {
                "id": "copd",
                "text": "Do you have COPD?",
                "help": "From your record.",
                "type": "boolean",
                "record_key": "condition:copd",
            },
            {
                "id": "bleeding",
                "text": "Are you bleeding?",
                "help": "Any bleeding.",
                "type": "boolean",
            },
        ],
        "red_flags": [
            _rule(
                "bleeding_and_pain",
                "a_and_e_now",
                {"all": [{"answer": "bleeding", "is": True}, {"answer": "pain", "is": True}]},
            ),
            _rule("worst_pain", "call_999", {"answer": "score", "above": 9}),
            _rule("bleeding", "urgent_care_today", {"answer": "bleeding", "is": True}),
        ],
        "rules": [
            _rule(
                "older_men",
                "gp_today",
                {"all": [{"answer": "sex", "in": ["male"]}, {"answer": "age", "at_least": 65}]},
            ),
            _rule(
                "young_pain",
                "gp_within_3_days",
                {"all": [{"answer": "age", "below": 18}, {"not": {"answer": "copd", "is": False}}]},
            ),
            _rule(
                "two_of",
                "pharmacist",
                {
                    "at_least": 2,
                    "of": [
                        {"answer": "pain", "is": True},
                        {"answer": "score", "at_most": 3},
                        {
                            "any": [
                                {"answer": "copd", "is": True},
                                {"answer": "sex", "is": "female"},
                            ]
                        },
                    ],
                },
            ),
            _rule("default", "self_care"),
        ],
    }


def write(tmp_path: Path, data, name: str = "demo") -> Path:
    path = tmp_path / f"{name}.yaml"
    text = data if isinstance(data, str) else yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo(tmp_path) -> Pathway:
    return load_pathway(write(tmp_path, valid()))


def answers(**given):
    """A complete answer set; give a question ``...`` to leave it out."""
    base = {"age": 40, "sex": "female", "pain": False, "score": 5, "copd": False, "bleeding": False}
    return {key: value for key, value in {**base, **given}.items() if value is not ...}


# --- loading ----------------------------------------------------------------------------------


def test_a_valid_file_loads_into_a_pathway(demo):
    assert isinstance(demo, Algorithm)
    assert demo.kind == "pathway"
    assert [q.id for q in demo.questions] == ["age", "sex", "pain", "score", "copd", "bleeding"]
    assert demo.question("age").unit == "years"
    assert demo.question("sex").choices == (Choice("female", "Female"), Choice("male", "Male"))
    assert [r.id for r in demo.red_flags] == ["bleeding_and_pain", "worst_pain", "bleeding"]
    assert demo.rules[-1].when is None
    assert demo.rule("two_of").disposition == "pharmacist"
    with pytest.raises(KeyError):
        demo.rule("nothing")
    assert demo.describe() == {
        "id": "demo",
        "title": "Demo",
        "kind": "pathway",
        "version": "2026.11.1",
        "audience": "Adults aged 16 and over",
        "summary": "A demo pathway.",
        "sources": [NHS, NICE],
    }


def test_load_pathways_reads_a_folder_in_file_name_order(tmp_path):
    other = valid()
    other["id"] = "another"
    write(tmp_path, valid())
    write(tmp_path, other, "another")
    (tmp_path / "notes.txt").write_text("ignored")
    assert [p.id for p in load_pathways(tmp_path)] == ["another", "demo"]
    assert [p.id for p in load_pathways(str(tmp_path))] == ["another", "demo"]


def test_the_packaged_pathways_load_by_default():
    ids = [pathway.id for pathway in load_pathways()]
    assert len(ids) >= 10
    assert ids == sorted(ids)


def test_yaml_anchors_can_share_sources(tmp_path):
    pathway = load_pathway(write(tmp_path, _with_shared_sources()))
    assert pathway.sources == pathway.rules[0].sources == pathway.rules[1].sources
    assert pathway.rules[0].sources == (Source(**NHS),)


def _with_shared_sources() -> str:
    return """
id: demo
title: Demo
version: "2026.11.1"
audience: Adults
summary: Shared sources.
sources:
  - &nhs {title: "NHS: Example", url: "https://www.nhs.uk/conditions/example/"}
questions:
  - {id: pain, text: "Pain?", help: Any pain., type: boolean}
red_flags: []
rules:
  - id: pain
    when: {answer: pain, is: true}
    disposition: gp_today
    reason: Pain.
    care_advice: See a GP.
    worsening_advice: Call 999.
    sources: [*nhs]
  - {id: default, disposition: self_care, reason: None., care_advice: Rest.,
     worsening_advice: Call 111., sources: [*nhs]}
"""


def _set(path: str, value):
    """A mutation of the valid pathway: set (or with value ... delete) a dotted path."""

    def mutate(data):
        *parents, last = path.split(".")
        node = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key = int(last) if isinstance(node, list) else last
        if value is ...:
            del node[key]
        else:
            node[key] = value
        return data

    return mutate


def _question(**fields):
    return {"id": "extra", "text": "Extra?", "help": "Extra.", "type": "boolean", **fields}


def _append_question(**fields):
    def mutate(data):
        data["questions"].append(_question(**fields))
        data["rules"][0]["when"] = {
            "any": [data["rules"][0]["when"], {"answer": "extra", "is": True}]
        }
        return data

    return mutate


def _add_unused_question(data):
    data["questions"].append(_question())
    return data


def _when(condition):
    return _set("rules.0.when", condition)


MALFORMED = {
    # the file as a whole
    "not a mapping": (lambda d: [d], "pathway: expected a mapping of keys"),
    "unknown top-level key": (_set("author", "me"), "pathway: unknown key(s) author"),
    "missing top-level key": (_set("rules", ...), "pathway: missing rules"),
    "bad id": (_set("id", "Demo Pathway"), "id: 'Demo Pathway' must be lower_case"),
    "id not the file name": (_set("id", "other"), "id: 'other' must match the file name 'demo'"),
    "version not text": (_set("version", 2026.11), "version: expected some text"),
    "version badly formed": (_set("version", "v1"), "version: 'v1' is not of the form"),
    "empty title": (_set("title", "  "), "title: expected some text"),
    "no sources": (_set("sources", []), "sources: expected a list of at least 1 item(s)"),
    # questions
    "questions not a list": (_set("questions", {}), "questions: expected a list"),
    "question not a mapping": (_set("questions.2", "pain"), "questions[2]: expected a mapping"),
    "unknown question key": (
        _set("questions.2.colour", "red"),
        "questions[2]: unknown key(s) colour",
    ),
    "question without help": (_set("questions.2.help", ...), "questions[2]: missing help"),
    "unknown answer type": (
        _set("questions.2.type", "integer_list"),
        "questions[2].type: 'integer_list' is not one of boolean, integer, number, choice, "
        "multiple",
    ),
    "number question without a range": (
        _set("questions.0.maximum", ...),
        "questions[0]: number questions, and only they, need minimum and maximum",
    ),
    "range on a yes/no question": (
        _set("questions.2.minimum", 0),
        "questions[2]: number questions, and only they, need minimum and maximum",
    ),
    "range not numbers": (
        _set("questions.0.minimum", "16"),
        "questions[0]: minimum and maximum must be numbers",
    ),
    "range upside down": (
        _set("questions.0.minimum", 130),
        "questions[0]: minimum 130 is more than maximum 120",
    ),
    "choice question without choices": (
        _set("questions.1.choices", ...),
        "questions[1]: choice and multiple questions, and only they, need choices",
    ),
    "choices on a yes/no question": (
        _set("questions.2.choices", [{"value": "a", "label": "A"}]),
        "questions[2]: choice and multiple questions, and only they, need choices",
    ),
    "one choice only": (
        _set("questions.1.choices", [{"value": "female", "label": "Female"}]),
        "questions[1].choices: expected a list of at least 2 item(s)",
    ),
    "choice with an unknown key": (
        _set("questions.1.choices.0.code", 1),
        "questions[1].choices[0]: unknown key(s) code",
    ),
    "yes/no parsed as a choice value": (
        _set("questions.1.choices.0.value", True),
        "questions[1].choices[0].value: True must be lower_case",
    ),
    "choice value twice": (
        _set("questions.1.choices.1.value", "female"),
        "questions[1].choices[1].value: 'female' is used twice",
    ),
    "choice value reserved": (
        _set("questions.1.choices.1.value", "dont_know"),
        "questions[1].choices[1].value: 'dont_know' is used twice or is reserved",
    ),
    "record key on an item of a choice question": (
        _set("questions.1.choices.1.record_key", "condition:copd"),
        "questions[1].choices[1]: unknown key(s) record_key",
    ),
    "empty unit": (_set("questions.0.unit", ""), "questions[0].unit: expected some text"),
    "question id twice": (_set("questions.5.id", "pain"), "questions[5].id: 'pain' is used twice"),
    "unknown record key": (
        _set("questions.4.record_key", "condition:gout"),
        "questions[4].record_key: 'condition:gout' is not age, sex or one of condition:asthma",
    ),
    "unknown medicine record key": (
        _set("questions.4.record_key", "medicine:aspirin"),
        "questions[4].record_key: 'medicine:aspirin' is not age, sex or one of",
    ),
    "record key not text": (
        _set("questions.4.record_key", 5),
        "questions[4].record_key: 5 is not age, sex",
    ),
    "record key on the wrong type": (
        _set("questions.2.record_key", "age"),
        "questions[2].record_key: 'age' needs a question of type integer, not boolean",
    ),
    "condition record key on a number question": (
        _set("questions.0.record_key", "condition:copd"),
        "questions[0].record_key: 'condition:copd' needs a question of type boolean, not integer",
    ),
    "sex record key on a yes/no question": (
        _set("questions.2.record_key", "sex"),
        "questions[2].record_key: 'sex' needs a question of type choice, not boolean",
    ),
    "skip logic on a later question": (
        _set("questions.2.ask_if", {"answer": "bleeding", "is": True}),
        "questions[2].ask_if: may only use earlier questions, not {'bleeding'}",
    ),
    "skip logic on itself": (
        _set("questions.2.ask_if", {"not": {"answer": "pain", "is": True}}),
        "questions[2].ask_if: may only use earlier questions, not {'pain'}",
    ),
    "skip logic on an unknown question": (
        _set("questions.2.ask_if", {"all": [{"answer": "gout", "is": True}]}),
        "questions[2].ask_if.all[0]: unknown question 'gout'",
    ),
    "question never used": (
        _add_unused_question,
        "question 'extra' is not used by any rule or ask_if",
    ),
    # rules
    "red flags not a list": (_set("red_flags", None), "red_flags: expected a list of at least 0"),
    "no rules": (_set("rules", []), "rules: expected a list of at least 1 item(s)"),
    "rule not a mapping": (_set("rules.0", "older_men"), "rules[0]: expected a mapping of keys"),
    "red flag without a condition": (
        _set("red_flags.1.when", ...),
        "red_flags[1]: needs a 'when' condition (only the last rule has none)",
    ),
    "rule without a condition": (
        _set("rules.1.when", ...),
        "rules[1]: needs a 'when' condition (only the last rule has none)",
    ),
    "last rule is not unconditional": (
        _set("rules.3.when", {"answer": "pain", "is": False}),
        "rules[3]: the last rule is the default and must have no 'when'",
    ),
    "unknown rule key": (_set("rules.0.priority", 1), "rules[0]: unknown key(s) priority"),
    "rule without advice": (_set("rules.0.care_advice", ...), "rules[0]: missing care_advice"),
    "empty reason": (_set("rules.0.reason", ""), "rules[0].reason: expected some text"),
    "unknown disposition": (
        _set("rules.0.disposition", "walk_in_centre"),
        "rules[0].disposition: 'walk_in_centre' is not one of call_999",
    ),
    "disposition as a list": (
        _set("rules.0.disposition", ["gp_today"]),
        "rules[0].disposition: ['gp_today'] is not one of call_999",
    ),
    "rule without sources": (_set("rules.0.sources", ...), "rules[0]: missing sources"),
    "rule with no sources listed": (
        _set("rules.0.sources", []),
        "rules[0].sources: expected a list of at least 1 item(s)",
    ),
    "source without a title": (
        _set("rules.0.sources", [{"url": NHS["url"]}]),
        "rules[0].sources[0]: missing title",
    ),
    "source not over https": (
        _set("rules.0.sources", [{"title": "NHS", "url": "http://www.nhs.uk/conditions/x/"}]),
        "rules[0].sources[0].url: 'http://www.nhs.uk/conditions/x/' is not an https address",
    ),
    "source on another site": (
        _set("rules.0.sources", [{"title": "Blog", "url": "https://example.com/chest"}]),
        "rules[0].sources[0].url: 'https://example.com/chest' is not an https address on cks",
    ),
    "rule id twice": (_set("rules.1.id", "older_men"), "rule id 'older_men' is used twice"),
    "rule id reserved": (
        _set("rules.1.id", RED_FLAG),
        "rule id 'red_flag' is used twice or is reserved",
    ),
    "red flag id reused by a rule": (
        _set("rules.0.id", "bleeding"),
        "rule id 'bleeding' is used twice",
    ),
    # conditions
    "condition not a mapping": (_when("pain"), "rules[0].when: a condition must be a mapping"),
    "empty condition": (_when({}), "rules[0].when: a condition must be a mapping"),
    "unknown combinator": (
        _when({"either": [{"answer": "pain", "is": True}]}),
        "rules[0].when: unknown condition ['either']",
    ),
    "two combinators": (
        _when({"all": [{"answer": "pain", "is": True}], "not": {"answer": "pain", "is": True}}),
        "rules[0].when: unknown condition ['all', 'not']",
    ),
    "not with company": (
        _when({"not": {"answer": "pain", "is": True}, "why": "x"}),
        "rules[0].when: unknown condition ['not', 'why']",
    ),
    "empty all": (_when({"all": []}), "rules[0].when.all: give a non-empty list of conditions"),
    "any not a list": (_when({"any": "pain"}), "rules[0].when.any: give a non-empty list"),
    "error inside not": (
        _when({"not": {"answer": "gout", "is": True}}),
        "rules[0].when.not: unknown question 'gout'",
    ),
    "unknown question": (
        _when({"answer": "gout", "is": True}),
        "rules[0].when: unknown question 'gout'",
    ),
    "question named by a list": (
        _when({"answer": ["pain"], "is": True}),
        "rules[0].when: unknown question ['pain']",
    ),
    "in on a yes/no question": (
        _when({"answer": "pain", "in": [True]}),
        "rules[0].when: a boolean question 'pain' takes exactly one of is, not ['in']",
    ),
    "no operator": (
        _when({"answer": "pain"}),
        "rules[0].when: a boolean question 'pain' takes exactly one of is, not []",
    ),
    "two operators": (
        _when({"answer": "age", "at_least": 1, "at_most": 90}),
        "takes exactly one of is, at_least, at_most, below, above, not ['at_least', 'at_most']",
    ),
    "text for a yes/no answer": (
        _when({"answer": "pain", "is": "yes"}),
        "rules[0].when.is: 'pain' is a yes/no question: use true or false",
    ),
    "unknown choice": (
        _when({"answer": "sex", "is": "other"}),
        "rules[0].when.is: 'other' is not a choice of 'sex' ['female', 'male']",
    ),
    "in without a list": (
        _when({"answer": "sex", "in": "male"}),
        "rules[0].when.in: give a non-empty list",
    ),
    "in with an empty list": (
        _when({"answer": "sex", "in": []}),
        "rules[0].when.in: give a non-empty list",
    ),
    "in with an unknown choice": (
        _when({"answer": "sex", "in": ["male", "man"]}),
        "rules[0].when.in: 'man' is not a choice of 'sex'",
    ),
    "number out of range": (
        _when({"answer": "age", "at_least": 150}),
        "rules[0].when.at_least: 150 is not a number from 16 to 120",
    ),
    "yes/no for a number": (
        _when({"answer": "age", "below": True}),
        "rules[0].when.below: True is not a number from 16 to 120",
    ),
    "count of zero": (
        _when({"at_least": 0, "of": [{"answer": "pain", "is": True}]}),
        "rules[0].when.at_least: give a whole number from 1 to 1",
    ),
    "count beyond the list": (
        _when(
            {"at_least": 3, "of": [{"answer": "pain", "is": True}, {"answer": "copd", "is": True}]}
        ),
        "rules[0].when.at_least: give a whole number from 1 to 2",
    ),
    "count missing": (
        _when({"of": [{"answer": "pain", "is": True}]}),
        "rules[0].when.at_least: give a whole number from 1 to 1",
    ),
    "count with an extra key": (
        _when({"at_least": 1, "of": [{"answer": "pain", "is": True}], "all": []}),
        "rules[0].when: unknown key(s) ['all'] beside 'of'",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_are_refused_naming_the_file_and_the_problem(tmp_path, case):
    mutate, problem = MALFORMED[case]
    data = mutate(copy.deepcopy(valid()))
    with pytest.raises(PathwayError) as raised:
        load_pathway(write(tmp_path, data))
    message = str(raised.value)
    assert message.startswith("demo.yaml: "), message
    assert problem in message, message


def test_the_valid_file_used_by_the_malformed_cases_is_itself_valid(tmp_path):
    assert load_pathway(write(tmp_path, valid())).id == "demo"
    data = _append_question()(copy.deepcopy(valid()))
    assert load_pathway(write(tmp_path, data)).question("extra").type == "boolean"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("id: [unclosed\n", "demo.yaml: not valid YAML"),
        ("id: demo\ntitle: A\nid: demo\n", "demo.yaml: line 3: duplicate key 'id'"),
        ("? [a, b]\n: 1\n", "demo.yaml: not valid YAML"),
        ("- a\n- b\n", "demo.yaml: pathway: expected a mapping of keys"),
    ],
)
def test_unreadable_yaml_and_duplicate_keys_are_refused(tmp_path, text, problem):
    with pytest.raises(PathwayError, match="^" + re.escape(problem)):
        load_pathway(write(tmp_path, text))


def test_yaml_is_read_safely(tmp_path):
    text = "!!python/object/apply:os.system ['echo unsafe']\n"
    with pytest.raises(PathwayError, match="not valid YAML"):
        load_pathway(write(tmp_path, text))


# --- evaluation ----------------------------------------------------------------------------


def test_with_no_red_flag_the_first_matching_rule_wins(demo):
    outcome = demo.evaluate(answers(sex="male", age=70, pain=True, score=2))
    assert outcome.disposition == "gp_today"
    assert outcome.urgency == DISPOSITIONS["gp_today"]
    assert outcome.flags == []
    assert [reason.rule for reason in outcome.rationale] == ["older_men"]
    assert outcome.rationale[0].sources == (Source(**NHS),)
    assert outcome.care_advice == "Care for older_men."
    assert outcome.worsening_advice == "If worse after older_men, call 999."
    assert (outcome.algorithm, outcome.version, outcome.score, outcome.band) == (
        "demo",
        "2026.11.1",
        None,
        None,
    )


def test_the_last_rule_applies_when_nothing_else_does(demo):
    outcome = demo.evaluate(answers())
    assert (outcome.disposition, [r.rule for r in outcome.rationale]) == ("self_care", ["default"])


def test_every_red_flag_that_fires_is_listed_and_the_most_urgent_wins(demo):
    outcome = demo.evaluate(answers(pain=True, score=10, bleeding=True, sex="male", age=70))
    assert outcome.disposition == "call_999"
    assert outcome.urgency == 5
    # most urgent first; the ordered rules are not consulted
    assert [r.rule for r in outcome.rationale] == ["worst_pain", "bleeding_and_pain", "bleeding"]
    assert outcome.flags == [RED_FLAG, "worst_pain", "bleeding_and_pain", "bleeding"]
    assert outcome.care_advice == "Care for worst_pain."


def test_a_single_red_flag_gives_its_own_disposition(demo):
    outcome = demo.evaluate(answers(bleeding=True))
    assert outcome.disposition == "urgent_care_today"
    assert outcome.flags == [RED_FLAG, "bleeding"]


@pytest.mark.parametrize(
    ("given", "rule"),
    [
        ({"sex": "male", "age": 65}, "older_men"),  # at_least is inclusive
        ({"sex": "male", "age": 64}, "default"),
        ({"sex": "female", "age": 65}, "default"),  # in: male only
        ({"age": 17, "copd": True}, "young_pain"),  # below is strict; not(copd is false)
        ({"age": 18, "copd": True}, "default"),  # only 1 of the 3
        ({"age": 18, "copd": True, "pain": True, "score": 5}, "two_of"),
        ({"age": 17, "copd": False}, "default"),
        ({"pain": True, "score": 3, "sex": "male"}, "two_of"),  # at_most is inclusive
        ({"pain": True, "score": 3.5, "sex": "male"}, "default"),
        ({"pain": True, "score": 9, "sex": "female"}, "two_of"),  # pain and female
        ({"pain": True, "score": 9, "sex": "male"}, "default"),  # above 9 is strict...
        ({"pain": True, "score": 9.01, "sex": "male"}, "worst_pain"),  # ...but not whole
    ],
)
def test_comparisons_and_combinators(demo, given, rule):
    assert demo.evaluate(answers(**given)).rationale[0].rule == rule


def test_a_condition_on_a_skipped_question_is_false(demo):
    # score is skipped under 18, so "score at_most 3" is false, not an error
    outcome = demo.evaluate(answers(age=17, pain=True, copd=False, sex="male", score=...))
    assert outcome.rationale[0].rule == "default"
    # while "not (copd is false)" holds when copd is answered yes
    assert demo.evaluate(answers(age=16, copd=True)).rationale[0].rule == "young_pain"


def test_skip_logic_asks_follow_ups_only_when_they_apply(demo):
    asked = [q.id for q in demo.asked_questions({"age": "17"})]
    assert asked == ["age", "sex", "pain", "copd", "bleeding"]
    asked = [q.id for q in demo.asked_questions({"age": "30"})]
    assert asked == ["age", "sex", "pain", "score", "copd", "bleeding"]
    assert demo.next_question({"age": 30, "sex": "female", "pain": True}).id == "score"
    assert demo.next_question(answers()) is None


def test_answers_to_skipped_questions_are_dropped(demo):
    typed = demo.validate(answers(age=17, score=10))
    assert "score" not in typed
    assert demo.evaluate(answers(age=17, score=10)).disposition == "self_care"


def test_form_strings_are_coerced_before_evaluation(demo):
    raw = {"age": "70", "sex": "male", "pain": "yes", "score": "2", "copd": "no", "bleeding": "no"}
    typed = demo.validate(raw)
    assert typed == {
        "age": 70,
        "sex": "male",
        "pain": True,
        "score": 2.0,
        "copd": False,
        "bleeding": False,
    }
    assert demo.evaluate(raw) == demo.evaluate(typed)


def test_missing_and_invalid_answers_name_each_field(demo):
    with pytest.raises(InvalidAnswers) as raised:
        demo.evaluate({"age": 12, "sex": "other", "pain": "maybe", "gout": True})
    assert raised.value.errors == {
        "age": "Must be between 16 and 120",
        "sex": "Choose one of: female, male",
        "pain": "Answer yes or no",
        "copd": "Missing answer",
        "bleeding": "Missing answer",
        "gout": "Not a question of this algorithm",
    }
    assert str(raised.value).startswith("Invalid answers: age: Must be between 16 and 120; ")


def test_answers_must_be_a_mapping(demo):
    with pytest.raises(InvalidAnswers) as raised:
        demo.evaluate([("age", 40)])
    assert raised.value.errors == {"answers": "Give the answers as an object of name: value"}


def test_a_pathway_without_red_flags_works(tmp_path):
    data = valid()
    data["red_flags"] = []
    data["questions"] = [q for q in data["questions"] if q["id"] != "bleeding"]
    pathway = load_pathway(write(tmp_path, data))
    outcome = pathway.evaluate({k: v for k, v in answers().items() if k != "bleeding"})
    assert outcome.disposition == "self_care"


def test_loaded_pathways_are_the_same_each_time(tmp_path):
    path = write(tmp_path, valid())
    first, second = load_pathway(path), load_pathway(path)
    assert first.questions == second.questions
    assert first.red_flags == second.red_flags
    assert first.rules == second.rules


# --- record conditions ---------------------------------------------------------------------


def test_condition_keys_maps_snomed_codes_to_keys():
    codes = ["13645005", "195967001", "84114007", "44054006", "46635009", "709044004", "1"]
    assert condition_keys(codes) == {
        "copd",
        "asthma",
        "heart_failure",
        "diabetes",
        "chronic_kidney_disease",
    }
    assert condition_keys(["73211009"]) == {"diabetes"}
    assert condition_keys(["370388006", "77386006", "194828000"]) == {
        "immunosuppression",
        "pregnancy",
        "coronary_heart_disease",
    }


def test_condition_keys_accepts_numbers_padding_a_single_code_and_nothing():
    assert condition_keys([13645005, " 433144002 "]) == {"copd", "chronic_kidney_disease"}
    assert condition_keys("88805009") == {"heart_failure"}
    assert condition_keys([]) == set()
    assert condition_keys(iter(["999999999"])) == set()


def test_every_code_belongs_to_one_condition_and_looks_like_a_snomed_id():
    seen: dict[str, str] = {}
    for key, condition in CONDITIONS.items():
        assert condition.key == key and condition.label
        for code, name in condition.codes.items():
            assert code.isdigit() and 6 <= len(code) <= 18, code
            assert name.endswith(")"), name  # a fully specified name with its semantic tag
            assert code not in seen, f"{code} is under {seen.get(code)} and {key}"
            seen[code] = key


def test_the_required_condition_keys_exist():
    assert {"copd", "asthma", "heart_failure", "diabetes", "chronic_kidney_disease"} <= set(
        CONDITIONS
    )
    assert {"immunosuppression", "pregnancy", "coronary_heart_disease"} <= set(CONDITIONS)


# --- the shared core shapes ----------------------------------------------------------------


def _items() -> Question:
    return Question(
        "items", "How often?", "integer_list", minimum=0, maximum=3, length=2, help="Each."
    )


def test_question_checks_its_own_definition():
    with pytest.raises(ValueError, match="unknown answer type 'text'"):
        Question("q", "Q?", "text")
    with pytest.raises(ValueError, match="a choice question needs choices"):
        Question("q", "Q?", "choice")
    with pytest.raises(ValueError, match="a multiple question needs choices"):
        Question("q", "Q?", "multiple")


def test_question_describes_itself():
    question = Question(
        "temp", "Temperature?", "number", minimum=35, maximum=42.5, unit="C", record_key="x"
    )
    assert question.validation == {"required": True, "minimum": 35, "maximum": 42.5}
    assert _items().validation == {"required": True, "minimum": 0, "maximum": 3, "length": 2}
    assert Question("b", "B?", "boolean").validation == {"required": True}
    described = Question(
        "c", "C?", "choice", choices=(Choice(1, "One"),), dont_know_allowed=True, default=1
    ).to_dict()
    assert described == {
        "id": "c",
        "text": "C?",
        "help": "",
        "type": "choice",
        "choices": [{"value": 1, "label": "One", "help": "", "record_key": None}],
        "validation": {"required": True},
        "unit": "",
        "dont_know_allowed": True,
        "default": 1,
        "record_key": None,
    }
    assert json.dumps(question.to_dict())


@pytest.mark.parametrize(
    ("question", "value", "expected"),
    [
        (Question("b", "B?", "boolean"), True, True),
        (Question("b", "B?", "boolean"), "Yes", True),
        (Question("b", "B?", "boolean"), "false", False),
        (Question("c", "C?", "choice", choices=(Choice(1, "One"), Choice(2, "Two"))), "2", 2),
        (Question("c", "C?", "choice", choices=(Choice("a", "A"),)), "a", "a"),
        (Question("i", "I?", "integer", minimum=0, maximum=10), "7", 7),
        (Question("i", "I?", "integer"), 7.0, 7),
        (Question("n", "N?", "number", maximum=10), "2.5", 2.5),
        (Question("n", "N?", "number", minimum=0), 3, 3.0),
        (Question("d", "D?", "number", dont_know_allowed=True, default=4.0), "dont_know", 4.0),
        (_items(), ["1", 3], [1, 3]),
        (_items(), (0, 0), [0, 0]),
    ],
)
def test_coerce_types_answers(question, value, expected):
    coerced = question.coerce(value)
    assert coerced == expected and type(coerced) is type(expected)


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        (Question("b", "B?", "boolean"), None, "Answer this question"),
        (Question("b", "B?", "boolean"), "", "Answer this question"),
        (Question("b", "B?", "boolean"), "maybe", "Answer yes or no"),
        (Question("b", "B?", "boolean"), 1, "Answer yes or no"),
        (Question("b", "B?", "boolean"), "dont_know", "Answer yes or no"),
        (Question("c", "C?", "choice", choices=(Choice(1, "One"),)), 3, "Choose one of: 1"),
        (Question("i", "I?", "integer"), True, "Enter a number"),
        (Question("i", "I?", "integer"), "seven", "Enter a number"),
        (Question("i", "I?", "integer"), [7], "Enter a number"),
        (Question("i", "I?", "integer"), "nan", "Enter a number"),
        (Question("i", "I?", "integer"), math.inf, "Enter a number"),
        (Question("i", "I?", "integer"), "7.5", "Enter a whole number"),
        (Question("i", "I?", "integer", minimum=0, maximum=10), 11, "Must be between 0 and 10"),
        (Question("i", "I?", "integer", minimum=0), -1, "Must be between 0 and any"),
        (Question("n", "N?", "number", maximum=2.5), 3, "Must be between any and 2.5"),
        (_items(), "1,2", "Give a list of whole numbers"),
        (_items(), [1], "Give exactly 2 answers, not 1"),
        (_items(), [1, 4], "Item 2: Must be between 0 and 3"),
        (_items(), [1, "x"], "Item 2: Enter a number"),
    ],
)
def test_coerce_refuses_bad_answers_with_a_plain_message(question, value, message):
    with pytest.raises(ValueError) as raised:
        question.coerce(value)
    assert str(raised.value) == message


def test_a_list_question_without_a_fixed_length_takes_any_length():
    question = Question("l", "L?", "integer_list")
    assert question.coerce([5, 6, 7]) == [5, 6, 7]


def test_reason_and_outcome_serialise_to_plain_data():
    reason = Reason("r1", "Because.", (Source("NHS", "https://www.nhs.uk/"),))
    outcome = Outcome("a", "1", 3.0, "low", "self_care", 0, ["f"], [reason], "Rest.", "Call 111.")
    assert outcome.to_dict() == {
        "algorithm": "a",
        "version": "1",
        "score": 3.0,
        "band": "low",
        "disposition": "self_care",
        "urgency": 0,
        "flags": ["f"],
        "rationale": [
            {
                "rule": "r1",
                "text": "Because.",
                "sources": [{"title": "NHS", "url": "https://www.nhs.uk/"}],
            }
        ],
        "care_advice": "Rest.",
        "worsening_advice": "Call 111.",
        "decided_early": False,
    }
    assert json.dumps(outcome.to_dict())
    assert Outcome("a", "1", None, None, None, 0).flags == []


class _Sum(Algorithm):
    """A score-like algorithm: the base class asks every question."""

    id = "sum"
    title = "Sum"
    kind = "score"
    version = "1"
    audience = "Anyone"
    questions = (
        Question("a", "A?", "integer", minimum=0, maximum=3),
        Question("b", "B?", "integer", minimum=0, maximum=3),
    )

    def _evaluate(self, answers):
        return Outcome(self.id, self.version, answers["a"] + answers["b"], None, None, 0)


def test_the_base_algorithm_asks_every_question_and_validates():
    algorithm = _Sum()
    assert algorithm.question("b").id == "b"
    with pytest.raises(KeyError):
        algorithm.question("c")
    assert [q.id for q in algorithm.asked_questions({"a": "x"})] == ["a", "b"]
    assert algorithm.next_question({"a": 1}).id == "b"
    assert algorithm.next_question({"a": "x", "b": 1}).id == "a"
    assert algorithm.next_question({"a": 1, "b": 2}) is None
    assert algorithm.evaluate({"a": "1", "b": 2}).score == 3
    assert algorithm.describe()["kind"] == "score"
    assert algorithm.describe()["sources"] == []


def test_unknown_algorithm_is_a_lookup_error():
    assert issubclass(UnknownAlgorithm, LookupError)
    assert issubclass(PathwayError, ValueError)


# --- purity --------------------------------------------------------------------------------

_PORTAL = "sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', 'myhealth'))"
_PRINT = f"import json; print(json.dumps({_PORTAL}))"


def _imported_portal_modules(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; {code}; {_PRINT}"],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )
    return json.loads(result.stdout)


def test_the_engine_and_pathways_import_nothing_from_the_portal():
    code = "from triage_algorithms import engine; engine.load_pathways()"
    assert _imported_portal_modules(code) == []


@pytest.mark.skipif(
    importlib.util.find_spec("triage_algorithms.scores") is None,
    reason="triage_algorithms.scores is not written yet",
)
def test_the_whole_catalogue_imports_nothing_from_the_portal():
    code = "import triage_algorithms; triage_algorithms.catalogue()"
    assert _imported_portal_modules(code) == []


def test_engine_module_exports():
    assert set(engine.__all__) == {
        "DEMOGRAPHIC_KEYS",
        "QUESTION_TYPES",
        "SOURCE_HOSTS",
        "PATHWAYS_DIR",
        "Pathway",
        "PathwayError",
        "load_pathway",
        "load_pathways",
    }
    assert engine.PATHWAYS_DIR.is_dir()
