"""axe-core (WCAG 2.2 AA and best practice) on every page of the service, in English and
Welsh, with and without errors. Each test lists every violation it finds before failing."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from myhealth.demo_people import (
    DEMO_ADMIN_EMAIL,
    DEMO_CLINICIAN_EMAIL,
    DEMO_PASSWORD,
    demo_totp_secret,
)
from tests.browser.steps import (
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


def submit_bad_sign_up(page, *, by_label: bool = True) -> None:
    page.goto("/sign-up")
    bad = NewPatient(
        nhs_number="12345",
        given_name="",
        family_name="Lewis",
        email="not-an-email",
        day="31",
        month="2",
        year="1990",
        password="password",
    )
    fill_sign_up(page, bad, confirm="different", by_label=by_label)
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()


def test_public_pages_have_no_axe_violations(page, a11y):
    page.goto("/")
    expect(heading(page)).to_have_text("Your health, your NHS")
    a11y.check(page, "landing")

    page.goto("/sign-up")
    a11y.check(page, "sign-up")
    submit_bad_sign_up(page)
    a11y.check(page, "sign-up with errors")

    page.goto("/sign-in")
    a11y.check(page, "sign-in")
    sign_in(page, "nobody@example.org", "not-the-right-password")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    a11y.check(page, "sign-in with error")

    page.goto("/verify-email/resend")
    expect(heading(page)).to_have_text("Get a new confirmation link")
    a11y.check(page, "resend link")
    page.get_by_role("button", name="Send a new link").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    a11y.check(page, "resend link with error")

    page.goto("/verify-email/not-a-real-token")
    expect(heading(page)).to_have_text("This link is not valid")
    a11y.check(page, "verify failed")

    page.goto("/accessibility")
    a11y.check(page, "accessibility statement")
    page.goto("/privacy")
    a11y.check(page, "privacy")
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(heading(page)).to_have_text("Page not found")
    a11y.check(page, "404")

    page.goto("/language/cy?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    a11y.check(page, "landing (Welsh)")
    submit_bad_sign_up(page, by_label=False)
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    a11y.check(page, "sign-up with errors (Welsh)")

    a11y.assert_clean()


def test_patient_account_pages_have_no_axe_violations(page, live_server, authenticator, a11y):
    person = NewPatient(
        nhs_number=SPARE_NHS_NUMBERS[-2],
        given_name="Nia",
        family_name="Howells",
        email="nia.howells@example.org",
    )
    sign_up(page, person)
    a11y.check(page, "check your email")
    page.goto(verification_link(live_server, person.email))
    expect(heading(page)).to_have_text("Your email address is confirmed")
    a11y.check(page, "email confirmed")

    sign_in(page, person.email, person.password)
    expect(heading(page)).to_have_text("Your NHS")
    a11y.check(page, "home")
    page.get_by_role("link", name="Customise your homepage").click()
    expect(heading(page)).to_have_text("Customise your homepage")
    a11y.check(page, "customise homepage")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-notification-banner")).to_be_visible()
    a11y.check(page, "customise homepage, saved")

    page.goto("/account")
    a11y.check(page, "account")
    page.goto("/account/devices")
    expect(heading(page)).to_have_text("Signed-in devices")
    a11y.check(page, "signed-in devices")
    page.goto("/your-record/who-has-viewed")
    expect(main(page).locator("table")).to_be_visible()
    a11y.check(page, "who has viewed your record")

    page.goto("/account/two-factor")
    a11y.check(page, "two-factor setup")
    secret = read_setup_secret(page)
    a11y.check(page, "two-factor setup, key shown")
    turn_on_two_factor(page, authenticator.wrong_code(secret))
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    a11y.check(page, "two-factor setup with error")
    assert read_setup_secret(page) == secret  # the same key until it works
    turn_on_two_factor(page, authenticator.code(secret))
    expect(heading(page)).to_have_text("Save your recovery codes")
    a11y.check(page, "recovery codes")

    sign_out(page)
    a11y.check(page, "signed out")
    sign_in(page, person.email, person.password)
    enter_security_code(page, authenticator.wrong_code(secret))
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    a11y.check(page, "security code with error")
    page.goto("/sign-in/security-code")
    a11y.check(page, "security code")
    enter_security_code(page, authenticator.code(secret))
    expect(page).to_have_url(re.compile(r"/home$"))

    page.goto("/language/cy?next=/home")
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    a11y.check(page, "home (Welsh)")

    a11y.assert_clean()


def _a_message_not_delivered(live_server) -> None:
    """One dead message in the demo's outbox, so the administrators' table is checked too."""
    from myhealth.extensions import db
    from myhealth.messaging.models import Channel, OutboxMessage, OutboxStatus

    with live_server.app.app_context():
        db.session.add(
            OutboxMessage(
                channel=Channel.EMAIL,
                recipient="someone@example.org",
                template="review_replied",
                context={"name": "Someone", "link": "https://localhost/"},
                language="en",
                status=OutboxStatus.DEAD,
                attempts=8,
                last_error="SMTP 550",
                idempotency_key=f"axe-{uuid.uuid4()}",
            )
        )
        db.session.commit()


def test_staff_pages_have_no_axe_violations(live_server, new_context, authenticator, a11y):
    clinician = new_context().new_page()
    sign_in(clinician, DEMO_CLINICIAN_EMAIL, DEMO_PASSWORD)
    enter_security_code(clinician, authenticator.code(demo_totp_secret(DEMO_CLINICIAN_EMAIL)))
    expect(heading(clinician)).to_have_text("Your patients")
    a11y.check(clinician, "clinician workspace")
    main(clinician).locator("table tbody a").first.click()
    expect(clinician.get_by_role("navigation", name="Breadcrumb")).to_be_visible()
    a11y.check(clinician, "clinician patient page")

    admin = new_context().new_page()
    sign_in(admin, DEMO_ADMIN_EMAIL, DEMO_PASSWORD)
    # Staff must turn on two-factor authentication before anything else.
    expect(heading(admin)).to_have_text("Set up two-factor authentication")
    expect(admin.locator(".nhsuk-notification-banner")).to_be_visible()
    a11y.check(admin, "admin two-factor setup")
    turn_on_two_factor(admin, authenticator.code(read_setup_secret(admin)))
    expect(heading(admin)).to_have_text("Save your recovery codes")
    admin.get_by_role("link", name="I have saved my codes").click()
    admin.get_by_role("link", name="Staff accounts").click()
    expect(heading(admin)).to_have_text("Staff accounts")
    a11y.check(admin, "admin staff page")
    _a_message_not_delivered(live_server)
    admin.get_by_role("link", name="Messages not sent").click()
    expect(heading(admin)).to_have_text("Messages not sent")
    expect(main(admin).get_by_role("button", name="Try again")).to_have_count(1)
    a11y.check(admin, "admin messages not sent")

    a11y.assert_clean()
