"""GAD-7: the seven-question Generalised Anxiety Disorder questionnaire.

Items, answers (0 to 3), severity bands (0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe)
and the cut-off of 10 for further evaluation are Spitzer, Kroenke, Williams and Löwe, Arch
Intern Med 2006. The GAD-7 was developed with an educational grant from Pfizer Inc.; no
permission is required to reproduce, translate, display or distribute it.
"""

from __future__ import annotations

import math
from typing import Any

from triage_algorithms.core import REVIEW_THRESHOLD, Algorithm, Outcome, Reason, Source
from triage_algorithms.scores._common import frequency_items_question

SPITZER_2006 = Source(
    "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized "
    "anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097",
    "https://doi.org/10.1001/archinte.166.10.1092",
)

ITEMS = (
    "Feeling nervous, anxious or on edge",
    "Not being able to stop or control worrying",
    "Worrying too much about different things",
    "Trouble relaxing",
    "Being so restless that it is hard to sit still",
    "Becoming easily annoyed or irritable",
    "Feeling afraid, as if something awful might happen",
)

# (highest total in the band, band id, range, words, disposition, urgency)
BANDS = (
    (4, "minimal", "0 to 4", "minimal anxiety", "self_care", 0),
    (9, "mild", "5 to 9", "mild anxiety", "self_care", 0),
    (14, "moderate", "10 to 14", "moderate anxiety", "gp_within_3_days", 1),
    (math.inf, "severe", "15 to 21", "severe anxiety", "gp_within_3_days", 1),
)
THRESHOLD = 10

CARE_ADVICE = {
    "minimal": "Your answers do not suggest an anxiety problem. If you are worried about how "
    "you feel, talk to your GP practice.",
    "mild": "Your answers suggest mild anxiety. Self-help, such as regular exercise, breathing "
    "exercises and NHS talking therapies, can help. Fill in this questionnaire again in 2 "
    "weeks, and talk to your GP practice if you are no better.",
    "moderate": "Your answers suggest moderate anxiety. Make an appointment with your GP "
    "practice in the next few days to talk about treatment, such as talking therapies.",
    "severe": "Your answers suggest severe anxiety. Make an appointment with your GP practice "
    "in the next few days to talk about treatment.",
}
WORSENING_ADVICE = (
    "If you have thoughts of harming yourself or feel you cannot keep yourself safe, call 999 "
    "or go to A&E now. You can call Samaritans free on 116 123 at any time."
)


class Gad7(Algorithm):
    id = "gad7"
    title = "Anxiety questionnaire (GAD-7)"
    kind = "score"
    version = "GAD-7 (Spitzer 2006)"
    audience = "Adults"
    summary = (
        "Seven questions about how you have felt over the last 2 weeks. The total shows how "
        "severe any symptoms of anxiety are. It does not diagnose an anxiety disorder on its own."
    )
    sources = (SPITZER_2006,)
    questions = (
        frequency_items_question(
            "Over the last 2 weeks, how often have you been bothered by the following problems?",
            ITEMS,
        ),
    )

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        total = sum(answers["items"])
        _, band_id, span, words, disposition, urgency = next(b for b in BANDS if total <= b[0])
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=total,
            band=band_id,
            disposition=disposition,
            urgency=urgency,
            flags=[REVIEW_THRESHOLD] if total >= THRESHOLD else [],
            rationale=[
                Reason("gad7.total", f"Your answers add up to {total} out of 21.", (SPITZER_2006,)),
                Reason(
                    f"gad7.band.{band_id}", f"A total of {span} means {words}.", (SPITZER_2006,)
                ),
            ],
            care_advice=CARE_ADVICE[band_id],
            worsening_advice=WORSENING_ADVICE,
        )
