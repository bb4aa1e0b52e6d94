"""Realistic stories, written from the cited sources (not from the rules), walked through
each pathway as a person would answer them: every must-not-miss story must come out at least
as urgent as its source says, and every benign one must not be sent further than it needs.

Each file in ``scenarios/`` holds one pathway's stories::

    pathway: chest_pain
    scenarios:
      - id: crushing_pain_now
        story: >-                    the person's own words
        red_flag: chest_pain.heart_attack   a row of docs/clinical-safety/red-flags.md (optional)
        min_urgency: 5               0 (self-care) to 5 (call 999), see DISPOSITIONS
        max_urgency: 5
        dispositions: [pharmacist]   (optional) the outcome must be one of these
        source: {title, url, says}   the sentence of the source that sets the urgency
        answers: {question: answer}  what the person would answer

A question the story does not mention is answered as the person would: "no" to a yes/no
question and "none of these" to a list. Choice and number questions must be answered. The walk
stops when an answer decides an emergency, as the web flow does.

The document ``docs/clinical-safety/red-flags.md`` lists every red flag and route of every
pathway's sources with the rule that acts on it; these tests tie each row to its rule and to a
story that fires it.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import triage_algorithms
from triage_algorithms.core import DISPOSITIONS, DONT_KNOW
from triage_algorithms.engine import Pathway, load_pathways

HERE = Path(__file__).parent / "scenarios"
RED_FLAGS_DOC = Path(__file__).parents[2] / "docs" / "clinical-safety" / "red-flags.md"
PATHWAYS: dict[str, Pathway] = {pathway.id: pathway for pathway in load_pathways()}
SCENARIO_KEYS = {"id", "story", "answers", "min_urgency", "max_urgency", "source"}
OPTIONAL_KEYS = {"red_flag", "dispositions"}
MINIMUM_SCENARIOS = 200


@cache
def scenarios() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["pathway"] == path.stem.split(".")[0], f"{path.name}: name it <pathway>.yaml"
        for scenario in data["scenarios"]:
            found.append((data["pathway"], scenario))
    return found


def scenario_ids() -> list[str]:
    return [f"{pathway}.{scenario['id']}" for pathway, scenario in scenarios()]


def walk(pathway: Pathway, given: dict[str, Any]) -> tuple[triage_algorithms.Outcome, list[str]]:
    """Answer the pathway's questions in order, as the web flow asks them, and return the
    outcome and the questions asked."""
    answers: dict[str, Any] = {}
    asked: list[str] = []
    while True:
        decided = pathway.decide(answers)
        if decided is not None:
            return decided[1], asked
        question = pathway.next_question(answers)
        if question is None:
            return pathway.evaluate(answers), asked
        asked.append(question.id)
        if question.id in given:
            answers[question.id] = given[question.id]
        elif question.type == "boolean":
            answers[question.id] = False
        elif question.type == "multiple":
            answers[question.id] = []
        else:
            raise AssertionError(
                f"the story must say how the person answers {question.id!r} ({question.text})"
            )


# --- the red-flags document -------------------------------------------------------------------

ROW = re.compile(r"^\|\s*`?(?P<id>[a-z_]+\.[a-z0-9_]+)`?\s*\|(?P<rest>.*)\|\s*$")


@cache
def red_flag_rows() -> dict[str, dict[str, str]]:
    """Rows of red-flags.md by id: finding, source says, source, action, question, rule."""
    rows: dict[str, dict[str, str]] = {}
    for line in RED_FLAGS_DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if not match:
            continue
        cells = [cell.strip() for cell in match["rest"].split("|")]
        assert len(cells) == 6, f"red-flags.md row {match['id']} needs 7 cells: {line}"
        finding, says, source, action, question, rule = cells
        assert match["id"] not in rows, f"red-flags.md: {match['id']} is listed twice"
        rows[match["id"]] = {
            "finding": finding.strip("`"),
            "says": says,
            "source": source,
            "action": action.strip("`"),
            "question": question,
            "rule": rule.strip("`"),
        }
    return rows


def pathways_of(row_id: str) -> list[Pathway]:
    prefix = row_id.split(".")[0]
    if prefix == "screen":
        return [p for p in PATHWAYS.values() if p.screen == "emergency_screen"]
    assert prefix in PATHWAYS, f"red-flags.md: {row_id} names no pathway"
    return [PATHWAYS[prefix]]


# --- scenario tests -------------------------------------------------------------------------


def test_there_are_enough_realistic_scenarios_for_every_pathway():
    assert len(scenarios()) >= MINIMUM_SCENARIOS
    per_pathway = Counter(pathway for pathway, _ in scenarios())
    assert set(per_pathway) == set(PATHWAYS)
    assert min(per_pathway.values()) >= 15, per_pathway
    assert len(set(scenario_ids())) == len(scenario_ids()), "scenario ids repeat"


@pytest.mark.parametrize(("pathway_id", "scenario"), scenarios(), ids=scenario_ids())
def test_scenario_is_well_formed(pathway_id, scenario):
    keys = set(scenario)
    assert SCENARIO_KEYS <= keys <= SCENARIO_KEYS | OPTIONAL_KEYS, sorted(keys ^ SCENARIO_KEYS)
    assert len(scenario["story"].split()) >= 12, "tell the story as the person would"
    assert 0 <= scenario["min_urgency"] <= scenario["max_urgency"] <= 5
    source = scenario["source"]
    assert set(source) == {"title", "url", "says"} and source["url"].startswith("https://")
    known = {question.id for question in PATHWAYS[pathway_id].questions}
    unknown = set(scenario["answers"]) - known
    assert not unknown, f"no such questions in {pathway_id}: {sorted(unknown)}"
    if "red_flag" in scenario:
        assert scenario["red_flag"] in red_flag_rows(), f"unknown row {scenario['red_flag']}"
    for disposition in scenario.get("dispositions", []):
        assert disposition in DISPOSITIONS


@pytest.mark.parametrize(("pathway_id", "scenario"), scenarios(), ids=scenario_ids())
def test_scenario_gets_the_urgency_its_source_requires(pathway_id, scenario):
    outcome, asked = walk(PATHWAYS[pathway_id], scenario["answers"])
    story = f"{scenario['story']}\n  -> {outcome.disposition} by {outcome.rationale[0].rule}"
    assert outcome.urgency >= scenario["min_urgency"], f"under-triaged: {story}"
    assert outcome.urgency <= scenario["max_urgency"], f"over-triaged: {story}"
    if "dispositions" in scenario:
        assert outcome.disposition in scenario["dispositions"], story
    if "red_flag" in scenario:
        row = red_flag_rows()[scenario["red_flag"]]
        fired = {reason.rule for reason in outcome.rationale}
        assert row["rule"] in fired, f"{scenario['red_flag']} did not fire: {story}"


def test_a_not_sure_answer_is_taken_as_the_cautious_one_somewhere_in_the_stories():
    unsure = [
        (pathway_id, scenario)
        for pathway_id, scenario in scenarios()
        if DONT_KNOW in scenario["answers"].values()
    ]
    assert len(unsure) >= 5


# --- red-flags.md -----------------------------------------------------------------------------


def test_the_red_flags_document_lists_every_pathway_and_the_screen():
    prefixes = {row_id.split(".")[0] for row_id in red_flag_rows()}
    assert prefixes == {"screen", *PATHWAYS}


@pytest.mark.parametrize("row_id", sorted(red_flag_rows()))
def test_every_listed_red_flag_has_a_rule_that_acts_on_it(row_id):
    row = red_flag_rows()[row_id]
    assert row["action"] in DISPOSITIONS, f"{row_id}: unknown action {row['action']}"
    assert row["says"].strip('"“”'), f"{row_id}: quote the source sentence"
    assert re.search(r"\]\(https://", row["source"]), f"{row_id}: link the source"
    for pathway in pathways_of(row_id):
        rule = pathway.rule(row["rule"])
        assert rule.disposition == row["action"], (
            f"{row_id}: the document says {row['action']}, rule {rule.id} of {pathway.id} "
            f"says {rule.disposition}"
        )


@pytest.mark.parametrize("row_id", sorted(red_flag_rows()))
def test_every_listed_red_flag_fires_in_a_story(row_id):
    stories = [
        (pathway_id, scenario)
        for pathway_id, scenario in scenarios()
        if scenario.get("red_flag") == row_id
    ]
    assert stories, f"no scenario for {row_id}: write a must-not-miss story for it"
    rule = red_flag_rows()[row_id]["rule"]
    for pathway_id, scenario in stories:
        outcome, _ = walk(PATHWAYS[pathway_id], scenario["answers"])
        assert rule in {reason.rule for reason in outcome.rationale}, scenario["id"]


def test_every_red_flag_rule_of_every_pathway_is_in_the_document():
    documented = defaultdict(set)
    for row_id, row in red_flag_rows().items():
        for pathway in pathways_of(row_id):
            documented[pathway.id].add(row["rule"])
    missing = [
        f"{pathway.id}.{rule.id}"
        for pathway in PATHWAYS.values()
        for rule in pathway.red_flags
        if rule.id not in documented[pathway.id]
    ]
    assert not missing, f"red flags with no row in red-flags.md: {missing}"


def test_the_same_finding_means_the_same_thing_in_every_pathway():
    actions = defaultdict(set)
    for row_id, row in red_flag_rows().items():
        actions[row["finding"]].add((row["action"], row_id))
    differing = {
        finding: sorted(found)
        for finding, found in actions.items()
        if len({action for action, _ in found}) > 1
    }
    assert not differing, f"one finding, different advice: {differing}"
