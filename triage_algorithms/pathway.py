"""A symptom pathway as loaded: its questions, red flags, ordered rules and interrupts, and
how it evaluates answers, complete or part way through (see ``engine`` for the file format)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from triage_algorithms.core import (
    DONT_KNOW,
    EMERGENCY_URGENCY,
    RED_FLAG,
    Algorithm,
    Outcome,
    Question,
    Reason,
    Source,
)
from triage_algorithms.rules import Rule


class Pathway(Algorithm):
    """A symptom pathway loaded from a file; read-only once loaded."""

    kind = "pathway"

    def __init__(self, **fields: Any):
        self.id: str = fields["id"]
        self.title: str = fields["title"]
        self.version: str = fields["version"]
        self.audience: str = fields["audience"]
        self.summary: str = fields["summary"]
        self.sources: tuple[Source, ...] = fields["sources"]
        self.questions: tuple[Question, ...] = fields["questions"]
        self.ask_if: Mapping[str, Any] = MappingProxyType(dict(fields["ask_if"]))
        self.red_flags: tuple[Rule, ...] = fields["red_flags"]
        self.rules: tuple[Rule, ...] = fields["rules"]
        self.interrupts: tuple[tuple[str, Any], ...] = fields.get("interrupts", ())
        self.screen: str | None = fields.get("screen")

    def applies(self, question: Question, answers: Mapping[str, Any]) -> bool:
        condition = self.ask_if.get(question.id)
        return condition is None or condition.holds(answers)

    def rule(self, rule_id: str) -> Rule:
        for rule in (*self.red_flags, *self.rules):
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def progress(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], set[str], dict]:
        """Part way through: the typed answers so far, the questions still to come (those not
        validly answered that skip logic may yet ask) and the errors (a wrong answer, or the
        name of no question of this pathway)."""
        if not isinstance(answers, Mapping):
            return {}, {q.id for q in self.questions}, {"answers": "Give an object"}
        typed: dict[str, Any] = {}
        pending: set[str] = set()
        errors: dict[str, str] = {}
        for question in self.questions:
            condition = self.ask_if.get(question.id)
            if condition is not None and condition.value3(typed, pending) is False:
                continue
            if question.id not in answers:
                pending.add(question.id)
                continue
            try:
                typed[question.id] = question.coerce(answers[question.id])
            except ValueError as error:
                errors[question.id] = str(error)
                pending.add(question.id)
        known = {question.id for question in self.questions}
        for name in answers:
            if name not in known:
                errors[name] = "Not a question of this algorithm"
        return typed, pending, errors

    def decide(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], Outcome] | None:
        typed, pending, errors = self.progress(answers)
        if errors or not pending:
            return None  # validate reports every error; complete answers are evaluated in full
        values = [(rule, rule.value3(typed, pending)) for rule in self.red_flags]
        fired = [rule for rule, value in values if value is True]
        if not fired:
            return None
        top = max(rule.urgency for rule in fired)
        still_possible = (rule.urgency for rule, value in values if value is None)
        if top < EMERGENCY_URGENCY or any(urgency > top for urgency in still_possible):
            return None
        outcome = self._outcome(fired, red_flags=True, decided_early=True)
        return typed, self._with_not_sure(outcome, answers, typed)

    def interrupt(self, answers: Mapping[str, Any]) -> str | None:
        typed, pending, _ = self.progress(answers)
        return next(
            (page for page, when in self.interrupts if when.value3(typed, pending) is True), None
        )

    def evaluate_typed(self, answers: Mapping[str, Any]) -> tuple[dict[str, Any], Outcome]:
        typed, outcome = super().evaluate_typed(answers)
        if outcome.decided_early:
            return typed, outcome
        return typed, self._with_not_sure(outcome, answers, typed)

    def _with_not_sure(self, outcome: Outcome, answers: Mapping[str, Any], typed) -> Outcome:
        """Say which answers were "I'm not sure" and what was assumed, citing why."""
        reasons = [
            Reason(f"not_sure.{q.id}", q.not_sure.reason, q.not_sure.sources)
            for q in self.questions
            if q.not_sure is not None and q.id in typed and answers.get(q.id) == DONT_KNOW
        ]
        if not reasons:
            return outcome
        return replace(outcome, rationale=[*outcome.rationale, *reasons])

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        fired = [rule for rule in self.red_flags if rule.matches(answers)]
        if fired:
            return self._outcome(fired, red_flags=True)
        final = self.rules[-1]
        winner = next((rule for rule in self.rules[:-1] if rule.matches(answers)), final)
        return self._outcome([winner], red_flags=False)

    def _outcome(self, fired: list[Rule], *, red_flags: bool, decided_early=False) -> Outcome:
        # Most urgent first; among equals, the order of the file.
        fired = sorted(fired, key=lambda rule: -rule.urgency)
        winner = fired[0]
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=None,
            band=None,
            disposition=winner.disposition,
            urgency=winner.urgency,
            flags=[RED_FLAG, *(rule.id for rule in fired)] if red_flags else [],
            rationale=[rule.reason_entry() for rule in fired],
            care_advice=winner.care_advice,
            worsening_advice=winner.worsening_advice,
            decided_early=decided_early,
        )
