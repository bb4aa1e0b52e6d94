"""Forms of the self-assessment flow: one answer per page, built from the question's type."""

from __future__ import annotations

import math
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import Length

from myhealth.selfcare.flow import Step
from myhealth.selfcare.i18n import clinical
from triage_algorithms.core import DONT_KNOW

# The "None of these" box of a list of signs (never a value of a pathway's own items).
NONE_OF_THESE = "none_of_these"


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in (start, submit the answers, claim): CSRF only."""


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def dont_know_label(question) -> str:
    """A pathway asks "I'm not sure" (taken as the cautious answer); a score says "I do not
    know", as the published tool does."""
    return str(_l("I'm not sure") if question.not_sure is not None else _l("I do not know"))


def _radio_choices(step: Step) -> list[SelectChoice]:
    question = step.question
    if question.type == "boolean":
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
    else:
        choices = [
            SelectChoice(str(choice.value), clinical(choice.label)) for choice in question.choices
        ]
    if question.allows_dont_know:
        choices.append(SelectChoice(DONT_KNOW, dont_know_label(question)))
    return choices


def uses_radios(step: Step) -> bool:
    return step.question.type in ("boolean", "choice") or step.item is not None


def uses_checkboxes(step: Step) -> bool:
    return step.question.type == "multiple"


class AnswerForm(FlaskForm):
    """Holds one page's answer. Build it with :func:`answer_form`."""

    step: Step

    def typed_answer(self) -> Any:
        """The answer as the algorithm takes it, after ``validate()`` succeeded."""
        question = self.step.question
        if uses_checkboxes(self.step):
            return question.coerce([v for v in self.answer.data if v != NONE_OF_THESE])
        if self.dont_know.data and question.allows_dont_know:
            return DONT_KNOW
        value = self.answer.data
        if uses_radios(self.step):
            if value == DONT_KNOW:
                return DONT_KNOW
            if question.type == "boolean":
                return value == "yes"
            choices = question.choices
            return next(choice.value for choice in choices if str(choice.value) == value)
        return question.coerce(value.strip())

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if uses_checkboxes(self.step):
            return self._validate_checkboxes()
        if self.dont_know.data and self.step.question.allows_dont_know:
            return True
        question = self.step.question
        value = (self.answer.data or "").strip()
        if not value:
            message = _("Select an answer") if uses_radios(self.step) else _("Enter a number")
            self.answer.errors = [message]
            return False
        if uses_radios(self.step):
            offered = {choice.value for choice in self.answer.choices}
            if value not in offered:
                self.answer.errors = [_("Select an answer")]
                return False
            return True
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):  # "nan", "inf" and "1e309" are not measurements
            self.answer.errors = [_("Enter a number, like 42")]
            return False
        if question.type == "integer" and not number.is_integer():
            self.answer.errors = [_("Enter a whole number")]
            return False
        low, high = question.minimum, question.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            self.answer.errors = [
                _("Enter a number from %(low)s to %(high)s", low=_plain(low), high=_plain(high))
            ]
            return False
        return True

    def _validate_checkboxes(self) -> bool:
        chosen = list(self.answer.data or [])
        offered = {str(choice.value) for choice in self.step.question.choices}
        if not chosen:
            self.answer.errors = [_("Select any that apply, or select \u2018None of these\u2019")]
            return False
        if NONE_OF_THESE in chosen and len(chosen) > 1:
            self.answer.errors = [
                _("Select \u2018None of these\u2019 on its own, or select the ones that apply")
            ]
            return False
        if not set(chosen) <= offered | {NONE_OF_THESE}:
            self.answer.errors = [_("Select any that apply, or select \u2018None of these\u2019")]
            return False
        return True


def answer_form(
    step: Step, *, formdata=None, current: Any = None, preselected: list | None = None
) -> AnswerForm:
    """The form for one page, pre-filled with the current answer (or, for a list not yet
    answered, with the items the record holds)."""
    attributes: dict[str, Any] = {"step": step}
    if uses_checkboxes(step):
        attributes["answer"] = SelectMultipleField(
            choices=[
                *(SelectChoice(str(c.value), clinical(c.label)) for c in step.question.choices),
                SelectChoice(NONE_OF_THESE, _l("None of these")),
            ],
            validate_choice=False,
        )
    elif uses_radios(step):
        # The choice is checked in AnswerForm.validate, with the NHS.UK wording.
        attributes["answer"] = RadioField(choices=_radio_choices(step), validate_choice=False)
    else:
        attributes["answer"] = StringField(validators=[Length(max=20)])
    attributes["dont_know"] = BooleanField(_l("I do not know"))
    form_class = type("AnswerForm", (AnswerForm,), attributes)
    data: dict[str, Any] = {}
    if uses_checkboxes(step):
        if isinstance(current, list):
            data = {"answer": [str(v) for v in current] or [NONE_OF_THESE]}
        elif preselected:
            data = {"answer": [str(v) for v in preselected]}
    elif current == DONT_KNOW:
        data = {"answer": DONT_KNOW, "dont_know": True}
    elif isinstance(current, bool):
        data = {"answer": "yes" if current else "no"}
    elif current is not None:
        data = {"answer": _plain(current) if isinstance(current, float) else str(current)}
    return form_class(formdata=formdata, data=data)
