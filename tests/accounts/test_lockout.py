"""Lockout, from the attacker's side: it holds at every step of sign-in, it says nothing about
whether an account exists, and it locks the attacker's address out, not the account's owner."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import func, select

from myhealth.accounts.models import UserSession
from tests.accounts.helpers import errors, post_form, sign_in

WRONG = "wrong-password-123"
ATTACKER = "203.0.113.66"
OWNER = "198.51.100.7"


def devices(db, user) -> int:
    db.expire_all()
    return db.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


def page_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def test_a_replayed_pending_sign_in_gets_no_more_guesses_once_locked(app, client, db, world):
    """The review's attack: keep the cookie from the security-code step and replay it."""
    user = world.clinician
    assert sign_in(client, user).headers["Location"].endswith("/sign-in/security-code")
    token = page_token(client.get("/sign-in/security-code").get_data(as_text=True))
    pending_cookie = client.get_cookie("myhealth_session").value

    for _attempt in range(app.config["LOCKOUT_THRESHOLD"]):
        client.set_cookie("myhealth_session", pending_cookie)
        client.post("/sign-in/security-code", data={"code": "000000", "csrf_token": token})

    # The lock is on. Replaying the cookie, the right code no longer signs in...
    client.set_cookie("myhealth_session", pending_cookie)
    right = pyotp.TOTP(user.totp_secret).now()
    response = client.post("/sign-in/security-code", data={"code": right, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")
    assert client.get("/clinician/").status_code == 302
    assert devices(db, user) == 0
    # ... and did not clear the lock: the right password still meets it.
    assert "Your account is locked" in sign_in(client, user).get_data(as_text=True)


def test_a_lock_that_starts_after_the_password_step_stops_the_security_code_step(
    app, client_at, db, world
):
    user = world.clinician
    waiting = client_at(ATTACKER)
    assert sign_in(waiting, user).headers["Location"].endswith("/sign-in/security-code")
    # Meanwhile, from the same address, the password is guessed until the lock.
    guesser = client_at(ATTACKER)
    for _attempt in range(app.config["LOCKOUT_THRESHOLD"]):
        sign_in(guesser, user, WRONG)

    # The right code is refused: the lock is checked before the code. (The form's token
    # comes from the sign-in page, as the security-code page now sends them there.)
    code = pyotp.TOTP(user.totp_secret).now()
    response = post_form(waiting, "/sign-in/security-code", {"code": code}, token_from="/sign-in")
    assert response.headers["Location"].endswith("/sign-in")
    assert "Your account is locked" in waiting.get("/sign-in").get_data(as_text=True)
    assert devices(db, user) == 0


def test_locked_looks_the_same_for_an_account_that_does_not_exist(app, client_at, db, world):
    known, unknown = client_at(ATTACKER), client_at("203.0.113.67")
    for _attempt in range(app.config["LOCKOUT_THRESHOLD"]):
        known_page = sign_in(known, world.patient_user, WRONG)
        unknown_page = post_form_as(unknown, "nobody-here@example.org", WRONG)
    assert "Your account is locked" in known_page.get_data(as_text=True)
    assert errors(known_page.get_data(as_text=True)) == errors(unknown_page.get_data(as_text=True))
    # And the next try, with any password, is answered the same way for both.
    again_known = sign_in(known, world.patient_user)
    again_unknown = post_form_as(unknown, "nobody-here@example.org", WRONG)
    assert errors(again_known.get_data(as_text=True)) == errors(
        again_unknown.get_data(as_text=True)
    )
    assert again_known.status_code == again_unknown.status_code == 200


def post_form_as(client, email: str, password: str):
    return post_form(client, "/sign-in", {"email": email, "password": password})


def test_an_attacker_cannot_lock_a_clinician_out(app, client_at, db, world, mailbox):
    clinician = world.clinician
    attacker = client_at(ATTACKER)
    for _attempt in range(app.config["LOCKOUT_THRESHOLD"]):
        locked = sign_in(attacker, clinician, WRONG)
    assert "Your account is locked" in locked.get_data(as_text=True)
    assert "Your account is locked" in sign_in(attacker, clinician).get_data(as_text=True)

    # The clinician, at work on another address, signs in as usual.
    at_work = client_at(OWNER)
    assert sign_in(at_work, clinician).headers["Location"].endswith("/sign-in/security-code")
    code = pyotp.TOTP(clinician.totp_secret).now()
    done = post_form(at_work, "/sign-in/security-code", {"code": code})
    assert done.headers["Location"].endswith("/clinician/")

    # They were told, by email, and told where the attempts came from.
    [message] = mailbox.messages
    assert message["to"] == [clinician.email]
    assert ATTACKER in message["body"]


def test_nobody_is_emailed_when_an_unknown_address_locks(app, client_at, db, world, mailbox):
    attacker = client_at(ATTACKER)
    for _attempt in range(app.config["LOCKOUT_THRESHOLD"] + 1):
        post_form_as(attacker, "nobody-here@example.org", WRONG)
    assert mailbox.messages == []
