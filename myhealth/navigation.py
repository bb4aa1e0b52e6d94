"""The site header's parameters: the account links and each role's navigation.

Built in Python rather than in the layout template, as every page renders them: the same
items the layout built before (tests/home/test_navigation.py walks them for each role).
"""

from __future__ import annotations

from flask import request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from myhealth import components
from myhealth.accounts.models import Role
from myhealth.i18n import LANGUAGE_NAMES, locale
from myhealth.i18n import gettext as _


def _item(endpoint: str, text: str, current: bool, **values) -> dict:
    return {"href": url_for(endpoint, **values), "text": text, "current": current}


def navigation_items(user) -> list[dict]:
    """The role's menu, the page's own item marked current."""
    if not user.is_authenticated:
        return []
    endpoint, blueprint = request.endpoint, request.blueprint
    account = _item("accounts.account", _("Your account"), endpoint == "accounts.account")
    if user.role == Role.PATIENT:
        return [
            _item("home.dashboard", _("Home"), endpoint == "home.dashboard"),
            _item(
                "records.summary",
                _("Your health record"),
                blueprint == "records",
                patient_id=user.patient_id,
            ),
            _item("selfcare.index", _("Check your symptoms"), blueprint == "selfcare"),
            _item(
                "access.record_access",
                _("Who has viewed your record"),
                endpoint == "access.record_access",
            ),
            account,
        ]
    if user.role == Role.CLINICIAN:
        return [
            _item("clinician.workspace", _("Your patients"), endpoint == "clinician.workspace"),
            _item(
                "clinician.reviews",
                _("Assessments to review"),
                endpoint in ("clinician.reviews", "clinician.review"),
            ),
            _item("records.upload", _("Import records"), endpoint == "records.upload"),
            account,
        ]
    return [
        _item("accounts.staff", _("Staff accounts"), endpoint == "accounts.staff"),
        _item(
            "messaging.unsent",
            _("Messages not sent"),
            endpoint in ("messaging.unsent", "messaging.retry"),
        ),
        _item("records.upload", _("Import records"), endpoint == "records.upload"),
        account,
    ]


def header_params() -> dict:
    """The parameters of the NHS.UK header for this request and who is signed in.

    The language switch is a link for visitors (it only sets a cookie) and, for a signed-in
    person, a button that posts (with the CSRF token) and saves their choice to the account:
    a link any site could make a browser follow must not change what is stored.
    """
    user = current_user._get_current_object()
    other = "cy" if str(locale() or "en") == "en" else "en"
    here = request.full_path.rstrip("?")
    if user.is_authenticated:
        csrf = generate_csrf()
        switch = Markup(
            '<form class="nhsuk-header__account-form" method="post" action="{}">'
            '<input type="hidden" name="csrf_token" value="{}">'
            '<input type="hidden" name="next" value="{}">'
            '<button class="nhsuk-header__account-button" lang="{}">{}</button></form>'
        ).format(
            url_for("home.save_language", code=other), csrf, here, other, LANGUAGE_NAMES[other]
        )
        sign_out = Markup(
            '<form class="nhsuk-header__account-form" method="post" action="{}">'
            '<input type="hidden" name="csrf_token" value="{}">'
            '<button class="nhsuk-header__account-button">{}</button></form>'
        ).format(url_for("accounts.sign_out"), csrf, _("Sign out"))
        account_items = [
            {"href": url_for("accounts.account"), "text": user.display_name, "icon": True},
            {"html": switch},
            {"html": sign_out},
        ]
    else:
        switch = Markup(
            '<a class="nhsuk-header__account-link" href="{}" lang="{}" hreflang="{}">{}</a>'
        ).format(
            url_for("home.set_language", code=other, next=here), other, other, LANGUAGE_NAMES[other]
        )
        account_items = [
            {"html": switch},
            {"href": url_for("accounts.sign_in"), "text": _("Sign in")},
        ]
    items = navigation_items(user)
    return {
        "service": {"text": _("myhealth"), "href": url_for("home.index")},
        "logo": {"alt": _("NHS")},
        "account": {"items": account_items, "ariaLabel": _("Account")},
        "navigation": {
            "items": items,
            "ariaLabel": _("Menu"),
            "toggleMenuText": _("More"),
            "toggleMenuVisuallyHiddenText": _("Browse"),
        }
        if items
        else None,
    }


# The footer and the skip link are the same on every page in a language: written once per
# language (and the path the app is served under) rather than on every page.
_SAME_ON_EVERY_PAGE: dict[tuple[str, str, str], Markup] = {}


def _remembered(part: str, build) -> Markup:
    key = (part, str(locale() or "en"), request.script_root)
    found = _SAME_ON_EVERY_PAGE.get(key)
    if found is None:
        found = _SAME_ON_EVERY_PAGE[key] = build()
    return found


def footer() -> Markup:
    """The NHS.UK footer with the service's links, in the page's language."""
    return _remembered(
        "footer",
        lambda: components.footer(
            {
                "navigation": {
                    "items": [
                        {
                            "href": url_for("home.accessibility"),
                            "text": _("Accessibility statement"),
                        },
                        {
                            "href": url_for("home.privacy"),
                            "text": _("Privacy and how we use your data"),
                        },
                        {"href": url_for("home.index"), "text": _("About myhealth")},
                    ]
                },
                "copyright": _("© NHS England"),
            }
        ),
    )


def skip_link() -> Markup:
    """The NHS.UK skip link to the page's main content, in the page's language."""
    return _remembered(
        "skip_link",
        lambda: Markup(
            '<a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">{}</a>'
        ).format(_("Skip to main content")),
    )
