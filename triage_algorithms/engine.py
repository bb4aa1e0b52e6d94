"""One engine for every symptom pathway: load a declarative YAML file, check it strictly, and
evaluate answers against it.

A pathway file (``triage_algorithms/pathways/<id>.yaml``) holds::

    id, title, version ("2026.11.1"), audience, summary, sources
    questions:  id, text, help, type (boolean, integer, number or choice), choices,
                minimum/maximum (number questions), unit, record_key, ask_if (skip logic)
    red_flags:  rules evaluated first; every one that holds is listed, the most urgent wins,
                and the outcome is flagged RED_FLAG plus each rule's id
    rules:      ordered, first match wins; the last has no ``when`` and always matches

Each rule has id, when (a condition, see ``triage_algorithms.rules``), disposition (one of
DISPOSITIONS), reason (plain words), care_advice, worsening_advice and sources (at least one).
Anything else in the file, a duplicate key, an unknown question in a condition (or, in
``ask_if``, a question not asked earlier), an unknown disposition, a rule without sources or
with a source off NICE CKS, NICE or NHS.UK, a question no rule uses, or a last rule that is not
unconditional is a PathwayError naming the file and the place.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import yaml

from triage_algorithms.conditions import CONDITIONS
from triage_algorithms.core import (
    DISPOSITIONS,
    RED_FLAG,
    Algorithm,
    Choice,
    Outcome,
    Question,
    Source,
)
from triage_algorithms.rules import PathwayError, Rule, parse_condition

__all__ = ["PATHWAYS_DIR", "Pathway", "PathwayError", "load_pathway", "load_pathways"]

PATHWAYS_DIR = Path(__file__).parent / "pathways"
# Rules must cite published guidance a person or clinician can check.
SOURCE_HOSTS = ("cks.nice.org.uk", "www.nice.org.uk", "www.nhs.uk")
QUESTION_TYPES = ("boolean", "integer", "number", "choice")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d+$")
_TOP_KEYS = ("id", "title", "version", "audience", "summary", "sources", "questions")
_QUESTION_KEYS = ("id", "text", "help", "type")
_QUESTION_OPTIONAL = ("choices", "minimum", "maximum", "unit", "record_key", "ask_if")
_RULE_KEYS = ("id", "disposition", "reason", "care_advice", "worsening_advice", "sources")


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

    def applies(self, question: Question, answers: Mapping[str, Any]) -> bool:
        condition = self.ask_if.get(question.id)
        return condition is None or condition.holds(answers)

    def rule(self, rule_id: str) -> Rule:
        for rule in (*self.red_flags, *self.rules):
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        fired = [rule for rule in self.red_flags if rule.matches(answers)]
        if fired:
            # Most urgent first; among equals, the order of the file.
            fired.sort(key=lambda rule: -rule.urgency)
            winner, flags = fired[0], [RED_FLAG, *(rule.id for rule in fired)]
        else:
            final = self.rules[-1]
            winner = next((rule for rule in self.rules[:-1] if rule.matches(answers)), final)
            fired, flags = [winner], []
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=None,
            band=None,
            disposition=winner.disposition,
            urgency=winner.urgency,
            flags=flags,
            rationale=[rule.reason_entry() for rule in fired],
            care_advice=winner.care_advice,
            worsening_advice=winner.worsening_advice,
        )


def load_pathways(directory: Path | str | None = None) -> list[Pathway]:
    """Every pathway in ``directory`` (default: the packaged pathways), in file-name order."""
    folder = Path(directory) if directory is not None else PATHWAYS_DIR
    return [load_pathway(path) for path in sorted(folder.glob("*.yaml"))]


def load_pathway(path: Path | str) -> Pathway:
    """One pathway file, checked strictly; PathwayError names the file and the problem."""
    path = Path(path)
    try:
        data = _read_yaml(path.read_text(encoding="utf-8"))
        return _build(data, path.stem)
    except PathwayError as error:
        raise PathwayError(f"{path.name}: {error}") from None
    except yaml.YAMLError as error:
        raise PathwayError(f"{path.name}: not valid YAML: {error}") from None


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys (which safe_load silently overwrites)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    keys = [loader.construct_object(key_node) for key_node, _ in node.value]
    for index, key in enumerate(keys):
        if key in keys[:index]:
            line = node.value[index][0].start_mark.line + 1
            raise PathwayError(f"line {line}: duplicate key {key!r}")
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def _read_yaml(text: str) -> Any:
    loader = _StrictLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _build(data: Any, stem: str) -> Pathway:
    _keys(data, "pathway", (*_TOP_KEYS, "red_flags", "rules"))
    pathway_id = _identifier(data["id"], "id")
    if pathway_id != stem:
        raise PathwayError(f"id: {pathway_id!r} must match the file name {stem!r}")
    version = _text(data["version"], "version")
    if not _VERSION.match(version):
        raise PathwayError(f"version: {version!r} is not of the form 2026.11.1")
    questions, ask_if = _questions(data["questions"])
    by_id = {question.id: question for question in questions}
    red_flags = tuple(
        _rule(raw, by_id, f"red_flags[{index}]", final=False)
        for index, raw in enumerate(_list(data["red_flags"], "red_flags", minimum=0))
    )
    raw_rules = _list(data["rules"], "rules")
    rules = tuple(
        _rule(raw, by_id, f"rules[{index}]", final=index == len(raw_rules) - 1)
        for index, raw in enumerate(raw_rules)
    )
    _check_rule_ids((*red_flags, *rules))
    _check_questions_used(questions, ask_if, (*red_flags, *rules))
    return Pathway(
        id=pathway_id,
        title=_text(data["title"], "title"),
        version=version,
        audience=_text(data["audience"], "audience"),
        summary=_text(data["summary"], "summary"),
        sources=_sources(data["sources"], "sources"),
        questions=questions,
        ask_if=ask_if,
        red_flags=red_flags,
        rules=rules,
    )


def _questions(raw: Any) -> tuple[tuple[Question, ...], dict[str, Any]]:
    items = _list(raw, "questions")
    all_ids = {str(item.get("id")) for item in items if isinstance(item, dict)}
    questions: dict[str, Question] = {}
    ask_if: dict[str, Any] = {}
    for index, item in enumerate(items):
        where = f"questions[{index}]"
        _keys(item, where, _QUESTION_KEYS, _QUESTION_OPTIONAL)
        question = _question(item, where)
        if question.id in questions:
            raise PathwayError(f"{where}.id: {question.id!r} is used twice")
        if "ask_if" in item:
            later = _questions_named(item["ask_if"]) & (all_ids - set(questions))
            if later:
                raise PathwayError(f"{where}.ask_if: may only use earlier questions, not {later}")
            ask_if[question.id] = parse_condition(item["ask_if"], questions, f"{where}.ask_if")
        questions[question.id] = question
    return tuple(questions.values()), ask_if


def _question(item: dict, where: str) -> Question:
    kind = item["type"]
    if kind not in QUESTION_TYPES:
        raise PathwayError(f"{where}.type: {kind!r} is not one of {', '.join(QUESTION_TYPES)}")
    numeric = kind in ("integer", "number")
    if ("minimum" in item, "maximum" in item) != (numeric, numeric):
        raise PathwayError(f"{where}: number questions, and only they, need minimum and maximum")
    if numeric:
        low, high = item["minimum"], item["maximum"]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high)):
            raise PathwayError(f"{where}: minimum and maximum must be numbers")
        if low > high:
            raise PathwayError(f"{where}: minimum {low} is more than maximum {high}")
    if (kind == "choice") != ("choices" in item):
        raise PathwayError(f"{where}: choice questions, and only they, need choices")
    question = Question(
        id=_identifier(item["id"], f"{where}.id"),
        text=_text(item["text"], f"{where}.text"),
        help=_text(item["help"], f"{where}.help"),
        type=kind,
        choices=_choices(item["choices"], f"{where}.choices") if kind == "choice" else (),
        minimum=item.get("minimum"),
        maximum=item.get("maximum"),
        unit=_text(item["unit"], f"{where}.unit") if "unit" in item else "",
        record_key=item.get("record_key"),
    )
    _check_record_key(question, f"{where}.record_key")
    return question


def _choices(raw: Any, where: str) -> tuple[Choice, ...]:
    choices = []
    for index, item in enumerate(_list(raw, where, minimum=2)):
        _keys(item, f"{where}[{index}]", ("value", "label"))
        value = _identifier(item["value"], f"{where}[{index}].value")
        if value in [choice.value for choice in choices]:
            raise PathwayError(f"{where}[{index}].value: {value!r} is used twice")
        choices.append(Choice(value, _text(item["label"], f"{where}[{index}].label")))
    return tuple(choices)


def _check_record_key(question: Question, where: str) -> None:
    key = question.record_key
    if key is None:
        return
    if key == "age":
        expected = "integer"
    elif key == "sex":
        expected = "choice"
    elif isinstance(key, str) and key.startswith("condition:") and key[10:] in CONDITIONS:
        expected = "boolean"
    else:
        known = ", ".join(f"condition:{name}" for name in CONDITIONS)
        raise PathwayError(f"{where}: {key!r} is not age, sex or one of {known}")
    if question.type != expected:
        raise PathwayError(
            f"{where}: {key!r} needs a question of type {expected}, not {question.type}"
        )


def _rule(raw: Any, questions: dict[str, Question], where: str, *, final: bool) -> Rule:
    _keys(raw, where, _RULE_KEYS, ("when",))
    if final and "when" in raw:
        raise PathwayError(f"{where}: the last rule is the default and must have no 'when'")
    if not final and "when" not in raw:
        raise PathwayError(f"{where}: needs a 'when' condition (only the last rule has none)")
    disposition = raw["disposition"]
    if not isinstance(disposition, str) or disposition not in DISPOSITIONS:
        raise PathwayError(
            f"{where}.disposition: {disposition!r} is not one of {', '.join(DISPOSITIONS)}"
        )
    return Rule(
        id=_identifier(raw["id"], f"{where}.id"),
        when=parse_condition(raw["when"], questions, f"{where}.when") if not final else None,
        disposition=disposition,
        reason=_text(raw["reason"], f"{where}.reason"),
        care_advice=_text(raw["care_advice"], f"{where}.care_advice"),
        worsening_advice=_text(raw["worsening_advice"], f"{where}.worsening_advice"),
        sources=_sources(raw["sources"], f"{where}.sources"),
    )


def _sources(raw: Any, where: str) -> tuple[Source, ...]:
    sources = []
    for index, item in enumerate(_list(raw, where)):
        _keys(item, f"{where}[{index}]", ("title", "url"))
        url = _text(item["url"], f"{where}[{index}].url")
        parts = urlsplit(url)
        if parts.scheme != "https" or parts.hostname not in SOURCE_HOSTS:
            hosts = ", ".join(SOURCE_HOSTS)
            raise PathwayError(f"{where}[{index}].url: {url!r} is not an https address on {hosts}")
        sources.append(Source(_text(item["title"], f"{where}[{index}].title"), url))
    return tuple(sources)


def _check_rule_ids(rules: tuple[Rule, ...]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen or rule.id == RED_FLAG:
            raise PathwayError(f"rule id {rule.id!r} is used twice or is reserved")
        seen.add(rule.id)


def _check_questions_used(questions, ask_if: dict[str, Any], rules: tuple[Rule, ...]) -> None:
    used: set[str] = set()
    for condition in (*ask_if.values(), *(rule.when for rule in rules[:-1])):
        used |= condition.questions()
    for question in questions:
        if question.id not in used:
            raise PathwayError(f"question {question.id!r} is not used by any rule or ask_if")


def _questions_named(raw: Any) -> set[str]:
    """The question ids raw (unparsed) condition data mentions, to report order mistakes."""
    if isinstance(raw, dict):
        found = {raw["answer"]} if isinstance(raw.get("answer"), str) else set()
        return found.union(*(_questions_named(value) for value in raw.values()))
    if isinstance(raw, list):
        return set().union(*(_questions_named(item) for item in raw))
    return set()


def _keys(raw: Any, where: str, required: tuple, optional: tuple = ()) -> None:
    if not isinstance(raw, dict):
        raise PathwayError(f"{where}: expected a mapping of keys")
    unknown = sorted(str(key) for key in raw if key not in (*required, *optional))
    if unknown:
        raise PathwayError(f"{where}: unknown key(s) {', '.join(unknown)}")
    missing = [key for key in required if key not in raw]
    if missing:
        raise PathwayError(f"{where}: missing {', '.join(missing)}")


def _list(raw: Any, where: str, *, minimum: int = 1) -> list:
    if not isinstance(raw, list) or len(raw) < minimum:
        raise PathwayError(f"{where}: expected a list of at least {minimum} item(s)")
    return raw


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise PathwayError(f"{where}: expected some text")
    return raw.strip()


def _identifier(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not _ID.match(raw):
        raise PathwayError(f"{where}: {raw!r} must be lower_case letters, digits and _")
    return raw
