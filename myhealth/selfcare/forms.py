"""Forms of the self-assessment flow: one answer per page, built from the question's type."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectChoice, StringField
from wtforms.validators import Length

from myhealth.selfcare.flow import DONT_KNOW, Step


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in (start, submit the answers, claim): CSRF only."""


def _plain(number: float | None) -> str:
    if number is None:
        return ""
    return str(int(number)) if float(number).is_integer() else str(number)


def _radio_choices(step: Step) -> list[SelectChoice]:
    question = step.question
    if question.type == "boolean":
        choices = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]
    else:
        choices = [SelectChoice(str(choice.value), choice.label) for choice in question.choices]
    if question.dont_know_allowed:
        choices.append(SelectChoice(DONT_KNOW, _l("I do not know")))
    return choices


def uses_radios(step: Step) -> bool:
    return step.question.type in ("boolean", "choice") or step.item is not None


class AnswerForm(FlaskForm):
    """Holds one page's answer. Build it with :func:`answer_form`."""

    step: Step

    def typed_answer(self) -> Any:
        """The answer as the algorithm takes it, after ``validate()`` succeeded."""
        question = self.step.question
        if self.dont_know.data and question.dont_know_allowed:
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
        if self.dont_know.data and self.step.question.dont_know_allowed:
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


def answer_form(step: Step, *, formdata=None, current: Any = None) -> AnswerForm:
    """The form for one page, pre-filled with the current answer."""
    attributes: dict[str, Any] = {"step": step}
    if uses_radios(step):
        # The choice is checked in AnswerForm.validate, with the NHS.UK wording.
        attributes["answer"] = RadioField(choices=_radio_choices(step), validate_choice=False)
    else:
        attributes["answer"] = StringField(validators=[Length(max=20)])
    attributes["dont_know"] = BooleanField(_l("I do not know"))
    form_class = type("AnswerForm", (AnswerForm,), attributes)
    data: dict[str, Any] = {}
    if current == DONT_KNOW:
        data = {"answer": DONT_KNOW, "dont_know": True}
    elif isinstance(current, bool):
        data = {"answer": "yes" if current else "no"}
    elif current is not None:
        data = {"answer": _plain(current) if isinstance(current, float) else str(current)}
    return form_class(formdata=formdata, data=data)
