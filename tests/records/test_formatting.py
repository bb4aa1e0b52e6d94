"""The record pages' memoised dates, numbers and labels read exactly as Flask-Babel's."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from flask_babel import force_locale, format_date, format_decimal

from myhealth.records import display, formatting

DATES = [
    date(2024, 3, 1),
    datetime(2024, 3, 1, 23, 30, tzinfo=UTC),
    datetime(2024, 3, 1, 23, 30),  # naive: read as UTC, as Flask-Babel does
    datetime(2024, 6, 30, 0, 30, tzinfo=timezone(timedelta(hours=2))),  # the day before in UTC
    datetime(1947, 6, 15, tzinfo=UTC),
]
PATTERNS = ["d MMM yyyy", "MMMM yyyy", "yyyy", "d MMMM yyyy"]
NUMBERS = [0.0, -0.0, 5, 5.0, 5.5, -3.25, 1234.5, 120.0, 0.004, 10**9]


@pytest.mark.parametrize("language", ["en", "cy"])
def test_dates_and_numbers_read_as_flask_babel_writes_them(app, language):
    with app.test_request_context("/"), force_locale(language):
        for value in DATES:
            for pattern in PATTERNS:
                assert formatting.date_text(value, pattern) == format_date(value, pattern)
        for value in NUMBERS:
            for pattern in ("#,##0", "#,##0.#", "#,##0.##"):
                assert formatting.decimal_text(value, pattern) == format_decimal(value, pattern)
        assert formatting.decimal_text(-0.0, "#,##0") == "-0"  # not the cached "0"


def test_labels_follow_the_language_of_each_request(app):
    with app.test_request_context("/"):
        with force_locale("en"):
            assert display.status_label("resolved") == "Resolved"
            assert display.section_title("immunisations") == "Vaccinations"
        with force_locale("cy"):
            welsh = display.status_label("resolved")
            assert welsh == str(display.STATUS_LABELS["resolved"]) and welsh != "Resolved"
            assert display.section_title("immunisations") == str(
                display.SECTION_TITLES["immunisations"]
            )
            assert display.status_label("some-new-status") == "Some new status"
        with force_locale("en"):
            assert display.status_label("resolved") == "Resolved"
