"""Sign-up: identity matching, email verification and specific errors for bad input."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from myhealth.accounts.models import Role, User
from myhealth.people.models import Patient
from tests import factories
from tests.accounts.helpers import errors, field_error, post_form

GOOD_PASSWORD = "harbour-lantern-walnut-7"


def form(org, **changes):
    data = {
        "nhs_number": factories.next_nhs_number(),
        "given_name": "Megan",
        "family_name": "Hughes",
        "dob_day": "3",
        "dob_month": "11",
        "dob_year": "1988",
        "practice": str(org.id),
        "email": "megan.hughes@example.org",
        "password": GOOD_PASSWORD,
        "password_confirm": GOOD_PASSWORD,
    }
    data.update(changes)
    return data


def counts(db):
    return (
        db.scalar(select(func.count(User.id))),
        db.scalar(select(func.count(Patient.id))),
    )


def test_new_patient_signs_up_verifies_email_and_signs_in(client, db, world, mailbox):
    data = form(world.practice)
    response = post_form(client, "/sign-up", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-up/check-your-email")
    page = client.get("/sign-up/check-your-email").get_data(as_text=True)
    assert "megan.hughes@example.org" in page

    user = db.scalar(select(User).where(User.email == "megan.hughes@example.org"))
    assert user.role is Role.PATIENT
    assert user.email_verified_at is None
    assert user.patient.nhs_number == data["nhs_number"]
    assert user.patient.registered_organisation_id == world.practice.id
    assert user.patient.birth_date == date(1988, 11, 3)

    [message] = mailbox.messages
    assert message["to"] == ["megan.hughes@example.org"]
    assert message["subject"] == "Confirm your email address"
    # Signing in before confirming is refused with a clear reason.
    early = post_form(client, "/sign-in", {"email": data["email"], "password": GOOD_PASSWORD})
    assert "Confirm your email address before you sign in" in early.get_data(as_text=True)

    verified = client.get(mailbox.last_link())
    assert verified.status_code == 200
    assert "Your email address is confirmed" in verified.get_data(as_text=True)
    db.refresh(user)
    assert user.email_verified_at is not None

    signed_in = post_form(client, "/sign-in", {"email": data["email"], "password": GOOD_PASSWORD})
    assert signed_in.status_code == 302
    assert signed_in.headers["Location"].endswith("/home")
    home = client.get("/home").get_data(as_text=True)
    assert "Hello, Megan" in home
    assert world.practice.name in home


def test_existing_record_links_when_date_of_birth_and_family_name_match(client, db, world, mailbox):
    existing = factories.patient(
        db,
        world.other_practice,
        given_name="Rhys",
        family_name="Price",
        birth_date=date(1975, 2, 28),
    )
    before = counts(db)
    data = form(
        world.practice,
        nhs_number=existing.nhs_number,
        given_name="Rhys",
        family_name="  PRICE ",
        dob_day="28",
        dob_month="2",
        dob_year="1975",
        email="rhys@example.org",
    )
    assert post_form(client, "/sign-up", data).status_code == 302
    user = db.scalar(select(User).where(User.email == "rhys@example.org"))
    assert user.patient_id == existing.id
    db.refresh(existing)
    # The record keeps its own practice; the form's choice applies only to new records.
    assert existing.registered_organisation_id == world.other_practice.id
    assert counts(db) == (before[0] + 1, before[1])
    assert mailbox.messages[0]["subject"] == "Confirm your email address"


def test_mismatch_looks_exactly_like_an_unknown_number_and_stores_nothing(
    client, db, world, mailbox
):
    existing = factories.patient(
        db, world.practice, family_name="Okafor", birth_date=date(1990, 6, 1)
    )
    before = counts(db)
    mismatch = form(
        world.practice,
        nhs_number=existing.nhs_number,
        family_name="Okafor",
        dob_day="2",
        dob_month="6",
        dob_year="1990",
        email="someone@example.org",
    )
    response = post_form(client, "/sign-up", mismatch)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-up/check-your-email")
    mismatch_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert counts(db) == before
    assert mailbox.messages[-1]["subject"] == "We could not set up your account"
    assert existing.nhs_number not in mailbox.messages[-1]["body"]

    other = app_client(client)
    unknown = form(world.practice, email="someone@example.org")
    response2 = post_form(other, "/sign-up", unknown)
    assert response2.status_code == 302, (
        strip_tokens(response2.get_data(as_text=True)).split("<main")[1][:800].replace("\n", " ")
    )
    assert response2.headers["Location"] == response.headers["Location"]
    unknown_page = other.get(response2.headers["Location"]).get_data(as_text=True)
    assert strip_tokens(unknown_page) == strip_tokens(mismatch_page)


def app_client(client):
    return client.application.test_client()


def strip_tokens(html: str) -> str:
    import re

    html = re.sub(r'nonce="[^"]+"', "", html)
    return re.sub(r'name="csrf_token" value="[^"]+"', "", html)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nhs_number": "123"}, "nhs_number", "NHS number must be 10 digits"),
        ({"nhs_number": "9990000019"}, "nhs_number", "Enter a valid NHS number"),
        ({"nhs_number": ""}, "nhs_number", "Enter your NHS number"),
        ({"dob_year": str(date.today().year + 1)}, "dob_day", "Date of birth must be in the past"),
        ({"dob_day": "31", "dob_month": "2"}, "dob_day", "Date of birth must be a real date"),
        ({"dob_month": ""}, "dob_day", "Date of birth must include a month"),
        ({"password_confirm": GOOD_PASSWORD + "x"}, "password_confirm", "Passwords do not match"),
        (
            {"password": "short-pw", "password_confirm": "short-pw"},
            "password",
            "Password must be 12 characters or more",
        ),
        (
            {"password": "q1w2e3r4t5y6", "password_confirm": "q1w2e3r4t5y6"},
            "password",
            "Password is too common",
        ),
        ({"email": "not-an-email"}, "email", "Enter an email address in the correct format"),
        ({"practice": ""}, "practice", "Select your GP practice"),
        ({"given_name": ""}, "given_name", "Enter your first name"),
    ],
)
def test_bad_input_gets_a_specific_error_and_nothing_is_stored(
    client, db, world, mailbox, changes, field, message
):
    before = counts(db)
    response = post_form(client, "/sign-up", form(world.practice, **changes))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    summary = errors(html)
    assert any(message in text for text in summary.get(field, [])), summary
    assert message in (field_error(html, field) or "")
    assert html.count("Error:") >= 1  # the page title says there is an error
    assert counts(db) == before
    assert mailbox.messages == []


def test_an_email_address_already_in_use_is_told_by_email_not_on_the_page(
    client, db, world, mailbox
):
    owner = factories.user(
        db, Role.PATIENT, patient=factories.patient(db, world.practice), email="taken@example.org"
    )
    before = counts(db)
    response = post_form(client, "/sign-up", form(world.practice, email="Taken@Example.org"))
    # The page is the one a new sign-up gets: it does not say the address has an account.
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-up/check-your-email")
    taken_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already" not in taken_page
    assert counts(db) == before

    other = app_client(client)
    fresh = post_form(other, "/sign-up", form(world.practice, email="fresh@example.org"))
    assert fresh.headers["Location"] == response.headers["Location"]
    fresh_page = other.get(fresh.headers["Location"]).get_data(as_text=True)
    fresh_page = fresh_page.replace("fresh@example.org", "taken@example.org")
    assert strip_tokens(fresh_page) == strip_tokens(taken_page)

    # The owner hears of it by email, with a way to sign in.
    [told] = [m for m in mailbox.messages if m["to"] == [owner.email]]
    assert told["subject"] == "Someone tried to create an account with your email address"
    assert "http://localhost/sign-in" in told["body"]


def test_an_email_address_in_use_gets_the_same_answer_to_bad_input(client, db, world, mailbox):
    factories.user(
        db, Role.PATIENT, patient=factories.patient(db, world.practice), email="taken@example.org"
    )
    weak = "taken-password-2024"
    page = post_form(
        client,
        "/sign-up",
        form(world.practice, email="taken@example.org", password=weak, password_confirm=weak),
    ).get_data(as_text=True)
    assert "must not contain your name or email address" in " ".join(
        errors(page).get("password", [])
    )
    assert "email" not in errors(page)
    assert mailbox.messages == []


def test_duplicate_account_for_a_matched_record_is_refused(client, db, world, mailbox):
    patient = world.patient
    before = counts(db)
    data = form(
        world.practice,
        nhs_number=patient.nhs_number,
        family_name=patient.family_name,
        dob_day=str(patient.birth_date.day),
        dob_month=str(patient.birth_date.month),
        dob_year=str(patient.birth_date.year),
        email="second@example.org",
    )
    response = post_form(client, "/sign-up", data)
    assert "An account already exists for this NHS number" in " ".join(
        errors(response.get_data(as_text=True)).get("nhs_number", [])
    )
    assert counts(db) == before
    assert mailbox.messages == []


def test_password_containing_the_persons_name_is_refused(client, db, world):
    pw = "meganhughes-rocks-2024"
    response = post_form(client, "/sign-up", form(world.practice, password=pw, password_confirm=pw))
    assert "must not contain your name" in " ".join(
        errors(response.get_data(as_text=True)).get("password", [])
    )


def test_tampered_verification_link_is_refused(client, db, world, mailbox):
    post_form(client, "/sign-up", form(world.practice))
    link = mailbox.last_link()
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    response = client.get(tampered)
    assert response.status_code == 400
    assert "This link is not valid" in response.get_data(as_text=True)
    db.expire_all()
    user = db.scalar(select(User).where(User.email == "megan.hughes@example.org"))
    assert user.email_verified_at is None


def test_expired_verification_link_offers_a_new_one(app, client, db, world, mailbox):
    post_form(client, "/sign-up", form(world.practice))
    link = mailbox.last_link()
    app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"] = -1
    try:
        response = client.get(link)
    finally:
        app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"] = 24 * 3600
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This link has expired" in html
    assert "/verify-email/resend" in html

    mailbox.clear()
    post_form(client, "/verify-email/resend", {"email": "megan.hughes@example.org"})
    assert mailbox.messages[0]["subject"] == "Confirm your email address"
    assert client.get(mailbox.last_link()).status_code == 200


def test_date_of_birth_is_never_accepted_in_the_future_by_a_day(client, db, world):
    tomorrow = date.today() + timedelta(days=1)
    response = post_form(
        client,
        "/sign-up",
        form(
            world.practice,
            dob_day=str(tomorrow.day),
            dob_month=str(tomorrow.month),
            dob_year=str(tomorrow.year),
        ),
    )
    assert "Date of birth must be in the past" in response.get_data(as_text=True)
