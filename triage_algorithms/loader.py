"""Reading pathway files strictly: every key, reference, source and rule is checked, and a
PathwayError names the file, the place and the problem (see ``engine`` for the format)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from triage_algorithms.conditions import RECORD_KEYS
from triage_algorithms.core import (
    DISPOSITIONS,
    DONT_KNOW,
    RED_FLAG,
    SUPPORT_PAGES,
    Choice,
    NotSure,
    Question,
    Source,
)
from triage_algorithms.pathway import Pathway
from triage_algorithms.rules import PathwayError, Rule, parse_condition

# Rules must cite published guidance a person or clinician can check.
# The UK Sepsis Trust's lay signs of sepsis are the ones NICE NG51 and NHS.UK build on.
SOURCE_HOSTS = ("cks.nice.org.uk", "www.nice.org.uk", "www.nhs.uk", "sepsistrust.org")
QUESTION_TYPES = ("boolean", "integer", "number", "choice", "multiple")
# Questions about who the person is, which may gate a red-flag question (pregnancy, say).
DEMOGRAPHIC_KEYS = ("age", "sex", "condition:pregnancy")

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_VERSION = re.compile(r"^\d{4}\.\d{1,2}\.\d+$")
_TOP_KEYS = ("id", "title", "version", "audience", "summary", "sources", "questions")
_TOP_OPTIONAL = ("screen", "interrupts")
_SCREEN_KEYS = ("id", "version", "sources", "questions", "red_flags")
_QUESTION_KEYS = ("id", "text", "help", "type")
_QUESTION_OPTIONAL = (
    "choices",
    "minimum",
    "maximum",
    "unit",
    "record_key",
    "ask_if",
    "not_sure",
)
_RULE_KEYS = ("id", "disposition", "reason", "care_advice", "worsening_advice", "sources")


def read_pathway(path: Path) -> Pathway:
    """One pathway file and the screen it names, checked strictly."""
    data = _read_file(path)
    screen = None
    if isinstance(data, dict) and "screen" in data:
        name = _identifier(data["screen"], f"{path.name}: screen")
        screen_path = path.with_name(f"_{name}.yaml")
        if not screen_path.exists():
            raise PathwayError(f"{path.name}: screen: no file {screen_path.name} beside it")
        screen = _screen(_read_file(screen_path), name, screen_path.name)
    try:
        return _build(data, path.stem, screen)
    except PathwayError as error:
        raise PathwayError(f"{path.name}: {error}") from None


def _read_file(path: Path) -> Any:
    try:
        return _read_yaml(path.read_text(encoding="utf-8"))
    except PathwayError as error:
        raise PathwayError(f"{path.name}: {error}") from None
    except yaml.YAMLError as error:
        raise PathwayError(f"{path.name}: not valid YAML: {error}") from None


class _Screen:
    """The shared questions and red flags asked before a pathway's own."""

    def __init__(self, name, version, sources, questions, red_flags):
        self.name, self.version, self.sources = name, version, sources
        self.questions, self.red_flags = questions, red_flags


def _screen(data: Any, name: str, file_name: str) -> _Screen:
    try:
        _keys(data, "screen", _SCREEN_KEYS)
        if _identifier(data["id"], "id") != name:
            raise PathwayError(f"id: must be {name!r}, as the file name says")
        version = _version(data["version"])
        sources = _sources(data["sources"], "sources")
        questions, ask_if = _questions(data["questions"])
        if ask_if:
            raise PathwayError("questions: a screen asks every question (no ask_if)")
        by_id = {question.id: question for question in questions}
        red_flags = tuple(
            _rule(raw, by_id, f"red_flags[{index}]", final=False)
            for index, raw in enumerate(_list(data["red_flags"], "red_flags"))
        )
        _check_questions_used(questions, {}, (*red_flags, None))
    except PathwayError as error:
        raise PathwayError(f"{file_name}: {error}") from None
    return _Screen(name, version, sources, questions, red_flags)


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


def _version(raw: Any) -> str:
    version = _text(raw, "version")
    if not _VERSION.match(version):
        raise PathwayError(f"version: {version!r} is not of the form 2026.11.1")
    return version


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _build(data: Any, stem: str, screen: _Screen | None = None) -> Pathway:
    _keys(data, "pathway", (*_TOP_KEYS, "red_flags", "rules"), _TOP_OPTIONAL)
    pathway_id = _identifier(data["id"], "id")
    if pathway_id != stem:
        raise PathwayError(f"id: {pathway_id!r} must match the file name {stem!r}")
    version = _version(data["version"])
    own_questions, ask_if = _questions(data["questions"])
    questions = (*(screen.questions if screen else ()), *own_questions)
    by_id: dict[str, Question] = {}
    for question in questions:
        if question.id in by_id:
            raise PathwayError(f"questions: {question.id!r} is also a question of the screen")
        by_id[question.id] = question
    own_red_flags = tuple(
        _rule(raw, by_id, f"red_flags[{index}]", final=False)
        for index, raw in enumerate(_list(data["red_flags"], "red_flags", minimum=0))
    )
    red_flags = (*(screen.red_flags if screen else ()), *own_red_flags)
    raw_rules = _list(data["rules"], "rules")
    rules = tuple(
        _rule(raw, by_id, f"rules[{index}]", final=index == len(raw_rules) - 1)
        for index, raw in enumerate(raw_rules)
    )
    interrupts = _interrupts(data.get("interrupts", []), by_id)
    if screen is not None and _version_key(version) < _version_key(screen.version):
        raise PathwayError(
            f"version: {version} is older than the {screen.name} screen's {screen.version}; "
            "a change to the screen changes every pathway, so bump each one"
        )
    _check_rule_ids((*red_flags, *rules))
    _check_questions_used(
        own_questions, ask_if, (*own_red_flags, *rules), [when for _, when in interrupts]
    )
    _check_red_flags_ungated(own_red_flags, by_id, ask_if)
    return Pathway(
        id=pathway_id,
        title=_text(data["title"], "title"),
        version=version,
        audience=_text(data["audience"], "audience"),
        summary=_text(data["summary"], "summary"),
        sources=tuple(
            dict.fromkeys(
                (*_sources(data["sources"], "sources"), *(screen.sources if screen else ()))
            )
        ),
        questions=questions,
        ask_if=ask_if,
        red_flags=red_flags,
        rules=rules,
        interrupts=interrupts,
        screen=screen.name if screen else None,
    )


def _interrupts(raw: Any, questions: dict[str, Question]) -> tuple[tuple[str, Any], ...]:
    found = []
    for index, item in enumerate(_list(raw, "interrupts", minimum=0)):
        where = f"interrupts[{index}]"
        _keys(item, where, ("id", "when"))
        page = item["id"]
        if page not in SUPPORT_PAGES:
            raise PathwayError(f"{where}.id: {page!r} is not one of {', '.join(SUPPORT_PAGES)}")
        found.append((page, parse_condition(item["when"], questions, f"{where}.when")))
    return tuple(found)


def _check_red_flags_ungated(red_flags, questions: dict[str, Question], ask_if) -> None:
    """A red flag is asked of everyone: its questions may be hidden only by who the person is
    (age, sex, pregnancy), never behind an unrelated answer."""

    def gates(question_id: str, seen: frozenset = frozenset()) -> set[str]:
        condition = ask_if.get(question_id)
        if condition is None or question_id in seen:
            return set()
        found = set()
        for gate in condition.questions():
            found |= {gate} | gates(gate, seen | {question_id})
        return found

    for rule in red_flags:
        for question_id in sorted(rule.when.questions()):
            for gate in sorted(gates(question_id)):
                if questions[gate].record_key not in DEMOGRAPHIC_KEYS:
                    raise PathwayError(
                        f"red flag {rule.id!r}: its question {question_id!r} is only asked "
                        f"after {gate!r}; a red flag's questions may depend only on age, sex "
                        "or pregnancy, so ask it of everyone"
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
    listed = kind in ("choice", "multiple")
    if listed != ("choices" in item):
        raise PathwayError(f"{where}: choice and multiple questions, and only they, need choices")
    question = Question(
        id=_identifier(item["id"], f"{where}.id"),
        text=_text(item["text"], f"{where}.text"),
        help=_text(item["help"], f"{where}.help"),
        type=kind,
        choices=_choices(item["choices"], f"{where}.choices", kind) if listed else (),
        minimum=item.get("minimum"),
        maximum=item.get("maximum"),
        unit=_text(item["unit"], f"{where}.unit") if "unit" in item else "",
        record_key=item.get("record_key"),
    )
    if kind == "multiple" and question.record_key is not None:
        raise PathwayError(f"{where}.record_key: give a multiple question's record keys per item")
    _check_record_key(question.record_key, question.type, f"{where}.record_key")
    if "not_sure" in item:
        question = replace(question, not_sure=_not_sure(item["not_sure"], question, where))
    return question


def _not_sure(raw: Any, question: Question, where: str) -> NotSure:
    where = f"{where}.not_sure"
    _keys(raw, where, ("treat_as", "reason", "sources"))
    if question.type not in ("boolean", "choice"):
        raise PathwayError(f"{where}: only yes/no and choice questions offer 'not sure'")
    treat_as = raw["treat_as"]
    if question.type == "boolean":
        valid = isinstance(treat_as, bool)
    else:
        valid = treat_as in [choice.value for choice in question.choices]
    if not valid:
        raise PathwayError(f"{where}.treat_as: {treat_as!r} is not an answer to {question.id!r}")
    return NotSure(
        treat_as=treat_as,
        reason=_text(raw["reason"], f"{where}.reason"),
        sources=_sources(raw["sources"], f"{where}.sources"),
    )


def _choices(raw: Any, where: str, kind: str) -> tuple[Choice, ...]:
    choices = []
    optional = ("help", "record_key") if kind == "multiple" else ("help",)
    for index, item in enumerate(_list(raw, where, minimum=1 if kind == "multiple" else 2)):
        at = f"{where}[{index}]"
        _keys(item, at, ("value", "label"), optional)
        value = _identifier(item["value"], f"{at}.value")
        if value in [choice.value for choice in choices] or value == DONT_KNOW:
            raise PathwayError(f"{at}.value: {value!r} is used twice or is reserved")
        record_key = item.get("record_key")
        _check_record_key(record_key, "boolean", f"{at}.record_key")
        choices.append(
            Choice(
                value,
                _text(item["label"], f"{at}.label"),
                _text(item["help"], f"{at}.help") if "help" in item else "",
                record_key,
            )
        )
    return tuple(choices)


def _check_record_key(key: Any, kind: str, where: str) -> None:
    """A record key names what a health record can answer, for a question of this type."""
    if key is None:
        return
    if key == "age":
        expected = "integer"
    elif key == "sex":
        expected = "choice"
    elif isinstance(key, str) and key in RECORD_KEYS:
        expected = "boolean"
    else:
        known = ", ".join(sorted(RECORD_KEYS))
        raise PathwayError(f"{where}: {key!r} is not age, sex or one of {known}")
    if kind != expected:
        raise PathwayError(f"{where}: {key!r} needs a question of type {expected}, not {kind}")


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


def _check_questions_used(questions, ask_if: dict[str, Any], rules, extra=()) -> None:
    used: set[str] = set()
    for condition in (*ask_if.values(), *(rule.when for rule in rules[:-1]), *extra):
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
