"""End-to-end journeys in headless Chromium against the live server."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect
from sqlalchemy import select

from myhealth.accounts.models import User
from myhealth.demo_people import (
    DEMO_CLINICIAN_EMAIL,
    DEMO_PASSWORD,
    DEMO_PATIENT_EMAIL,
    demo_totp_secret,
)
from myhealth.extensions import db
from tests.browser.steps import (
    PRACTICE,
    SPARE_NHS_NUMBERS,
    NewPatient,
    enter_security_code,
    fill_sign_up,
    heading,
    main,
    read_setup_secret,
    sign_in,
    sign_out,
    sign_up,
    turn_on_two_factor,
    verification_link,
)


def demo_patient(live_server):
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == DEMO_PATIENT_EMAIL))
        return user.patient.given_name, user.patient.family_name, user.patient.nhs_number


def test_new_patient_signs_up_confirms_email_turns_on_two_factor_and_signs_in_again(
    page, live_server, authenticator
):
    person = NewPatient(
        nhs_number=SPARE_NHS_NUMBERS[-1],
        given_name="Ffion",
        family_name="Pritchard",
        email="ffion.pritchard@example.org",
    )
    sign_up(page, person)
    expect(main(page)).to_contain_text(f"We have sent an email to {person.email}.")

    link = verification_link(live_server, person.email)
    assert link.startswith(f"{live_server.url}/verify-email/")
    page.goto(link)
    expect(heading(page)).to_have_text("Your email address is confirmed")
    main(page).get_by_role("link", name="Sign in").click()

    sign_in(page, person.email, person.password)
    expect(heading(page)).to_have_text("Your NHS")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Your account").click()
    expect(heading(page)).to_have_text("Your account")
    expect(main(page)).to_contain_text("Two-factor authentication is off.")

    main(page).get_by_role("link", name="Turn on two-factor authentication").click()
    expect(heading(page)).to_have_text("Set up two-factor authentication")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = read_setup_secret(page)
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    turn_on_two_factor(page, authenticator.code(secret))
    expect(heading(page)).to_have_text("Save your recovery codes")
    codes = page.locator(".myhealth-recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert all(re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code.strip()) for code in codes)
    page.get_by_role("link", name="I have saved my codes").click()
    expect(main(page)).to_contain_text("Two-factor authentication is on.")
    expect(main(page)).to_contain_text("You have 10 recovery codes left.")

    sign_out(page)
    expect(main(page)).to_contain_text("You have signed out.")
    sign_in(page, person.email, person.password)
    expect(page).to_have_url(re.compile(r"/sign-in/security-code$"))
    # The code used to turn 2FA on is spent; the authenticator gives a fresh one.
    enter_security_code(page, authenticator.code(secret))

    expect(page).to_have_url(re.compile(r"/home$"))
    expect(heading(page)).to_have_text("Your NHS")
    expect(main(page)).to_contain_text("Hello, Ffion")
    details = page.get_by_role("region", name="Your details and GP practice")
    expect(details).to_contain_text("Ffion Pritchard")
    expect(details).to_contain_text(PRACTICE)
    expect(page.locator("header")).to_contain_text("Ffion Pritchard")


def test_sign_up_errors_are_summarised_and_linked_to_their_fields(page):
    page.goto("/sign-up")
    person = NewPatient(
        nhs_number="999 123 4567",  # fails the checksum
        given_name="Rhys",
        family_name="Morgan",
        email="rhys.morgan@example.org",
        day="1",
        month="6",
        year=str(date.today().year + 1),
        password="too-short",
    )
    fill_sign_up(page, person, confirm="something-else")
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_title(re.compile(r"^Error: Create your account"))
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # NHS.UK frontend moves focus there on load
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    # At the top: before the page heading and the form.
    first_in_main = main(page).locator(":is(h1, form, .nhsuk-error-summary)").first
    expect(first_in_main).to_have_class(re.compile(r"\bnhsuk-error-summary\b"))

    expected = {
        "nhs_number": "Enter a valid NHS number. Check you have typed it correctly",
        "dob_day": "Date of birth must be in the past",
        "password": "Password must be 12 characters or more",
        "password_confirm": "Passwords do not match. Enter the same password twice",
    }
    links = summary.get_by_role("link")
    expect(links).to_have_count(len(expected))
    found = {
        links.nth(i).get_attribute("href"): links.nth(i).inner_text().strip()
        for i in range(links.count())
    }
    assert found == {f"#{field}": message for field, message in expected.items()}

    for field, message in expected.items():
        control = page.locator(f"#{field}")
        expect(control).to_have_class(re.compile(r"--error\b"))
        group = page.locator(".nhsuk-form-group--error").filter(has=control)
        expect(group.locator(".nhsuk-error-message")).to_contain_text(message)
        described = control.get_attribute("aria-describedby") or ""
        if field != "dob_day":  # a date's error describes its fieldset, not each box
            error_id = group.locator(".nhsuk-error-message").get_attribute("id")
            assert error_id in described.split()

    # What was typed stays, except the passwords.
    expect(page.get_by_label("NHS number")).to_have_value("999 123 4567")
    expect(page.get_by_label("Create a password")).to_have_value("")

    for field in expected:
        summary.locator(f'a[href="#{field}"]').click()
        expect(page.locator(f"#{field}")).to_be_focused()


def test_a_patient_can_sign_in_and_see_their_homepage_without_javascript(new_context, live_server):
    page = new_context(java_script_enabled=False).new_page()
    given, family, _ = demo_patient(live_server)
    page.goto("/")
    page.locator("header").get_by_role("link", name="Sign in").click()
    sign_in(page, DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    expect(heading(page)).to_have_text("Your NHS")
    expect(main(page)).to_contain_text(f"Hello, {given}")
    details = page.get_by_role("region", name="Your details and GP practice")
    expect(details).to_contain_text(f"{given} {family}")
    expect(details).to_contain_text(PRACTICE)
    # Menu links and the sign-out form work without scripts too.
    page.get_by_role("link", name="Who has viewed your record").first.click()
    expect(heading(page)).to_have_text("Who has viewed your record")
    sign_out(page)


def test_a_clinician_signs_in_with_two_factor_and_opens_a_patient(
    new_context, live_server, authenticator
):
    page = new_context().new_page()
    given, family, nhs_number = demo_patient(live_server)
    sign_in(page, DEMO_CLINICIAN_EMAIL, DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/sign-in/security-code$"))
    enter_security_code(page, authenticator.code(demo_totp_secret(DEMO_CLINICIAN_EMAIL)))

    expect(heading(page)).to_have_text("Your patients")
    expect(main(page)).to_contain_text(f"Patients registered with {PRACTICE}.")
    rows = main(page).locator("table tbody tr")
    assert rows.count() > 1

    page.get_by_label("Search by name or NHS number").fill(nhs_number)
    main(page).get_by_role("button", name="Search").click()
    expect(rows).to_have_count(1)
    rows.first.get_by_role("link").click()
    expect(heading(page)).to_have_text(f"{given} {family}")
    expect(main(page)).to_contain_text(PRACTICE)
    expect(page.get_by_role("navigation", name="Breadcrumb")).to_contain_text("Your patients")

    # The patient can see that the clinician looked.
    patient_page = new_context().new_page()
    sign_in(patient_page, DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    patient_page.goto("/your-record/who-has-viewed")
    expect(main(patient_page).locator("table")).to_contain_text("Dr Aled Rees")
