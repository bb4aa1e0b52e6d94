"""Diabetes UK / Leicester Diabetes Risk Score: the chance of having, or soon getting, type 2
diabetes.

Points (Gray et al., Diabetic Medicine 2010, as printed on Diabetes UK's "Diabetes risk score"
form, © Diabetes UK 2012): age 49 or younger 0, 50-59 5, 60-69 9, 70 or older 13; male 1;
any ethnic group other than white European 6; a parent, brother, sister or own child with type
1 or type 2 diabetes 5; waist under 90 cm 0, 90-99.9 4, 100-109.9 6, 110 or more 9; BMI under
25 0, 25-29.9 3, 30-34.9 5, 35 or more 8; medicine for, or a doctor's diagnosis of, high blood
pressure 5. Total 0 to 47. Risk levels: 0-6 low, 7-15 increased, 16-24 moderate, 25 or more
high, with Diabetes UK's advice for each ("keep up the good work", "make lifestyle changes",
"see your GP to discuss your risk", "see your GP as soon as possible for a blood test").

The limits on age, waist and BMI are ours, to catch typing mistakes; the score itself publishes
none (it was developed in people aged 40 to 75).
"""

from __future__ import annotations

import math
from typing import Any

from triage_algorithms.core import REVIEW_THRESHOLD, Algorithm, Outcome, Question, Reason, Source
from triage_algorithms.scores._common import SEX_CHOICES, plain_number, points_below

GRAY_2010 = Source(
    "Gray LJ, Taub NA, Khunti K, et al. The Leicester Risk Assessment score for detecting "
    "undiagnosed Type 2 diabetes and impaired glucose regulation for use in a multiethnic UK "
    "setting. Diabet Med 2010;27(8):887-895",
    "https://doi.org/10.1111/j.1464-5491.2010.03037.x",
)
DIABETES_UK = Source(
    "Diabetes UK: Know your risk of type 2 diabetes (Diabetes risk score)",
    "https://riskscore.diabetes.org.uk/",
)

# (below this value, points)
AGE_POINTS = ((50, 0), (60, 5), (70, 9), (math.inf, 13))
WAIST_POINTS = ((90, 0), (100, 4), (110, 6), (math.inf, 9))
BMI_POINTS = ((25, 0), (30, 3), (35, 5), (math.inf, 8))
# (highest total, band id, range, disposition, urgency, advice)
BANDS = (
    (
        6,
        "low",
        "0 to 6",
        "self_care",
        0,
        "Your risk of type 2 diabetes is low. Keep up the good work: staying active, eating "
        "well and keeping to a healthy weight keep it low.",
    ),
    (
        15,
        "increased",
        "7 to 15",
        "self_care",
        0,
        "Your risk of type 2 diabetes is increased. Changes such as eating more healthily, "
        "being more active and losing weight if you need to can lower it.",
    ),
    (
        24,
        "moderate",
        "16 to 24",
        None,
        1,
        "Your risk of type 2 diabetes is moderate. Make a routine appointment with your GP "
        "practice to talk about your risk and how to lower it.",
    ),
    (
        math.inf,
        "high",
        "25 to 47",
        "gp_within_3_days",
        1,
        "Your risk of type 2 diabetes is high. Contact your GP practice as soon as you can to "
        "ask for a blood test.",
    ),
)


class DiabetesRisk(Algorithm):
    id = "diabetes_risk"
    title = "Type 2 diabetes risk (Diabetes UK)"
    kind = "score"
    version = "Leicester Diabetes Risk Score (Gray 2010)"
    audience = "Adults who do not have diabetes"
    summary = (
        "Seven questions that show your risk of having type 2 diabetes now or in the next "
        "10 years, using the Diabetes UK risk score. It is not for people who already have "
        "diabetes."
    )
    sources = (GRAY_2010, DIABETES_UK)
    questions = (
        Question(
            id="age",
            text="How old are you?",
            type="integer",
            minimum=18,
            maximum=120,
            unit="years",
            help="Your risk of type 2 diabetes goes up with age.",
            record_key="age",
        ),
        Question(
            id="sex",
            text="Are you female or male?",
            type="choice",
            choices=SEX_CHOICES,
            help="Men have a slightly higher risk. If you are not sure which to choose, use the "
            "sex on your GP record.",
            record_key="sex",
        ),
        Question(
            id="white_european",
            text="Is your ethnic background white European?",
            type="boolean",
            help="People of other ethnic backgrounds, such as South Asian or Black, have a "
            "higher risk of type 2 diabetes.",
        ),
        Question(
            id="family_history_diabetes",
            text="Does your father, mother, brother, sister or own child have type 1 or type 2 "
            "diabetes?",
            type="boolean",
            help="Only count your parents, brothers, sisters and children.",
        ),
        Question(
            id="waist_cm",
            text="What is your waist measurement?",
            type="number",
            minimum=40,
            maximum=250,
            unit="cm",
            help="Find the point halfway between your lowest rib and the top of your hip bone, "
            "and measure around your waist there, breathing out normally. This may not be where "
            "you wear your trousers.",
        ),
        Question(
            id="bmi",
            text="What is your body mass index (BMI)?",
            type="number",
            minimum=10,
            maximum=100,
            unit="kg/m²",
            help="Your BMI is your weight in kilograms divided by your height in metres squared; "
            "the NHS website has a BMI calculator.",
            record_key="observation:39156-5",
        ),
        Question(
            id="high_blood_pressure",
            text="Have you been given medicine for high blood pressure, or been told by a doctor "
            "that you have high blood pressure?",
            type="boolean",
            help="Answer yes even if medicine now keeps your blood pressure normal.",
        ),
    )

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        age, waist, bmi = answers["age"], answers["waist_cm"], answers["bmi"]
        parts = [
            ("age", points_below(age, AGE_POINTS), f"Age {age}"),
            ("sex", 1 if answers["sex"] == "male" else 0, answers["sex"].capitalize()),
            (
                "ethnicity",
                0 if answers["white_european"] else 6,
                "White European" if answers["white_european"] else "Not white European",
            ),
            (
                "family_history",
                5 if answers["family_history_diabetes"] else 0,
                "A close family member with diabetes"
                if answers["family_history_diabetes"]
                else "No close family member with diabetes",
            ),
            ("waist", points_below(waist, WAIST_POINTS), f"Waist {plain_number(waist)} cm"),
            ("bmi", points_below(bmi, BMI_POINTS), f"BMI {plain_number(bmi)}"),
            (
                "high_blood_pressure",
                5 if answers["high_blood_pressure"] else 0,
                "High blood pressure"
                if answers["high_blood_pressure"]
                else "No high blood pressure",
            ),
        ]
        total = sum(points for _, points, _ in parts)
        _, band_id, span, disposition, urgency, advice = next(b for b in BANDS if total <= b[0])
        rationale = [
            Reason(
                f"diabetes_risk.{rule}",
                f"{words}: {points} point{'' if points == 1 else 's'}.",
                (GRAY_2010, DIABETES_UK),
            )
            for rule, points, words in parts
            if points
        ]
        rationale.append(
            Reason(
                f"diabetes_risk.band.{band_id}",
                f"A total of {total} points is in the {span} range: {band_id} risk.",
                (DIABETES_UK,),
            )
        )
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=total,
            band=band_id,
            disposition=disposition,
            urgency=urgency,
            flags=[REVIEW_THRESHOLD] if band_id == "high" else [],
            rationale=rationale,
            care_advice=advice,
            worsening_advice=(
                "Contact your GP practice or NHS 111 if you have symptoms of diabetes, such as "
                "being very thirsty, peeing more than usual, feeling very tired or losing weight "
                "without trying."
            ),
        )
