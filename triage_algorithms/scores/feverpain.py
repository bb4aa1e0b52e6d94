"""FeverPAIN: how likely a sore throat is to be caused by streptococcus bacteria.

One point each for Fever in the past 24 hours, Purulence, Attending rapidly (within 3 days of
the symptoms starting), severely Inflamed tonsils and No cough or coryza (Little et al., BMJ
2013). NICE NG84 (sore throat, acute: antimicrobial prescribing) sets what follows: 0 or 1, no
antibiotic; 2 or 3, consider no antibiotic or a back-up antibiotic prescription; 4 or 5,
consider an immediate antibiotic or a back-up prescription. Self-care (pain relief and fluids)
applies at every score.

Dispositions are ours: self-care for 0 or 1, a pharmacist's advice for 2 or 3 (no antibiotic is
likely to be needed), and the GP practice today for 4 or 5, where NICE has a prescriber consider
an antibiotic straight away.
"""

from __future__ import annotations

from typing import Any

from triage_algorithms.core import N_, Algorithm, Outcome, Question, Reason, Source

LITTLE_2013 = Source(
    "Little P, Hobbs FDR, Moore M, et al. Clinical score and rapid antigen detection test to "
    "guide antibiotic use for sore throats: randomised controlled trial of PRISM (primary care "
    "streptococcal management). BMJ 2013;347:f5806",
    "https://doi.org/10.1136/bmj.f5806",
)
NICE_NG84 = Source(
    "NICE guideline NG84: Sore throat (acute): antimicrobial prescribing (2018)",
    "https://www.nice.org.uk/guidance/ng84",
)

# (question id, question, help, the reason shown when the answer is yes: one point)
CRITERIA = (
    (
        "fever_past_24h",
        N_("Have you had a fever in the last 24 hours?"),
        N_("Feeling hot and shivery, or a temperature of 38°C or higher."),
        N_("One point: a fever in the last 24 hours."),
    ),
    (
        "purulence",
        N_("Is there pus on your tonsils or at the back of your throat?"),
        N_("White or yellow spots or patches. Use a torch and a mirror, or ask someone to look."),
        N_("One point: pus on the tonsils or throat."),
    ),
    (
        "attend_rapidly_within_3_days",
        N_("Did your sore throat start 3 days ago or less?"),
        N_("Count from the day your symptoms began."),
        N_("One point: symptoms that started 3 days ago or less."),
    ),
    (
        "severely_inflamed_tonsils",
        N_("Are your tonsils very swollen and red?"),
        N_(
            "The tonsils are the two lumps at the back of your throat, one on each side. Use a "
            "torch and a mirror, or ask someone to look."
        ),
        N_("One point: very swollen, red tonsils."),
    ),
    (
        "no_cough_or_coryza",
        N_("Are you free of a cough and of cold symptoms such as a runny or blocked nose?"),
        N_("Answer yes if you have no cough and no cold symptoms. Answer no if you have either."),
        N_("One point: no cough or cold symptoms."),
    ),
)

# (highest score, band id, NICE NG84 recommendation, disposition, urgency, advice)
BANDS = (
    (
        1,
        "low",
        N_("A score of 0 or 1: NICE advises that an antibiotic is not needed."),
        "self_care",
        0,
        N_(
            "An antibiotic is unlikely to help. Rest, drink plenty of fluids and take paracetamol "
            "or ibuprofen for the pain. Most sore throats get better within a week."
        ),
    ),
    (
        3,
        "intermediate",
        N_(
            "A score of 2 or 3: NICE advises considering no antibiotic or a back-up antibiotic "
            "prescription."
        ),
        "pharmacist",
        1,
        N_(
            "An antibiotic is probably not needed. Rest, drink plenty of fluids and take "
            "paracetamol or ibuprofen for the pain. A pharmacist can advise on treatments for "
            "sore throats."
        ),
    ),
    (
        5,
        "high",
        N_(
            "A score of 4 or 5: NICE advises considering an antibiotic straight away or a back-up "
            "prescription."
        ),
        "gp_today",
        2,
        N_(
            "Your sore throat may be caused by bacteria. Contact your GP practice today: they may "
            "offer an antibiotic. Meanwhile rest, drink plenty of fluids and take paracetamol or "
            "ibuprofen for the pain."
        ),
    ),
)
WORSENING_ADVICE = N_(
    "Call 999 if you have difficulty breathing, are drooling or cannot swallow, or make a "
    "high-pitched sound when you breathe in. Contact your GP practice or NHS 111 if you get "
    "worse quickly, feel very unwell, or are not getting better after a week."
)


class FeverPain(Algorithm):
    id = "feverpain"
    title = N_("Sore throat (FeverPAIN score)")
    kind = "score"
    version = "FeverPAIN (Little 2013; NICE NG84 2018)"
    audience = N_("People with a sore throat that started in the last 2 weeks")
    summary = N_(
        "Five questions about your sore throat that show how likely it is to be caused by "
        "bacteria, and so whether an antibiotic might help. Most sore throats are caused by "
        "viruses and get better on their own."
    )
    sources = (LITTLE_2013, NICE_NG84)
    questions = tuple(
        Question(id=question_id, text=text, type="boolean", help=help_text)
        for question_id, text, help_text, _ in CRITERIA
    )

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        present = [
            (question_id, reason) for question_id, _, _, reason in CRITERIA if answers[question_id]
        ]
        score = len(present)
        _, band_id, recommendation, disposition, urgency, advice = next(
            band for band in BANDS if score <= band[0]
        )
        rationale = [
            Reason(f"feverpain.{question_id}", reason, (LITTLE_2013, NICE_NG84))
            for question_id, reason in present
        ]
        rationale.append(Reason(f"feverpain.band.{band_id}", recommendation, (NICE_NG84,)))
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=score,
            band=band_id,
            disposition=disposition,
            urgency=urgency,
            flags=[],
            rationale=rationale,
            care_advice=advice,
            worsening_advice=WORSENING_ADVICE,
        )
