"""CSRF: every POST needs the session's token; without it the NHS-styled "session expired"
page is shown and nothing changes."""

from __future__ import annotations

import io
import json
import re
import uuid

import pyotp
import pytest
from sqlalchemy import func, select

from myhealth.accounts.models import RecoveryCode, Role, User, UserSession
from myhealth.clinician.models import ReviewItem
from myhealth.database import utcnow
from myhealth.home.models import HomeLayout
from myhealth.people.models import Patient
from myhealth.records.models import ClinicalResource
from myhealth.selfcare.models import Assessment
from tests import factories
from tests.accounts import test_oidc
from tests.security.conftest import csrf_token, routes, sample_url
from tests.selfcare.helpers import draft_state

EXPIRED = "Your session has expired"


def post_endpoints(app) -> set[str]:
    return {endpoint for endpoint, method in routes(app) if method == "POST"}


def assert_refused(response):
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert EXPIRED in html
    assert "nhsuk-header" in html  # the service's own page, not a bare error


def active_devices(db, user) -> int:
    db.expire_all()
    return db.scalar(
        select(func.count(UserSession.id)).where(
            UserSession.user_id == user.id, UserSession.ended_at.is_(None)
        )
    )


def all_devices(db, user) -> int:
    db.expire_all()
    return db.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id))


@pytest.mark.parametrize("role", ["anonymous", "patient", "clinician"])
def test_every_post_route_refuses_a_request_without_a_token(
    app, world, signed_in, client_for, role
):
    client = client_for(role)
    device_id = getattr(client, "device_id", None) or signed_in(world.patient_user).device_id
    problems = []
    for endpoint in sorted(post_endpoints(app)):
        url = sample_url(app, endpoint, "POST", patient_id=world.patient.id, device_id=device_id)
        response = client.post(url, data={"email": "x@example.org"})
        body = response.get_data(as_text=True)
        if response.status_code != 400 or EXPIRED not in body:
            problems.append(f"POST {url} as {role}: {response.status_code}")
    assert not problems


def test_a_token_from_another_session_is_refused(db, world, signed_in):
    laptop = signed_in(world.patient_user)
    someone_else = signed_in(world.other_patient_user)
    stolen = csrf_token(someone_else, "/account/devices")
    response = laptop.post("/account/devices/sign-out-everywhere", data={"csrf_token": stolen})
    assert_refused(response)
    assert laptop.get("/home").status_code == 200


def test_with_its_token_the_same_request_works(db, world, signed_in):
    """The control for the tests below: the token is all that stood in the way."""
    laptop = signed_in(world.patient_user)
    phone = signed_in(world.patient_user)
    token = csrf_token(laptop, "/account/devices")
    response = laptop.post("/account/devices/sign-out-everywhere", data={"csrf_token": token})
    assert response.status_code == 302
    assert phone.get("/home").status_code == 302
    assert active_devices(db, world.patient_user) == 0


# --- nothing changes without a token, route by route ----------------------------------------


def test_sign_out_without_token_leaves_you_signed_in(db, world, signed_in):
    client = signed_in(world.patient_user)
    assert_refused(client.post("/sign-out"))
    assert client.get("/home").status_code == 200
    assert active_devices(db, world.patient_user) == 1


def test_sign_out_everywhere_without_token_leaves_the_devices_signed_in(db, world, signed_in):
    laptop = signed_in(world.patient_user)
    phone = signed_in(world.patient_user)
    assert_refused(laptop.post("/account/devices/sign-out-everywhere"))
    assert active_devices(db, world.patient_user) == 2
    assert laptop.get("/home").status_code == 200
    assert phone.get("/home").status_code == 200


def test_signing_out_a_device_without_token_leaves_it_signed_in(db, world, signed_in):
    laptop = signed_in(world.patient_user)
    phone = signed_in(world.patient_user)
    assert_refused(laptop.post(f"/account/devices/{phone.device_id}/sign-out"))
    assert phone.get("/home").status_code == 200
    assert active_devices(db, world.patient_user) == 2


def test_sign_up_without_token_creates_no_account(client, db, world, mailbox):
    data = {
        "nhs_number": factories.next_nhs_number(),
        "given_name": "Megan",
        "family_name": "Hughes",
        "dob_day": "3",
        "dob_month": "11",
        "dob_year": "1988",
        "practice": str(world.practice.id),
        "email": "megan.csrf@example.org",
        "password": "harbour-lantern-walnut-7",
        "password_confirm": "harbour-lantern-walnut-7",
    }
    patients_before = db.scalar(select(func.count(Patient.id)))
    assert_refused(client.post("/sign-up", data=data))
    assert db.scalar(select(User).where(User.email == "megan.csrf@example.org")) is None
    assert db.scalar(select(func.count(Patient.id))) == patients_before
    assert mailbox.messages == []


def test_sign_in_without_token_does_not_sign_in(client, db, world):
    data = {"email": world.patient_user.email, "password": factories.PASSWORD}
    assert_refused(client.post("/sign-in", data=data))
    assert all_devices(db, world.patient_user) == 0
    assert client.get("/home").status_code == 302


def test_security_code_without_token_does_not_finish_signing_in(client, db, world):
    user = world.clinician
    first = client.post(
        "/sign-in",
        data={
            "email": user.email,
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(client, "/sign-in"),
        },
    )
    assert first.headers["Location"].endswith("/sign-in/security-code")
    code = pyotp.TOTP(user.totp_secret).now()
    assert_refused(client.post("/sign-in/security-code", data={"code": code}))
    assert all_devices(db, user) == 0
    assert client.get("/clinician/").headers["Location"].startswith("/sign-in")


def test_resend_verification_without_token_sends_nothing(client, db, world, mailbox):
    unverified = factories.user(
        db, Role.PATIENT, patient=factories.patient(db, world.practice), verified=False
    )
    assert_refused(client.post("/verify-email/resend", data={"email": unverified.email}))
    assert mailbox.messages == []


def test_two_factor_setup_without_token_does_not_turn_it_on(db, world, signed_in):
    client = signed_in(world.patient_user)
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'class="myhealth-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post("/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert_refused(response)
    db.refresh(world.patient_user)
    assert world.patient_user.totp_enabled_at is None


def test_regenerating_recovery_codes_without_token_changes_nothing(db, world, signed_in):
    client = signed_in(world.clinician)
    assert_refused(client.post("/account/two-factor/recovery-codes"))
    codes = select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == world.clinician.id)
    assert db.scalar(codes) == 0


def test_turning_two_factor_off_without_token_leaves_it_on(db, world, signed_in):
    user = factories.user(
        db, Role.PATIENT, patient=factories.patient(db, world.practice), two_factor=True
    )
    client = signed_in(user)
    assert_refused(client.post("/account/two-factor/turn-off"))
    db.refresh(user)
    assert user.totp_enabled_at is not None
    assert user.totp_secret


def test_customising_the_homepage_without_token_changes_nothing(db, world, signed_in):
    client = signed_in(world.patient_user)
    assert_refused(client.post("/home/customise", data={}))
    assert db.get(HomeLayout, world.patient_user.id) is None
    assert "account-security" in client.get("/home/customise").get_data(as_text=True)


def test_moving_a_widget_without_token_changes_nothing(db, world, signed_in):
    client = signed_in(world.patient_user)
    data = {"widget": "account-security", "direction": "up"}
    assert_refused(client.post("/home/customise/move", data=data))
    assert db.get(HomeLayout, world.patient_user.id) is None


def test_uploading_records_without_token_stores_nothing(db, world, signed_in):
    client = signed_in(world.clinician)
    fhir_id = f"csrf-{uuid.uuid4()}"
    document = {
        "resourceType": "Patient",
        "id": fhir_id,
        "name": [{"family": "Unwanted", "given": ["Upload"]}],
        "gender": "female",
        "birthDate": "1970-04-01",
    }
    upload = (io.BytesIO(json.dumps(document).encode()), "record.json")
    assert_refused(client.post("/records/upload", data={"document": upload}))
    stored = select(ClinicalResource).where(ClinicalResource.fhir_id == fhir_id)
    assert db.scalar(stored) is None
    assert db.scalar(select(Patient).where(Patient.family_name == "Unwanted")) is None


def test_starting_a_self_assessment_without_token_prefills_nothing(db, world, signed_in):
    client = signed_in(world.patient_user)
    assert_refused(client.post("/self-assessment/phq9"))
    with client.session_transaction() as session:
        assert "selfcare_draft" not in session


def _phq9_started(client):
    token = csrf_token(client, "/self-assessment/phq9")
    client.post("/self-assessment/phq9", data={"csrf_token": token})
    return token


def test_answering_a_question_without_token_stores_no_answer(db, world, signed_in):
    client = signed_in(world.patient_user)
    _phq9_started(client)
    assert_refused(client.post("/self-assessment/phq9/questions/items-1", data={"answer": "2"}))
    assert "items" not in draft_state(client)["answers"]


def test_submitting_answers_without_token_saves_no_assessment(db, world, signed_in):
    client = signed_in(world.patient_user)
    token = _phq9_started(client)
    for n in range(1, 10):
        url = f"/self-assessment/phq9/questions/items-{n}"
        client.post(url, data={"csrf_token": token, "answer": "3"})
    assert_refused(client.post("/self-assessment/phq9/check"))
    assert db.scalar(select(func.count(Assessment.id))) == 0


def test_continuing_past_crisis_support_without_token_does_not_mark_it_seen(db, world, signed_in):
    client = signed_in(world.patient_user)
    token = _phq9_started(client)
    for n, value in enumerate([0, 0, 0, 0, 0, 0, 0, 0, 1], start=1):
        url = f"/self-assessment/phq9/questions/items-{n}"
        client.post(url, data={"csrf_token": token, "answer": str(value)})
    support = "/self-assessment/phq9/support/suicidal_thoughts"
    assert_refused(client.post(support))
    assert draft_state(client)["support_seen"] == []
    assert client.get("/self-assessment/phq9/check").headers["Location"].endswith(support)


def test_claiming_a_review_without_token_leaves_it_open(db, world, signed_in):
    item = factories.assessment(db, world.patient_user).review_item
    client = signed_in(world.clinician)
    assert_refused(client.post(f"/clinician/reviews/{item.id}/claim"))
    db.expire_all()
    assert str(db.get(ReviewItem, item.id).status) == "open"


def test_closing_a_review_without_token_leaves_it_claimed(db, world, signed_in):
    from myhealth.clinician.services import claim

    item = factories.assessment(db, world.patient_user).review_item
    claim(db, world.clinician, item.id)
    db.commit()
    client = signed_in(world.clinician)
    data = {"outcome": "no_action", "note": "forged"}
    assert_refused(client.post(f"/clinician/reviews/{item.id}/close", data=data))
    db.expire_all()
    assert str(db.get(ReviewItem, item.id).status) == "claimed"


def test_releasing_a_review_without_token_keeps_the_claim(db, world, signed_in):
    from myhealth.clinician.services import claim

    item = factories.assessment(db, world.patient_user).review_item
    claim(db, world.clinician, item.id)
    db.commit()
    client = signed_in(world.clinician)
    assert_refused(client.post(f"/clinician/reviews/{item.id}/release"))
    db.expire_all()
    assert db.get(ReviewItem, item.id).claimed_by_user_id == world.clinician.id


def test_confirming_an_identity_without_token_leaves_the_account_waiting(db, world, signed_in):
    waiting = factories.user(
        db, Role.PATIENT, patient=factories.patient(db, world.practice, family_name="Waiting")
    )
    waiting.identity_pending_since = utcnow()
    db.commit()
    client = signed_in(world.clinician)
    assert_refused(client.post(f"/clinician/identity-checks/{waiting.id}", data={"confirm": "y"}))
    db.expire_all()
    assert db.get(User, waiting.id).identity_pending_since is not None


def test_trying_a_message_again_without_token_leaves_it_dead(db, world, signed_in, mailbox):
    from myhealth.messaging.models import Channel, OutboxMessage, OutboxStatus

    dead = OutboxMessage(
        channel=Channel.EMAIL,
        recipient=world.patient_user.email,
        template="review_replied",
        context={"name": "Sam", "link": "https://localhost/"},
        language="en",
        status=OutboxStatus.DEAD,
        attempts=8,
        idempotency_key=f"csrf-test-{uuid.uuid4()}",
        next_attempt_at=utcnow(),
    )
    db.add(dead)
    db.commit()
    client = signed_in(world.admin)
    assert_refused(client.post(f"/admin/messages/{dead.id}/retry"))
    db.refresh(dead)
    assert (dead.status, dead.attempts) == (OutboxStatus.DEAD, 8)
    assert mailbox.messages == []


def test_switching_language_by_post_without_token_saves_nothing(db, world, signed_in):
    client = signed_in(world.patient_user)
    response = client.post("/language/cy", data={"next": "/home"})
    assert_refused(response)
    assert "myhealth_lang" not in response.headers.get("Set-Cookie", "")
    db.refresh(world.patient_user)
    assert world.patient_user.language is None
    assert '<html lang="en"' in client.get("/home").get_data(as_text=True)


NOTHING_CHANGES = {
    # With a provider configured (this suite's app has none): tests/accounts/test_oidc.py.
    "accounts.oidc_link": test_oidc.test_linking_starts_only_from_the_form_with_its_csrf_token,
    "accounts.oidc_unlink": test_oidc.test_unlinking_without_the_csrf_token_leaves_the_link,
    "home.save_language": test_switching_language_by_post_without_token_saves_nothing,
    "messaging.retry": test_trying_a_message_again_without_token_leaves_it_dead,
    "clinician.release": test_releasing_a_review_without_token_keeps_the_claim,
    "selfcare.begin": test_starting_a_self_assessment_without_token_prefills_nothing,
    "selfcare.question": test_answering_a_question_without_token_stores_no_answer,
    "selfcare.check": test_submitting_answers_without_token_saves_no_assessment,
    "selfcare.support": test_continuing_past_crisis_support_without_token_does_not_mark_it_seen,
    "clinician.claim": test_claiming_a_review_without_token_leaves_it_open,
    "clinician.close": test_closing_a_review_without_token_leaves_it_claimed,
    "accounts.sign_out": test_sign_out_without_token_leaves_you_signed_in,
    "accounts.sign_out_everywhere": (
        test_sign_out_everywhere_without_token_leaves_the_devices_signed_in
    ),
    "accounts.sign_out_device": test_signing_out_a_device_without_token_leaves_it_signed_in,
    "accounts.sign_up": test_sign_up_without_token_creates_no_account,
    "accounts.sign_in": test_sign_in_without_token_does_not_sign_in,
    "accounts.security_code": test_security_code_without_token_does_not_finish_signing_in,
    "accounts.resend_verification": test_resend_verification_without_token_sends_nothing,
    "accounts.two_factor_setup": test_two_factor_setup_without_token_does_not_turn_it_on,
    "accounts.regenerate_recovery_codes": (
        test_regenerating_recovery_codes_without_token_changes_nothing
    ),
    "accounts.two_factor_disable": test_turning_two_factor_off_without_token_leaves_it_on,
    "home.customise": test_customising_the_homepage_without_token_changes_nothing,
    "home.move_widget": test_moving_a_widget_without_token_changes_nothing,
    "records.upload": test_uploading_records_without_token_stores_nothing,
    "clinician.confirm_identity": (
        test_confirming_an_identity_without_token_leaves_the_account_waiting
    ),
}


def test_every_post_route_has_a_nothing_changes_test(app):
    assert set(NOTHING_CHANGES) == post_endpoints(app), (
        "each POST route needs a test above showing that without a token nothing changes"
    )
