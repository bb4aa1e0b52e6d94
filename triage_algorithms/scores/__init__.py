"""Validated scores, one module each. ``SCORES`` lists their classes for the catalogue."""

from __future__ import annotations

from triage_algorithms.scores.diabetes_risk import DiabetesRisk
from triage_algorithms.scores.feverpain import FeverPain
from triage_algorithms.scores.gad7 import Gad7
from triage_algorithms.scores.news2 import News2
from triage_algorithms.scores.phq9 import Phq9
from triage_algorithms.scores.qrisk3 import QRisk3

SCORES = [QRisk3, Phq9, Gad7, DiabetesRisk, FeverPain, News2]

__all__ = ["SCORES", "DiabetesRisk", "FeverPain", "Gad7", "News2", "Phq9", "QRisk3"]
