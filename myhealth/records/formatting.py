"""Dates, numbers and fixed labels in the request's language, as Flask-Babel writes them.

Flask-Babel looks up the request's locale and timezone on every call, several times over,
which costs more than the formatting itself, and a record page formats hundreds of dates,
numbers and labels (a trend page up to 200 rows and its chart). These give the same text,
memoised by value for each language and timezone: pure functions of their arguments, so
nothing here can go stale. The locale is read per call (``force_locale`` is respected),
except inside ``one_language()``, which a table's rows are built in: read once for them all.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime

from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.numbers import format_decimal as babel_format_decimal

from myhealth.i18n import locale as get_locale
from myhealth.i18n import timezone as get_timezone

_KEPT = 8192  # texts kept per kind and language; all are forgotten when there are more


def _remember(texts: dict, key, text: str) -> str:
    if len(texts) >= _KEPT:
        texts.clear()
    texts[key] = text
    return text


class Formats:
    """The texts of one language and timezone, each written once and kept."""

    def __init__(self, locale, timezone) -> None:
        self.locale, self.timezone = locale, timezone
        self._dates: dict = {}
        self._datetimes: dict = {}
        self._decimals: dict = {}
        self._labels: dict[int, dict] = {}
        self._texts: dict[int, list[str]] = {}

    def date_text(self, value: date, pattern: str) -> str:
        key = (value, pattern)
        found = self._dates.get(key)
        if found is None:
            if isinstance(value, datetime):  # as flask_babel.to_user_timezone
                if value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)
                value = self.timezone.normalize(value.astimezone(self.timezone))
            found = _remember(
                self._dates, key, babel_format_date(value, pattern, locale=self.locale)
            )
        return found

    def datetime_text(self, value: datetime, pattern: str) -> str:
        key = (value, pattern)
        found = self._datetimes.get(key)
        if found is None:
            text = babel_format_datetime(value, pattern, tzinfo=self.timezone, locale=self.locale)
            found = _remember(self._datetimes, key, text)
        return found

    def decimal_text(self, value: float, pattern: str) -> str:
        # By its repr: -0.0 equals 0.0 (and 1 equals 1.0) but is written differently.
        key = (repr(value), type(value), pattern)
        found = self._decimals.get(key)
        if found is None:
            text = babel_format_decimal(value, format=pattern, locale=self.locale)
            found = _remember(self._decimals, key, text)
        return found

    def labels(self, mapping: Mapping) -> dict:
        # Keyed by identity: only for module-level mappings, which live as long as this does.
        found = self._labels.get(id(mapping))
        if found is None:
            found = self._labels[id(mapping)] = {name: str(text) for name, text in mapping.items()}
        return found

    def texts(self, items: Iterable) -> list[str]:
        found = self._texts.get(id(items))
        if found is None:
            found = self._texts[id(items)] = [str(text) for text in items]
        return list(found)


_BY_LANGUAGE: dict[tuple, Formats] = {}
_HELD: ContextVar[Formats | None] = ContextVar("myhealth_formats", default=None)


def current() -> Formats:
    """The texts of the request's language and timezone (outside a request, the defaults)."""
    held = _HELD.get()
    if held is not None:
        return held
    locale, timezone = get_locale(), get_timezone()
    found = _BY_LANGUAGE.get((locale, timezone))
    if found is None:
        found = _BY_LANGUAGE[(locale, timezone)] = Formats(locale, timezone)
    return found


@contextmanager
def one_language() -> Iterator[Formats]:
    """Within, the request's language and timezone are read once, not once a value."""
    token = _HELD.set(current())
    try:
        yield _HELD.get()
    finally:
        _HELD.reset(token)


def date_text(value: date, pattern: str) -> str:
    """As flask_babel.format_date(value, pattern): a datetime in the user's timezone."""
    return current().date_text(value, pattern)


def datetime_text(value: datetime, pattern: str) -> str:
    """As flask_babel.format_datetime(value, pattern): in the user's timezone (a naive
    value is UTC)."""
    return current().datetime_text(value, pattern)


def decimal_text(value: float, pattern: str) -> str:
    """As flask_babel.format_decimal(value, format=pattern)."""
    return current().decimal_text(value, pattern)


def labels(mapping: Mapping) -> dict:
    """A module-level mapping of (lazy) labels, translated into the request's language."""
    return current().labels(mapping)


def texts(items: Iterable) -> list[str]:
    """A module-level tuple of (lazy) texts, translated into the request's language."""
    return current().texts(items)
