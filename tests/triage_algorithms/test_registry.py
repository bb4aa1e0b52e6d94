"""The catalogue refuses two algorithms with one id, so `load(id)` is never ambiguous."""

from __future__ import annotations

import pytest

import triage_algorithms
from triage_algorithms import engine


def test_two_algorithms_with_one_id_are_refused(monkeypatch):
    pathways = engine.load_pathways()
    monkeypatch.setattr(engine, "load_pathways", lambda: [*pathways, pathways[0]])
    with pytest.raises(ValueError, match=f"two algorithms share the id '{pathways[0].id}'"):
        triage_algorithms._algorithms.__wrapped__()


def test_an_unknown_id_is_refused_by_name():
    with pytest.raises(triage_algorithms.UnknownAlgorithm, match="No algorithm called 'nope'"):
        triage_algorithms.load("nope")
