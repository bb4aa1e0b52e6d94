"""QRISK3-2017: the chance of a heart attack or stroke in the next ten years.

The equations are ClinRisk's open-source QRISK3-2017 (see ``_qrisk3_equations`` for where each
coefficient comes from). This module holds the questions, the published input limits and
defaults, and the outcome.

Input limits. ClinRisk's QRISK3 engine (v2018.0, as supplied in github.com/endeavour-predict/
ep-qrisk3, _SUPPLIED/Engine/QRiskCVDAlgorithm.cs and CRStandardDefinitions.cs) accepts ages 25
to 84 and keeps BMI to 20-40, cholesterol/HDL ratio to 1-12, systolic blood pressure to 70-210
mmHg and the Townsend score to -8 to 12; ClinRisk's QRISK2 command-line tools state the same
20..40, 1..12 and 70..210 ranges (Debian manual page Q80_model_4_1_commandLine(1)). Where
ClinRisk's engine moves an out-of-range value to the nearest limit, we refuse it and the help
text asks the person to enter the nearest limit themselves, which gives the engine's result.
No published limit exists for the standard deviation of systolic blood pressure; we accept 0 to
100 mmHg, just above the largest standard deviation (99 mmHg) two readings in 70-210 can have.

"I don't know". ClinRisk's engine uses 0 when the Townsend score is missing and 0 when the
blood pressure standard deviation is missing, so those two questions allow "I don't know" with
those defaults. For a missing BMI, cholesterol ratio or blood pressure the engine estimates a
value from age, sex, ethnicity and other answers with models that are not open source, so those
questions must be answered. Ethnicity "White or not stated" is QRISK3's own first category.

Erectile dysfunction is asked of everyone but only the men's equation has a term for it.
Answering yes to both type 1 and type 2 diabetes is refused: ClinRisk's engine takes one
diabetes category (none, type 1 or type 2).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from triage_algorithms.core import (
    N_,
    REVIEW_THRESHOLD,
    Algorithm,
    Choice,
    InvalidAnswers,
    Outcome,
    Question,
    Reason,
    Source,
)
from triage_algorithms.scores._common import SEX_CHOICES
from triage_algorithms.scores._qrisk3_equations import (
    CONDITIONS,
    DISCLAIMER,
    FEMALE,
    MALE,
    ten_year_risk,
)

SOURCE_CODE = Source(
    "ClinRisk Ltd. QRISK3-2017 open-source algorithm (GNU LGPL v3)", "https://qrisk.org/src.php"
)
PAPER = Source(
    "Hippisley-Cox J, Coupland C, Brindle P. Development and validation of QRISK3 risk "
    "prediction algorithms to estimate future risk of cardiovascular disease: prospective "
    "cohort study. BMJ 2017;357:j2099",
    "https://doi.org/10.1136/bmj.j2099",
)
ENGINE = Source(
    "ClinRisk Ltd. QRISK3 engine v2018.0: input limits and values used when an answer is missing",
    "https://github.com/endeavour-predict/ep-qrisk3/blob/e8693fa4a5f6de2ff15ef0798375eba148a7df3b"
    "/_SUPPLIED/Engine/QRiskCVDAlgorithm.cs",
)
NICE_NG238 = Source(
    "NICE guideline NG238: Cardiovascular disease: risk assessment and reduction, including "
    "lipid modification (2023)",
    "https://www.nice.org.uk/guidance/ng238",
)

THRESHOLD = 10  # percent: NICE NG238 offers a statin from a QRISK3 score of 10% or more

ETHNICITY_CHOICES = tuple(
    Choice(code, label)
    for code, label in enumerate(
        (
            N_("White or not stated"),
            N_("Indian"),
            N_("Pakistani"),
            N_("Bangladeshi"),
            N_("Other Asian"),
            N_("Black Caribbean"),
            N_("Black African"),
            N_("Chinese"),
            N_("Other ethnic group"),
        ),
        start=1,
    )
)
SMOKING_CHOICES = (
    Choice(0, N_("I have never smoked")),
    Choice(1, N_("I used to smoke")),
    Choice(2, N_("I smoke fewer than 10 cigarettes a day")),
    Choice(3, N_("I smoke 10 to 19 cigarettes a day")),
    Choice(4, N_("I smoke 20 or more cigarettes a day")),
)

# The reason shown for each yes/no risk factor answered yes.
CONDITION_REASONS = {
    "atrial_fibrillation": N_(
        "You have atrial fibrillation, which QRISK3 counts as a risk factor."
    ),
    "atypical_antipsychotics": N_(
        "You take an atypical antipsychotic medicine, which QRISK3 counts as a risk factor."
    ),
    "corticosteroids": N_(
        "You take steroid tablets regularly, which QRISK3 counts as a risk factor."
    ),
    "erectile_dysfunction": N_(
        "You have erectile dysfunction, which QRISK3 counts as a risk factor."
    ),
    "migraine": N_("You have migraine, which QRISK3 counts as a risk factor."),
    "rheumatoid_arthritis": N_(
        "You have rheumatoid arthritis, which QRISK3 counts as a risk factor."
    ),
    "ckd_3_5": N_(
        "You have chronic kidney disease (stage 3, 4 or 5), which QRISK3 counts as a risk factor."
    ),
    "severe_mental_illness": N_(
        "You have a severe mental illness, which QRISK3 counts as a risk factor."
    ),
    "sle": N_(
        "You have systemic lupus erythematosus (lupus), which QRISK3 counts as a risk factor."
    ),
    "treated_hypertension": N_(
        "You take medicine for high blood pressure, which QRISK3 counts as a risk factor."
    ),
    "diabetes_type1": N_("You have type 1 diabetes, which QRISK3 counts as a risk factor."),
    "diabetes_type2": N_("You have type 2 diabetes, which QRISK3 counts as a risk factor."),
    "family_history_chd": N_(
        "You have a parent, brother or sister who had angina or a heart attack before 60, "
        "which QRISK3 counts as a risk factor."
    ),
}
ERECTILE_DYSFUNCTION_IN_WOMEN = N_(
    "Erectile dysfunction is not part of the women's equation, so it was not used."
)
# The reason shown when a person did not know an answer and ClinRisk's default was used.
DEFAULT_REASONS = {
    "townsend": N_(
        "You did not know your Townsend deprivation score, so 0 was used, as the official "
        "QRISK3 software does."
    ),
    "sbp_sd": N_(
        "You did not know your blood pressure variation (standard deviation), so 0 was used, as "
        "the official QRISK3 software does."
    ),
}
BOTH_DIABETES_TYPES = N_("Answer yes to only one of type 1 and type 2 diabetes")


def _yes_no(question_id: str, text: str, help_text: str) -> Question:
    return Question(id=question_id, text=text, type="boolean", help=help_text)


QUESTIONS = (
    Question(
        id="sex",
        text=N_("Are you female or male?"),
        type="choice",
        choices=SEX_CHOICES,
        help=N_(
            "QRISK3 uses different sums for women and men. If you are not sure which to "
            "choose, use the sex on your GP record."
        ),
        record_key="sex",
    ),
    Question(
        id="age",
        text=N_("How old are you?"),
        type="integer",
        minimum=25,
        maximum=84,
        unit=N_("years"),
        help=N_("QRISK3 works for people aged 25 to 84."),
        record_key="age",
    ),
    Question(
        id="ethnicity",
        text=N_("Which of these best describes your ethnic group?"),
        type="choice",
        choices=ETHNICITY_CHOICES,
        help=N_(
            "The risk of heart disease differs between ethnic groups. These are the groups "
            "QRISK3 uses. Choose 'White or not stated' if you would rather not say."
        ),
    ),
    Question(
        id="smoking",
        text=N_("Do you smoke?"),
        type="choice",
        choices=SMOKING_CHOICES,
        help=N_(
            "Count roll-ups and cigars as cigarettes. If you have stopped, choose "
            "'I used to smoke'."
        ),
    ),
    Question(
        id="townsend",
        text=N_("What is the Townsend deprivation score of the area where you live?"),
        type="number",
        minimum=-8,
        maximum=12,
        dont_know_allowed=True,
        default=0.0,
        help=N_(
            "This score describes how deprived a neighbourhood is, from -8 (least) to 12 "
            "(most). The official QRISK3 calculator works it out from your postcode. If you do "
            "not know it, choose 'I do not know' and an average area (0) is used, as the "
            "official QRISK3 software does."
        ),
    ),
    Question(
        id="bmi",
        text=N_("What is your body mass index (BMI)?"),
        type="number",
        minimum=20,
        maximum=40,
        unit="kg/m²",
        help=N_(
            "Your BMI is your weight in kilograms divided by your height in metres squared; "
            "the NHS website has a BMI calculator. QRISK3 uses values from 20 to 40: if yours "
            "is below 20 enter 20, and if it is above 40 enter 40, as the official QRISK3 "
            "software does."
        ),
        record_key="observation:39156-5",
    ),
    Question(
        id="sbp",
        text=N_("What is your systolic blood pressure?"),
        type="number",
        minimum=70,
        maximum=210,
        unit="mmHg",
        help=N_(
            "The first, higher number of a blood pressure reading: 130 in '130 over 80'. Use "
            "your most recent reading. QRISK3 uses values from 70 to 210: if yours is outside "
            "that, enter the nearest of the two."
        ),
        record_key="observation:8480-6",
    ),
    Question(
        id="sbp_sd",
        text=N_("How much do your systolic blood pressure readings vary?"),
        type="number",
        minimum=0,
        maximum=100,
        unit="mmHg",
        dont_know_allowed=True,
        default=0.0,
        help=N_(
            "This is the standard deviation of at least 2 of your most recent systolic "
            "readings; your GP practice may be able to tell you. If you do not know it, choose "
            "'I do not know' and 0 is used, as the official QRISK3 software does."
        ),
    ),
    Question(
        id="chol_hdl_ratio",
        text=N_("What is your total cholesterol to HDL cholesterol ratio?"),
        type="number",
        minimum=1,
        maximum=12,
        help=N_(
            "Your total cholesterol divided by your HDL ('good') cholesterol, from a blood "
            "test; your GP practice can tell you. QRISK3 uses values from 1 to 12: if yours is "
            "outside that, enter the nearest of the two."
        ),
        record_key="observation:9830-1",
    ),
    _yes_no(
        "atrial_fibrillation",
        N_("Have you been diagnosed with atrial fibrillation?"),
        N_(
            "An irregular heartbeat diagnosed by a doctor, including atrial flutter and atrial "
            "fibrillation that comes and goes."
        ),
    ),
    _yes_no(
        "atypical_antipsychotics",
        N_("Are you taking an 'atypical' antipsychotic medicine?"),
        N_(
            "For example amisulpride, aripiprazole, clozapine, lurasidone, olanzapine, "
            "paliperidone, quetiapine, risperidone, sertindole or zotepine."
        ),
    ),
    _yes_no(
        "corticosteroids",
        N_("Do you take steroid tablets regularly?"),
        N_(
            "For example prednisolone or dexamethasone. Steroid inhalers, creams and nose "
            "sprays do not count."
        ),
    ),
    _yes_no(
        "erectile_dysfunction",
        N_("Have you been diagnosed with, or treated for, erectile dysfunction?"),
        N_(
            "Trouble getting or keeping an erection. QRISK3 only uses this answer for men; "
            "women can answer no."
        ),
    ),
    _yes_no(
        "migraine",
        N_("Have you been diagnosed with migraine?"),
        N_("Migraine headaches diagnosed by a doctor, with or without aura."),
    ),
    _yes_no(
        "rheumatoid_arthritis",
        N_("Have you been diagnosed with rheumatoid arthritis?"),
        N_(
            "A long-term condition that causes painful, swollen joints. It is not the same as "
            "osteoarthritis ('wear and tear')."
        ),
    ),
    _yes_no(
        "ckd_3_5",
        N_("Have you been told you have chronic kidney disease stage 3, 4 or 5?"),
        N_("Also answer yes if you have kidney dialysis or have had a kidney transplant."),
    ),
    _yes_no(
        "severe_mental_illness",
        N_("Have you been diagnosed with a severe mental illness?"),
        N_(
            "Schizophrenia, bipolar disorder or another psychosis, or moderate to severe "
            "depression."
        ),
    ),
    _yes_no(
        "sle",
        N_("Have you been diagnosed with systemic lupus erythematosus (lupus or SLE)?"),
        N_("A long-term condition in which the immune system attacks the body."),
    ),
    _yes_no(
        "treated_hypertension",
        N_("Are you taking medicine for high blood pressure?"),
        N_("Answer yes if a doctor has prescribed medicine to lower your blood pressure."),
    ),
    _yes_no(
        "diabetes_type1",
        N_("Do you have type 1 diabetes?"),
        N_("Answer yes to only one of the two diabetes questions."),
    ),
    _yes_no(
        "diabetes_type2",
        N_("Do you have type 2 diabetes?"),
        N_("Answer yes to only one of the two diabetes questions."),
    ),
    _yes_no(
        "family_history_chd",
        N_("Has a parent, brother or sister had angina or a heart attack before the age of 60?"),
        N_("Only count your mother, father, brothers and sisters."),
    ),
)

RAISED_CARE_ADVICE = N_(
    "Book a routine appointment with your GP practice to talk about your result and ways to "
    "lower your risk."
)
LOW_CARE_ADVICE = N_(
    "Keep your risk low: do not smoke, stay active, eat well and keep to a healthy weight. "
    "Check your risk again if your health changes."
)
WORSENING_ADVICE = N_(
    "This is not a test for symptoms. Call 999 now if you have chest pain, or signs of a stroke "
    "such as a drooping face, a weak arm or slurred speech."
)


class QRisk3(Algorithm):
    id = "qrisk3"
    title = N_("Heart attack and stroke risk (QRISK3)")
    kind = "score"
    version = "QRISK3-2017"
    audience = N_("Adults aged 25 to 84 who have not had a heart attack or stroke")
    summary = N_(
        "Estimates your chance of having a heart attack or stroke in the next 10 years, using "
        "the QRISK3 calculator that GPs in the UK use. It is not for people who have already "
        "had a heart attack, stroke or other heart or circulation disease."
    )
    sources = (SOURCE_CODE, PAPER, ENGINE, NICE_NG238)
    questions = QUESTIONS

    def evaluate(self, answers):
        outcome = super().evaluate(answers)
        notes = [
            Reason(f"qrisk3.default.{question.id}", DEFAULT_REASONS[question.id], (ENGINE,))
            for question in self.questions
            if question.dont_know_allowed and answers.get(question.id) == "dont_know"
        ]
        return replace(outcome, rationale=[*outcome.rationale, *notes]) if notes else outcome

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        if answers["diabetes_type1"] and answers["diabetes_type2"]:
            raise InvalidAnswers(
                {"diabetes_type1": BOTH_DIABETES_TYPES, "diabetes_type2": BOTH_DIABETES_TYPES}
            )
        female = answers["sex"] == "female"
        risk = ten_year_risk(
            FEMALE if female else MALE,
            age=answers["age"],
            bmi=answers["bmi"],
            ethnicity=answers["ethnicity"],
            smoking=answers["smoking"],
            chol_hdl_ratio=answers["chol_hdl_ratio"],
            sbp=answers["sbp"],
            sbp_sd=answers["sbp_sd"],
            townsend=answers["townsend"],
            conditions={name: answers[name] for name in CONDITIONS},
        )
        raised = risk >= THRESHOLD
        equation = (
            N_(
                "The QRISK3-2017 women's equation gives a %(risk).1f%% chance of a heart attack "
                "or stroke in the next 10 years."
            )
            if female
            else N_(
                "The QRISK3-2017 men's equation gives a %(risk).1f%% chance of a heart attack or "
                "stroke in the next 10 years."
            )
        )
        rationale = [Reason.of("qrisk3.equation", equation, (SOURCE_CODE, PAPER), risk=risk)]
        for name in CONDITIONS:
            if not answers[name]:
                continue
            if name == "erectile_dysfunction" and female:
                text = ERECTILE_DYSFUNCTION_IN_WOMEN
            else:
                text = CONDITION_REASONS[name]
            rationale.append(Reason(f"qrisk3.{name}", text, (PAPER,)))
        if raised:
            rationale.append(
                Reason.of(
                    "qrisk3.band.raised",
                    N_(
                        "A risk of %(threshold)s%% or more: NICE advises talking with your GP "
                        "practice about lowering it, which may include a statin."
                    ),
                    (NICE_NG238,),
                    threshold=THRESHOLD,
                )
            )
        else:
            rationale.append(
                Reason.of(
                    "qrisk3.band.low",
                    N_(
                        "A risk below %(threshold)s%%: under NICE guidance, a statin is offered "
                        "from %(threshold)s%%."
                    ),
                    (NICE_NG238,),
                    threshold=THRESHOLD,
                )
            )
        rationale.append(Reason("qrisk3.disclaimer", DISCLAIMER, (SOURCE_CODE,)))
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=risk,
            band="raised" if raised else "low",
            disposition=None,
            urgency=1 if raised else 0,
            flags=[REVIEW_THRESHOLD] if raised else [],
            rationale=rationale,
            care_advice=RAISED_CARE_ADVICE if raised else LOW_CARE_ADVICE,
            worsening_advice=WORSENING_ADVICE,
        )
