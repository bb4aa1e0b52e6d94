"""Signing in with NHS login, against a real OpenID Connect provider (oidc-provider on node).

The provider authenticates our client by private_key_jwt, requires PKCE, checks that `vtr`
is a JSON array, and signs its ID tokens with a key it publishes; the people it knows are in
oidc_support. The app is configured for it; the suite's usual app has no provider.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import IdentityProviderLink, User
from myhealth.people.models import Patient
from tests import factories
from tests.accounts.helpers import csrf_token, post_form, sign_in
from tests.accounts.oidc_support import (
    IMPOSTOR,
    LOW,
    NIA,
    NOBODY,
    PASSWORD_ONLY,
    RHYS,
    OidcProvider,
    record_for,
    sign_in_at_provider,
)

CALLBACK = "http://localhost/sign-in/nhs-login/callback"
NOT_MATCHED = "We could not match your NHS login to a health record"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    running = OidcProvider.start([CALLBACK], tmp_path_factory.mktemp("oidc"))
    yield running
    running.stop()


@pytest.fixture
def oidc_app(extra_app, provider):
    return extra_app(**provider.app_settings())


@pytest.fixture
def browser(oidc_app, db):
    """A test client of the app with NHS login configured."""
    return oidc_app.test_client()


def to_provider(client, response=None):
    response = response or client.get("/sign-in/nhs-login")
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sign_in_with_nhs_login(client, person, response=None):
    """From our button, through the provider's login page, and back to us."""
    back = sign_in_at_provider(to_provider(client, response), person, CALLBACK)
    return client.get(back)


def users_with_email(db, email):
    return db.scalar(select(func.count()).select_from(User).where(User.email == email))


def links(db):
    return db.scalar(select(func.count()).select_from(IdentityProviderLink))


def text(response):
    return response.get_data(as_text=True)


# --- configured or not ---------------------------------------------------------------------


def test_without_a_provider_there_is_no_button_and_the_routes_are_not_found(client):
    assert "Continue with NHS login" not in text(client.get("/sign-in"))
    assert client.get("/sign-in/nhs-login").status_code == 404
    assert client.get("/sign-in/nhs-login/callback?state=x&code=y").status_code == 404


def test_the_sign_in_page_offers_nhs_login_and_asks_for_what_nhs_login_expects(browser):
    assert "Continue with NHS login" in text(browser.get("/sign-in"))
    query = parse_qs(urlsplit(to_provider(browser)).query)
    assert query["vtr"] == ['["P9.Cp.Cd"]']
    assert query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"]
    assert query["nonce"] and query["state"] and query["code_challenge"]
    assert query["scope"] == ["openid profile email"]


# --- signing in ----------------------------------------------------------------------------


def test_a_person_with_a_record_and_no_account_signs_in_and_gets_a_linked_account(browser, db):
    patient = record_for(db, NIA)

    response = sign_in_with_nhs_login(browser, NIA)

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/home"
    home = browser.get("/home")
    assert home.status_code == 200
    assert "Nia Okafor" in text(home)
    user = db.scalar(select(User).where(User.email == NIA.email))
    assert user.patient_id == patient.id
    assert user.identity_verified_at is not None and user.email_verified_at is not None
    assert not user.has_password
    link = db.scalar(select(IdentityProviderLink).where(IdentityProviderLink.user_id == user.id))
    assert link.subject == NIA.subject
    signin = db.scalar(
        select(AuditEvent).where(AuditEvent.action == "signin", AuditEvent.actor_user_id == user.id)
    )
    assert signin.detail == "NHS login (P9.Cd.Cp)"


def test_the_next_sign_in_finds_the_same_account(browser, db):
    record_for(db, NIA)
    sign_in_with_nhs_login(browser, NIA)
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/account")})

    again = sign_in_with_nhs_login(browser, NIA)

    assert urlsplit(again.headers["Location"]).path == "/home"
    assert users_with_email(db, NIA.email) == 1
    assert links(db) == 1


def test_an_account_with_two_factor_on_needs_no_security_code_after_a_p9_sign_in(browser, db):
    """NHS login at P9.Cp.Cd proved a second factor (a registered device): it counts."""
    patient = record_for(db, RHYS)
    user = factories.user(db, patient=patient, email=RHYS.email, two_factor=True)
    db.add(
        IdentityProviderLink(
            user_id=user.id, issuer=browser.application.config["OIDC_ISSUER"], subject=RHYS.subject
        )
    )
    db.commit()

    response = sign_in_with_nhs_login(browser, RHYS)

    assert urlsplit(response.headers["Location"]).path == "/home"


def test_without_a_second_factor_at_the_provider_two_factor_here_asks_for_its_code(
    extra_app, provider, db
):
    lenient = extra_app(**provider.app_settings(OIDC_VECTOR_OF_TRUST="P9.Cp")).test_client()
    patient = record_for(db, PASSWORD_ONLY)
    user = factories.user(db, patient=patient, email=PASSWORD_ONLY.email, two_factor=True)
    db.add(
        IdentityProviderLink(user_id=user.id, issuer=provider.issuer, subject=PASSWORD_ONLY.subject)
    )
    db.commit()

    response = sign_in_with_nhs_login(lenient, PASSWORD_ONLY)

    assert urlsplit(response.headers["Location"]).path == "/sign-in/security-code"
    assert lenient.get("/home").status_code == 302  # not signed in until the code is given


def test_the_default_vector_refuses_a_sign_in_without_a_registered_device(browser, db):
    record_for(db, PASSWORD_ONLY)

    response = sign_in_with_nhs_login(browser, PASSWORD_ONLY)

    assert response.status_code == 403
    assert users_with_email(db, PASSWORD_ONLY.email) == 0


# --- linking an existing account -----------------------------------------------------------


def test_a_signed_in_patient_links_nhs_login_from_their_account_page(browser, db):
    patient = record_for(db, RHYS)
    user = factories.user(db, patient=patient, email="rhys.llewellyn@example.org")
    sign_in(browser, user)
    assert "Link your NHS login" in text(browser.get("/account"))

    started = post_form(browser, "/account/nhs-login/link", {}, token_from="/account")
    response = sign_in_with_nhs_login(browser, RHYS, started)

    assert urlsplit(response.headers["Location"]).path == "/account"
    page = text(browser.get("/account"))
    assert "Your account is now linked to NHS login." in page
    assert "Unlink NHS login" in page
    # Signed out, NHS login now signs in to the same account.
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/account")})
    again = sign_in_with_nhs_login(browser, RHYS)
    assert urlsplit(again.headers["Location"]).path == "/home"
    assert links(db) == 1
    assert users_with_email(db, RHYS.email) == 0  # no second account


def test_linking_starts_only_from_the_form_with_its_csrf_token(browser, db, world):
    sign_in(browser, world.patient_user)
    response = browser.post("/account/nhs-login/link")
    assert response.status_code == 400
    assert "Your session has expired" in text(response)
    with browser.session_transaction() as session:
        assert "oidc_pending" not in session


def test_a_patient_cannot_link_someone_elses_nhs_login(browser, db, world):
    record_for(db, NIA)
    sign_in(browser, world.patient_user)

    started = post_form(browser, "/account/nhs-login/link", {}, token_from="/account")
    response = sign_in_with_nhs_login(browser, NIA, started)

    assert response.status_code == 403
    assert NOT_MATCHED in text(response)
    assert links(db) == 0


def test_nhs_login_does_not_sign_in_to_an_account_it_is_not_linked_to(browser, db):
    """The record has a password account: its owner links NHS login after signing in."""
    patient = record_for(db, RHYS)
    owner = factories.user(db, patient=patient, email="rhys.own@example.org")

    response = sign_in_with_nhs_login(browser, RHYS)

    assert response.status_code == 403
    page = text(response)
    assert NOT_MATCHED in page
    assert owner.email not in page
    assert browser.get("/home").status_code == 302  # not signed in
    assert links(db) == 0


def test_unlinking_asks_for_the_password(browser, db):
    patient = record_for(db, RHYS)
    user = factories.user(db, patient=patient, email="rhys.unlink@example.org")
    db.add(
        IdentityProviderLink(
            user_id=user.id, issuer=browser.application.config["OIDC_ISSUER"], subject=RHYS.subject
        )
    )
    db.commit()
    sign_in(browser, user)

    wrong = post_form(browser, "/account/nhs-login/unlink", {"password": "not-my-password"})
    assert "The password is not correct" in text(wrong)
    assert links(db) == 1

    done = post_form(browser, "/account/nhs-login/unlink", {"password": factories.PASSWORD})
    assert urlsplit(done.headers["Location"]).path == "/account"
    assert links(db) == 0


def test_unlinking_without_the_csrf_token_leaves_the_link(browser, db):
    patient = record_for(db, RHYS)
    user = factories.user(db, patient=patient, email="rhys.csrf@example.org")
    issuer = browser.application.config["OIDC_ISSUER"]
    db.add(IdentityProviderLink(user_id=user.id, issuer=issuer, subject=RHYS.subject))
    db.commit()
    sign_in(browser, user)

    response = browser.post("/account/nhs-login/unlink", data={"password": factories.PASSWORD})

    assert response.status_code == 400
    assert "Your session has expired" in text(response)
    assert links(db) == 1


# --- refusals ------------------------------------------------------------------------------


def test_an_answer_with_another_sign_ins_state_is_refused(browser, db):
    record_for(db, NIA)
    back = sign_in_at_provider(to_provider(browser), NIA, CALLBACK)
    query = parse_qs(urlsplit(back).query)

    response = browser.get(f"/sign-in/nhs-login/callback?code={query['code'][0]}&state=forged")

    assert response.status_code == 400
    assert "Sorry, we could not sign you in" in text(response)
    assert users_with_email(db, NIA.email) == 0


def test_an_id_token_whose_nonce_is_not_this_sign_ins_is_refused(browser, db):
    record_for(db, NIA)
    back = sign_in_at_provider(to_provider(browser), NIA, CALLBACK)
    with browser.session_transaction() as session:
        session["oidc_pending"] = {**session["oidc_pending"], "nonce": "another-sign-in"}

    response = browser.get(back)

    assert response.status_code == 400
    assert users_with_email(db, NIA.email) == 0
    assert links(db) == 0


def test_the_same_answer_cannot_be_used_twice(browser, db):
    record_for(db, NIA)
    back = sign_in_at_provider(to_provider(browser), NIA, CALLBACK)
    assert browser.get(back).status_code == 302
    browser.post("/sign-out", data={"csrf_token": csrf_token(browser, "/account")})

    assert browser.get(back).status_code == 400


def test_an_identity_proved_below_p9_is_refused(browser, db):
    record_for(db, LOW)

    response = sign_in_with_nhs_login(browser, LOW)

    assert response.status_code == 403
    assert "You need to prove who you are to use this service" in text(response)
    assert users_with_email(db, LOW.email) == 0


def test_an_nhs_number_with_no_record_is_refused_and_nothing_is_stored(browser, db):
    response = sign_in_with_nhs_login(browser, NOBODY)

    assert response.status_code == 403
    assert NOT_MATCHED in text(response)
    assert users_with_email(db, NOBODY.email) == 0
    assert db.scalar(select(Patient).where(Patient.nhs_number == NOBODY.nhs_number)) is None
    assert links(db) == 0


def test_an_impostor_with_the_right_nhs_number_but_another_birth_date_is_refused(browser, db):
    patient = record_for(db, NIA)

    response = sign_in_with_nhs_login(browser, IMPOSTOR)

    assert response.status_code == 403
    page = text(response)
    assert NOT_MATCHED in page
    assert NIA.birth_date.strftime("%d %B %Y").lstrip("0") not in page
    assert users_with_email(db, IMPOSTOR.email) == 0
    assert links(db) == 0
    refusal = db.scalar(select(AuditEvent).where(AuditEvent.action == "oidc.refused"))
    assert refusal.patient_id == patient.id
    assert "did not match" in refusal.detail


def test_a_stricter_vector_than_the_person_has_is_refused(extra_app, provider, db):
    strict = extra_app(**provider.app_settings(OIDC_VECTOR_OF_TRUST="P9.Cp.Cm")).test_client()
    record_for(db, NIA)

    response = sign_in_with_nhs_login(strict, NIA)

    assert response.status_code == 403
    assert users_with_email(db, NIA.email) == 0


# --- who may use each route, with a provider configured (tests/security has them without) -----

PROVIDER = "provider"  # a redirect to the provider's authorisation endpoint
CONFIGURED = {
    ("/sign-in/nhs-login", "GET"): {
        "anonymous": PROVIDER,
        "patient": "/sign-in",  # signed in already: on to their home page from there
        "clinician": "/sign-in",
    },
    ("/sign-in/nhs-login/callback", "GET"): {"anonymous": 400, "patient": 400, "clinician": 400},
    ("/account/nhs-login/link", "POST"): {
        "anonymous": "/sign-in",
        "patient": PROVIDER,
        "clinician": 404,  # staff sign in with their password and security code only
    },
    ("/account/nhs-login/unlink", "GET"): {
        "anonymous": "/sign-in",
        "patient": "/account",  # nothing linked yet
        "clinician": "/account",
    },
    ("/account/nhs-login/unlink", "POST"): {
        "anonymous": "/sign-in",
        "patient": "/account",
        "clinician": "/account",
    },
}


@pytest.mark.parametrize(("path", "method"), sorted(CONFIGURED))
def test_each_route_answers_each_role(oidc_app, provider, db, world, path, method):
    from tests.conftest import sign_in_as

    for role, expected in CONFIGURED[(path, method)].items():
        if role == "anonymous":
            client = oidc_app.test_client()
        else:
            client = sign_in_as(
                oidc_app, db, getattr(world, f"{role}_user", None) or world.clinician
            )
        data = {"csrf_token": csrf_token(client, "/sign-up")} if method == "POST" else None
        response = client.open(path, method=method, data=data)
        where = f"{method} {path} as {role}"
        if isinstance(expected, int):
            assert response.status_code == expected, where
            continue
        assert response.status_code == 302, f"{where}: {response.status_code}"
        location = response.headers["Location"]
        if expected == PROVIDER:
            assert location.startswith(f"{provider.issuer}/"), where
        else:
            assert urlsplit(location).path == expected, f"{where}: {location}"


# --- configuration -------------------------------------------------------------------------


def test_a_provider_without_its_private_key_stops_the_app_starting(provider, tmp_path):
    from myhealth.config import ConfigError, load_config

    with pytest.raises(ConfigError, match="PRIVATE_KEY_FILE"):
        load_config(
            {
                "ENVIRONMENT": "test",
                "INSTANCE_DIR": str(tmp_path),
                **provider.app_settings(OIDC_PRIVATE_KEY_FILE=str(tmp_path / "missing.pem")),
            }
        )
    with pytest.raises(ConfigError, match="VECTOR_OF_TRUST"):
        load_config(
            {
                "ENVIRONMENT": "test",
                "INSTANCE_DIR": str(tmp_path),
                **provider.app_settings(OIDC_VECTOR_OF_TRUST="high"),
            }
        )


def test_an_id_token_not_signed_by_the_provider_is_refused(oidc_app, provider):
    """Right issuer, audience and nonce, but signed with a key the provider never published."""
    import time

    from joserfc import jwt
    from joserfc.jwk import RSAKey

    from myhealth.accounts import oidc

    settings = oidc.ProviderSettings.from_config(oidc_app.config)
    now = int(time.time())
    claims = {
        "iss": provider.issuer,
        "aud": settings.client_id,
        "sub": NIA.subject,
        "iat": now,
        "exp": now + 300,
        "nonce": "this-sign-in",
        "vot": "P9.Cp.Cd",
    }
    forged = jwt.encode(
        {"alg": "RS256", "kid": "test-provider"},
        claims,
        RSAKey.import_key(provider.key_file.read_text()),
    )
    with pytest.raises(oidc.SignInRefused, match="ID token refused"):
        oidc._id_token_claims(settings, forged, "this-sign-in")


def test_a_sign_in_left_at_the_provider_too_long_is_refused(browser, db):
    record_for(db, NIA)
    back = sign_in_at_provider(to_provider(browser), NIA, CALLBACK)
    with browser.session_transaction() as session:
        session["oidc_pending"] = {**session["oidc_pending"], "started": 0}

    response = browser.get(back)

    assert response.status_code == 400
    assert users_with_email(db, NIA.email) == 0
