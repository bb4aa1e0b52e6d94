"""PHQ-9: the nine-question Patient Health Questionnaire for depression.

Items, answers (0 to 3) and severity bands (0-4 none-minimal, 5-9 mild, 10-14 moderate, 15-19
moderately severe, 20-27 severe) are Kroenke, Spitzer and Williams, J Gen Intern Med 2001. The
suggested actions per band follow Kroenke and Spitzer, Psychiatric Annals 2002. Any answer
other than "not at all" to item 9 (thoughts of being better off dead or of self-harm) is
flagged whatever the total, and so is a total of 10 or more, the cut-off Kroenke 2001 reports.
The PHQ-9 was developed by Drs Spitzer, Williams, Kroenke and colleagues with an educational
grant from Pfizer Inc.; no permission is required to reproduce, translate, display or
distribute it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from triage_algorithms.core import N_, REVIEW_THRESHOLD, Algorithm, Outcome, Reason, Source
from triage_algorithms.scores._common import frequency_items_question

KROENKE_2001 = Source(
    "Kroenke K, Spitzer RL, Williams JBW. The PHQ-9: validity of a brief depression severity "
    "measure. J Gen Intern Med 2001;16(9):606-613",
    "https://doi.org/10.1046/j.1525-1497.2001.016009606.x",
)
KROENKE_2002 = Source(
    "Kroenke K, Spitzer RL. The PHQ-9: a new depression diagnostic and severity measure. "
    "Psychiatric Annals 2002;32(9):509-515",
    "https://doi.org/10.3928/0048-5713-20020901-06",
)
NHS_SUICIDAL_THOUGHTS = Source(
    "NHS: Help for suicidal thoughts",
    "https://www.nhs.uk/mental-health/feelings-symptoms-behaviours/behaviours/help-for-suicidal-thoughts/",
)

ITEMS = (
    N_("Little interest or pleasure in doing things"),
    N_("Feeling down, depressed or hopeless"),
    N_("Trouble falling or staying asleep, or sleeping too much"),
    N_("Feeling tired or having little energy"),
    N_("Poor appetite or overeating"),
    N_(
        "Feeling bad about yourself, or that you are a failure or have let yourself or your "
        "family down"
    ),
    N_("Trouble concentrating on things, such as reading the newspaper or watching television"),
    N_(
        "Moving or speaking so slowly that other people could have noticed, or the opposite: "
        "being so fidgety or restless that you have been moving around a lot more than usual"
    ),
    N_("Thoughts that you would be better off dead, or of hurting yourself in some way"),
)
# Item 9 (0-based 8): thoughts of being better off dead or of self-harm.
SUICIDAL_ITEM = 8

# (highest total in the band, band id, what the total means, disposition, urgency)
BANDS = (
    (4, "none-minimal", N_("A total of 0 to 4 means no or minimal depression."), "self_care", 0),
    (9, "mild", N_("A total of 5 to 9 means mild depression."), "self_care", 0),
    (
        14,
        "moderate",
        N_("A total of 10 to 14 means moderate depression."),
        "gp_within_3_days",
        1,
    ),
    (
        19,
        "moderately-severe",
        N_("A total of 15 to 19 means moderately severe depression."),
        "gp_within_3_days",
        1,
    ),
    (math.inf, "severe", N_("A total of 20 to 27 means severe depression."), "gp_today", 2),
)
THRESHOLD = 10
SUICIDAL_THOUGHTS = "suicidal_thoughts"

CARE_ADVICE = {
    "none-minimal": N_(
        "Your answers do not suggest depression. If you are worried about your mood, talk to "
        "your GP practice."
    ),
    "mild": N_(
        "Your answers suggest mild symptoms of depression. Self-help, such as staying active, "
        "keeping in touch with people and NHS talking therapies, can help. Fill in this "
        "questionnaire again in 2 weeks, and talk to your GP practice if you are no better."
    ),
    "moderate": N_(
        "Your answers suggest moderate depression. Make an appointment with your GP practice in "
        "the next few days to talk about treatment, such as talking therapies."
    ),
    "moderately-severe": N_(
        "Your answers suggest moderately severe depression. Make an appointment with your GP "
        "practice in the next few days to talk about treatment."
    ),
    "severe": N_(
        "Your answers suggest severe depression. Contact your GP practice today to talk about "
        "treatment."
    ),
}
SUICIDAL_ADVICE = N_(
    "You said you have had thoughts of being better off dead or of hurting yourself. Please "
    "talk to someone today: contact your GP practice or call NHS 111. You can call Samaritans "
    "free on 116 123 at any time. If you feel you might act on these thoughts, or you have hurt "
    "yourself, call 999 or go to A&E now."
)
WORSENING_ADVICE = N_(
    "If you feel you cannot keep yourself safe, call 999 or go to A&E now. If your mood gets "
    "worse, contact your GP practice or call NHS 111."
)


class Phq9(Algorithm):
    id = "phq9"
    title = N_("Depression questionnaire (PHQ-9)")
    kind = "score"
    version = "PHQ-9 (Kroenke 2001)"
    audience = N_("Adults")
    summary = N_(
        "Nine questions about how you have felt over the last 2 weeks. The total shows how "
        "severe any symptoms of depression are. It does not diagnose depression on its own."
    )
    sources = (KROENKE_2001, KROENKE_2002, NHS_SUICIDAL_THOUGHTS)
    questions = (
        frequency_items_question(
            N_(
                "Over the last 2 weeks, how often have you been bothered by any of the "
                "following problems?"
            ),
            ITEMS,
        ),
    )

    def interrupt(self, answers: Mapping[str, Any]) -> str | None:
        """Crisis support, shown at once when item 9 has been answered above "not at all",
        whatever the answers still to come (the list may be short or hold None)."""
        items = answers.get("items") if isinstance(answers, Mapping) else None
        if not isinstance(items, (list, tuple)) or len(items) <= SUICIDAL_ITEM:
            return None
        value = items[SUICIDAL_ITEM]
        if value is None or isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return SUICIDAL_THOUGHTS if number > 0 else None

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        items = answers["items"]
        total = sum(items)
        _, band_id, meaning, disposition, urgency = next(b for b in BANDS if total <= b[0])
        rationale = [
            Reason.of(
                "phq9.total",
                N_("Your answers add up to %(total)s out of 27."),
                (KROENKE_2001,),
                total=total,
            ),
            Reason(f"phq9.band.{band_id}", meaning, (KROENKE_2001, KROENKE_2002)),
        ]
        flags = []
        if total >= THRESHOLD:
            flags.append(REVIEW_THRESHOLD)
        care_advice = CARE_ADVICE[band_id]
        if items[SUICIDAL_ITEM] > 0:
            flags.append(SUICIDAL_THOUGHTS)
            if REVIEW_THRESHOLD not in flags:
                flags.append(REVIEW_THRESHOLD)
            if urgency < 2:
                disposition, urgency = "gp_today", 2
            rationale.append(
                Reason(
                    "phq9.item9",
                    N_(
                        "You said you have had thoughts that you would be better off dead or "
                        "of hurting yourself. This needs talking about today, whatever the "
                        "total."
                    ),
                    (KROENKE_2001, NHS_SUICIDAL_THOUGHTS),
                )
            )
            if band_id != "none-minimal":
                # Two paragraphs, each one message of the catalogue.
                care_advice = SUICIDAL_ADVICE + "\n\n" + care_advice
            else:
                care_advice = SUICIDAL_ADVICE
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=total,
            band=band_id,
            disposition=disposition,
            urgency=urgency,
            flags=flags,
            rationale=rationale,
            care_advice=care_advice,
            worsening_advice=WORSENING_ADVICE,
        )
