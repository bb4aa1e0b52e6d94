"""Sign-in, lockout, rate limits, two-factor authentication, devices and idle timeout."""

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select, update

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import Role, SignInLock, UserSession
from myhealth.database import utcnow
from tests import factories
from tests.accounts.helpers import errors, post_form, shown_secret


def sign_in(client, user, password=factories.PASSWORD):
    return post_form(client, "/sign-in", {"email": user.email, "password": password})


def test_wrong_password_gets_one_message_for_unknown_and_known_emails(client, db, world):
    wrong = sign_in(client, world.patient_user, "not-the-password-at-all")
    unknown = post_form(
        client, "/sign-in", {"email": "nobody@example.org", "password": "not-the-password-at-all"}
    )
    assert (
        errors(wrong.get_data(as_text=True))
        == errors(unknown.get_data(as_text=True))
        == {"password": ["Enter a correct email address and password"]}
    )
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.outcome == "failure")).all()
    assert actions.count("signin.failed") == 2


def test_account_locks_after_repeated_failures_and_the_owner_is_emailed(
    app, client, db, world, mailbox
):
    user = world.patient_user
    for _ in range(app.config["LOCKOUT_THRESHOLD"] - 1):
        assert "Enter a correct email address" in sign_in(client, user, "wrong-password-123").text
    locked = sign_in(client, user, "wrong-password-123")
    assert "Your account is locked" in locked.get_data(as_text=True)
    assert [m["subject"] for m in mailbox.messages] == ["Someone tried to sign in to your account"]
    assert mailbox.messages[0]["to"] == [user.email]
    # Even the right password is refused while locked.
    still_locked = sign_in(client, user)
    assert still_locked.status_code == 200
    assert "Your account is locked" in still_locked.get_data(as_text=True)
    # When the lock has passed, the right password works again.
    db.execute(update(SignInLock).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.commit()
    assert sign_in(client, user).status_code == 302


def test_sign_in_is_rate_limited_per_account(rate_limited, db, world):
    limited = rate_limited(
        SIGNIN_LIMIT_PER_ACCOUNT="3 per minute",
        SIGNIN_LIMIT_PER_IP="100 per minute",
        LOCKOUT_THRESHOLD=50,
    )
    client = limited.test_client()
    statuses = [
        sign_in(client, world.patient_user, "wrong-password-123").status_code for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    assert "Too many attempts" in sign_in(client, world.patient_user).get_data(as_text=True)
    # Another account from the same address is not affected by this account's limit.
    assert sign_in(client, world.other_patient_user).status_code == 302


def test_sign_in_is_rate_limited_per_address(rate_limited, db, world):
    limited = rate_limited(
        SIGNIN_LIMIT_PER_IP="2 per minute",
        LOCKOUT_THRESHOLD=50,
    )
    client = limited.test_client()
    sign_in(client, world.patient_user, "wrong-password-123")
    sign_in(client, world.other_patient_user, "wrong-password-123")
    assert sign_in(client, world.clinician, "wrong-password-123").status_code == 429


def test_each_sign_in_starts_a_new_session(client, db, world):
    sign_in(client, world.patient_user)
    first = client.get_cookie("myhealth_session").value
    post_form(client, "/sign-out", {}, token_from="/account")
    sign_in(client, world.patient_user)
    second = client.get_cookie("myhealth_session").value
    assert first != second
    devices = db.scalars(select(UserSession).where(UserSession.user_id == world.patient_user.id))
    devices = devices.all()
    assert len(devices) == 2
    assert sum(d.ended_at is None for d in devices) == 1


def test_two_factor_sign_in_with_code_then_recovery_code(client, db, world):
    user = world.clinician  # staff have 2FA on
    response = sign_in(client, user)
    assert response.headers["Location"].endswith("/sign-in/security-code")
    # Not signed in yet: the workspace still needs the code.
    assert client.get("/clinician/").status_code == 302

    wrong = post_form(client, "/sign-in/security-code", {"code": "000000"})
    assert "The security code is not correct" in wrong.get_data(as_text=True)

    code = pyotp.TOTP(user.totp_secret).now()
    ok = post_form(client, "/sign-in/security-code", {"code": code})
    assert ok.headers["Location"].endswith("/clinician/")
    assert client.get("/clinician/").status_code == 200

    # The same code cannot be replayed in another sign-in.
    post_form(client, "/sign-out", {}, token_from="/account")
    sign_in(client, user)
    replay = post_form(client, "/sign-in/security-code", {"code": code})
    assert "The security code is not correct" in replay.get_data(as_text=True)


def test_recovery_codes_work_once(client, db, world):
    user = factories.user(
        db, Role.PATIENT, patient=factories.patient(db, world.practice), two_factor=False
    )
    sign_in(client, user)
    setup = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in setup  # the QR code, inline
    secret = shown_secret(setup)  # for people who cannot scan
    bad = post_form(
        client, "/account/two-factor", {"code": "123456"}, token_from="/account/devices"
    )
    assert "The security code is not correct" in bad.get_data(as_text=True)
    page = post_form(
        client,
        "/account/two-factor",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/account/devices",
    )
    html = page.get_data(as_text=True)
    assert "Save your recovery codes" in html
    codes = re.findall(r"<code>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</code>", html)
    assert len(codes) == 10 and len(set(codes)) == 10

    post_form(client, "/sign-out", {}, token_from="/account")
    sign_in(client, user)
    used = post_form(client, "/sign-in/security-code", {"code": codes[0].lower().replace("-", " ")})
    assert used.headers["Location"].endswith("/home")
    post_form(client, "/sign-out", {}, token_from="/account")
    sign_in(client, user)
    again = post_form(client, "/sign-in/security-code", {"code": codes[0]})
    assert "The security code is not correct" in again.get_data(as_text=True)
    post_form(client, "/sign-in/security-code", {"code": codes[1]})
    assert "You have 8 recovery codes left" in client.get("/account").get_data(as_text=True)


def test_two_factor_changes_are_audited(client, db, world):
    user = world.patient_user
    sign_in(client, user)
    secret = shown_secret(client.get("/account/two-factor").get_data(as_text=True))
    page = post_form(
        client,
        "/account/two-factor",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/account/devices",
    ).get_data(as_text=True)
    # The code that turned it on is spent: a recovery code turns it off.
    recovery = re.search(r"<code>([A-Z2-7]{4}(?:-[A-Z2-7]{4}){3})</code>", page).group(1)
    post_form(
        client, "/account/two-factor/turn-off", {"password": factories.PASSWORD, "code": recovery}
    )
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_user_id == user.id).order_by(AuditEvent.id)
    ).all()
    assert actions[-3:] == ["2fa.enabled", "2fa.recovery_code_used", "2fa.disabled"]
    assert "signin" in actions


def test_staff_cannot_turn_two_factor_off(client, db, world, signed_in):
    clinician = signed_in(world.clinician)
    response = post_form(clinician, "/account/two-factor/turn-off", {}, token_from="/account")
    assert response.status_code == 302
    db.refresh(world.clinician)
    assert world.clinician.two_factor_enabled


def test_idle_session_times_out_with_a_message(client, db, world, signed_in):
    patient = signed_in(world.patient_user)
    assert patient.get("/home").status_code == 200
    device = db.get(UserSession, patient.device_id)
    device.last_seen_at = utcnow() - timedelta(minutes=31)
    db.commit()
    response = patient.get("/home")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    page = patient.get(response.headers["Location"]).get_data(as_text=True)
    assert "You were signed out because you were inactive" in page
    db.refresh(device)
    assert device.ended_reason == "idle"


def test_staff_time_out_sooner_than_patients(client, db, world, signed_in):
    clinician = signed_in(world.clinician)
    patient = signed_in(world.patient_user)
    for c in (clinician, patient):
        device = db.get(UserSession, c.device_id)
        device.last_seen_at = utcnow() - timedelta(minutes=16)
    db.commit()
    assert clinician.get("/clinician/").status_code == 302
    assert patient.get("/home").status_code == 200


def test_signed_in_devices_and_sign_out_everywhere(client, db, world, signed_in):
    laptop = signed_in(world.patient_user)
    phone = signed_in(world.patient_user)
    page = laptop.get("/account/devices").get_data(as_text=True)
    assert page.count("Sign out<span") == 2
    assert "this device" in page
    # Sign the phone out from the laptop.
    post_form(
        laptop, f"/account/devices/{phone.device_id}/sign-out", {}, token_from="/account/devices"
    )
    assert phone.get("/home").status_code == 302
    assert laptop.get("/home").status_code == 200
    third = signed_in(world.patient_user)
    post_form(laptop, "/account/devices/sign-out-everywhere", {}, token_from="/account/devices")
    assert laptop.get("/home").status_code == 302
    assert third.get("/home").status_code == 302


def test_clinician_must_set_up_two_factor_before_seeing_patients(client, db, world):
    newcomer = factories.user(db, Role.CLINICIAN, org=world.practice, two_factor=False)
    response = sign_in(client, newcomer)
    assert response.headers["Location"].endswith("/account/two-factor")
    blocked = client.get(f"/clinician/patients/{world.patient.id}")
    assert blocked.status_code == 302
    assert blocked.headers["Location"].endswith("/account/two-factor")


def test_wrong_security_codes_lock_the_account(app, client, db, world, mailbox):
    user = world.clinician
    for _attempt in range(app.config["LOCKOUT_THRESHOLD"]):
        sign_in(client, user)
        response = post_form(client, "/sign-in/security-code", {"code": "000000"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your account is locked" in page
    assert [m["subject"] for m in mailbox.messages] == ["Someone tried to sign in to your account"]
    # The right password now meets the lock too.
    assert "Your account is locked" in sign_in(client, user).get_data(as_text=True)
