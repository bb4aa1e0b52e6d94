"""The one-question-per-page flow: which page comes next, and the answers so far.

The answers in progress are kept on the server (``drafts``; the session cookie holds only a
random id), as ``{"algorithm": id, "version": v, "answers": {...}, "from_record": [...],
"preselected": {question: [items]}, "support_seen": [...]}``. A question whose answer is a
list of scores (the PHQ-9 and GAD-7 questionnaires) is asked one item per page; a list of
signs ("multiple") is one page of checkboxes, with what the record already knows ticked for
the person to confirm.

After every answer the flow asks the algorithm two things first: whether support must be
shown at once (``interrupt``, e.g. crisis support on thoughts of suicide), and whether the
answers so far already decide an emergency (``decide``); an emergency ends the questions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from triage_algorithms.core import Algorithm, Question


@dataclass(frozen=True)
class Step:
    question: Question
    item: int | None = None  # 0-based item of a list question

    @property
    def slug(self) -> str:
        return self.question.id if self.item is None else f"{self.question.id}-{self.item + 1}"

    @property
    def text(self) -> str:
        if self.item is None:
            return self.question.text
        texts = self.question.item_texts
        return texts[self.item] if self.item < len(texts) else self.question.text

    def answer(self, answers: dict[str, Any]) -> Any:
        """The stored answer for this page, or None."""
        value = answers.get(self.question.id)
        if self.item is None:
            return value
        if isinstance(value, list) and self.item < len(value):
            return value[self.item]
        return None

    def store(self, answers: dict[str, Any], value: Any) -> dict[str, Any]:
        """A copy of the answers with this page's answer set."""
        updated = dict(answers)
        if self.item is None:
            updated[self.question.id] = value
            return updated
        items = list(updated.get(self.question.id) or [None] * (self.question.length or 0))
        items[self.item] = value
        updated[self.question.id] = items
        return updated


def steps(algorithm: Algorithm, answers: dict[str, Any]) -> list[Step]:
    """Every page asked, in order, given the answers so far (skip logic applied)."""
    pages = []
    for question in algorithm.asked_questions(answers):
        if question.type == "integer_list":
            pages.extend(Step(question, index) for index in range(question.length or 0))
        else:
            pages.append(Step(question))
    return pages


def find_step(algorithm: Algorithm, answers: dict[str, Any], slug: str) -> Step | None:
    return next((step for step in steps(algorithm, answers) if step.slug == slug), None)


def next_step(algorithm: Algorithm, answers: dict[str, Any]) -> Step | None:
    """The first page without an answer, or None when every asked question is answered."""
    return next((step for step in steps(algorithm, answers) if step.answer(answers) is None), None)


def previous_step(algorithm: Algorithm, answers: dict[str, Any], slug: str) -> Step | None:
    pages = steps(algorithm, answers)
    for index, step in enumerate(pages):
        if step.slug == slug:
            return pages[index - 1] if index > 0 else None
    return None


def relevant_answers(algorithm: Algorithm, answers: dict[str, Any]) -> dict[str, Any]:
    """Only the answers to questions still asked: a changed answer can make others moot."""
    asked = {step.question.id for step in steps(algorithm, answers)}
    return {key: value for key, value in answers.items() if key in asked}


def state_for(stored: Any, algorithm: Algorithm) -> dict[str, Any] | None:
    """The session's state for this algorithm and version, or None (not started or stale)."""
    if (
        isinstance(stored, dict)
        and stored.get("algorithm") == algorithm.id
        and stored.get("version") == algorithm.version
        and isinstance(stored.get("answers"), dict)
    ):
        return stored
    return None


def new_state(
    algorithm: Algorithm,
    answers: dict[str, Any],
    from_record: list[str],
    preselected: dict[str, list] | None = None,
    support_seen: list[str] | None = None,
) -> dict:
    return {
        "algorithm": algorithm.id,
        "version": algorithm.version,
        "answers": answers,
        "from_record": from_record,
        "preselected": preselected or {},
        "support_seen": support_seen or [],
    }


def updated_state(state: dict, algorithm: Algorithm, step: Step, value: Any) -> dict:
    """The state after answering one page: answers that a changed answer makes moot are
    dropped, and an answer the person gave themselves is no longer "from the record"."""
    answers = relevant_answers(algorithm, step.store(state["answers"], value))
    return new_state(
        algorithm,
        answers,
        [q for q in state.get("from_record", []) if q != step.question.id],
        state.get("preselected"),
        state.get("support_seen"),
    )


def support_due(algorithm: Algorithm, state: dict) -> str | None:
    """Support the person should see now and has not yet seen, or None."""
    page = algorithm.interrupt(state["answers"])
    return page if page is not None and page not in state.get("support_seen", []) else None
