"""Turning two-factor off or getting new recovery codes needs the password and a current code
again, not just a signed-in session, and the account's owner is told by email."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlalchemy import func, select

from myhealth.accounts.models import RecoveryCode, Role
from tests import factories
from tests.accounts.helpers import errors, post_form

TURN_OFF = "/account/two-factor/turn-off"
NEW_CODES = "/account/two-factor/recovery-codes"
CODE_PATTERN = r"<code>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</code>"


@pytest.fixture
def protected(db, world):
    """A patient with two-factor on and ten recovery codes."""
    from myhealth.accounts import twofactor

    user = factories.user(
        db, Role.PATIENT, patient=factories.patient(db, world.practice), two_factor=True
    )
    twofactor.regenerate_recovery_codes(db, user)
    db.commit()
    return user


def recovery_hashes(db, user) -> set[str]:
    db.expire_all()
    return set(db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))


def current_code(user) -> str:
    return pyotp.TOTP(user.totp_secret).now()


def test_a_stolen_session_alone_cannot_turn_two_factor_off(db, protected, signed_in, mailbox):
    thief = signed_in(protected)
    post_form(thief, TURN_OFF, {}, token_from="/account")
    db.refresh(protected)
    assert protected.two_factor_enabled
    assert mailbox.messages == []


def test_a_stolen_session_alone_cannot_get_new_recovery_codes(db, protected, signed_in, mailbox):
    thief = signed_in(protected)
    before = recovery_hashes(db, protected)
    page = post_form(thief, NEW_CODES, {}, token_from="/account").get_data(as_text=True)
    assert re.findall(CODE_PATTERN, page) == []
    assert recovery_hashes(db, protected) == before
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("password", "right_code", "field", "message"),
    [
        ("not-my-password-123", True, "password", "The password is not correct"),
        (factories.PASSWORD, False, "code", "The security code is not correct"),
        ("", True, "password", "Enter your password"),
    ],
)
def test_a_wrong_password_or_code_changes_nothing(
    db, protected, signed_in, mailbox, password, right_code, field, message
):
    client = signed_in(protected)
    code = current_code(protected) if right_code else "000000"
    page = post_form(client, TURN_OFF, {"password": password, "code": code})
    assert page.status_code == 200
    assert any(message in text for text in errors(page.get_data(as_text=True)).get(field, []))
    db.refresh(protected)
    assert protected.two_factor_enabled
    assert mailbox.messages == []


def test_with_password_and_code_two_factor_goes_off_and_the_owner_is_told(
    db, protected, signed_in, mailbox
):
    client = signed_in(protected)
    page = client.get(TURN_OFF).get_data(as_text=True)
    assert 'name="password"' in page and 'name="code"' in page
    response = post_form(
        client, TURN_OFF, {"password": factories.PASSWORD, "code": current_code(protected)}
    )
    assert response.headers["Location"].endswith("/account")
    assert "Two-factor authentication is off." in client.get("/account").get_data(as_text=True)
    db.refresh(protected)
    assert not protected.two_factor_enabled
    [message] = mailbox.messages
    assert message["to"] == [protected.email]
    assert message["subject"] == "Two-factor authentication was turned off"


def test_with_password_and_code_new_recovery_codes_are_shown_and_the_owner_is_told(
    db, protected, signed_in, mailbox
):
    client = signed_in(protected)
    before = recovery_hashes(db, protected)
    page = post_form(
        client, NEW_CODES, {"password": factories.PASSWORD, "code": current_code(protected)}
    ).get_data(as_text=True)
    codes = re.findall(CODE_PATTERN, page)
    assert len(set(codes)) == 10
    assert recovery_hashes(db, protected).isdisjoint(before)
    [message] = mailbox.messages
    assert message["to"] == [protected.email]
    assert message["subject"] == "New recovery codes were made for your account"
    assert not any(code in message["body"] for code in codes)


def test_an_unused_recovery_code_will_do_instead_of_the_app(db, protected, signed_in, mailbox):
    """Someone who lost their phone signs in with one recovery code and uses another here."""
    from myhealth.accounts import twofactor

    codes = twofactor.regenerate_recovery_codes(db, protected)
    db.commit()
    client = signed_in(protected)
    response = post_form(client, TURN_OFF, {"password": factories.PASSWORD, "code": codes[0]})
    assert response.status_code == 302
    db.refresh(protected)
    assert not protected.two_factor_enabled


def test_guessing_the_password_here_meets_the_lock(app, db, protected, signed_in, mailbox):
    thief = signed_in(protected)
    for _attempt in range(app.config["LOCKOUT_THRESHOLD"]):
        post_form(thief, TURN_OFF, {"password": "guess-guess-guess", "code": "000000"})
    page = post_form(
        thief, TURN_OFF, {"password": factories.PASSWORD, "code": current_code(protected)}
    ).get_data(as_text=True)
    assert "Your account is locked" in page
    db.refresh(protected)
    assert protected.two_factor_enabled
    assert [m["subject"] for m in mailbox.messages] == ["Someone tried to sign in to your account"]


def test_staff_still_cannot_turn_two_factor_off(db, world, signed_in):
    clinician = signed_in(world.clinician)
    response = post_form(
        clinician,
        TURN_OFF,
        {"password": factories.PASSWORD, "code": current_code(world.clinician)},
        token_from="/account",
    )
    assert response.headers["Location"].endswith("/account")
    db.refresh(world.clinician)
    assert world.clinician.two_factor_enabled


def test_the_account_page_links_to_the_confirmation_pages(db, protected, signed_in):
    page = signed_in(protected).get("/account").get_data(as_text=True)
    assert f'href="{TURN_OFF}"' in page
    assert f'href="{NEW_CODES}"' in page
    count = select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == protected.id)
    assert db.scalar(count) == 10
