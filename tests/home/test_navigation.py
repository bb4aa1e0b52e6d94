"""The site header every page shows: the account links and each role's menu, in both languages.

Read from the rendered page as a person (or a screen reader) meets it: which links the menu
has, where they go, which one is marked as the current page, and the sign-out button.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup


def header(client, path: str, **headers) -> BeautifulSoup:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, path
    return BeautifulSoup(response.get_data(as_text=True), "html.parser").find("header")


def menu(page) -> list[tuple[str, str, bool]]:
    nav = page.find("nav", class_="nhsuk-header__navigation")
    if nav is None:
        return []
    return [
        (a.get_text(" ", strip=True), a["href"], a.get("aria-current") == "page")
        for a in nav.select("a.nhsuk-header__navigation-link")
    ]


def test_signed_out_the_header_offers_sign_in_and_welsh_and_no_menu(client):
    page = header(client, "/accessibility")
    links = {a.get_text(strip=True): a["href"] for a in page.select(".nhsuk-header__account a")}
    assert links["Sign in"] == "/sign-in"
    assert links["Cymraeg"] == "/language/cy?next=/accessibility"
    assert page.select_one(".nhsuk-header__account a[lang=cy]")["hreflang"] == "cy"
    assert menu(page) == []
    assert page.find("form") is None  # nothing to sign out of


def test_a_patient_has_their_menu_with_the_page_they_are_on_marked(world, signed_in):
    client = signed_in(world.patient_user)
    record = f"/record/{world.patient.id}"
    expected = [
        ("Home", "/home"),
        ("Your health record", record),
        ("Check your symptoms", "/self-assessment/"),
        ("Who has viewed your record", "/your-record/who-has-viewed"),
        ("Your account", "/account"),
    ]
    for path, current in [("/home", "Home"), (record, "Your health record"),
                          (record + "/results", "Your health record")]:
        items = menu(header(client, path))
        assert [(text, href) for text, href, _ in items] == expected
        assert [text for text, _, is_current in items if is_current] == [current], path
    page = header(client, "/home")
    account = page.select_one(".nhsuk-header__account a[href='/account']")
    assert "Sam Patel" in account.get_text()
    form = page.select_one("form.nhsuk-header__account-form[action='/sign-out']")
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    assert form.button.get_text(strip=True) == "Sign out"


def language_button(page):
    """A signed-in person's language switch: a button that posts, never a link to follow."""
    assert page.select_one(".nhsuk-header__account a[href^='/language/']") is None
    button = page.select_one(".nhsuk-header__account form button[lang]")
    form = button.find_parent("form", class_="nhsuk-header__account-form")
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrf_token"})["value"]
    return button, form


def test_a_signed_in_person_switches_language_with_a_button_back_to_the_page(world, signed_in):
    client = signed_in(world.patient_user)
    button, form = language_button(header(client, "/account/devices?from=home"))
    assert button.get_text(strip=True) == "Cymraeg" and button["lang"] == "cy"
    assert form["action"] == "/language/cy"
    assert form.find("input", attrs={"name": "next"})["value"] == "/account/devices?from=home"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("clinician", ["Your patients", "Assessments to review", "Import records",
                       "Your account"]),
        ("admin", ["Staff accounts", "Messages not sent", "Import records", "Your account"]),
    ],
)
def test_staff_see_their_role_s_menu(world, signed_in, who, expected):
    client = signed_in(getattr(world, who))
    items = menu(header(client, "/account"))
    assert [text for text, _, _ in items] == expected
    assert [text for text, _, is_current in items if is_current] == ["Your account"]


def test_the_header_speaks_welsh_and_offers_english(world, signed_in):
    client = signed_in(world.patient_user)
    client.set_cookie("myhealth_lang", "cy")
    page = header(client, "/home")
    button, form = language_button(page)
    assert button.get_text(strip=True) == "English" and button["lang"] == "en"
    assert form["action"] == "/language/en"
    assert form.find("input", attrs={"name": "next"})["value"] == "/home"
    texts = [text for text, _, _ in menu(page)]
    assert "Home" not in texts and len(texts) == 5  # the Welsh menu
    sign_out = page.select_one("form[action='/sign-out'] button")
    assert sign_out.get_text(strip=True) not in ("", "Sign out")


@pytest.mark.parametrize("who", ["visitor", "patient_user", "clinician"])
def test_the_header_as_built_is_the_nhsuk_macro_s_markup(app, world, who):
    # The switch (a link, or a form for the signed-in) and sign-out inside NHS.UK's header,
    # rendered by our component and by the NHS.UK macro from the parameters pages are given.
    from flask_login import login_user

    from myhealth.navigation import header_params
    from tests.home.test_components import assert_same_markup

    with app.test_request_context("/account?from=home"):
        if who != "visitor":
            login_user(getattr(world, who))
        html = assert_same_markup(app, "header", header_params())
    page = BeautifulSoup(html, "html.parser")
    switch = page.select_one(".nhsuk-header__account-item [lang=cy]")
    assert switch.get_text(strip=True) == "Cymraeg"
    assert switch.name == ("a" if who == "visitor" else "button")
