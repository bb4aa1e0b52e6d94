"""Record forms: the section filter (a GET search) and the FHIR file upload."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, ValidationError

from myhealth.records import display
from myhealth.records.services import Filters

# Dates as browsers send them from a date field (2024-03-27), or as people type them.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d %m %Y")


def parse_date(text: str | None) -> date | None:
    """A date from the filter; None when empty. ValueError when it is not a real date."""
    text = (text or "").strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if parsed.year < 1800:
            raise ValueError(text)
        return parsed
    raise ValueError(text)


class RecordFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("Search by name"), validators=[Length(max=100)])
    date_from = StringField(
        _l("From"), description=_l("For example, 27/3/2024"), validators=[Length(max=20)]
    )
    date_to = StringField(
        _l("To"), description=_l("For example, 31/3/2025"), validators=[Length(max=20)]
    )
    status = SelectField(
        _l("Status"), choices=[SelectChoice("", _l("Any status"))], default="", validate_choice=True
    )

    def __init__(self, formdata, section: str, **kwargs):
        super().__init__(formdata, **kwargs)
        statuses = display.STATUS_FILTERS.get(section, ())
        self.status.choices = [SelectChoice("", _l("Any status"))] + [
            SelectChoice(s, display.STATUS_LABELS.get(s, s)) for s in statuses
        ]
        self.q.description = display.SEARCH_HINTS.get(section, "")
        self.has_status = bool(statuses)
        if not statuses:
            self.status.data = ""  # this section has no status to filter by

    def validate_date_from(self, field):
        try:
            parse_date(field.data)
        except ValueError:
            raise ValidationError(
                _l("The start date must be a real date, like 27/3/2024")
            ) from None

    def validate_date_to(self, field):
        try:
            end = parse_date(field.data)
        except ValueError:
            raise ValidationError(_l("The end date must be a real date, like 31/3/2025")) from None
        try:
            start = parse_date(self.date_from.data)
        except ValueError:
            return
        if start and end and end < start:
            raise ValidationError(_l("The end date must be the same as or after the start date"))

    @property
    def active(self) -> bool:
        """Whether any filter is set (for the "clear filters" link)."""
        return any((self.q.data, self.date_from.data, self.date_to.data, self.status.data))

    def filters(self) -> Filters:
        """The filters to apply: only the parts that are valid."""

        def valid_date(field) -> date | None:
            if field.errors:
                return None
            try:
                return parse_date(field.data)
            except ValueError:
                return None

        dates_ok = not (self.date_from.errors or self.date_to.errors)
        return Filters(
            q=(self.q.data or "").strip() if not self.q.errors else "",
            date_from=valid_date(self.date_from) if dates_ok else None,
            date_to=valid_date(self.date_to) if dates_ok else None,
            status="" if self.status.errors else (self.status.data or ""),
        )


class UploadForm(FlaskForm):
    document = FileField(
        _l("Upload a FHIR file"),
        description=_l(
            "A FHIR R4 Bundle or a single resource, saved as JSON. The whole file is "
            "checked first: if any part of it has a problem, nothing is stored."
        ),
        validators=[FileRequired(_l("Select a FHIR JSON file"))],
    )
