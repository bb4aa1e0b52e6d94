"""English and Welsh: the language follows the person's choice, then the browser."""

from babel.messages.pofile import read_po
from bs4 import BeautifulSoup

from tests.accounts.helpers import csrf_token, post_form
from tests.i18n.extract import CATALOGUE, extracted_ids


def lang_of(html: str) -> str:
    import re

    return re.search(r'<html lang="([^"]+)"', html).group(1)


def test_browser_language_decides_without_a_choice(client):
    english = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    welsh = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert lang_of(english.get_data(as_text=True)) == "en"
    welsh_html = welsh.get_data(as_text=True)
    assert lang_of(welsh_html) == "cy"
    assert "Create an account" not in welsh_html  # really translated, not just labelled


def test_language_switch_persists_and_beats_the_browser(client):
    switched = client.get("/language/cy?next=/sign-in")
    assert switched.status_code == 302
    assert switched.headers["Location"].endswith("/sign-in")
    page = client.get("/sign-in", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(page) == "cy"
    assert 'hreflang="en"' in page  # the switch offers English back


def test_switch_refuses_offsite_redirects_and_unknown_languages(client):
    assert client.get("/language/cy?next=https://evil.example").headers["Location"] == "/"
    assert client.get("/language/cy?next=//evil.example").headers["Location"] == "/"
    assert client.get("/language/fr").headers["Location"] == "/"


def saved_language(db, user) -> str | None:
    db.expire_all()
    return db.get(type(user), user.id).language


def switch_form(client, path: str = "/home") -> dict:
    """The header's language button on this page: where it posts and what it sends."""
    page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    button = page.select_one("header form button[lang]")
    form = button.find_parent("form")
    fields = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
    return {"action": form["action"], "method": form["method"], "data": fields}


def test_signed_in_choice_follows_the_person_to_a_new_device(db, world, signed_in):
    first = signed_in(world.patient_user)
    switch = switch_form(first, "/account")
    assert switch["method"] == "post" and switch["action"] == "/language/cy"
    response = first.post(switch["action"], data=switch["data"])
    assert response.status_code == 302
    assert response.headers["Location"] == "/account"  # back to the page it was pressed on
    assert saved_language(db, world.patient_user) == "cy"
    assert lang_of(first.get("/home", headers={"Accept-Language": "en"}).text) == "cy"
    other_device = signed_in(world.patient_user)
    html = other_device.get("/home", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(html) == "cy"


def test_a_cross_site_get_does_not_change_the_saved_language(db, world, signed_in):
    # What an <img src=".../language/cy"> on any other site makes the browser send.
    victim = signed_in(world.patient_user)
    victim.get("/home")
    response = victim.get(
        "/language/cy",
        headers={"Referer": "https://evil.example/", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 302
    assert saved_language(db, world.patient_user) is None
    other_device = signed_in(world.patient_user)
    html = other_device.get("/home", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(html) == "en"


def test_posting_the_switch_without_a_token_is_refused_and_changes_nothing(db, world, signed_in):
    client = signed_in(world.patient_user)
    response = client.post("/language/cy", data={"next": "/home"})
    assert response.status_code == 400
    assert "Your session has expired" in response.get_data(as_text=True)
    assert "myhealth_lang" not in response.headers.get("Set-Cookie", "")
    assert saved_language(db, world.patient_user) is None
    html = client.get("/home", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert lang_of(html) == "en"


def test_the_posted_switch_returns_only_to_this_site(db, world, signed_in):
    client = signed_in(world.patient_user)
    data = switch_form(client)["data"]
    for target in ("https://evil.example/", "//evil.example/home"):
        response = client.post("/language/cy", data=data | {"next": target})
        assert response.headers["Location"] == "/"
    assert client.post("/language/fr", data=data).headers["Location"] == "/"
    assert saved_language(db, world.patient_user) == "cy"


def test_a_language_chosen_by_link_on_this_device_beats_an_older_saved_one(db, world, signed_in):
    laptop = signed_in(world.patient_user)
    switch = switch_form(laptop)
    laptop.post(switch["action"], data=switch["data"])  # Welsh, saved to the account
    phone = signed_in(world.patient_user)
    phone.get("/language/en?next=/home")  # later, on the phone: the link, not the button
    assert lang_of(phone.get("/home").get_data(as_text=True)) == "en"
    assert lang_of(laptop.get("/home").get_data(as_text=True)) == "cy"
    assert saved_language(db, world.patient_user) == "cy"
    tablet = signed_in(world.patient_user)
    assert lang_of(tablet.get("/home", headers={"Accept-Language": "en"}).text) == "cy"


def test_without_a_choice_on_the_device_the_saved_language_beats_the_browser(
    db, world, signed_in
):
    world.patient_user.language = "cy"
    db.commit()
    client = signed_in(world.patient_user)
    html = client.get("/home", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert lang_of(html) == "cy"


def test_a_visitor_whose_session_ended_with_the_page_open_still_switches(client):
    token = csrf_token(client, "/sign-in")
    response = client.post("/language/cy", data={"csrf_token": token, "next": "/sign-in"})
    assert response.headers["Location"] == "/sign-in"
    assert lang_of(client.get("/sign-in", headers={"Accept-Language": "en"}).text) == "cy"


def test_errors_are_translated_too(client):
    client.get("/language/cy")
    response = post_form(client, "/sign-in", {"email": "", "password": ""})
    html = response.get_data(as_text=True)
    assert "nhsuk-error-summary" in html
    assert "Enter your email address" not in html
    # A screen reader hears each field's error announced in Welsh too ("Gwall:", not "Error:").
    hidden = [
        span.get_text()
        for span in BeautifulSoup(html, "html.parser").select(
            ".nhsuk-error-message .nhsuk-u-visually-hidden"
        )
    ]
    assert hidden and set(hidden) == {"Gwall: "}


def test_welsh_catalogue_is_complete_and_up_to_date(tmp_path):
    wanted = extracted_ids(tmp_path / "messages.pot")
    with CATALOGUE.open("rb") as fh:
        catalogue = read_po(fh)
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalogue if m.id}
    missing = sorted(wanted - set(have))
    assert not missing, f"run `make translations-update` and translate: {missing[:10]}"
    untranslated = [
        mid
        for mid in wanted
        if have[mid].fuzzy
        or not all(have[mid].string if isinstance(have[mid].string, tuple) else (have[mid].string,))
    ]
    assert not untranslated, f"untranslated or fuzzy Welsh messages: {untranslated[:10]}"


def test_a_forced_language_is_spoken_in_templates_code_and_dates_then_given_back(app):
    # An email to a Welsh reader is written while an English page is served: what is cached
    # for the request must follow force_locale, in templates and in Python, and come back.
    from datetime import datetime

    from flask import render_template_string
    from flask_babel import force_locale

    from myhealth.i18n import gettext
    from myhealth.records.formatting import date_text

    page = "{{ _('Sign out') }} {{ when | dateformat('d MMMM yyyy') }}"
    when = datetime(2026, 7, 1, 12, 0)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert render_template_string(page, when=when) == "Sign out 1 July 2026"
        with force_locale("cy"):
            assert render_template_string(page, when=when) == "Allgofnodi 1 Gorffennaf 2026"
            assert gettext("Sign out") == "Allgofnodi"
            assert date_text(when, "MMMM") == "Gorffennaf"
        assert render_template_string(page, when=when) == "Sign out 1 July 2026"
        assert gettext("Sign out") == "Sign out"
