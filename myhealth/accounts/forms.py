"""Account forms. Every label and message goes through Flask-Babel."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from myhealth import nhs_number
from myhealth.accounts.passwords import password_problem

_NHS_NUMBER_ERRORS = {
    nhs_number.Problem.MISSING: _l("Enter your NHS number"),
    nhs_number.Problem.NOT_DIGITS: _l("NHS number must be 10 digits"),
    nhs_number.Problem.LENGTH: _l("NHS number must be 10 digits"),
    nhs_number.Problem.CHECK_DIGIT: _l(
        "Enter a valid NHS number. Check you have typed it correctly"
    ),
    nhs_number.Problem.NOT_ISSUED: _l(
        "Enter a valid NHS number. Check you have typed it correctly"
    ),
}


def normalise_nhs_number(value: str | None) -> str:
    """The number as stored for a valid one, else the text as typed: a key for the sign-up
    limits, which count only valid forms."""
    try:
        return nhs_number.normalise(value)
    except nhs_number.InvalidNHSNumber:
        return (value or "").strip()


class DateParts:
    """Reads a day/month/year date input; adds the error to the form's `birth_date`."""

    @staticmethod
    def parse(day: str, month: str, year: str) -> tuple[date | None, str | None]:
        if not (day or month or year):
            return None, _l("Enter your date of birth")
        missing = [
            name
            for name, value in ((_l("day"), day), (_l("month"), month), (_l("year"), year))
            if not value
        ]
        if missing:
            return None, _l("Date of birth must include a %(part)s", part=missing[0])
        if len(year) != 4:
            return None, _l("Year must include 4 numbers")
        try:
            parsed = date(int(year), int(month), int(day))
        except (ValueError, OverflowError):  # "99999999999" once gave a server error
            return None, _l("Date of birth must be a real date")
        if parsed > date.today():
            return None, _l("Date of birth must be in the past")
        if parsed.year < 1900:
            return None, _l("Date of birth must be after 1900")
        return parsed, None


class SignUpForm(FlaskForm):
    nhs_number = StringField(
        _l("NHS number"),
        description=_l(
            "This is a 10 digit number, like 485 777 3456. You can find it on letters from the NHS."
        ),
    )
    given_name = StringField(
        _l("First name"), validators=[DataRequired(_l("Enter your first name")), Length(max=100)]
    )
    family_name = StringField(
        _l("Last name"), validators=[DataRequired(_l("Enter your last name")), Length(max=100)]
    )
    dob_day = StringField(_l("Day"))
    dob_month = StringField(_l("Month"))
    dob_year = StringField(_l("Year"))
    practice = SelectField(
        _l("Your GP practice"),
        description=_l(
            "If we do not already hold a record for you, we will register you with this practice."
        ),
        validators=[DataRequired(_l("Select your GP practice"))],
        validate_choice=True,
    )

    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address")),
            Email(
                _l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Create a password"),
        description=_l(
            "Your password must be 12 characters or more. "
            "A few unrelated words make a strong password."
        ),
        validators=[DataRequired(_l("Enter a password"))],
    )
    password_confirm = PasswordField(
        _l("Confirm your password"),
        validators=[
            DataRequired(_l("Confirm your password")),
            EqualTo("password", _l("Passwords do not match. Enter the same password twice")),
        ],
    )
    birth_date: date | None = None

    def validate_nhs_number(self, field):
        try:
            field.data = nhs_number.normalise(field.data)
        except nhs_number.InvalidNHSNumber as error:
            raise ValidationError(_NHS_NUMBER_ERRORS[error.problem]) from None

    def validate_password(self, field):
        problem = password_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        parsed, error = DateParts.parse(
            (self.dob_day.data or "").strip(),
            (self.dob_month.data or "").strip(),
            (self.dob_year.data or "").strip(),
        )
        if error:
            self.dob_day.errors = list(self.dob_day.errors) + [error]
            return False
        self.birth_date = parsed
        return ok


class SignInForm(FlaskForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(_l("Enter your email address"))]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])


class SecurityCodeForm(FlaskForm):
    code = StringField(
        _l("Security code"),
        description=_l(
            "Enter the 6 digit code from your authenticator app, or one of your recovery codes."
        ),
        validators=[DataRequired(_l("Enter the security code"))],
    )


class TwoFactorSetupForm(FlaskForm):
    code = StringField(
        _l("Security code"),
        description=_l("Enter the 6 digit code your authenticator app shows."),
        validators=[DataRequired(_l("Enter the security code"))],
    )


class ConfirmIdentityForm(FlaskForm):
    """Before a change that weakens the account: the password and a code, not just a session."""

    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password"))])
    code = StringField(
        _l("Security code"),
        description=_l(
            "Enter the 6 digit code from your authenticator app, or one of your recovery codes."
        ),
        validators=[DataRequired(_l("Enter the security code"))],
    )


class ConfirmForm(FlaskForm):
    """A button that changes something: it still needs a CSRF token."""


class ResendVerificationForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(_l("Enter your email address")),
            Email(
                _l("Enter an email address in the correct format, like name@example.com"),
                check_deliverability=False,
            ),
        ],
    )


class UnlinkProviderForm(FlaskForm):
    """Unlinking NHS login asks for the password again (only asked when the account has one)."""

    password = PasswordField(_l("Password"))
