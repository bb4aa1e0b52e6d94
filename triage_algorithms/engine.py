"""One engine for every symptom pathway: load a declarative YAML file, check it strictly, and
evaluate answers against it.

A pathway file (``triage_algorithms/pathways/<id>.yaml``) holds::

    id, title, version ("2026.11.1"), audience, summary, sources
    screen:     (optional) a shared screen asked before the pathway's own questions, read
                from ``_<screen>.yaml`` beside it: its questions come first and its red
                flags join the pathway's (every packaged pathway uses ``emergency_screen``)
    questions:  id, text, help, type (boolean, integer, number, choice or multiple),
                choices (value, label, optional help and, for multiple, record_key),
                minimum/maximum (number questions), unit, record_key, ask_if (skip logic),
                not_sure (treat_as, reason, sources: "I'm not sure" taken as treat_as)
    red_flags:  rules evaluated first; every one that holds is listed, the most urgent wins,
                and the outcome is flagged RED_FLAG plus each rule's id
    rules:      ordered, first match wins; the last has no ``when`` and always matches
    interrupts: (optional) id and when: support shown at once when the condition holds
                (for example crisis support on thoughts of suicide), before further questions

As soon as the answers so far make an emergency red flag (call 999 or A&E now) certain and no
more urgent one is still possible, the outcome is decided and no more questions are asked.
A red-flag rule may not depend on a question that skip logic hides behind anything but the
person's age, sex or pregnancy: red flags are asked of everyone.

Each rule has id, when (a condition, see ``triage_algorithms.rules``), disposition (one of
DISPOSITIONS), reason (plain words), care_advice, worsening_advice and sources (at least one).
Anything else in the file, a duplicate key, an unknown question in a condition (or, in
``ask_if``, a question not asked earlier), an unknown disposition, a rule without sources or
with a source off NICE CKS, NICE or NHS.UK, a question no rule uses, or a last rule that is not
unconditional is a PathwayError naming the file and the place.
"""

from __future__ import annotations

from pathlib import Path

from triage_algorithms.loader import DEMOGRAPHIC_KEYS, QUESTION_TYPES, SOURCE_HOSTS, read_pathway
from triage_algorithms.pathway import Pathway
from triage_algorithms.rules import PathwayError

__all__ = [
    "DEMOGRAPHIC_KEYS",
    "PATHWAYS_DIR",
    "QUESTION_TYPES",
    "SOURCE_HOSTS",
    "Pathway",
    "PathwayError",
    "load_pathway",
    "load_pathways",
]

PATHWAYS_DIR = Path(__file__).parent / "pathways"


def load_pathways(directory: Path | str | None = None) -> list[Pathway]:
    """Every pathway in ``directory`` (default: the packaged pathways), in file-name order."""
    folder = Path(directory) if directory is not None else PATHWAYS_DIR
    paths = sorted(path for path in folder.glob("*.yaml") if not path.name.startswith("_"))
    return [load_pathway(path) for path in paths]


def load_pathway(path: Path | str) -> Pathway:
    """One pathway file, checked strictly; PathwayError names the file and the problem."""
    return read_pathway(Path(path))
