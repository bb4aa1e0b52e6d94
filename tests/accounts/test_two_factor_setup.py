"""While two-factor is being set up, its secret stays on the server: the session cookie is
signed, not encrypted, so anything in it can be read by whoever holds the cookie."""

from __future__ import annotations

import json

import pyotp

from tests.accounts.helpers import post_form, shown_secret, sign_in


def cookie_contents(app, client) -> str:
    """What anyone holding the cookie can read: its payload, decoded without the key."""
    raw = client.get_cookie("myhealth_session").value
    serializer = app.session_interface.get_signing_serializer(app)
    return json.dumps(serializer.loads(raw)) + raw


def test_the_setup_secret_is_not_in_the_session_cookie(app, db, world, signed_in):
    client = signed_in(world.patient_user)
    secret = shown_secret(client.get("/account/two-factor").get_data(as_text=True))
    assert len(secret) == 32
    assert secret not in cookie_contents(app, client)

    # A wrong code keeps the same key on the page (the person has scanned it already).
    wrong = post_form(client, "/account/two-factor", {"code": "000000"}, token_from="/account")
    assert "The security code is not correct" in wrong.get_data(as_text=True)
    assert shown_secret(wrong.get_data(as_text=True)) == secret
    assert secret not in cookie_contents(app, client)

    done = post_form(
        client,
        "/account/two-factor",
        {"code": pyotp.TOTP(secret).now()},
        token_from="/account",
    )
    assert "Save your recovery codes" in done.get_data(as_text=True)
    db.refresh(world.patient_user)
    assert world.patient_user.totp_secret == secret


def test_a_pending_sign_in_is_not_in_the_session_cookie_either(app, client, db, world):
    sign_in(client, world.clinician)
    contents = cookie_contents(app, client)
    assert str(world.clinician.id) not in contents
    assert world.clinician.totp_secret not in contents


def test_the_secret_a_person_has_not_confirmed_is_never_used_for_another(app, db, world, signed_in):
    """Each person's set-up is their own: someone else's key does not turn theirs on."""
    mine = signed_in(world.patient_user)
    theirs = signed_in(world.other_patient_user)
    secret = shown_secret(mine.get("/account/two-factor").get_data(as_text=True))
    theirs.get("/account/two-factor")
    post_form(theirs, "/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    db.refresh(world.other_patient_user)
    assert world.other_patient_user.totp_secret is None
