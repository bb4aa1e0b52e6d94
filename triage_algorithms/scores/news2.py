"""NEWS2: the National Early Warning Score 2 (Royal College of Physicians, 2017).

Each parameter is scored from Chart 1 of the RCP report exactly:

=====================  =======  ==========  ==========  ===========  ==========  =========  =====
Parameter              3        2           1           0            1           2          3
=====================  =======  ==========  ==========  ===========  ==========  =========  =====
Respiration rate       ≤8                   9-11        12-20                    21-24      ≥25
SpO2 scale 1 (%)       ≤91      92-93       94-95       ≥96
SpO2 scale 2 (%)       ≤83      84-85       86-87       88-92,       93-94 on    95-96 on   ≥97
                                                        ≥93 on air   oxygen      oxygen     on O2
Air or oxygen?                  Oxygen                  Air
Systolic BP (mmHg)     ≤90      91-100      101-110     111-219                             ≥220
Pulse (per minute)     ≤40                  41-50       51-90        91-110      111-130    ≥131
Consciousness          CVPU                             Alert
Temperature (°C)       ≤35.0                35.1-36.0   36.1-38.0    38.1-39.0   ≥39.1
=====================  =======  ==========  ==========  ===========  ==========  =========  =====

Clinical risk (Chart 2): low 0-4; low-medium when any single parameter scores 3 and the total is
4 or less; medium 5-6; high 7 or more. Temperatures are read to one decimal place, as on the
chart (38.05 °C is 38.1 °C). The limits on each measurement are ours, to catch typing mistakes.

The RCP's clinical response (Chart 3) is written for hospital wards: routine monitoring at 0; a
registered nurse assesses at 1-4; urgent review by the medical team when one parameter scores 3;
an urgent response by a clinician with acute-illness skills at 5-6; an emergency response by a
critical-care team at 7 or more. Outside hospital we take these as: nothing extra at 0, tell the
nurse or clinician looking after the person at 1-4 (urgency 1), urgent care today for a single
3 (urgency 3), A&E now at 5-6 (urgency 4) and 999 at 7 or more (urgency 5).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from triage_algorithms.core import (
    N_,
    REVIEW_THRESHOLD,
    Algorithm,
    Choice,
    Outcome,
    Question,
    Reason,
    Source,
)
from triage_algorithms.scores._common import plain_number

RCP_NEWS2 = Source(
    "Royal College of Physicians. National Early Warning Score (NEWS) 2: Standardising the "
    "assessment of acute-illness severity in the NHS. Updated report of a working party. "
    "London: RCP, 2017 (Chart 1: scoring; Charts 2 and 3: clinical risk and response)",
    "https://www.rcp.ac.uk/improving-care/resources/national-early-warning-score-news-2/",
)

# The reason shown for each level of consciousness below alert (each scores 3).
CONSCIOUSNESS = {
    "C": N_("Consciousness: new confusion: scores %(points)s."),
    "V": N_("Consciousness: responds only to voice: scores %(points)s."),
    "P": N_("Consciousness: responds only to pain: scores %(points)s."),
    "U": N_("Consciousness: unresponsive: scores %(points)s."),
}


def respiration_points(rate: int) -> int:
    if rate <= 8:
        return 3
    if rate <= 11:
        return 1
    if rate <= 20:
        return 0
    return 2 if rate <= 24 else 3


def spo2_points(spo2: int, scale: int, on_oxygen: bool) -> int:
    if scale == 1:
        if spo2 <= 91:
            return 3
        if spo2 <= 93:
            return 2
        return 1 if spo2 <= 95 else 0
    if spo2 <= 83:
        return 3
    if spo2 <= 85:
        return 2
    if spo2 <= 87:
        return 1
    if spo2 <= 92 or not on_oxygen:
        return 0
    if spo2 <= 94:
        return 1
    return 2 if spo2 <= 96 else 3


def systolic_points(systolic: int) -> int:
    if systolic <= 90:
        return 3
    if systolic <= 100:
        return 2
    if systolic <= 110:
        return 1
    return 0 if systolic <= 219 else 3


def pulse_points(pulse: int) -> int:
    if pulse <= 40:
        return 3
    if pulse <= 50:
        return 1
    if pulse <= 90:
        return 0
    if pulse <= 110:
        return 1
    return 2 if pulse <= 130 else 3


def temperature_points(temperature: float) -> int:
    tenths = Decimal(str(temperature)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if tenths <= Decimal("35.0"):
        return 3
    if tenths <= Decimal("36.0"):
        return 1
    if tenths <= Decimal("38.0"):
        return 0
    return 1 if tenths <= Decimal("39.0") else 2


# band id: (what the RCP's clinical response asks for, in plain words, after the total,
# disposition, urgency, advice)
RESPONSES = {
    "low": (
        N_(
            "Total %(total)s. A total of 1 to 4 (low): a nurse or clinician should assess the "
            "person and decide how often to check these measurements, at least every 4 to 6 "
            "hours."
        ),
        None,
        1,
        N_(
            "Tell the nurse or clinician looking after you about this result. If there is "
            "nobody, contact your GP practice or NHS 111 for advice today."
        ),
    ),
    "low-medium": (
        N_(
            "Total %(total)s. One measurement scored 3 (low-medium): the RCP asks for an urgent "
            "review by a doctor."
        ),
        "urgent_care_today",
        3,
        N_(
            "One of the measurements is far from normal. Get an urgent assessment by a doctor: "
            "call NHS 111 or your GP practice now."
        ),
    ),
    "medium": (
        N_(
            "Total %(total)s. A total of 5 or 6 (medium): the RCP asks for an urgent response by "
            "a clinician skilled in caring for people who are acutely ill."
        ),
        "a_and_e_now",
        4,
        N_("These measurements suggest the person may be seriously unwell. Go to A&E now."),
    ),
    "high": (
        N_(
            "Total %(total)s. A total of 7 or more (high): the RCP asks for an emergency response "
            "by a critical care team."
        ),
        "call_999",
        5,
        N_("These measurements suggest the person is very seriously unwell. Call 999 now."),
    ),
}
# A total of 0 (in the low band): routine monitoring only.
ZERO_RESPONSE = (
    N_("Total %(total)s. A total of 0: the RCP asks for routine monitoring only."),
    None,
    0,
    N_("All the measurements are in the normal range."),
)
WORSENING_ADVICE = N_(
    "Measure again if the person seems worse. Call 999 if they have severe difficulty "
    "breathing, are hard to wake or very confused, or have blue, grey or very pale lips or skin."
)


def _question(question_id: str, text: str, help_text: str, **kwargs) -> Question:
    return Question(id=question_id, text=text, help=help_text, **kwargs)


class News2(Algorithm):
    id = "news2"
    title = N_("Early warning score (NEWS2)")
    kind = "score"
    version = "NEWS2 (RCP 2017)"
    audience = N_("Adults aged 16 or over (not in pregnancy), measured by a clinician or carer")
    summary = N_(
        "Turns six measurements (breathing rate, oxygen level, blood pressure, pulse, alertness "
        "and temperature) into a score that shows how unwell someone may be and how quickly "
        "they need to be seen. It is used in NHS hospitals and ambulances."
    )
    sources = (RCP_NEWS2,)
    questions = (
        _question(
            "respiration_rate",
            N_("What is the breathing rate, in breaths per minute?"),
            N_(
                "Count the breaths (each rise of the chest) for a full minute while the person "
                "is resting."
            ),
            type="integer",
            minimum=0,
            maximum=80,
            unit=N_("breaths per minute"),
        ),
        _question(
            "spo2",
            N_("What is the oxygen level (SpO2) on the pulse oximeter?"),
            N_(
                "The percentage shown on a pulse oximeter clipped to a finger, after it has "
                "settled for a minute."
            ),
            type="integer",
            minimum=0,
            maximum=100,
            unit="%",
        ),
        _question(
            "spo2_scale",
            N_("Has a doctor set an oxygen target of 88 to 92%?"),
            N_(
                "Some people with long-term lung conditions such as COPD have a lower oxygen "
                "target, set by their doctor (NEWS2 'scale 2'). If no doctor has set one, choose "
                "the usual target."
            ),
            type="choice",
            choices=(
                Choice(1, N_("No, the usual target (scale 1)")),
                Choice(2, N_("Yes, a target of 88 to 92% (scale 2)")),
            ),
        ),
        _question(
            "on_oxygen",
            N_("Is the person breathing extra oxygen now?"),
            N_("For example through a mask or tubes in the nose."),
            type="boolean",
        ),
        _question(
            "systolic_bp",
            N_("What is the systolic blood pressure?"),
            N_("The first, higher number of a blood pressure reading: 130 in '130 over 80'."),
            type="integer",
            minimum=0,
            maximum=300,
            unit="mmHg",
        ),
        _question(
            "pulse",
            N_("What is the pulse (heart rate), in beats per minute?"),
            N_(
                "Count the beats for a full minute, or read it from the blood pressure monitor "
                "or pulse oximeter."
            ),
            type="integer",
            minimum=0,
            maximum=300,
            unit=N_("beats per minute"),
        ),
        _question(
            "consciousness",
            N_("How alert is the person?"),
            N_(
                "Choose 'New confusion' if they are newly muddled or disorientated, or more so "
                "than usual."
            ),
            type="choice",
            choices=(
                Choice("A", N_("Alert")),
                Choice("C", N_("New confusion")),
                Choice("V", N_("Only responds to voice")),
                Choice("P", N_("Only responds to pain")),
                Choice("U", N_("Unresponsive")),
            ),
        ),
        _question(
            "temperature",
            N_("What is the temperature, in degrees Celsius?"),
            N_("Use a thermometer in the mouth, ear or armpit."),
            type="number",
            minimum=25,
            maximum=45,
            unit="°C",
        ),
    )

    def _evaluate(self, answers: dict[str, Any]) -> Outcome:
        a = answers
        on_oxygen = a["on_oxygen"]
        # (rule, points, the reason shown when it scores: a template filled in with the points
        # and these values)
        parts = [
            (
                "respiration_rate",
                respiration_points(a["respiration_rate"]),
                N_("Breathing rate %(value)s a minute: scores %(points)s."),
                {"value": a["respiration_rate"]},
            ),
            (
                "spo2",
                spo2_points(a["spo2"], a["spo2_scale"], on_oxygen),
                N_(
                    "Oxygen level %(value)s%% on scale %(scale)s while breathing oxygen: scores "
                    "%(points)s."
                )
                if on_oxygen
                else N_("Oxygen level %(value)s%% on scale %(scale)s: scores %(points)s."),
                {"value": a["spo2"], "scale": a["spo2_scale"]},
            ),
            (
                "on_oxygen",
                2 if on_oxygen else 0,
                N_("Breathing extra oxygen: scores %(points)s."),
                {},
            ),
            (
                "systolic_bp",
                systolic_points(a["systolic_bp"]),
                N_("Systolic BP %(value)s: scores %(points)s."),
                {"value": a["systolic_bp"]},
            ),
            (
                "pulse",
                pulse_points(a["pulse"]),
                N_("Pulse %(value)s a minute: scores %(points)s."),
                {"value": a["pulse"]},
            ),
            (
                "consciousness",
                0 if a["consciousness"] == "A" else 3,
                CONSCIOUSNESS.get(a["consciousness"], ""),
                {},
            ),
            (
                "temperature",
                temperature_points(a["temperature"]),
                N_("Temperature %(value)s°C: scores %(points)s."),
                {"value": plain_number(a["temperature"])},
            ),
        ]
        total = sum(points for _, points, _, _ in parts)
        single_three = any(points == 3 for _, points, _, _ in parts)
        if total >= 7:
            band = "high"
        elif total >= 5:
            band = "medium"
        elif single_three:
            band = "low-medium"
        else:
            band = "low"
        rationale = [
            Reason.of(f"news2.{rule}", template, (RCP_NEWS2,), points=points, **values)
            for rule, points, template, values in parts
            if points
        ]
        response, disposition, urgency, advice = ZERO_RESPONSE if total == 0 else RESPONSES[band]
        rationale.append(Reason.of(f"news2.band.{band}", response, (RCP_NEWS2,), total=total))
        return Outcome(
            algorithm=self.id,
            version=self.version,
            score=total,
            band=band,
            disposition=disposition,
            urgency=urgency,
            flags=[REVIEW_THRESHOLD] if band in ("medium", "high") else [],
            rationale=rationale,
            care_advice=advice,
            worsening_advice=WORSENING_ADVICE,
        )
