"""Words people see for dispositions, bands, review reasons and answers (translated)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from markupsafe import Markup

from myhealth.selfcare.flow import Step, steps
from myhealth.selfcare.i18n import clinical, plain
from triage_algorithms.core import DONT_KNOW

# What to do, and how soon, for each disposition of the symptom pathways.
DISPOSITIONS = {
    "call_999": (_l("Call 999 now"), _l("Now. This is an emergency.")),
    "a_and_e_now": (_l("Go to A&E now"), _l("Now")),
    "urgent_care_today": (
        _l("Get help from NHS 111 or an urgent treatment centre today"),
        _l("Today, within the next few hours"),
    ),
    "gp_today": (_l("Contact your GP practice today"), _l("Today")),
    "gp_within_3_days": (_l("See your GP practice within 3 days"), _l("Within 3 days")),
    "pharmacist": (_l("Speak to a pharmacist"), _l("In the next day or so")),
    "self_care": (_l("Look after yourself at home"), _l("No appointment needed")),
}

REASONS = {
    "urgency": _l("The advice is to get help urgently"),
    "red_flag": _l("An answer suggests something serious"),
    "score_threshold": _l("The score is above the level where a clinician should look at it"),
    "suicidal_thoughts": _l("The patient said they have had thoughts of suicide or self-harm"),
}

REVIEW_OUTCOMES = {
    "no_action": _l("No action needed"),
    "advice": _l("Advice from your clinician"),
    "book_appointment": _l("Book an appointment"),
    "phoned": _l("A clinician phoned you"),
    "referred": _l("Referred to another service"),
}

BOOK_WITHIN = {
    "today": _l("today"),
    "3_days": _l("within 3 days"),
    "2_weeks": _l("within 2 weeks"),
    "4_weeks": _l("within 4 weeks"),
}

REVIEW_STATUS = {
    "open": (_l("Waiting for a clinician"), "yellow"),
    "claimed": (_l("A clinician is looking at this"), "blue"),
    "closed": (_l("Reviewed"), "green"),
}


def disposition_heading(disposition: str | None) -> str:
    return str(DISPOSITIONS[disposition][0]) if disposition in DISPOSITIONS else ""


def disposition_when(disposition: str | None) -> str:
    return str(DISPOSITIONS[disposition][1]) if disposition in DISPOSITIONS else ""


def reason_label(reason: str) -> str:
    return str(REASONS.get(reason, reason))


def review_outcome_label(outcome: Any) -> str:
    return str(REVIEW_OUTCOMES.get(str(outcome), outcome or ""))


def book_within_label(value: str | None) -> str:
    return str(BOOK_WITHIN.get(value or "", value or ""))


def review_status(item) -> tuple[str, str]:
    """The words and tag colour for an assessment's review, or ("", "") when not flagged."""
    return review_status_of(item.status if item is not None else None)


def review_status_of(status) -> tuple[str, str]:
    """As ``review_status``, from the review's status alone (None when not flagged)."""
    if status is None:
        return "", ""
    text, colour = REVIEW_STATUS[str(status)]
    return str(text), colour


def step_title(step: Step) -> str:
    """The page's title: the question, or for one item of a questionnaire, the item."""
    return plain(step.text)


def unit(text: str) -> str:
    """A unit as people write it in the page's language: symbols as they are."""
    return plain(text)


def question_count(algorithm) -> str:
    """How many questions, as a person would count the pages: a questionnaire's items are
    each a question; a pathway asks at most this many, often fewer."""
    pages = sum((q.length or 1) if q.type == "integer_list" else 1 for q in algorithm.questions)
    if algorithm.kind == "score":
        return ngettext("%(num)s question", "%(num)s questions", pages)
    return ngettext("Up to %(num)s question", "Up to %(num)s questions", pages)


def answer_text(step: Step, value: Any):
    """An answer as the person chose it: Yes/No, the choice's words, the items ticked, or the
    number and unit; in the page's language."""
    question = step.question
    if value is None:
        return ""
    if value == DONT_KNOW:
        return str(_l("I'm not sure") if question.not_sure else _l("I do not know"))
    if isinstance(value, bool):
        return str(_l("Yes")) if value else str(_l("No"))
    if question.type == "multiple":
        labels = [clinical(c.label) for c in question.choices if c.value in value]
        return Markup("<br>").join(labels) if labels else str(_l("None of these"))
    for choice in question.choices:
        if choice.value == value or str(choice.value) == str(value):
            return clinical(choice.label)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Units are symbols (mmHg, °C) or words in the catalogue (years): never marked English.
    return f"{value} {plain(question.unit)}".strip()


BANDS = {
    "none-minimal": _l("None or minimal"),
    "minimal": _l("Minimal"),
    "mild": _l("Mild"),
    "moderate": _l("Moderate"),
    "moderately-severe": _l("Moderately severe"),
    "severe": _l("Severe"),
    "low": _l("Low"),
    "low-medium": _l("Low to medium"),
    "medium": _l("Medium"),
    "increased": _l("Increased"),
    "raised": _l("Raised"),
    "high": _l("High"),
}


def band_label(band: str | None) -> str:
    return str(BANDS.get(band or "", band or ""))


def answer_rows(assessment, algorithm) -> list[tuple[str, str]]:
    """(question, answer) rows for a saved assessment, in the order they were asked."""
    answers = assessment.answers
    if algorithm is None:
        return [(key, str(value)) for key, value in answers.items()]
    rows = []
    for step in steps(algorithm, answers):
        value = step.answer(answers)
        if value is not None:
            text = answer_text(step, value)
            if step.question.id in (assessment.from_record or []):
                text = Markup("{} {}").format(text, _l("(from your health record)"))
            rows.append((clinical(step.text), text))
    return rows
