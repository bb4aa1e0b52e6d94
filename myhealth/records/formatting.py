"""Dates, numbers and fixed labels in the request's language, as Flask-Babel writes them.

Flask-Babel looks up the request's locale and timezone on every call, several times over,
which costs more than the formatting itself, and a record page formats hundreds of dates,
numbers and labels (a trend page up to 200 rows and its chart). These give the same text,
memoised by value and locale: pure functions of their arguments, so nothing here can go
stale, and the locale is still read per call (``force_locale`` is respected).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal as babel_format_decimal

from myhealth.i18n import locale as get_locale
from myhealth.i18n import timezone as get_timezone


def date_text(value: date, pattern: str) -> str:
    """As flask_babel.format_date(value, pattern): a datetime in the user's timezone."""
    return _date_text(value, pattern, get_locale(), get_timezone())


@lru_cache(maxsize=8192)
def _date_text(value: date, pattern: str, locale: Locale, timezone) -> str:
    if isinstance(value, datetime):  # as flask_babel.to_user_timezone
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = timezone.normalize(value.astimezone(timezone))
    return babel_format_date(value, pattern, locale=locale)


def datetime_text(value: datetime, pattern: str) -> str:
    """As flask_babel.format_datetime(value, pattern): in the user's timezone (a naive
    value is UTC)."""
    return _datetime_text(value, pattern, get_locale(), get_timezone())


@lru_cache(maxsize=8192)
def _datetime_text(value: datetime, pattern: str, locale: Locale, timezone) -> str:
    return babel_format_datetime(value, pattern, tzinfo=timezone, locale=locale)


def decimal_text(value: float, pattern: str) -> str:
    """As flask_babel.format_decimal(value, format=pattern)."""
    # By its repr: -0.0 equals 0.0 (and 1 equals 1.0) but is written differently.
    return _decimal_text(repr(value), type(value), pattern, get_locale())


@lru_cache(maxsize=8192)
def _decimal_text(value: str, kind: type, pattern: str, locale: Locale) -> str:
    return babel_format_decimal(kind(value), format=pattern, locale=locale)


_LABELS: dict[tuple[int, Locale], dict] = {}
_TEXTS: dict[tuple[int, Locale], list[str]] = {}


def labels(mapping: Mapping) -> dict:
    """A module-level mapping of (lazy) labels, translated into the request's language."""
    key = (id(mapping), get_locale())
    found = _LABELS.get(key)
    if found is None:
        found = _LABELS[key] = {name: str(text) for name, text in mapping.items()}
    return found


def texts(items: Iterable) -> list[str]:
    """A module-level tuple of (lazy) texts, translated into the request's language."""
    key = (id(items), get_locale())
    found = _TEXTS.get(key)
    if found is None:
        found = _TEXTS[key] = [str(text) for text in items]
    return list(found)
