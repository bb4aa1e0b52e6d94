"""Language choice: the person's saved choice, then a cookie, then Accept-Language."""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

LANGUAGE_COOKIE = "myhealth_lang"
LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return languages[0]  # the CLI and jobs speak English
    chosen = getattr(g, "language_override", None)
    if chosen in languages:
        return chosen
    user = current_user if current_user else None
    if user is not None and getattr(user, "is_authenticated", False) and user.language in languages:
        return user.language
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or languages[0]


def use_language(code: str) -> None:
    """Speak this language for the rest of the request (the language switch link)."""
    from flask_babel import refresh

    g.language_override = code
    g.pop("translations", None)
    refresh()


def _translations():
    # Flask-Babel looks the catalogue up through its request context on every call (tens of
    # microseconds, dozens of strings per page); the first lookup is kept for the request.
    found = g.get("translations")
    if found is None:
        from flask_babel import get_translations

        found = g.translations = get_translations()
    return found


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext, through the request's cached catalogue (see _translations)."""
    text = _translations().ugettext(string)
    return text % variables if variables else text


def init_app(app: Flask) -> None:
    # Templates' _(), gettext and ngettext, as Flask-Babel installs them, but cached.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )

    @app.context_processor
    def language_context():
        from flask_babel import get_locale

        current = str(get_locale() or "en")
        other = "cy" if current == "en" else "en"
        return {
            "html_lang": current,
            "other_language": other,
            "other_language_name": LANGUAGE_NAMES[other],
        }
