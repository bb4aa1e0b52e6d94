"""GAD-7: the seven-question Generalised Anxiety Disorder questionnaire.

Items, answers (0 to 3), severity bands (0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe)
and the cut-off of 10 for further evaluation are Spitzer, Kroenke, Williams and Löwe, Arch
Intern Med 2006. The GAD-7 was developed with an educational grant from Pfizer Inc.; no
permission is required to reproduce, translate, display or distribute it.
"""

from __future__ import annotations

import math
from typing import Any

from triage_algorithms.core import N_, REVIEW_THRESHOLD, Algorithm, Outcome, Reason, Source
from triage_algorithms.scores._common import frequency_items_question

SPITZER_2006 = Source(
    "Spitzer RL, Kroenke K, Williams JBW, Löwe B. A brief measure for assessing generalized "
    "anxiety disorder: the GAD-7. Arch Intern Med 2006;166(10):1092-1097",
    "https://doi.org/10.1001/archinte.166.10.1092",
)

ITEMS = (
    N_("Feeling nervous, anxious or on edge"),
    N_("Not being able to stop or control worrying"),
    N_("Worrying too much about different things"),
    N_("Trouble relaxing"),
    N_("Being so restless that it is hard to sit still"),
    N_("Becoming easily annoyed or irritable"),
    N_("Feeling afraid, as if something awful might happen"),
)

# (highest total in the band, band id, what the total means, disposition, urgency)
BANDS = (
    (4, "minimal", N_("A total of 0 to 4 means minimal anxiety."), "self_care", 0),
    (9, "mild", N_("A total of 5 to 9 means mild anxiety."), "self_care", 0),
    (14, "moderate", N_("A total of 10 to 14 means moderate anxiety."), "gp_within_3_days", 1),
    (math.inf, "severe", N_("A total of 15 to 21 means severe anxiety."), "gp_within_3_days", 1),
)
THRESHOLD = 10

CARE_ADVICE = {
    "minimal": N_(
        "Your answers do not suggest an anxiety problem. If you are worried about how you feel, "
        "talk to your GP practice."
    ),
    "mild": N_(
        "Your answers suggest mild anxiety. Self-help, such as regular exercise, breathing "
        "exercises and NHS talking therapies, can help. Fill in this questionnaire again in 2 "
        "weeks, and talk to your GP practice if you are no better."
    ),
    "moderate": N_(
        "Your answers suggest moderate anxiety. Make an appointment with your GP practice in the "
        "next few days to talk about treatment, such as talking therapies."
    ),
    "severe": N_(
        "Your answers suggest severe anxiety. Make an appointment with your GP practice in the "
        "next few days to talk about treatment."
    ),
}
WORSENING_ADVICE = N_(
    "If you have thoughts of harming yourself or feel you cannot keep yourself safe, call 999 "
    "or go to A&E now. You can call Samaritans free on 116 123 at any time."
)


class Gad7(Algorithm):
    id = "gad7"
    title = N_("Anxiety questionnaire (GAD-7)")
    kind = "score"
    version = "GAD-7 (Spitzer 2006)"
    audience = N_("Adults")
    summary = N_(
        "Seven questions about how you have felt over the last 2 weeks. The total shows how "
        "severe any symptoms of anxiety are. It does not diagnose an anxiety disorder on its own."
    )
    sources = (SPITZER_2006,)
    questions = (
        frequency_items_question(
            N_(
                "Over the last 2 weeks, how often have you been bothered by the following problems?"
            ),
            ITEMS,
        ),
    )

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        total = sum(answers["items"])
        _, band_id, meaning, disposition, urgency = next(b for b in BANDS if total <= b[0])
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=total,
            band=band_id,
            disposition=disposition,
            urgency=urgency,
            flags=[REVIEW_THRESHOLD] if total >= THRESHOLD else [],
            rationale=[
                Reason.of(
                    "gad7.total",
                    N_("Your answers add up to %(total)s out of 21."),
                    (SPITZER_2006,),
                    total=total,
                ),
                Reason(f"gad7.band.{band_id}", meaning, (SPITZER_2006,)),
            ],
            care_advice=CARE_ADVICE[band_id],
            worsening_advice=WORSENING_ADVICE,
        )
