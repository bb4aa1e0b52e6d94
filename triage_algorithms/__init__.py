"""Self-assessment algorithms: symptom pathways and validated scores.

Pure and deterministic: nothing here imports Flask, SQLAlchemy or ``myhealth``.

    >>> import triage_algorithms
    >>> [entry["id"] for entry in triage_algorithms.catalogue()]  # doctest: +SKIP
    >>> triage_algorithms.load("phq9").evaluate({"items": [0] * 9}).band
    'none-minimal'
"""

from __future__ import annotations

from functools import cache
from typing import Any

from triage_algorithms.core import (
    DISPOSITIONS,
    Algorithm,
    Choice,
    InvalidAnswers,
    Outcome,
    Question,
    Reason,
    Source,
    UnknownAlgorithm,
)

__all__ = [
    "DISPOSITIONS",
    "Algorithm",
    "Choice",
    "InvalidAnswers",
    "Outcome",
    "Question",
    "Reason",
    "Source",
    "UnknownAlgorithm",
    "catalogue",
    "load",
]


@cache
def _algorithms() -> dict[str, Algorithm]:
    from triage_algorithms.engine import load_pathways
    from triage_algorithms.scores import SCORES

    found: dict[str, Algorithm] = {}
    for algorithm in [*load_pathways(), *(score() for score in SCORES)]:
        if algorithm.id in found:
            raise ValueError(f"two algorithms share the id {algorithm.id!r}")
        found[algorithm.id] = algorithm
    return found


def catalogue() -> list[dict[str, Any]]:
    """Every algorithm: id, title, kind ("pathway" or "score"), version, audience, sources."""
    return [algorithm.describe() for algorithm in _algorithms().values()]


def load(algorithm_id: str) -> Algorithm:
    """The algorithm with this id, or UnknownAlgorithm."""
    try:
        return _algorithms()[algorithm_id]
    except KeyError:
        raise UnknownAlgorithm(f"No algorithm called {algorithm_id!r}") from None
