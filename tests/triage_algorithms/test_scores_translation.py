"""Every text of every score that people see is one message of the Welsh catalogue.

The portal translates a text when it shows it, by looking the English up in the catalogue, so
each text must be a fixed message marked with ``N_`` (which Babel extracts), and numbers and
names are filled in only after translation (``Reason.of``: a template and its values). These
tests read the messages Babel would extract from the score modules and check every text a score
can show against them, and they walk the modules' source so that text built with an f-string,
``.format(``, ``%`` or ``+`` cannot come back."""

from __future__ import annotations

import ast
import random
import re
from pathlib import Path

import pytest
from babel.messages.catalog import PYTHON_FORMAT
from babel.messages.extract import DEFAULT_KEYWORDS, extract

import triage_algorithms.scores as scores_package
from triage_algorithms.core import DONT_KNOW, InvalidAnswers, Reason
from triage_algorithms.scores import SCORES

SCORE_DIR = Path(scores_package.__file__).parent
MODULES = sorted(SCORE_DIR.glob("*.py"))
PARAGRAPH_BREAK = "\n\n"
# Units that are symbols, the same in Welsh; a unit in words must be a message.
UNIT_SYMBOLS = {"", "%", "cm", "mmHg", "kg/m²", "°C"}
PLACEHOLDER = re.compile(r"%\((\w+)\)")


def extracted_messages() -> set[str]:
    """The messages ``pybabel extract`` takes from the score modules (default keywords, which
    include ``N_``)."""
    messages = set()
    for module in MODULES:
        with module.open("rb") as source:
            for _, message, _, _ in extract("python", source, keywords=DEFAULT_KEYWORDS):
                assert isinstance(message, str), (module.name, message)
                messages.add(message)
    return messages


MESSAGES = extracted_messages()


# Answers that reach every branch of every score: one answer changed at a time from each base
# (every choice, yes and no, each number across its range, "I do not know"), and random answers.
BASES = {
    "phq9": [{"items": [0] * 9}],
    "gad7": [{"items": [0] * 7}],
    "diabetes_risk": [
        {
            "age": 40,
            "sex": "female",
            "white_european": True,
            "family_history_diabetes": False,
            "waist_cm": 80,
            "bmi": 22,
            "high_blood_pressure": False,
        }
    ],
    "feverpain": [
        {
            "fever_past_24h": False,
            "purulence": False,
            "attend_rapidly_within_3_days": False,
            "severely_inflamed_tonsils": False,
            "no_cough_or_coryza": False,
        }
    ],
    "news2": [
        {
            "respiration_rate": 16,
            "spo2": 97,
            "spo2_scale": scale,
            "on_oxygen": False,
            "systolic_bp": 120,
            "pulse": 70,
            "consciousness": "A",
            "temperature": 37.0,
        }
        for scale in (1, 2)
    ],
    "qrisk3": [
        {
            "sex": sex,
            "age": 64,
            "ethnicity": 1,
            "smoking": 0,
            "townsend": 0,
            "bmi": 25,
            "sbp": 120,
            "sbp_sd": 10,
            "chol_hdl_ratio": 4,
            **{
                name: False
                for name in (
                    "atrial_fibrillation",
                    "atypical_antipsychotics",
                    "corticosteroids",
                    "erectile_dysfunction",
                    "migraine",
                    "rheumatoid_arthritis",
                    "ckd_3_5",
                    "severe_mental_illness",
                    "sle",
                    "treated_hypertension",
                    "diabetes_type1",
                    "diabetes_type2",
                    "family_history_chd",
                )
            },
        }
        for sex in ("female", "male")
    ],
}


def values_for(question) -> list:
    if question.type == "boolean":
        values = [True, False]
    elif question.type == "choice":
        values = [choice.value for choice in question.choices]
    elif question.type == "integer_list":
        values = [[value] * question.length for value in range(4)]
        values += [[0] * (question.length - 1) + [value] for value in range(1, 4)]
    else:
        low, high = question.minimum, question.maximum
        values = [low + (high - low) * step / 20 for step in range(21)]
        if question.type == "integer":
            values = sorted({round(value) for value in values})
    if question.allows_dont_know:
        values.append(DONT_KNOW)
    return values


def random_value(question, generator: random.Random):
    if question.type == "integer_list":
        return [generator.randint(0, 3) for _ in range(question.length)]
    return generator.choice(values_for(question))


def answer_sets(algorithm) -> list[dict]:
    generator = random.Random(algorithm.id)
    sets = []
    for base in BASES[algorithm.id]:
        sets.append(base)
        for question in algorithm.questions:
            sets += [{**base, question.id: value} for value in values_for(question)]
    for _ in range(500):
        sets.append({q.id: random_value(q, generator) for q in algorithm.questions})
    return sets


def outcomes(algorithm):
    for answers in answer_sets(algorithm):
        try:
            yield algorithm.evaluate(answers)
        except InvalidAnswers as error:  # QRISK3: both types of diabetes
            assert all(message in MESSAGES for message in error.errors.values()), error


@pytest.fixture(scope="module")
def shown():
    """For each score: the fixed texts, templates, advice paragraphs, reasons and bands its
    outcomes show."""
    found = {}
    for score in SCORES:
        algorithm = score()
        seen = {"texts": set(), "templates": set(), "paragraphs": set(), "bands": set()}
        seen["reasons"] = []
        for outcome in outcomes(algorithm):
            seen["bands"].add(outcome.band)
            for reason in outcome.rationale:
                seen["reasons"].append(reason)
                if reason.template:
                    seen["templates"].add(reason.template)
                else:
                    seen["texts"].add(reason.text)
            for advice in (outcome.care_advice, outcome.worsening_advice):
                seen["paragraphs"].update(advice.split(PARAGRAPH_BREAK))
        found[algorithm.id] = seen
    return found


@pytest.mark.parametrize("score", SCORES, ids=lambda score: score.id)
def test_description_and_questions_are_messages(score):
    algorithm = score()
    texts = [algorithm.title, algorithm.summary, algorithm.audience]
    for question in algorithm.questions:
        texts += [question.text, question.help, *question.item_texts]
        texts += [choice.label for choice in question.choices]
        texts += [choice.help for choice in question.choices if choice.help]
        if question.unit not in UNIT_SYMBOLS:
            texts.append(question.unit)
    missing = [text for text in texts if text not in MESSAGES]
    assert not missing


@pytest.mark.parametrize("score", SCORES, ids=lambda score: score.id)
def test_every_reason_and_advice_paragraph_is_one_message(score, shown):
    seen = shown[score().id]
    texts, templates, paragraphs = seen["texts"], seen["templates"], seen["paragraphs"]
    assert not [text for text in texts if text not in MESSAGES]
    assert not [template for template in templates if template not in MESSAGES]
    assert not [paragraph for paragraph in paragraphs if paragraph not in MESSAGES]
    # A paragraph is one whole message: never two joined with a space.
    assert all(paragraph == paragraph.strip() and paragraph for paragraph in paragraphs)


@pytest.mark.parametrize("score", SCORES, ids=lambda score: score.id)
def test_each_interpolated_reason_keeps_its_template_and_values(score, shown):
    for reason in shown[score().id]["reasons"]:
        if not reason.template:
            assert not reason.params and not PYTHON_FORMAT.search(reason.text), reason
            continue
        assert set(PLACEHOLDER.findall(reason.template)) == set(reason.params), reason
        assert reason.text == reason.template % reason.params
        assert all(isinstance(value, (int, float, str)) for value in reason.params.values())
        assert Reason.from_dict(reason.to_dict()) == reason


def test_a_message_has_placeholders_only_if_it_is_a_template(shown):
    """A message with ``%`` placeholders is filled in after translation, so it must be used as
    a template; every other message must not look like one to the catalogue tools (a literal
    ``%`` in a template is written ``%%``). This also shows the answers above reach every
    template."""
    templates = set().union(*(seen["templates"] for seen in shown.values()))
    fixed = set().union(*(seen["texts"] | seen["paragraphs"] for seen in shown.values()))
    assert {message for message in MESSAGES if PYTHON_FORMAT.search(message)} == templates
    assert not [text for text in fixed if PYTHON_FORMAT.search(text)]


def _is_reason_call(node: ast.AST) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return (isinstance(func, ast.Name) and func.id == "Reason") or (
        isinstance(func, ast.Attribute)
        and func.attr == "of"
        and isinstance(func.value, ast.Name)
        and func.value.id == "Reason"
    )


def _is_n_call(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_"


def text_building(source: str) -> list[str]:
    """Where ``source`` builds text rather than marking a fixed message: f-strings (other than
    a reason's rule id or a key), ``.format(``, ``%`` on a string, ``+`` with a string other
    than the paragraph break, and ``N_`` of anything but one string literal."""
    tree = ast.parse(source)
    names = set()  # f-strings that build names, not text: rule ids and keys
    for node in ast.walk(tree):
        if _is_reason_call(node):
            rule = node.args[0] if node.args else None
            names.add(id(rule or next((k.value for k in node.keywords if k.arg == "rule"), None)))
        elif isinstance(node, ast.DictComp):
            names.add(id(node.key))
        elif isinstance(node, ast.Dict):
            names.update(id(key) for key in node.keys)
        elif isinstance(node, ast.Subscript):
            names.add(id(node.slice))
        elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
            names.add(id(node.format_spec))  # part of an f-string already reported
    problems = []
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.JoinedStr) and id(node) not in names:
            problems.append(f"{where}: f-string")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
        ):
            problems.append(f"{where}: .format(")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            left = node.left
            if (isinstance(left, ast.Constant) and isinstance(left.value, str)) or _is_n_call(left):
                problems.append(f"{where}: % on a string")
        elif isinstance(node, (ast.BinOp, ast.AugAssign)) and isinstance(node.op, ast.Add):
            sides = (node.left, node.right) if isinstance(node, ast.BinOp) else (node.value,)
            for side in sides:
                if (
                    isinstance(side, ast.Constant)
                    and isinstance(side.value, str)
                    and side.value != PARAGRAPH_BREAK
                ) or _is_n_call(side):
                    problems.append(f"{where}: + joins text")
        elif _is_n_call(node) and not (
            len(node.args) == 1
            and not node.keywords
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            problems.append(f"{where}: N_ of something other than one string literal")
    return problems


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.name)
def test_no_score_builds_text_people_see(module):
    assert text_building(module.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        'Reason("x", f"Your total is {total}.")',
        'text = f"{words}: {points} points."',
        'Reason.of("x", N_("Age %(age)s."), age=age, extra=f"{age} years")',
        'text = "Total {}".format(total)',
        'text = N_("Total %(total)s") % {"total": total}',
        'text = "You have " + words',
        'text += "not used."',
        "text = N_(words)",
        'advice = N_("First.") + " " + N_("Second.")',
    ],
)
def test_the_source_check_finds_text_building(snippet):
    assert text_building(snippet)


def test_the_source_check_allows_rule_ids_and_paragraph_breaks():
    allowed = (
        'Reason(f"phq9.band.{band}", N_("A total of 0 to 4."))\n'
        'Reason.of(f"news2.{rule}", N_("Total %(total)s."), total=total)\n'
        'x.update({f"smoking_{k}": float(smoking == k) for k in range(1, 5)})\n'
        'term = terms[f"smoking_{k}"]\n'
        'advice = FIRST + "\\n\\n" + second\n'
    )
    assert text_building(allowed) == []


def test_the_answers_reach_every_band(shown):
    assert shown["phq9"]["bands"] == {
        "none-minimal",
        "mild",
        "moderate",
        "moderately-severe",
        "severe",
    }
    assert shown["gad7"]["bands"] == {"minimal", "mild", "moderate", "severe"}
    assert shown["diabetes_risk"]["bands"] == {"low", "increased", "moderate", "high"}
    assert shown["feverpain"]["bands"] == {"low", "intermediate", "high"}
    assert shown["news2"]["bands"] == {"low", "low-medium", "medium", "high"}
    assert shown["qrisk3"]["bands"] == {"low", "raised"}


def test_the_extraction_reads_every_score_module():
    names = {module.name for module in MODULES}
    assert {"_common.py", "_qrisk3_equations.py"} <= names
    assert {f"{score().id}.py" for score in SCORES} <= names
    assert len(MESSAGES) > 200
