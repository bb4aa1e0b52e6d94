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

from triage_algorithms.core import (
    N_,
    REVIEW_THRESHOLD,
    Algorithm,
    Outcome,
    Question,
    Reason,
    Source,
)
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
MALE_POINTS = 1
NOT_WHITE_EUROPEAN_POINTS = 6
FAMILY_HISTORY_POINTS = 5
HIGH_BLOOD_PRESSURE_POINTS = 5

# (highest total, band id, what the total means, disposition, urgency, advice). The meaning is
# a template filled in with the total, which is never 1 except in the low band (ONE_POINT).
BANDS = (
    (
        6,
        "low",
        N_("A total of %(total)s points is in the 0 to 6 range: low risk."),
        "self_care",
        0,
        N_(
            "Your risk of type 2 diabetes is low. Keep up the good work: staying active, eating "
            "well and keeping to a healthy weight keep it low."
        ),
    ),
    (
        15,
        "increased",
        N_("A total of %(total)s points is in the 7 to 15 range: increased risk."),
        "self_care",
        0,
        N_(
            "Your risk of type 2 diabetes is increased. Changes such as eating more healthily, "
            "being more active and losing weight if you need to can lower it."
        ),
    ),
    (
        24,
        "moderate",
        N_("A total of %(total)s points is in the 16 to 24 range: moderate risk."),
        None,
        1,
        N_(
            "Your risk of type 2 diabetes is moderate. Make a routine appointment with your GP "
            "practice to talk about your risk and how to lower it."
        ),
    ),
    (
        math.inf,
        "high",
        N_("A total of %(total)s points is in the 25 to 47 range: high risk."),
        "gp_within_3_days",
        1,
        N_(
            "Your risk of type 2 diabetes is high. Contact your GP practice as soon as you can to "
            "ask for a blood test."
        ),
    ),
)
ONE_POINT = N_("A total of 1 point is in the 0 to 6 range: low risk.")
WORSENING_ADVICE = N_(
    "Contact your GP practice or NHS 111 if you have symptoms of diabetes, such as being very "
    "thirsty, peeing more than usual, feeling very tired or losing weight without trying."
)


class DiabetesRisk(Algorithm):
    id = "diabetes_risk"
    title = N_("Type 2 diabetes risk (Diabetes UK)")
    kind = "score"
    version = "Leicester Diabetes Risk Score (Gray 2010)"
    audience = N_("Adults who do not have diabetes")
    summary = N_(
        "Seven questions that show your risk of having type 2 diabetes now or in the next "
        "10 years, using the Diabetes UK risk score. It is not for people who already have "
        "diabetes."
    )
    sources = (GRAY_2010, DIABETES_UK)
    questions = (
        Question(
            id="age",
            text=N_("How old are you?"),
            type="integer",
            minimum=18,
            maximum=120,
            unit=N_("years"),
            help=N_("Your risk of type 2 diabetes goes up with age."),
            record_key="age",
        ),
        Question(
            id="sex",
            text=N_("Are you female or male?"),
            type="choice",
            choices=SEX_CHOICES,
            help=N_(
                "Men have a slightly higher risk. If you are not sure which to choose, use the "
                "sex on your GP record."
            ),
            record_key="sex",
        ),
        Question(
            id="white_european",
            text=N_("Is your ethnic background white European?"),
            type="boolean",
            help=N_(
                "People of other ethnic backgrounds, such as South Asian or Black, have a "
                "higher risk of type 2 diabetes."
            ),
        ),
        Question(
            id="family_history_diabetes",
            text=N_(
                "Does your father, mother, brother, sister or own child have type 1 or type 2 "
                "diabetes?"
            ),
            type="boolean",
            help=N_("Only count your parents, brothers, sisters and children."),
        ),
        Question(
            id="waist_cm",
            text=N_("What is your waist measurement?"),
            type="number",
            minimum=40,
            maximum=250,
            unit="cm",
            help=N_(
                "Find the point halfway between your lowest rib and the top of your hip bone, "
                "and measure around your waist there, breathing out normally. This may not be "
                "where you wear your trousers."
            ),
        ),
        Question(
            id="bmi",
            text=N_("What is your body mass index (BMI)?"),
            type="number",
            minimum=10,
            maximum=100,
            unit="kg/m²",
            help=N_(
                "Your BMI is your weight in kilograms divided by your height in metres squared; "
                "the NHS website has a BMI calculator."
            ),
            record_key="observation:39156-5",
        ),
        Question(
            id="high_blood_pressure",
            text=N_(
                "Have you been given medicine for high blood pressure, or been told by a doctor "
                "that you have high blood pressure?"
            ),
            type="boolean",
            help=N_("Answer yes even if medicine now keeps your blood pressure normal."),
        ),
    )

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        age, waist, bmi = answers["age"], answers["waist_cm"], answers["bmi"]
        # (rule, points, the reason shown when it scores, its values). The reason is a template
        # filled in with the points and the values, or a fixed message when the values are None.
        parts = [
            (
                "age",
                points_below(age, AGE_POINTS),
                N_("Age %(age)s: %(points)s points."),
                {"age": age},
            ),
            ("sex", MALE_POINTS if answers["sex"] == "male" else 0, N_("Male: 1 point."), None),
            (
                "ethnicity",
                0 if answers["white_european"] else NOT_WHITE_EUROPEAN_POINTS,
                N_("Not white European: %(points)s points."),
                {},
            ),
            (
                "family_history",
                FAMILY_HISTORY_POINTS if answers["family_history_diabetes"] else 0,
                N_("A close family member with diabetes: %(points)s points."),
                {},
            ),
            (
                "waist",
                points_below(waist, WAIST_POINTS),
                N_("Waist %(waist)s cm: %(points)s points."),
                {"waist": plain_number(waist)},
            ),
            (
                "bmi",
                points_below(bmi, BMI_POINTS),
                N_("BMI %(bmi)s: %(points)s points."),
                {"bmi": plain_number(bmi)},
            ),
            (
                "high_blood_pressure",
                HIGH_BLOOD_PRESSURE_POINTS if answers["high_blood_pressure"] else 0,
                N_("High blood pressure: %(points)s points."),
                {},
            ),
        ]
        total = sum(points for _, points, _, _ in parts)
        _, band_id, meaning, disposition, urgency, advice = next(b for b in BANDS if total <= b[0])
        sources = (GRAY_2010, DIABETES_UK)
        rationale = [
            Reason(f"diabetes_risk.{rule}", text, sources)
            if params is None
            else Reason.of(f"diabetes_risk.{rule}", text, sources, points=points, **params)
            for rule, points, text, params in parts
            if points
        ]
        if total == 1:
            rationale.append(Reason(f"diabetes_risk.band.{band_id}", ONE_POINT, (DIABETES_UK,)))
        else:
            rationale.append(
                Reason.of(f"diabetes_risk.band.{band_id}", meaning, (DIABETES_UK,), total=total)
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
            worsening_advice=WORSENING_ADVICE,
        )
