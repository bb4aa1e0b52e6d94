"""The shared shapes of every algorithm: questions, answers, outcomes and errors.

Nothing here knows about Flask, databases or the portal. An algorithm is a set of typed
questions plus a deterministic ``evaluate(answers) -> Outcome``; the same answers always give
the same outcome, and every outcome records the algorithm's version and the rules that fired,
each with its published source.
"""

from __future__ import annotations

import contextlib
import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Dispositions of the symptom pathways, most urgent first, with their urgency (0 = self-care
# ... 5 = call 999). The order matters: when two rules could apply, the more urgent one wins.
DISPOSITIONS: dict[str, int] = {
    "call_999": 5,
    "a_and_e_now": 4,
    "urgent_care_today": 3,
    "gp_today": 2,
    "gp_within_3_days": 1,
    "pharmacist": 1,
    "self_care": 0,
}

ANSWER_TYPES = ("boolean", "integer", "number", "choice", "integer_list", "multiple")

# The answer a person gives when they cannot know (a score's "I do not know", a pathway's
# "I'm not sure"). It is replaced by the question's stated value before any rule sees it.
DONT_KNOW = "dont_know"

# Dispositions at or above this urgency end the questions at once (999, or A&E now).
EMERGENCY_URGENCY = 4

# Support a person is shown at once, before any further question (Algorithm.interrupt).
SUPPORT_PAGES = ("suicidal_thoughts",)

# Flags the portal acts on. A score that crosses its published review threshold adds
# REVIEW_THRESHOLD; a pathway red-flag rule adds RED_FLAG (and its own rule id).
RED_FLAG = "red_flag"
REVIEW_THRESHOLD = "review_threshold"


class InvalidAnswers(ValueError):
    """Answers are missing or invalid. ``errors`` maps each field to a plain message."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        detail = "; ".join(f"{field_id}: {message}" for field_id, message in self.errors.items())
        super().__init__(f"Invalid answers: {detail}")


class UnknownAlgorithm(LookupError):
    """No algorithm has this id."""


@dataclass(frozen=True)
class Source:
    """A published source a rule or an algorithm follows."""

    title: str
    url: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url}


def N_(text: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Marks text for the translation catalogue without translating it here: this package
    stays pure, and the portal translates the text when it shows it."""
    return text


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str
    help: str = ""
    # For a "multiple" question: what a health record can answer for this item (the item is
    # pre-selected when the record holds it), as for Question.record_key.
    record_key: str | None = None


@dataclass(frozen=True)
class NotSure:
    """A pathway question a lay person may not be able to answer ("is the rash fading under
    a glass?"): "I'm not sure" is offered and taken as ``treat_as``, the more cautious answer,
    for the ``reason`` given (and its sources)."""

    treat_as: Any
    reason: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Question:
    """One question. ``default`` is used only when ``dont_know_allowed`` and the person says
    they do not know (the published tool allows it); it is never used for a missing answer.

    ``record_key`` names what a health record can answer: ``"age"``, ``"sex"`` or
    ``"condition:<key>"`` (see ``triage_algorithms.conditions``).
    """

    id: str
    text: str
    type: str
    help: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    length: int | None = None  # for integer_list: exact number of items
    unit: str = ""
    dont_know_allowed: bool = False
    default: Any = None
    record_key: str | None = None
    # For integer_list: the text of each item (each is asked on its own page in the portal),
    # answered with one of ``choices``.
    item_texts: tuple[str, ...] = ()
    not_sure: NotSure | None = None

    @property
    def allows_dont_know(self) -> bool:
        return self.dont_know_allowed or self.not_sure is not None

    @property
    def dont_know_value(self) -> Any:
        return self.not_sure.treat_as if self.not_sure is not None else self.default

    def __post_init__(self):
        if self.type not in ANSWER_TYPES:
            raise ValueError(f"question {self.id}: unknown answer type {self.type!r}")
        if self.type in ("choice", "multiple") and not self.choices:
            raise ValueError(f"question {self.id}: a {self.type} question needs choices")

    @property
    def validation(self) -> dict[str, Any]:
        rules: dict[str, Any] = {"required": True}
        if self.minimum is not None:
            rules["minimum"] = self.minimum
        if self.maximum is not None:
            rules["maximum"] = self.maximum
        if self.length is not None:
            rules["length"] = self.length
        return rules

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "help": self.help,
            "type": self.type,
            "choices": [
                {"value": c.value, "label": c.label, "help": c.help, "record_key": c.record_key}
                for c in self.choices
            ],
            "validation": self.validation,
            "unit": self.unit,
            "dont_know_allowed": self.allows_dont_know,
            "default": self.dont_know_value,
            "record_key": self.record_key,
        }

    def coerce(self, value: Any) -> Any:
        """Return the typed answer or raise ValueError with a plain message."""
        if value is None or value == "":
            raise ValueError("Answer this question")
        if self.allows_dont_know and value == DONT_KNOW:
            return self.dont_know_value
        if self.type == "boolean":
            return _coerce_boolean(value)
        if self.type == "choice":
            return self._coerce_choice(value)
        if self.type == "integer_list":
            return self._coerce_list(value)
        if self.type == "multiple":
            return self._coerce_multiple(value)
        number = _coerce_number(value, integer=self.type == "integer")
        self._check_range(number)
        return number

    def _coerce_choice(self, value: Any) -> Any:
        for choice in self.choices:
            if value == choice.value or str(value) == str(choice.value):
                return choice.value
        allowed = ", ".join(str(c.value) for c in self.choices)
        raise ValueError(f"Choose one of: {allowed}")

    def _coerce_multiple(self, value: Any) -> list[Any]:
        """The chosen items in the order they are offered; an empty list means "none of
        these"."""
        if not isinstance(value, (list, tuple)):
            raise ValueError("Give a list of the items that apply, or an empty list for none")
        chosen = []
        for item in value:
            match = next((c.value for c in self.choices if str(c.value) == str(item)), None)
            if match is None:
                allowed = ", ".join(str(c.value) for c in self.choices)
                raise ValueError(f"{item!r} is not one of: {allowed}")
            chosen.append(match)
        return [c.value for c in self.choices if c.value in chosen]

    def _coerce_list(self, value: Any) -> list[int]:
        if not isinstance(value, (list, tuple)):
            raise ValueError("Give a list of whole numbers")
        if self.length is not None and len(value) != self.length:
            raise ValueError(f"Give exactly {self.length} answers, not {len(value)}")
        items = []
        for position, item in enumerate(value, start=1):
            try:
                number = _coerce_number(item, integer=True)
                self._check_range(number)
            except ValueError as error:
                raise ValueError(f"Item {position}: {error}") from None
            items.append(number)
        return items

    def _check_range(self, number: float) -> None:
        low, high = self.minimum, self.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(f"Must be between {_plain(low)} and {_plain(high)}")


def _plain(number: float | None) -> str:
    if number is None:
        return "any"
    return str(int(number)) if float(number).is_integer() else str(number)


def _coerce_boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("yes", "true"):
        return True
    if isinstance(value, str) and value.lower() in ("no", "false"):
        return False
    raise ValueError("Answer yes or no")


def _coerce_number(value: Any, *, integer: bool) -> float | int:
    if isinstance(value, bool):
        raise ValueError("Enter a number")
    try:
        number = float(value) if not isinstance(value, (int, float)) else value
    except (TypeError, ValueError):
        raise ValueError("Enter a number") from None
    if not math.isfinite(number):
        raise ValueError("Enter a number")
    if integer:
        if float(number) != int(number):
            raise ValueError("Enter a whole number")
        return int(number)
    return float(number)


@dataclass(frozen=True)
class Reason:
    """A rule that fired: what it found, in plain words, and where the rule comes from.

    ``text`` is the English as shown. When the words hold numbers or names, ``template`` is
    the text with ``%(name)s`` placeholders and ``params`` their values, so the portal can
    translate the template and fill it in; build such a reason with :meth:`of`."""

    rule: str
    text: str
    sources: tuple[Source, ...] = ()
    template: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, rule: str, template: str, sources: tuple[Source, ...] = (), **params) -> Reason:
        return cls(rule, template % params, tuple(sources), template, dict(params))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rule": self.rule,
            "text": self.text,
            "sources": [source.to_dict() for source in self.sources],
        }
        if self.template:
            data["template"] = self.template
            data["params"] = dict(self.params)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        return cls(
            rule=data["rule"],
            text=data["text"],
            sources=tuple(Source(s["title"], s["url"]) for s in data.get("sources", [])),
            template=data.get("template", ""),
            params=dict(data.get("params") or {}),
        )


@dataclass(frozen=True)
class Outcome:
    algorithm: str
    version: str
    score: float | None
    band: str | None
    disposition: str | None
    urgency: int
    flags: list[str] = field(default_factory=list)
    rationale: list[Reason] = field(default_factory=list)
    # Paragraphs are separated by a blank line; each is one message of the catalogue.
    care_advice: str = ""
    worsening_advice: str = ""
    # The questions ended before every question was asked, because an answer alone decided
    # the most urgent outcome (call 999 or go to A&E now).
    decided_early: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "algorithm": self.algorithm,
            "version": self.version,
            "score": self.score,
            "band": self.band,
            "disposition": self.disposition,
            "urgency": self.urgency,
            "flags": list(self.flags),
            "rationale": [reason.to_dict() for reason in self.rationale],
            "care_advice": self.care_advice,
            "worsening_advice": self.worsening_advice,
            "decided_early": self.decided_early,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Outcome:
        """The outcome as stored (older stored outcomes lack the newer keys)."""
        fields = dict(data)
        fields["rationale"] = [Reason.from_dict(r) for r in fields.get("rationale", [])]
        fields["flags"] = list(fields.get("flags", []))
        fields.setdefault("decided_early", False)
        return cls(**fields)


class Algorithm(ABC):
    """Base for pathways and scores. Subclasses set the attributes and implement ``_evaluate``
    on validated, typed answers."""

    id: str
    title: str
    kind: str  # "pathway" or "score"
    version: str
    audience: str
    summary: str = ""
    sources: tuple[Source, ...] = ()
    questions: tuple[Question, ...] = ()

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    def applies(self, question: Question, answers: Mapping[str, Any]) -> bool:
        """Whether ``question`` is asked, given the typed answers before it. Pathways skip
        questions that earlier answers make irrelevant; scores ask everything."""
        return True

    def asked_questions(self, answers: Mapping[str, Any]) -> list[Question]:
        """The questions asked for these (raw) answers, in order."""
        typed: dict[str, Any] = {}
        asked = []
        for question in self.questions:
            if not self.applies(question, typed):
                continue
            asked.append(question)
            with contextlib.suppress(ValueError):
                typed[question.id] = question.coerce(answers.get(question.id))
        return asked

    def next_question(self, answers: Mapping[str, Any]) -> Question | None:
        """The first asked question without a valid answer, or None when complete."""
        for question in self.asked_questions(answers):
            try:
                question.coerce(answers.get(question.id))
            except ValueError:
                return question
        return None

    def validate(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Typed answers for every asked question, or InvalidAnswers naming each bad field.
        Answers to questions that earlier answers skip are dropped, not used."""
        if not isinstance(answers, Mapping):
            raise InvalidAnswers({"answers": "Give the answers as an object of name: value"})
        errors: dict[str, str] = {}
        typed: dict[str, Any] = {}
        for question in self.questions:
            if not self.applies(question, typed):
                continue
            if question.id not in answers:
                errors[question.id] = "Missing answer"
                continue
            try:
                typed[question.id] = question.coerce(answers[question.id])
            except ValueError as error:
                errors[question.id] = str(error)
        known = {question.id for question in self.questions}
        for name in answers:
            if name not in known:
                errors[name] = "Not a question of this algorithm"
        if errors:
            raise InvalidAnswers(errors)
        return typed

    def evaluate(self, answers: Mapping[str, Any]) -> Outcome:
        return self.evaluate_typed(answers)[1]

    def evaluate_typed(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], Outcome]:
        """The typed answers as validated, and the outcome: for callers that store both.

        Answers that stop short are enough when what they say already decides an emergency
        outcome (see :meth:`decide`); otherwise every asked question needs an answer."""
        early = self.decide(answers)
        if early is not None:
            return early
        typed = self.validate(answers)
        return typed, self._evaluate(typed)

    def decide(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], Outcome] | None:
        """The typed answers so far and the outcome, when these answers alone already decide
        an emergency outcome whatever the rest would be; otherwise None. Scores always ask
        every question."""
        return None

    def interrupt(self, answers: Mapping[str, Any]) -> str | None:
        """The name of the support a person should see straight away, before any further
        question (for example ``"suicidal_thoughts"``), or None."""
        return None

    @abstractmethod
    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        """The outcome for answers that ``validate`` has already typed and checked."""

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "version": self.version,
            "audience": self.audience,
            "summary": self.summary,
            "sources": [source.to_dict() for source in self.sources],
        }
