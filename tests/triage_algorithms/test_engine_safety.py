"""The engine's safety features: a shared emergency screen asked first, lists of signs on one
page, "I'm not sure" taken as the cautious answer, red flags that may not hide behind skip
logic, the emergency answer ending the questions at once, and support shown straight away.
Small pathways written here; the packaged ones are tested in test_pathways.py."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from triage_algorithms.core import (
    DONT_KNOW,
    RED_FLAG,
    Choice,
    InvalidAnswers,
    Outcome,
    Question,
    Reason,
    Source,
)
from triage_algorithms.engine import PathwayError, load_pathway, load_pathways

NHS = {"title": "NHS: Example", "url": "https://www.nhs.uk/conditions/example/"}
UKST = {"title": "UK Sepsis Trust: Example", "url": "https://sepsistrust.org/about/"}


def _rule(rule_id, disposition, when=None, sources=None):
    rule = {
        "id": rule_id,
        "disposition": disposition,
        "reason": f"Because of {rule_id}.",
        "care_advice": f"Care for {rule_id}.",
        "worsening_advice": f"If worse after {rule_id}, call 999.",
        "sources": sources or [NHS],
    }
    if when is not None:
        rule["when"] = when
    return rule


def screen() -> dict:
    return {
        "id": "check",
        "version": "2026.12.1",
        "sources": [NHS, UKST],
        "questions": [
            {
                "id": "signs",
                "text": "Any of these?",
                "help": "Tick any.",
                "type": "multiple",
                "choices": [
                    {"value": "stroke", "label": "Stroke", "help": "Face, arms, speech."},
                    {"value": "shivering", "label": "Extreme shivering"},
                ],
            }
        ],
        "red_flags": [
            _rule("stroke", "call_999", {"answer": "signs", "includes": "stroke"}),
            _rule("shivering", "a_and_e_now", {"answer": "signs", "includes": "shivering"}, [UKST]),
        ],
    }


def pathway() -> dict:
    """A pathway with a screen, a list, a pregnancy gate and an 'I'm not sure' question."""
    return {
        "id": "demo",
        "title": "Demo",
        "version": "2026.12.1",
        "screen": "check",
        "audience": "Adults",
        "summary": "Demo.",
        "sources": [NHS],
        "questions": [
            {
                "id": "sex",
                "text": "Sex?",
                "help": "For the advice.",
                "type": "choice",
                "choices": [{"value": "female", "label": "F"}, {"value": "male", "label": "M"}],
                "record_key": "sex",
            },
            {
                "id": "pregnant",
                "text": "Pregnant?",
                "help": "From your record.",
                "type": "boolean",
                "record_key": "condition:pregnancy",
                "ask_if": {"answer": "sex", "is": "female"},
            },
            {
                "id": "bleeding",
                "text": "Bleeding?",
                "help": "Any.",
                "type": "boolean",
                "ask_if": {"answer": "pregnant", "is": True},
            },
            {
                "id": "risks",
                "text": "Do any of these apply?",
                "help": "Tick any.",
                "type": "multiple",
                "choices": [
                    {
                        "value": "thinners",
                        "label": "Blood thinners",
                        "record_key": "medicine:anticoagulant",
                    },
                    {"value": "chemo", "label": "Chemotherapy"},
                    {"value": "travel", "label": "Travel"},
                ],
            },
            {
                "id": "fading",
                "text": "Does the rash fade under a glass?",
                "help": "Press a glass on it.",
                "type": "boolean",
                "not_sure": {
                    "treat_as": False,
                    "reason": "You were not sure, so we took it that it does not fade.",
                    "sources": [NHS],
                },
            },
            {"id": "pain", "text": "Pain?", "help": "Any.", "type": "boolean"},
            {
                "id": "worse",
                "text": "Worse?",
                "help": "Any.",
                "type": "boolean",
                "ask_if": {"answer": "pain", "is": True},
            },
        ],
        "red_flags": [
            _rule(
                "pregnant_bleeding",
                "a_and_e_now",
                {"all": [{"answer": "pregnant", "is": True}, {"answer": "bleeding", "is": True}]},
            ),
            _rule("not_fading", "call_999", {"answer": "fading", "is": False}),
            _rule(
                "thinners_or_chemo",
                "urgent_care_today",
                {"answer": "risks", "includes_any": ["thinners", "chemo"]},
            ),
            _rule(
                "two_risks",
                "a_and_e_now",
                {
                    "at_least": 2,
                    "of": [
                        {"answer": "risks", "includes": "travel"},
                        {"answer": "risks", "includes": "chemo"},
                        {"answer": "pain", "is": True},
                    ],
                },
            ),
        ],
        "rules": [
            _rule("worse", "gp_today", {"answer": "worse", "is": True}),
            _rule("default", "self_care"),
        ],
        "interrupts": [{"id": "suicidal_thoughts", "when": {"answer": "pain", "is": True}}],
    }


def write(folder: Path, data, name: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def demo(tmp_path):
    write(tmp_path, screen(), "_check")
    return load_pathway(write(tmp_path, pathway(), "demo"))


def complete(**given):
    base = {"signs": [], "sex": "male", "risks": [], "fading": True, "pain": False}
    return {**base, **given}


# --- the screen -------------------------------------------------------------------------------


def test_the_screen_comes_first_and_its_red_flags_join_the_pathways(demo, tmp_path):
    assert demo.screen == "check"
    assert [q.id for q in demo.questions][:2] == ["signs", "sex"]
    assert [r.id for r in demo.red_flags][:2] == ["stroke", "shivering"]
    assert Source(**UKST) in demo.sources, "the screen's sources are the pathway's too"
    # a file whose name starts with _ is a screen, not a pathway
    assert [p.id for p in load_pathways(tmp_path)] == ["demo"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s, p: p.update(screen="missing"), "screen: no file _missing.yaml beside it"),
        (lambda s, p: s.update(id="other"), "_check.yaml: id: must be 'check'"),
        (lambda s, p: s.update(rules=[]), "_check.yaml: screen: unknown key(s) rules"),
        (
            lambda s, p: s["questions"][0].update(ask_if={"answer": "signs", "includes": "x"}),
            "_check.yaml: questions[0].ask_if: may only use earlier questions",
        ),
        (lambda s, p: s.update(version="2027.1.1"), "is older than the check screen's 2027.1.1"),
        (
            lambda s, p: p["questions"].append({**p["questions"][5], "id": "signs"}),
            "questions: 'signs' is also a question of the screen",
        ),
    ],
)
def test_a_broken_screen_or_a_pathway_older_than_it_is_refused(tmp_path, change, problem):
    screen_data, pathway_data = screen(), pathway()
    change(screen_data, pathway_data)
    write(tmp_path, screen_data, "_check")
    with pytest.raises(PathwayError, match=re.escape(problem)):
        load_pathway(write(tmp_path, pathway_data, "demo"))


def test_a_screen_asks_every_question_and_uses_every_one(tmp_path):
    data = screen()
    data["questions"].append({"id": "unused", "text": "U?", "help": "U.", "type": "boolean"})
    write(tmp_path, data, "_check")
    with pytest.raises(PathwayError, match="question 'unused' is not used"):
        load_pathway(write(tmp_path, pathway(), "demo"))


# --- lists of signs ---------------------------------------------------------------------------


def test_a_list_takes_the_items_chosen_in_their_order_and_an_empty_list_for_none(demo):
    question = demo.question("risks")
    assert question.coerce(["travel", "thinners"]) == ["thinners", "travel"]
    assert question.coerce(("chemo", "chemo")) == ["chemo"]
    assert question.coerce([]) == []
    assert question.choices[0] == Choice("thinners", "Blood thinners", "", "medicine:anticoagulant")
    assert demo.question("signs").choices[0].help == "Face, arms, speech."
    with pytest.raises(ValueError, match="'gout' is not one of: thinners, chemo, travel"):
        question.coerce(["gout"])
    with pytest.raises(ValueError, match="Give a list of the items that apply"):
        question.coerce("thinners")


@pytest.mark.parametrize(
    ("risks", "pain", "rule"),
    [
        (["thinners"], False, "thinners_or_chemo"),  # includes_any
        (["travel"], False, "default"),
        (["travel"], True, "two_risks"),  # a count across a list and a yes/no
        (["travel", "chemo"], False, "two_risks"),  # and within a list
    ],
)
def test_conditions_on_lists(demo, risks, pain, rule):
    outcome = demo.evaluate(complete(risks=risks, pain=pain, worse=False))
    assert outcome.rationale[0].rule == rule


@pytest.mark.parametrize(
    ("where", "value", "problem"),
    [
        ("includes", ["thinners"], "rules[0].when.includes: ['thinners'] is not a choice"),
        ("includes", "gout", "rules[0].when.includes: 'gout' is not a choice of 'risks'"),
        ("includes_any", "chemo", "rules[0].when.includes_any: give a non-empty list"),
        ("is", [], "a multiple question 'risks' takes exactly one of includes, includes_any"),
    ],
)
def test_list_conditions_are_checked_on_loading(tmp_path, where, value, problem):
    data = pathway()
    data["rules"][0]["when"] = {"answer": "risks", where: value}
    write(tmp_path, screen(), "_check")
    with pytest.raises(PathwayError, match=problem.replace("[", r"\[").replace("]", r"\]")):
        load_pathway(write(tmp_path, data, "demo"))


def test_a_list_gives_its_record_keys_per_item(tmp_path):
    data = pathway()
    data["questions"][3]["record_key"] = "medicine:anticoagulant"
    write(tmp_path, screen(), "_check")
    with pytest.raises(PathwayError, match="give a multiple question's record keys per item"):
        load_pathway(write(tmp_path, data, "demo"))
    data = pathway()
    data["questions"][3]["choices"][1]["record_key"] = "medicine:chocolate"
    with pytest.raises(PathwayError, match=r"choices\[1\].record_key: 'medicine:chocolate'"):
        load_pathway(write(tmp_path, data, "demo"))


# --- "I'm not sure" ---------------------------------------------------------------------------


def test_not_sure_is_taken_as_the_cautious_answer_and_explained(demo):
    question = demo.question("fading")
    assert question.allows_dont_know and question.dont_know_value is False
    assert question.to_dict()["dont_know_allowed"] is True
    outcome = demo.evaluate(complete(fading=DONT_KNOW))
    assert outcome.disposition == "call_999"
    assert [r.rule for r in outcome.rationale] == ["not_fading", "not_sure.fading"]
    assert outcome.rationale[1].text == "You were not sure, so we took it that it does not fade."
    assert outcome.rationale[1].sources == (Source(**NHS),)
    # a plain yes/no question does not accept it
    with pytest.raises(InvalidAnswers, match="pain: Answer yes or no"):
        demo.evaluate(complete(pain=DONT_KNOW))


@pytest.mark.parametrize(
    ("not_sure", "problem"),
    [
        ({"treat_as": "no", "reason": "R.", "sources": [NHS]}, "treat_as: 'no' is not an answer"),
        ({"treat_as": True, "reason": "R."}, "not_sure: missing sources"),
        ({"treat_as": True, "reason": " ", "sources": [NHS]}, "not_sure.reason: expected"),
    ],
)
def test_a_not_sure_answer_must_be_an_answer_with_a_reason_and_a_source(
    tmp_path, not_sure, problem
):
    data = pathway()
    data["questions"][4]["not_sure"] = not_sure
    write(tmp_path, screen(), "_check")
    with pytest.raises(PathwayError, match=problem):
        load_pathway(write(tmp_path, data, "demo"))


def test_not_sure_is_offered_on_yes_no_and_choice_questions_only(tmp_path):
    data = pathway()
    data["questions"][3]["not_sure"] = {"treat_as": True, "reason": "R.", "sources": [NHS]}
    write(tmp_path, screen(), "_check")
    with pytest.raises(PathwayError, match="only yes/no and choice questions offer"):
        load_pathway(write(tmp_path, data, "demo"))
    data = pathway()
    data["questions"][0]["not_sure"] = {"treat_as": "female", "reason": "R.", "sources": [NHS]}
    assert load_pathway(write(tmp_path, data, "demo")).question("sex").dont_know_value == "female"


# --- no red flag behind a gate ------------------------------------------------------------------


def test_a_red_flag_behind_an_unrelated_answer_is_refused(tmp_path):
    data = pathway()
    data["red_flags"].append(_rule("worse_flag", "gp_today", {"answer": "worse", "is": True}))
    write(tmp_path, screen(), "_check")
    with pytest.raises(PathwayError) as raised:
        load_pathway(write(tmp_path, data, "demo"))
    assert str(raised.value) == (
        "demo.yaml: red flag 'worse_flag': its question 'worse' is only asked after 'pain'; a "
        "red flag's questions may depend only on age, sex or pregnancy, so ask it of everyone"
    )


def test_a_red_flag_may_be_gated_by_pregnancy_which_may_be_gated_by_sex(demo):
    # bleeding is asked only in pregnancy, pregnancy only of women: allowed
    outcome = demo.evaluate(complete(sex="female", pregnant=True, bleeding=True))
    assert outcome.disposition == "a_and_e_now"


def test_a_gate_through_a_gated_question_is_found(tmp_path):
    data = pathway()
    data["questions"][2]["ask_if"] = {"answer": "worse", "is": True}  # bleeding after worse
    data["questions"].insert(2, data["questions"].pop(6))  # worse before bleeding
    data["questions"].insert(2, data["questions"].pop(6))  # pain before worse
    write(tmp_path, screen(), "_check")
    with pytest.raises(PathwayError, match="'bleeding' is only asked after 'pain'|after 'worse'"):
        load_pathway(write(tmp_path, data, "demo"))


# --- the emergency answer ends the questions ------------------------------------------------------


def test_a_999_sign_on_the_screen_decides_at_once(demo):
    typed, outcome = demo.decide({"signs": ["stroke"]})
    assert typed == {"signs": ["stroke"]}
    assert outcome.disposition == "call_999" and outcome.decided_early
    assert outcome.flags == [RED_FLAG, "stroke"]
    assert demo.evaluate({"signs": ["stroke"]}) == outcome, "evaluate accepts the short answers"


def test_an_a_and_e_sign_waits_while_a_999_red_flag_is_still_possible(demo):
    assert demo.decide({"signs": ["shivering"]}) is None, "the glass test could still mean 999"
    so_far = {"signs": ["shivering"], "sex": "male", "risks": []}
    assert demo.decide(so_far) is None
    _, outcome = demo.decide({**so_far, "fading": True})
    assert (outcome.disposition, outcome.decided_early) == ("a_and_e_now", True)
    _, outcome = demo.decide({**so_far, "fading": False})
    assert outcome.disposition == "call_999"
    assert outcome.flags == [RED_FLAG, "not_fading", "shivering"]


def test_the_most_urgent_certain_red_flag_decides_and_lower_ones_never_stop_early(demo):
    assert demo.decide({"signs": [], "sex": "male", "risks": ["thinners"]}) is None
    so_far = {"signs": [], "sex": "male", "risks": ["chemo", "travel"]}
    assert demo.decide(so_far) is None, "two_risks is certain, but 999 is still possible"
    _, outcome = demo.decide({**so_far, "fading": True})
    assert outcome.disposition == "a_and_e_now"  # two_risks, before pain is asked


def test_not_sure_ends_the_questions_when_the_cautious_answer_is_an_emergency(demo):
    so_far = {"signs": [], "sex": "male", "risks": [], "fading": DONT_KNOW}
    typed, outcome = demo.decide(so_far)
    assert typed["fading"] is False
    assert [r.rule for r in outcome.rationale] == ["not_fading", "not_sure.fading"]


def test_skip_logic_decided_by_earlier_answers_counts_as_known(demo):
    # a man is never asked about pregnancy, so the pregnancy red flag is not "still possible"
    _, outcome = demo.decide({"signs": ["shivering"], "sex": "male", "risks": [], "fading": True})
    assert outcome.disposition == "a_and_e_now"


def test_complete_or_invalid_answers_are_not_decided_early(demo):
    assert demo.decide(complete(signs=["stroke"])) is None, "complete: evaluated in full"
    assert demo.evaluate(complete(signs=["stroke"])).decided_early is False
    assert demo.decide({"signs": ["stroke"], "sex": "other"}) is None
    with pytest.raises(InvalidAnswers) as raised:
        demo.evaluate({"signs": ["stroke"], "sex": "other", "gout": True})
    assert raised.value.errors["sex"] == "Choose one of: female, male"
    assert raised.value.errors["gout"] == "Not a question of this algorithm"
    with pytest.raises(InvalidAnswers, match="risks: Missing answer"):
        demo.evaluate({"signs": [], "sex": "male"})
    assert demo.decide(["not", "a", "mapping"]) is None


# --- support at once --------------------------------------------------------------------------


def test_an_interrupt_names_the_support_to_show_as_soon_as_it_holds(demo, tmp_path):
    assert demo.interrupt({"signs": [], "sex": "male"}) is None
    assert demo.interrupt({"pain": True}) == "suicidal_thoughts"
    assert demo.interrupt({"pain": "maybe"}) is None
    data = pathway()
    data["interrupts"] = [{"id": "tea", "when": {"answer": "pain", "is": True}}]
    with pytest.raises(PathwayError, match="interrupts\\[0\\].id: 'tea' is not one of"):
        load_pathway(write(tmp_path, data, "demo"))


# --- reasons and outcomes as stored ---------------------------------------------------------


def test_a_reason_with_numbers_keeps_its_template_for_translation():
    source = Source("NHS", "https://www.nhs.uk/")
    reason = Reason.of(
        "total", "Your answers add up to %(total)s out of %(top)s.", (source,), total=12, top=27
    )
    assert reason.text == "Your answers add up to 12 out of 27."
    data = reason.to_dict()
    assert data["template"] == "Your answers add up to %(total)s out of %(top)s."
    assert data["params"] == {"total": 12, "top": 27}
    assert Reason.from_dict(data) == reason
    plain = Reason("r", "Because.", (source,))
    assert "template" not in plain.to_dict()
    assert Reason.from_dict(plain.to_dict()) == plain


def test_an_outcome_stored_before_early_decisions_existed_still_loads():
    stored = {
        "algorithm": "a",
        "version": "1",
        "score": None,
        "band": None,
        "disposition": "self_care",
        "urgency": 0,
        "flags": [],
        "rationale": [{"rule": "r", "text": "Because.", "sources": []}],
        "care_advice": "Rest.",
        "worsening_advice": "Call 111.",
    }
    outcome = Outcome.from_dict(copy.deepcopy(stored))
    assert outcome.decided_early is False
    assert outcome.rationale == [Reason("r", "Because.")]
    assert outcome.to_dict() == {**stored, "decided_early": False}


def test_question_not_sure_defaults_for_scores_still_work():
    question = Question("d", "D?", "number", dont_know_allowed=True, default=4.0)
    assert question.allows_dont_know and question.coerce(DONT_KNOW) == 4.0


# --- three-valued logic -------------------------------------------------------------------------


def _conditions():
    from triage_algorithms.rules import parse_condition

    questions = {
        "a": Question("a", "A?", "boolean"),
        "b": Question("b", "B?", "boolean"),
        "c": Question("c", "C?", "boolean"),
    }
    return lambda raw: parse_condition(raw, questions, "test")


A, B, C = ({"answer": name, "is": True} for name in "abc")


@pytest.mark.parametrize(
    ("raw", "answers", "pending", "expected"),
    [
        # an unanswered question still to come is unknown; a skipped one is simply false
        (A, {}, {"a"}, None),
        (A, {}, set(), False),
        ({"not": A}, {}, {"a"}, None),
        ({"not": A}, {"a": False}, set(), True),
        ({"all": [A, B]}, {"a": True}, {"b"}, None),
        ({"all": [A, B]}, {"a": False}, {"b"}, False),
        ({"all": [A, B]}, {"a": True, "b": True}, set(), True),
        ({"any": [A, B]}, {"a": True}, {"b"}, True),
        ({"any": [A, B]}, {"a": False}, {"b"}, None),
        ({"any": [A, B]}, {"a": False, "b": False}, set(), False),
        ({"at_least": 2, "of": [A, B, C]}, {"a": True, "b": True}, {"c"}, True),
        ({"at_least": 2, "of": [A, B, C]}, {"a": True}, {"b", "c"}, None),
        ({"at_least": 2, "of": [A, B, C]}, {"a": False, "b": False}, {"c"}, False),
    ],
)
def test_a_condition_is_true_false_or_not_yet_known_part_way_through(
    raw, answers, pending, expected
):
    condition = _conditions()(raw)
    assert condition.value3(answers, pending) is expected
    if not pending:  # with nothing to come, it agrees with the two-valued evaluation
        assert condition.holds(answers) is expected


def test_a_screen_question_may_not_be_skipped(tmp_path):
    data = screen()
    data["questions"].append(
        {
            "id": "more",
            "text": "More?",
            "help": "More.",
            "type": "boolean",
            "ask_if": {"answer": "signs", "includes": "stroke"},
        }
    )
    data["red_flags"].append(_rule("more", "call_999", {"answer": "more", "is": True}))
    write(tmp_path, data, "_check")
    with pytest.raises(PathwayError, match=r"_check.yaml: questions: a screen asks every question"):
        load_pathway(write(tmp_path, pathway(), "demo"))
