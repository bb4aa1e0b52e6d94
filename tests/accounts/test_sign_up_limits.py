"""Sign-up and "send the link again" cannot be used to flood someone's inbox: they are limited
per client address, per email address and per NHS number."""

from __future__ import annotations

from datetime import date

import pytest

from tests import factories
from tests.accounts.helpers import post_form
from tests.accounts.test_sign_up import form

VICTIM = "victim@example.org"


def to(mailbox, address: str) -> list[dict]:
    return [m for m in mailbox.messages if m["to"] == [address]]


@pytest.fixture
def records(db, world):
    """Existing NHS records the attacker could name with made-up details."""
    return [factories.patient(db, world.practice, birth_date=date(1970, 1, 1)) for _ in range(25)]


def unmatched(world, patient, **changes):
    """A sign-up naming an existing record with the wrong date of birth: no account is made,
    and the address given is emailed that the details did not match."""
    data = form(
        world.practice,
        nhs_number=patient.nhs_number,
        family_name=patient.family_name,
        dob_day="2",
        dob_month="2",
        dob_year="1972",
    )
    data.update(changes)
    return data


def test_twenty_five_sign_ups_do_not_send_twenty_five_emails_to_one_person(
    rate_limited, client_at, db, world, records, mailbox
):
    app = rate_limited()
    limit = int(app.config.get("SIGNUP_LIMIT_PER_PERSON", "3 per hour").split()[0])
    statuses = []
    for n, patient in enumerate(records):
        client = client_at(f"203.0.113.{n + 1}", app)
        response = post_form(client, "/sign-up", unmatched(world, patient, email=VICTIM))
        statuses.append(response.status_code)
    assert len(to(mailbox, VICTIM)) == limit
    assert statuses == [302] * limit + [429] * (len(records) - limit)


def test_one_address_cannot_sign_up_again_and_again(
    rate_limited, client_at, db, world, records, mailbox
):
    app = rate_limited(SIGNUP_LIMIT_PER_IP="3 per hour")
    client = client_at("203.0.113.50", app)
    statuses = [
        post_form(
            client, "/sign-up", unmatched(world, patient, email=f"person{n}@example.org")
        ).status_code
        for n, patient in enumerate(records[:5])
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert len(mailbox.messages) == 3
    # Another address is not held back by this one.
    other = client_at("203.0.113.51", app)
    response = post_form(other, "/sign-up", unmatched(world, records[6], email="x@example.org"))
    assert response.status_code == 302


def test_one_nhs_number_cannot_be_tried_again_and_again(
    rate_limited, client_at, db, world, records, mailbox
):
    app = rate_limited(SIGNUP_LIMIT_PER_PERSON="2 per hour")
    patient = records[0]
    statuses = [
        post_form(
            client_at(f"203.0.113.{n + 1}", app),
            "/sign-up",
            unmatched(world, patient, email=f"guess{n}@example.org", dob_day=str(n + 1)),
        ).status_code
        for n in range(4)
    ]
    assert statuses == [302, 302, 429, 429]
    assert len(mailbox.messages) == 2


def test_mistakes_on_the_form_do_not_use_up_the_limit(rate_limited, client_at, db, world, mailbox):
    app = rate_limited(SIGNUP_LIMIT_PER_PERSON="2 per hour", SIGNUP_LIMIT_PER_IP="2 per hour")
    client = client_at("203.0.113.60", app)
    data = form(world.practice, email="careful@example.org")
    for _typo in range(4):
        page = post_form(client, "/sign-up", dict(data, dob_month="13"))
        assert page.status_code == 200
    assert post_form(client, "/sign-up", data).status_code == 302
    assert [m["to"] for m in mailbox.messages] == [["careful@example.org"]]


def test_the_limit_page_says_to_try_again_later(rate_limited, client_at, db, world, records):
    app = rate_limited(SIGNUP_LIMIT_PER_IP="1 per hour")
    client = client_at("203.0.113.70", app)
    post_form(client, "/sign-up", unmatched(world, records[0], email="a@example.org"))
    page = post_form(client, "/sign-up", unmatched(world, records[1], email="b@example.org"))
    assert page.status_code == 429
    html = page.get_data(as_text=True)
    assert "Too many attempts" in html
    assert "Wait a minute" not in html  # the limit is counted in hours, not minutes
    assert "Try again in 60 minutes" in html


def test_asking_for_the_link_again_is_limited_per_email_address(
    rate_limited, client_at, db, world, mailbox
):
    app = rate_limited()
    limit = int(app.config.get("SIGNUP_LIMIT_PER_PERSON", "3 per hour").split()[0])
    unverified = factories.user(
        db,
        patient=factories.patient(db, world.practice),
        email=VICTIM,
        verified=False,
    )
    statuses = [
        post_form(
            client_at(f"203.0.113.{n + 1}", app), "/verify-email/resend", {"email": VICTIM}
        ).status_code
        for n in range(10)
    ]
    assert len(to(mailbox, unverified.email)) == limit
    assert statuses == [302] * limit + [429] * (10 - limit)


def test_asking_for_the_link_again_is_limited_per_address(
    rate_limited, client_at, db, world, mailbox
):
    app = rate_limited(SIGNUP_LIMIT_PER_IP="2 per hour")
    client = client_at("203.0.113.80", app)
    statuses = [
        post_form(client, "/verify-email/resend", {"email": f"p{n}@example.org"}).status_code
        for n in range(3)
    ]
    assert statuses == [302, 302, 429]
