"""Language choice: this device's choice (a cookie), the person's saved one, then the browser's."""

from __future__ import annotations

import pytz
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import get_locale as babel_locale
from flask_babel import get_timezone as babel_timezone
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

LANGUAGE_COOKIE = "myhealth_lang"
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def select_locale() -> str:
    """The request's language: the first of these that names one of ours.

    1. A language chosen in this request (``use_language``: the switch answering).
    2. The language cookie: the choice last made on this device, by the switch's link (GET,
       open to anyone, saving nothing) or by a signed-in person's button (POST, which saves
       it to their account too).
    3. The signed-in person's saved preference: their choice follows them to a device where
       none has been made.
    4. The browser's Accept-Language, then English.

    The cookie comes before the saved preference so that a language chosen on this device is
    spoken, not silently overruled by an older preference saved elsewhere; the button sets
    both, so on the device it was pressed they agree. Without a request (the CLI, jobs):
    English.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]
    chosen = getattr(g, "language_override", None)
    if chosen in languages:
        return chosen
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    user = current_user if current_user else None
    if user is not None and getattr(user, "is_authenticated", False) and user.language in languages:
        return user.language
    return request.accept_languages.best_match(languages) or languages[0]


def use_language(code: str) -> None:
    """Speak this language for the rest of the request (the language switch answering)."""
    from flask_babel import refresh

    g.language_override = code
    refresh()


def _babel_context():
    """Flask-Babel's namespace in ``g`` (None before its first use in this context); raises
    RuntimeError outside an application context."""
    return g.get("_flask_babel")


def _translations():
    # Flask-Babel looks the catalogue up through its request context on every call (tens of
    # microseconds, dozens of strings per page). The catalogue found is kept on Flask-Babel's
    # own namespace with the locale it is for, so ``force_locale`` (an email in the reader's
    # language) and a change of language still count.
    try:
        ctx = _babel_context()
    except RuntimeError:  # outside the app: the strings as written
        return get_translations()
    if ctx is not None:
        kept = getattr(ctx, "myhealth_translations", None)
        if kept is not None and kept[0] is getattr(ctx, "babel_locale", None):
            return kept[1]
    translations = get_translations()  # chooses the locale, if not yet chosen
    ctx = _babel_context()
    ctx.myhealth_translations = (ctx.babel_locale, translations)
    return translations


def locale():
    """flask_babel.get_locale(), in one lookup once the request's locale is known.

    Flask-Babel keeps the request's locale (and the one ``force_locale`` sets) on its own
    namespace in ``g``, reached through three context-local lookups a call; a record page
    asks for it a hundred times. This reads it there directly, and asks Flask-Babel only
    when it is not yet chosen (or outside the app).
    """
    try:
        found = getattr(_babel_context(), "babel_locale", None)
    except RuntimeError:
        found = None
    return found if found is not None else babel_locale()


def timezone():
    """flask_babel.get_timezone(), read as ``locale`` reads the locale (UTC outside the app)."""
    try:
        found = getattr(_babel_context(), "babel_tzinfo", None)
    except RuntimeError:
        return pytz.utc
    return found if found is not None else babel_timezone()


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext, through the request's cached catalogue (see _translations)."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ngettext, through the request's cached catalogue (see _translations)."""
    variables.setdefault("num", num)
    return _translations().ungettext(singular, plural, num) % variables


@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables) -> str:
    # Jinja's newstyle gettext, in one call rather than three through the template context
    # (a page shows dozens of strings): marked safe where the template escapes, and always
    # formatted, so a value is escaped and "%%" is a percent sign.
    text = _translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue's own text, as Jinja marks it
    return text % variables


@pass_eval_context
def _template_ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue's own text, as Jinja marks it
    return text % variables


_NAMED_FORMATS = frozenset({"short", "medium", "long", "full"})


def _dateformat(value, format=None):
    # Flask-Babel's filter, memoised for the patterns our pages write (see records.formatting).
    from flask_babel import format_date

    from myhealth.records.formatting import date_text

    if value is None or format is None or format in _NAMED_FORMATS:
        return format_date(value, format)
    return date_text(value, format)


def _datetimeformat(value, format=None):
    from flask_babel import format_datetime

    from myhealth.records.formatting import datetime_text

    if value is None or format is None or format in _NAMED_FORMATS:
        return format_datetime(value, format)
    return datetime_text(value, format)


def init_app(app: Flask) -> None:
    # Templates' _(), gettext and ngettext, as Flask-Babel installs them, but cached.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )
    app.jinja_env.filters.update(dateformat=_dateformat, datetimeformat=_datetimeformat)

    @app.context_processor
    def language_context():
        current = str(locale() or "en")
        other = "cy" if current == "en" else "en"
        return {
            "html_lang": current,
            "other_language": other,
            "other_language_name": LANGUAGE_NAMES[other],
        }
