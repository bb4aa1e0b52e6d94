"""Clinician workspace forms: the patient search, the review queue and identity checks."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SearchField, SelectChoice, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from myhealth import nhs_number


class PatientSearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search by name or NHS number"), validators=[Length(max=100)])

    def validate_q(self, field):
        """Ten digits that fail the NHS number's check digit were meant as one: say so, rather
        than only "no patients match" (a name search is anything else)."""
        try:
            nhs_number.normalise(field.data or "")
        except nhs_number.InvalidNHSNumber as error:
            if error.mistyped:
                raise ValidationError(
                    _l("Enter a valid NHS number. Check you have typed it correctly")
                ) from None


class ClaimForm(FlaskForm):
    """Claim a review item: a button, CSRF only."""


class CloseReviewForm(FlaskForm):
    outcome = RadioField(
        _l("What did you do?"),
        choices=[
            SelectChoice("no_action", _l("No action needed")),
            SelectChoice("advice", _l("Advice to the patient")),
            SelectChoice("book_appointment", _l("Ask the patient to book an appointment")),
            SelectChoice("phoned", _l("Phoned the patient")),
            SelectChoice("referred", _l("Referred")),
        ],
        validators=[InputRequired(_l("Choose what you did"))],
    )
    advice = TextAreaField(
        _l("Advice for the patient"),
        description=_l(
            "The patient sees this with their assessment. We email them to say it is there, "
            "without any clinical details."
        ),
        validators=[Length(max=2000)],
    )
    book_within = RadioField(
        _l("How soon should they book?"),
        choices=[
            SelectChoice("today", _l("Today")),
            SelectChoice("3_days", _l("Within 3 days")),
            SelectChoice("2_weeks", _l("Within 2 weeks")),
            SelectChoice("4_weeks", _l("Within 4 weeks")),
        ],
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Note for the record"),
        description=_l("Always needed: what you found and why you chose this."),
        validators=[InputRequired(_l("Enter a note")), Length(max=4000)],
    )

    def validate_advice(self, field):
        if self.outcome.data == "advice" and not (field.data or "").strip():
            raise ValidationError(_l("Enter the advice for the patient"))

    def validate_book_within(self, field):
        if self.outcome.data == "book_appointment" and not field.data:
            raise ValidationError(_l("Choose how soon the patient should book"))


class ConfirmIdentityForm(FlaskForm):
    confirm = BooleanField(
        _l("I have checked this person's identity and they are the patient on this record"),
        description=_l(
            "For example, with photo ID such as a passport or driving licence, in person or on "
            "a video call. They will be able to see the whole record."
        ),
        validators=[DataRequired(_l("Confirm that you have checked their identity"))],
    )
