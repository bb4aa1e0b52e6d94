"""What a person does in the browser, step by step, shared by the browser tests."""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from myhealth.demo_people import test_range_nhs_numbers

# Valid test-range NHS numbers the demo does not use (it takes the first 60).
SPARE_NHS_NUMBERS = test_range_nhs_numbers(400)[-10:]
PRACTICE = "Riverside Medical Practice"
PASSWORD = "kettle-orbit-marram-fjord"


@dataclass
class NewPatient:
    nhs_number: str
    given_name: str
    family_name: str
    email: str
    day: str = "14"
    month: str = "2"
    year: str = "1987"
    password: str = PASSWORD


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def main(page: Page):
    return page.locator("main")


def fill_sign_up(
    page: Page, person: NewPatient, *, confirm: str | None = None, by_label: bool = True
) -> None:
    """Fill the sign-up form by its English labels (proving each is labelled), or by field
    id when the page is in another language."""

    def field(field_id: str, label: str):
        return page.get_by_label(label, exact=True) if by_label else page.locator(f"#{field_id}")

    field("nhs_number", "NHS number").fill(person.nhs_number)
    field("given_name", "First name").fill(person.given_name)
    field("family_name", "Last name").fill(person.family_name)
    field("dob_day", "Day").fill(person.day)
    field("dob_month", "Month").fill(person.month)
    field("dob_year", "Year").fill(person.year)
    practice = field("practice", "Your GP practice")
    label = practice.locator("option", has_text=PRACTICE).first.text_content()
    practice.select_option(label=label)
    field("email", "Email address").fill(person.email)
    field("password", "Create a password").fill(person.password)
    field("password_confirm", "Confirm your password").fill(
        person.password if confirm is None else confirm
    )


def sign_up(page: Page, person: NewPatient) -> None:
    """From the landing page to "Check your email"."""
    page.goto("/")
    page.get_by_role("link", name="Create an account").click()
    expect(heading(page)).to_have_text("Create your account")
    fill_sign_up(page, person)
    page.get_by_role("button", name="Create account").click()
    expect(heading(page)).to_have_text("Check your email")


def verification_link(live_server, email: str) -> str:
    message = live_server.wait_for_email(email)
    assert message["subject"] == "Confirm your email address"
    match = re.search(r"https?://\S+", message["body"])
    assert match, f"no link in the email: {message['body']}"
    return match.group(0)


def sign_in(page: Page, email: str, password: str) -> None:
    if not page.url.endswith("/sign-in"):
        page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    main(page).get_by_role("button", name="Sign in").click()


def enter_security_code(page: Page, code: str) -> None:
    expect(page.get_by_label("Security code")).to_be_visible()
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()


def read_setup_secret(page: Page) -> str:
    """The key behind "I cannot scan the QR code", as someone without a camera would."""
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("code.myhealth-secret")
    expect(secret).to_be_visible()
    return secret.inner_text().strip()


def turn_on_two_factor(page: Page, code: str) -> None:
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Turn on two-factor authentication").click()


def sign_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Sign out").click()
    expect(heading(page)).to_have_text("Sign in")
