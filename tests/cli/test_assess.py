"""`myhealth assess ALGORITHM --answers JSON`: the outcome as JSON, exit status 2 when the
answers are wrong. Run as a real process through the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import triage_algorithms

MYHEALTH = Path(sys.executable).with_name("myhealth")


def assess(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "MYHEALTH_ENV": "development"}
    return subprocess.run(
        [str(MYHEALTH), "assess", *args],
        capture_output=True,
        text=True,
        input=stdin,
        env=env,
        timeout=60,
        check=False,
    )


def test_prints_the_outcome_of_a_score_as_json():
    result = assess("phq9", "--answers", json.dumps({"items": [2, 1, 2, 1, 1, 1, 2, 2, 0]}))
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["algorithm"] == "phq9"
    assert outcome["version"] == triage_algorithms.load("phq9").version
    assert (outcome["score"], outcome["band"]) == (12, "moderate")
    assert outcome["rationale"] and outcome["rationale"][0]["sources"]


def test_answers_can_come_from_standard_input():
    answers = {"items": [3, 3, 3, 3, 3, 3, 3]}
    result = assess("gad7", "--answers", "-", stdin=json.dumps(answers))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["band"] == "severe"


def test_invalid_answers_exit_2_naming_each_field():
    result = assess("phq9", "--answers", json.dumps({"items": [1, 2, 3], "mood": "low"}))
    assert result.returncode == 2
    assert result.stdout == ""
    first_line = json.loads(result.stderr.splitlines()[0])
    assert set(first_line["fields"]) == {"items", "mood"}
    assert "Give exactly 9 answers" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("no-such-tool", "--answers", "{}"), "No algorithm called 'no-such-tool'"),
        (("phq9", "--answers", "{not json"), "--answers is not valid JSON"),
        (("phq9",), "give the answers with --answers JSON"),
        ((), "give an algorithm id"),
    ],
)
def test_other_mistakes_exit_2_with_a_message(args, message):
    result = assess(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_list_and_questions_describe_the_catalogue():
    listed = json.loads(assess("--list").stdout)
    assert {entry["id"] for entry in listed} == {e["id"] for e in triage_algorithms.catalogue()}
    questions = json.loads(assess("qrisk3", "--questions").stdout)
    age = next(q for q in questions if q["id"] == "age")
    assert age["validation"]["minimum"] == 25


def test_an_emergency_answer_alone_is_enough_for_an_outcome():
    result = assess("abdominal_pain", "--answers", json.dumps({"emergency_signs": ["stroke"]}))
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert (outcome["disposition"], outcome["decided_early"]) == ("call_999", True)
    # not so when the answers so far could still lead anywhere
    result = assess("abdominal_pain", "--answers", json.dumps({"emergency_signs": []}))
    assert result.returncode == 2
    assert "Missing answer" in result.stderr


def test_every_algorithm_runs_from_the_command_line():
    from bench.triage import example_answers

    for entry in triage_algorithms.catalogue():
        answers = example_answers(triage_algorithms.load(entry["id"]))
        result = assess(entry["id"], "--answers", json.dumps(answers))
        assert result.returncode == 0, (entry["id"], result.stderr)
        assert json.loads(result.stdout)["algorithm"] == entry["id"]
