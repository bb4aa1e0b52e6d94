"""Self-assessment speed: evaluations per second of every algorithm, and the page time of a
whole assessment as a ratio to /healthz served the same way, measured side by side in one run;
and, per symptom pathway, the most questions anyone answers before an emergency outcome.

    python -m bench.triage [--quick]

Prints one JSON object per line: {"metric", "value", "unit", "target", "ok"}.
"""

from __future__ import annotations

import argparse
import re
import time
from typing import Any

from bench.common import demo_app, emit, median_of, sign_in, timed

PREFIX = "/self-assessment"


def example_answers(algorithm) -> dict:
    """A complete, valid answer set: every asked question answered, skip logic followed."""
    answers: dict = {}
    for question in algorithm.questions:
        if not algorithm.applies(question, answers):
            continue
        if question.type == "boolean":
            value = False
        elif question.type == "multiple":
            value = []
        elif question.type == "choice":
            value = question.choices[0].value
        elif question.type == "integer_list":
            value = [1] * (question.length or 0)
        else:
            low = question.minimum if question.minimum is not None else 0
            high = question.maximum if question.maximum is not None else low + 10
            middle = (low + high) / 2
            value = int(middle) if question.type == "integer" else float(middle)
        answers[question.id] = value
    return answers


# How many answer paths the worst-case search may walk per pathway before it gives up.
SEARCH_LIMIT = 200_000


def _leaves(condition) -> list:
    from triage_algorithms.rules import Answer

    if isinstance(condition, Answer):
        return [condition]
    if hasattr(condition, "condition"):
        return _leaves(condition.condition)
    return [leaf for item in getattr(condition, "conditions", ()) for leaf in _leaves(item)]


def _candidates(pathway, question) -> list[Any]:
    """Every kind of answer a person can give: no and yes (and "not sure"), each choice, none
    or one item of a list, each number either side of every threshold the rules use."""
    from triage_algorithms.core import DONT_KNOW

    if question.type == "boolean":
        values: list[Any] = [False, True]
    elif question.type == "choice":
        values = [choice.value for choice in question.choices]
    elif question.type == "multiple":
        values = [[], *([choice.value] for choice in question.choices)]
    else:
        numbers = {question.minimum, question.maximum}
        conditions = [*pathway.ask_if.values(), *(r.when for r in pathway.red_flags)]
        for leaf in (leaf for c in conditions for leaf in _leaves(c)):
            if leaf.question == question.id:
                numbers |= {leaf.value - 1, leaf.value, leaf.value + 1}
        values = sorted(n for n in numbers if question.minimum <= n <= question.maximum)
    return [*values, DONT_KNOW] if question.not_sure is not None else values


def questions_before_emergency(pathway) -> tuple[int, bool]:
    """The most questions (pages) anyone answers before the pathway gives an emergency outcome
    (999 or A&E now), over every way of answering, and whether the search was complete. A
    branch stops as soon as no emergency red flag can still fire."""
    from triage_algorithms.core import EMERGENCY_URGENCY

    emergencies = [rule for rule in pathway.red_flags if rule.urgency >= EMERGENCY_URGENCY]
    worst, walked = 0, 0

    def walk(answers: dict[str, Any], depth: int) -> bool:
        nonlocal worst, walked
        walked += 1
        if walked > SEARCH_LIMIT:
            return False
        if pathway.decide(answers) is not None:
            worst = max(worst, depth)
            return True
        typed, pending, _ = pathway.progress(answers)
        if all(rule.value3(typed, pending) is False for rule in emergencies):
            return True
        question = pathway.next_question(answers)
        if question is None:
            if pathway.evaluate(answers).urgency >= EMERGENCY_URGENCY:
                worst = max(worst, depth)
            return True
        return all(
            walk({**answers, question.id: value}, depth + 1)
            for value in _candidates(pathway, question)
        )

    complete = walk({}, 0)
    return worst, complete


def evaluations_per_second(algorithm, seconds: float) -> float:
    answers = example_answers(algorithm)
    algorithm.evaluate(answers)  # warm up
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            algorithm.evaluate(answers)
        count += 50
    return count / (time.perf_counter() - start)


def _token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def full_assessment(client, items: list[int]) -> None:
    """Every page of a PHQ-9 as a person goes through it: start, nine questions (each shown,
    then answered), check your answers, submit, and the outcome page."""
    token = _token(client, f"{PREFIX}/phq9")
    location = client.post(f"{PREFIX}/phq9", data={"csrf_token": token}).headers["Location"]
    for value in items:
        assert client.get(location).status_code == 200
        response = client.post(location, data={"csrf_token": token, "answer": str(value)})
        location = response.headers["Location"]
    assert client.get(location).status_code == 200  # check your answers
    done = client.post(f"{PREFIX}/phq9/check", data={"csrf_token": token})
    assert client.get(done.headers["Location"]).status_code == 200


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats, under a minute")
    args = parser.parse_args()
    seconds = 0.2 if args.quick else 1.0
    repeats = 5 if args.quick else 20

    import triage_algorithms
    from myhealth.demo_people import DEMO_PATIENT_EMAIL

    for entry in triage_algorithms.catalogue():
        rate = evaluations_per_second(triage_algorithms.load(entry["id"]), seconds)
        # A page view needs one evaluation; a thousand a second leaves it invisible.
        emit(f"{entry['id']}_evaluations", rate, "per second", ">= 1000", rate >= 1000)

    for entry in triage_algorithms.catalogue():
        if entry["kind"] != "pathway":
            continue
        worst, complete = questions_before_emergency(triage_algorithms.load(entry["id"]))
        # Issue 8: the emergency screen plus at most 2 of the pathway's own questions.
        emit(
            f"{entry['id']}_questions_before_emergency_worst_case",
            worst,
            "questions" if complete else "questions (search stopped early: at least)",
            "<= 3",
            complete and worst <= 3,
        )

    app = demo_app()
    anonymous = app.test_client()
    patient = sign_in(app, DEMO_PATIENT_EMAIL)
    timed(anonymous, "/healthz", 3)
    full_assessment(anonymous, [1] * 9)  # warm up
    base = timed(anonymous, "/healthz", repeats * 5)
    pages = 2 + 2 * 9 + 3  # start form and start, 9 x (show, answer), check, submit, outcome
    signed_out = median_of(lambda: full_assessment(anonymous, [1] * 9), repeats) / base
    # Signed in it is saved: the assessment, two FHIR resources, a review item, the audit.
    # Item 9 at 0: any other answer shows crisis support at once, a page this walk does not
    # expect.
    signed_in = median_of(lambda: full_assessment(patient, [2] * 8 + [0]), repeats) / base
    # Budgets as in bench.pages: a public page renders templates only; a signed-in page also
    # loads the device session and writes to the database on every request.
    for name, ratio, budget in (
        ("signed_out", signed_out, 10),
        ("signed_in_saved", signed_in, 20),
    ):
        whole = pages * budget
        emit(f"phq9_full_assessment_{name}_vs_healthz", ratio, "ratio", f"< {whole}", ratio < whole)
        per_page = ratio / pages
        emit(
            f"phq9_per_page_{name}_vs_healthz", per_page, "ratio", f"< {budget}", per_page < budget
        )


if __name__ == "__main__":
    main()
