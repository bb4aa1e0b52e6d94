"""Our lean layout components give the markup of the NHS.UK macros they replace.

The layout renders its header, footer, skip link, breadcrumb, back link and notification
banners (and the landing page its action links) with templates/components/ instead of
nhsuk-frontend-jinja's generic macros, which cost milliseconds a call. Here both render the
parameters our layout passes (signed out, a patient with navigation and a current item, a
clinician, in English and in Welsh, text that must be escaped) and must parse to the same
element tree: tags, attributes and text (whitespace aside, as a browser reads it, but not
where it separates words).
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext
from markupsafe import Markup

from tests.html_tree import element_tree

NHSUK = {
    "header": "nhsuk/components/header/macro.jinja",
    "footer": "nhsuk/components/footer/macro.jinja",
    "skipLink": "nhsuk/components/skip-link/macro.jinja",
    "notificationBanner": "nhsuk/components/notification-banner/macro.jinja",
    "breadcrumb": "nhsuk/components/breadcrumb/macro.jinja",
    "backLink": "nhsuk/components/back-link/macro.jinja",
    "actionLink": "nhsuk/components/action-link/macro.jinja",
}
LEAN = {
    "header": "components/header.html",
    "footer": "components/footer.html",
    "skipLink": "components/skip_link.html",
    "notificationBanner": "components/notification_banner.html",
    "breadcrumb": "components/breadcrumb.html",
    "backLink": "components/back_link.html",
    "actionLink": "components/action_link.html",
}


def render(app, template: str, name: str, params: dict) -> str:
    source = f'{{% from "{template}" import {name} %}}{{{{ {name}(params) }}}}'
    return app.jinja_env.from_string(source).render(params=params)


def assert_same_markup(app, name: str, params: dict) -> str:
    nhsuk = render(app, NHSUK[name], name, params)
    lean = render(app, LEAN[name], name, params)
    assert element_tree(lean) == element_tree(nhsuk)
    return lean


def _(text: str) -> Markup:
    """Translated text as the layout's `_()` gives it: markup-safe."""
    return Markup(gettext(text))  # noqa: S704 - Jinja's `_()` marks translations safe too


def language_switch(code: str, name: str) -> Markup:
    return Markup(
        '<a class="nhsuk-header__account-link" href="/language/{0}?next=/home" lang="{0}" '
        'hreflang="{0}">{1}</a>'
    ).format(code, name)


def language_form(code: str, name: str) -> Markup:
    """A signed-in person's switch: a button that posts (and saves), as the sign-out is."""
    return Markup(
        '<form class="nhsuk-header__account-form" method="post" action="/language/{0}">'
        '<input type="hidden" name="csrf_token" value="token">'
        '<input type="hidden" name="next" value="/home"><button '
        'class="nhsuk-header__account-button" lang="{0}">{1}</button></form>'
    ).format(code, name)


def sign_out_form() -> Markup:
    return Markup(
        '<form class="nhsuk-header__account-form" method="post" action="/sign-out">'
        '<input type="hidden" name="csrf_token" value="token"><button '
        'class="nhsuk-header__account-button">{}</button></form>'
    ).format(_("Sign out"))


def header_params(account_items, nav_items) -> dict:
    """What templates/layout.html passes to the header."""
    return {
        "service": {"text": _("myhealth"), "href": "/"},
        "logo": {"alt": _("NHS")},
        "account": {"items": account_items, "ariaLabel": _("Account")},
        "navigation": {
            "items": nav_items,
            "ariaLabel": _("Menu"),
            "toggleMenuText": _("More"),
            "toggleMenuVisuallyHiddenText": _("Browse"),
        }
        if nav_items
        else None,
    }


def signed_out() -> dict:
    return header_params(
        [{"html": language_switch("cy", "Cymraeg")}, {"href": "/sign-in", "text": _("Sign in")}],
        [],
    )


def patient(name: str = "Siân Taylor") -> dict:
    return header_params(
        [
            {"href": "/account", "text": name, "icon": True},
            {"html": language_form("cy", "Cymraeg")},
            {"html": sign_out_form()},
        ],
        [
            {"href": "/home", "text": _("Home"), "current": True},
            {"href": "/record/1", "text": _("Your health record"), "current": False},
            {"href": "/self-assessment/", "text": _("Check your symptoms"), "current": False},
            {"href": "/who", "text": _("Who has viewed your record"), "current": False},
            {"href": "/account", "text": _("Your account"), "current": False},
        ],
    )


def clinician() -> dict:
    return header_params(
        [
            {"href": "/account", "text": "Dr Ann O'Neil & <Partners>", "icon": True},
            {"html": language_form("cy", "Cymraeg")},
            {"html": sign_out_form()},
        ],
        [
            {"href": "/clinician/", "text": _("Your patients"), "current": False},
            {"href": "/clinician/reviews", "text": _("Assessments to review"), "current": True},
            {"href": "/upload", "text": _("Import records"), "current": False},
            {"href": "/account", "text": _("Your account"), "current": False},
        ],
    )


HEADERS = {"signed out": signed_out, "patient": patient, "clinician": clinician}


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("who", sorted(HEADERS))
def test_header_matches_the_nhsuk_macro(app, who, language):
    with app.test_request_context("/"), force_locale(language):
        html = assert_same_markup(app, "header", HEADERS[who]())
    assert html.count("<header") == 1


def test_header_marks_only_the_current_item(app):
    with app.test_request_context("/"):
        soup = BeautifulSoup(assert_same_markup(app, "header", clinician()), "html.parser")
    current = soup.select('[aria-current="page"]')
    assert [a.get_text(strip=True) for a in current] == ["Assessments to review"]
    assert soup.select_one(".nhsuk-header__account-link").get_text(strip=True) == (
        "Dr Ann O'Neil & <Partners>"  # escaped in the page, read as written
    )


@pytest.mark.parametrize("language", ["en", "cy"])
def test_footer_matches_the_nhsuk_macro(app, language):
    with app.test_request_context("/"), force_locale(language):
        params = {
            "navigation": {
                "items": [
                    {"href": "/accessibility", "text": _("Accessibility statement")},
                    {"href": "/privacy", "text": _("Privacy and how we use your data")},
                    {"href": "/", "text": _("About myhealth")},
                ]
            },
            "copyright": _("© NHS England"),
        }
        assert_same_markup(app, "footer", params)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_skip_link_matches_the_nhsuk_macro(app, language):
    with app.test_request_context("/"), force_locale(language):
        params = {"href": "#maincontent", "text": _("Skip to main content")}
        assert_same_markup(app, "skipLink", params)


@pytest.mark.parametrize("category", ["success", "info", "error"])
@pytest.mark.parametrize("language", ["en", "cy"])
def test_notification_banner_matches_the_nhsuk_macro(app, category, language):
    with app.test_request_context("/"), force_locale(language):
        params = {
            "text": "Review closed <for> Jo & Sam.",  # a flashed message arrives as plain text
            "type": "success" if category == "success" else None,
            "titleText": _("Success") if category == "success" else _("Important"),
        }
        assert_same_markup(app, "notificationBanner", params)


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("language", ["en", "cy"])
def test_breadcrumb_matches_the_nhsuk_macro(app, count, language):
    with app.test_request_context("/"), force_locale(language):
        items = [
            {"href": "/clinician/", "text": gettext("Your patients")},
            {"href": "/clinician/patients/1", "text": "O'Neil, Ann & <Sam>"},
            {"href": "/record/1", "text": gettext("Health record")},
        ][:count]
        assert_same_markup(app, "breadcrumb", {"items": items, "ariaLabel": _("Breadcrumb")})


@pytest.mark.parametrize("language", ["en", "cy"])
def test_back_link_matches_the_nhsuk_macro(app, language):
    with app.test_request_context("/"), force_locale(language):
        params = {"href": "/self-assessment/phq9/questions/a?b=1&c=2", "text": _("Back")}
        assert_same_markup(app, "backLink", params)


@pytest.mark.parametrize("language", ["en", "cy"])
def test_action_link_matches_the_nhsuk_macro(app, language):
    with app.test_request_context("/"), force_locale(language):
        params = {"text": _("Check your symptoms or health"), "href": "/self-assessment/"}
        assert_same_markup(app, "actionLink", params)


def test_a_change_to_the_markup_is_noticed(app):
    """The comparison sees a missing attribute and words run together."""
    with app.test_request_context("/"):
        nhsuk = render(app, NHSUK["header"], "header", patient())
    assert element_tree(nhsuk.replace(' aria-current="page"', "")) != element_tree(nhsuk)
    assert element_tree(nhsuk.replace("Browse </span>", "Browse</span>")) != element_tree(nhsuk)


def test_landing_page_has_one_header_and_the_skip_link_first(client):
    soup = BeautifulSoup(client.get("/").get_data(as_text=True), "html.parser")
    assert len(soup.select("header")) == 1
    assert len(soup.select('[data-module="nhsuk-header"]')) == 1
    first = soup.body.find(lambda tag: tag.name not in ("script",))
    assert first.name == "a" and "nhsuk-skip-link" in first["class"]
    assert first["href"] == "#maincontent" and soup.select_one("main#maincontent")
    assert len(soup.select("footer.nhsuk-footer")) == 1
    assert [a.get_text(strip=True) for a in soup.select(".nhsuk-action-link")] == [
        "Create an account",
        "Check your symptoms or health",
    ]


def test_signed_in_header_has_the_navigation_toggle_the_nhsuk_script_needs(db, world, signed_in):
    html = signed_in(world.patient_user).get("/home").get_data(as_text=True)
    header = BeautifulSoup(html, "html.parser").select_one('header[data-module="nhsuk-header"]')
    # The elements nhsuk-frontend's header.mjs looks up before it builds the "More" menu.
    navigation = header.select_one("nav.nhsuk-header__navigation")
    assert navigation.select_one("ul.nhsuk-header__navigation-list")
    items = navigation.select("li.nhsuk-header__navigation-item")
    assert len(items) == 5
    menu = navigation.select_one("li.nhsuk-header__menu")
    assert menu.has_attr("hidden") and menu is navigation.select("ul > li")[-1]
    toggle = menu.select_one("button.nhsuk-header__menu-toggle")
    assert toggle["aria-expanded"] == "false" and toggle["id"] == "toggle-menu"
    assert " ".join(toggle.get_text().split()) == "Browse More"
    current = navigation.select('[aria-current="page"]')
    assert [a.get_text(strip=True) for a in current] == ["Home"]
