"""The condition language of pathway files, and the rules that use it.

A condition is plain data, never code: nothing here calls ``eval``. The forms are::

    {answer: q, is: value}          the answer to q equals value
    {answer: q, in: [a, b]}         the answer to a choice question q is one of these
    {answer: q, includes: a}        a on the list of items chosen for a "multiple" question q
    {answer: q, includes_any: [a]}  at least one of these items chosen for q
    {answer: q, at_least: n}        the number answered to q is n or more
    {answer: q, at_most: n}         ... n or less
    {answer: q, below: n}           ... less than n
    {answer: q, above: n}           ... more than n
    {all: [c, ...]}                 every condition holds
    {any: [c, ...]}                 at least one condition holds
    {not: c}                        the condition does not hold
    {at_least: k, of: [c, ...]}     k or more of the conditions hold (a count, as in a score)

A condition on a question that was not asked (skip logic) is false, so ``{answer: q, is:
false}`` means "asked and answered no", while ``{not: {answer: q, is: true}}`` also holds when
q was skipped. Every condition is checked when the file is loaded: the question must exist and
the value must suit its type (a boolean for a yes/no question, one of the choices for a choice
question, a number within range for a number question).

Part way through, ``value(answers, pending)`` tells whether a condition already holds
whatever the pending questions' answers turn out to be (True), can no longer hold (False) or
is not yet known (None): Kleene's three-valued logic, used to stop asking as soon as an
emergency outcome is certain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triage_algorithms.core import DISPOSITIONS, Question, Reason, Source


class PathwayError(ValueError):
    """A pathway file is malformed. The message names the file, the place and the problem."""


COMPARISONS = {
    "at_least": lambda answer, value: answer >= value,
    "at_most": lambda answer, value: answer <= value,
    "below": lambda answer, value: answer < value,
    "above": lambda answer, value: answer > value,
}
# Which operators each answer type allows.
OPERATORS = {
    "boolean": ("is",),
    "choice": ("is", "in"),
    "integer": ("is", *COMPARISONS),
    "number": ("is", *COMPARISONS),
    "multiple": ("includes", "includes_any"),
}
# Operators whose value is a list of choices.
LIST_OPERATORS = ("in", "includes_any")


def _all3(values) -> bool | None:
    values = list(values)
    if any(value is False for value in values):
        return False
    return True if all(value is True for value in values) else None


def _any3(values) -> bool | None:
    values = list(values)
    if any(value is True for value in values):
        return True
    return False if all(value is False for value in values) else None


@dataclass(frozen=True)
class Answer:
    question: str
    operator: str
    value: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        if self.question not in answers:
            return False
        answer = answers[self.question]
        if self.operator == "is":
            return answer == self.value
        if self.operator == "in":
            return answer in self.value
        if self.operator == "includes":
            return self.value in answer
        if self.operator == "includes_any":
            return any(item in answer for item in self.value)
        return COMPARISONS[self.operator](answer, self.value)

    def value3(self, answers: Mapping[str, Any], pending: set[str]) -> bool | None:
        if self.question not in answers and self.question in pending:
            return None
        return self.holds(answers)

    def questions(self) -> set[str]:
        return {self.question}


@dataclass(frozen=True)
class All:
    conditions: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return all(condition.holds(answers) for condition in self.conditions)

    def value3(self, answers: Mapping[str, Any], pending: set[str]) -> bool | None:
        return _all3(condition.value3(answers, pending) for condition in self.conditions)

    def questions(self) -> set[str]:
        return _questions_of(self.conditions)


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return any(condition.holds(answers) for condition in self.conditions)

    def value3(self, answers: Mapping[str, Any], pending: set[str]) -> bool | None:
        return _any3(condition.value3(answers, pending) for condition in self.conditions)

    def questions(self) -> set[str]:
        return _questions_of(self.conditions)


@dataclass(frozen=True)
class Not:
    condition: Any

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return not self.condition.holds(answers)

    def value3(self, answers: Mapping[str, Any], pending: set[str]) -> bool | None:
        value = self.condition.value3(answers, pending)
        return None if value is None else not value

    def questions(self) -> set[str]:
        return self.condition.questions()


@dataclass(frozen=True)
class Count:
    at_least: int
    conditions: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        return sum(condition.holds(answers) for condition in self.conditions) >= self.at_least

    def value3(self, answers: Mapping[str, Any], pending: set[str]) -> bool | None:
        values = [condition.value3(answers, pending) for condition in self.conditions]
        if values.count(True) >= self.at_least:
            return True
        if values.count(True) + values.count(None) < self.at_least:
            return False
        return None

    def questions(self) -> set[str]:
        return _questions_of(self.conditions)


def _questions_of(conditions: tuple[Any, ...]) -> set[str]:
    return set().union(*(condition.questions() for condition in conditions))


def parse_condition(raw: Any, questions: Mapping[str, Question], where: str) -> Any:
    """A condition from its data, checked against ``questions`` (the ones it may use)."""
    if not isinstance(raw, dict) or not raw:
        raise PathwayError(
            f"{where}: a condition must be a mapping such as {{answer: q, is: true}}"
        )
    if "answer" in raw:
        return _parse_answer(raw, questions, where)
    if "of" in raw:
        items = _parse_list(raw, "of", {"of", "at_least"}, questions, where)
        count = raw.get("at_least")
        if not _is_int(count) or not 1 <= count <= len(items):
            raise PathwayError(f"{where}.at_least: give a whole number from 1 to {len(items)}")
        return Count(count, items)
    key = next(iter(raw))
    if len(raw) != 1 or key not in ("all", "any", "not"):
        raise PathwayError(
            f"{where}: unknown condition {sorted(raw)}; use answer, all, any, not or at_least/of"
        )
    if key == "not":
        return Not(parse_condition(raw["not"], questions, f"{where}.not"))
    items = _parse_list(raw, key, {key}, questions, where)
    return All(items) if key == "all" else AnyOf(items)


def _parse_list(raw: dict, key: str, allowed: set, questions, where: str) -> tuple[Any, ...]:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise PathwayError(f"{where}: unknown key(s) {unknown} beside {key!r}")
    items = raw[key]
    if not isinstance(items, list) or not items:
        raise PathwayError(f"{where}.{key}: give a non-empty list of conditions")
    return tuple(
        parse_condition(item, questions, f"{where}.{key}[{index}]")
        for index, item in enumerate(items)
    )


def _parse_answer(raw: dict, questions: Mapping[str, Question], where: str) -> Answer:
    question_id = raw["answer"]
    if not isinstance(question_id, str) or question_id not in questions:
        raise PathwayError(f"{where}: unknown question {question_id!r}")
    question = questions[question_id]
    operators = [key for key in raw if key != "answer"]
    allowed = OPERATORS[question.type]
    if len(operators) != 1 or operators[0] not in allowed:
        raise PathwayError(
            f"{where}: a {question.type} question {question_id!r} takes exactly one of "
            f"{', '.join(allowed)}, not {operators}"
        )
    operator = operators[0]
    value = raw[operator]
    if operator in LIST_OPERATORS:
        if not isinstance(value, list) or not value:
            raise PathwayError(f"{where}.{operator}: give a non-empty list of choices")
        for item in value:
            _check_value(question, item, f"{where}.{operator}")
        return Answer(question_id, operator, tuple(value))
    _check_value(question, value, f"{where}.{operator}")
    return Answer(question_id, operator, value)


def _check_value(question: Question, value: Any, where: str) -> None:
    if question.type == "boolean":
        if not isinstance(value, bool):
            raise PathwayError(f"{where}: {question.id!r} is a yes/no question: use true or false")
    elif question.type in ("choice", "multiple"):
        values = [choice.value for choice in question.choices]
        if value not in values:
            raise PathwayError(f"{where}: {value!r} is not a choice of {question.id!r} {values}")
    else:
        low, high = question.minimum, question.maximum
        if not _is_number(value) or not low <= value <= high:
            raise PathwayError(f"{where}: {value!r} is not a number from {low} to {high}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Rule:
    """A red flag or an ordered rule: when it holds, its disposition and advice apply.
    ``when`` is None only for a pathway's final, unconditional rule."""

    id: str
    when: Any
    disposition: str
    reason: str
    care_advice: str
    worsening_advice: str
    sources: tuple[Source, ...]

    @property
    def urgency(self) -> int:
        return DISPOSITIONS[self.disposition]

    def matches(self, answers: Mapping[str, Any]) -> bool:
        return self.when is None or self.when.holds(answers)

    def value3(self, answers: Mapping[str, Any], pending: set[str]) -> bool | None:
        """Whether the rule fires, given the answers so far and the questions still to come."""
        return True if self.when is None else self.when.value3(answers, pending)

    def reason_entry(self) -> Reason:
        return Reason(rule=self.id, text=self.reason, sources=self.sources)
