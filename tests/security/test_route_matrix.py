"""Every route, every method, every role: what each person gets.

EXPECTED is the reviewed rule for each (endpoint, method). A route added without a row here,
or a row left behind by a removed route, fails the suite, so access is decided on purpose.

Roles: anonymous; patient (the owner of the patient and the device in the URL); other_patient
(a patient who does not own them); clinician (the patient's practice); other_clinician
(another practice); admin (staff administrator of the patient's practice).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.security.conftest import ROLES, csrf_token, routes, sample_url


@dataclass(frozen=True)
class Redirect:
    path: str
    # The access guard's redirect: to sign in, then back to the page asked for.
    back_here: bool = False


SIGN_IN = Redirect("/sign-in", back_here=True)  # anonymous on a protected route
STATIC = frozenset({200, 404})  # built assets may be absent in a fresh checkout


def row(anonymous, patient, other_patient, clinician, other_clinician, admin):
    values = (anonymous, patient, other_patient, clinician, other_clinician, admin)
    return dict(zip(ROLES, values, strict=True))


def everyone(expected):
    return row(*[expected] * len(ROLES))


HOME = {
    "patient": Redirect("/home"),
    "clinician": Redirect("/clinician/"),
    "admin": Redirect("/admin/staff"),
}
TO_HOME = row(
    200, HOME["patient"], HOME["patient"], HOME["clinician"], HOME["clinician"], HOME["admin"]
)
TO_SIGN_IN = Redirect("/sign-in")  # signed out, or a step that needs signing in again
TO_ACCOUNT = Redirect("/account")
TO_2FA_SETUP = Redirect("/account/two-factor")
TO_CUSTOMISE = Redirect("/home/customise")
TO_PHQ9 = Redirect("/self-assessment/phq9")
CLAIMED = frozenset({302})  # back to the item's own page

# Each row: row(anonymous, patient, other_patient, clinician, other_clinician, admin).
EXPECTED: dict[tuple[str, str], dict[str, object]] = {
    ("static", "GET"): everyone(STATIC),
    ("home.index", "GET"): TO_HOME,
    ("home.healthz", "GET"): everyone(200),
    ("home.set_language", "GET"): everyone(Redirect("/")),
    # The signed-in person's switch (it saves their choice); open to all, so a visitor whose
    # session ended with the page open still gets the language. No next here: to "/".
    ("home.save_language", "POST"): everyone(Redirect("/")),
    ("home.accessibility", "GET"): everyone(200),
    ("home.privacy", "GET"): everyone(200),
    ("home.dashboard", "GET"): row(SIGN_IN, 200, 200, 403, 403, 403),
    ("home.customise", "GET"): row(SIGN_IN, 200, 200, 403, 403, 403),
    ("home.customise", "POST"): row(SIGN_IN, TO_CUSTOMISE, TO_CUSTOMISE, 403, 403, 403),
    ("home.move_widget", "POST"): row(SIGN_IN, TO_CUSTOMISE, TO_CUSTOMISE, 403, 403, 403),
    ("accounts.sign_up", "GET"): everyone(200),
    ("accounts.sign_up", "POST"): everyone(200),  # empty form: shown again with errors
    ("accounts.check_email", "GET"): everyone(200),
    ("accounts.verify_email", "GET"): everyone(400),  # the token is not valid
    ("accounts.resend_verification", "GET"): everyone(200),
    ("accounts.resend_verification", "POST"): everyone(200),
    ("accounts.sign_in", "GET"): TO_HOME,
    ("accounts.sign_in", "POST"): TO_HOME,
    ("accounts.security_code", "GET"): everyone(TO_SIGN_IN),  # no password step pending
    ("accounts.security_code", "POST"): everyone(TO_SIGN_IN),
    ("accounts.sign_out", "POST"): row(SIGN_IN, *[TO_SIGN_IN] * 5),
    # Sign-in with NHS login: this app has no provider configured, so each route is not
    # found (after the guard: signing in comes first). tests/accounts/test_oidc.py has the
    # same routes, role by role, with a provider.
    ("accounts.oidc_start", "GET"): everyone(404),
    ("accounts.oidc_callback", "GET"): everyone(404),
    ("accounts.oidc_link", "POST"): row(SIGN_IN, *[404] * 5),
    ("accounts.oidc_unlink", "GET"): row(SIGN_IN, *[404] * 5),
    ("accounts.oidc_unlink", "POST"): row(SIGN_IN, *[404] * 5),
    ("accounts.account", "GET"): row(SIGN_IN, 200, 200, 200, 200, 200),
    # Patients have 2FA off (set it up); staff have it on already (back to the account).
    ("accounts.two_factor_setup", "GET"): row(
        SIGN_IN, 200, 200, TO_ACCOUNT, TO_ACCOUNT, TO_ACCOUNT
    ),
    ("accounts.two_factor_setup", "POST"): row(
        SIGN_IN, 200, 200, TO_ACCOUNT, TO_ACCOUNT, TO_ACCOUNT
    ),
    # Both ask for the password and a security code again: with 2FA on (staff), the form.
    ("accounts.regenerate_recovery_codes", "GET"): row(
        SIGN_IN, TO_2FA_SETUP, TO_2FA_SETUP, 200, 200, 200
    ),
    ("accounts.regenerate_recovery_codes", "POST"): row(
        SIGN_IN, TO_2FA_SETUP, TO_2FA_SETUP, 200, 200, 200
    ),
    # Patients here have it off already; staff are refused with a message on their account page.
    ("accounts.two_factor_disable", "GET"): row(SIGN_IN, *[TO_ACCOUNT] * 5),
    ("accounts.two_factor_disable", "POST"): row(SIGN_IN, *[TO_ACCOUNT] * 5),
    ("accounts.devices", "GET"): row(SIGN_IN, 200, 200, 200, 200, 200),
    # Own device: signed out. Someone else's device: not found, like a made-up id.
    ("accounts.sign_out_device", "POST"): row(
        SIGN_IN, TO_SIGN_IN, 404, TO_SIGN_IN, TO_SIGN_IN, TO_SIGN_IN
    ),
    ("accounts.sign_out_everywhere", "POST"): row(SIGN_IN, *[TO_SIGN_IN] * 5),
    ("accounts.staff", "GET"): row(SIGN_IN, 403, 403, 403, 403, 200),
    # The outbox's undelivered messages: administrators only. The sample message id is made
    # up, so the administrator's retry answers 404 (tests/messaging tries a real one).
    ("messaging.unsent", "GET"): row(SIGN_IN, 403, 403, 403, 403, 200),
    ("messaging.retry", "POST"): row(SIGN_IN, 403, 403, 403, 403, 404),
    # Clinicians have no record of their own to show.
    ("access.record_access", "GET"): row(SIGN_IN, 200, 200, 404, 404, 403),
    ("clinician.workspace", "GET"): row(SIGN_IN, 403, 403, 200, 200, 403),
    # Another practice's patient answers 404, exactly like an id that does not exist.
    ("clinician.patient", "GET"): row(SIGN_IN, 403, 403, 200, 404, 403),
    # The health record: its owner and their practice's clinicians; nobody else.
    ("records.summary", "GET"): row(SIGN_IN, 200, 404, 200, 404, 403),
    ("records.print_summary", "GET"): row(SIGN_IN, 200, 404, 200, 404, 403),
    ("records.download", "GET"): row(SIGN_IN, 200, 404, 200, 404, 403),
    ("records.result_trend", "GET"): row(SIGN_IN, 200, 404, 200, 404, 403),
    ("records.section", "GET"): row(SIGN_IN, 200, 404, 200, 404, 403),
    ("records.upload", "GET"): row(SIGN_IN, 403, 403, 200, 200, 200),
    ("records.upload", "POST"): row(SIGN_IN, 403, 403, 200, 200, 200),  # no file: errors
    # Self-assessment is open to everyone; nothing is started in these fresh sessions, so the
    # pages of a flow send people to its start page.
    # A made-up person's record to explore: nobody's data.
    ("records.example", "GET"): everyone(200),
    ("selfcare.index", "GET"): everyone(200),
    ("selfcare.start", "GET"): everyone(200),
    ("selfcare.begin", "POST"): everyone(Redirect("/self-assessment/phq9/questions/items-1")),
    ("selfcare.question", "GET"): everyone(TO_PHQ9),
    ("selfcare.question", "POST"): everyone(TO_PHQ9),
    ("selfcare.check", "GET"): everyone(TO_PHQ9),
    ("selfcare.check", "POST"): everyone(TO_PHQ9),
    ("selfcare.outcome", "GET"): everyone(TO_PHQ9),
    # Nobody has started, so there is no support to show: back to the tool's start.
    ("selfcare.support", "GET"): everyone(TO_PHQ9),
    ("selfcare.support", "POST"): everyone(TO_PHQ9),
    # Saved assessments: only their owner. Clinicians see them through the review queue.
    ("selfcare.history", "GET"): row(SIGN_IN, 200, 200, 403, 403, 403),
    ("selfcare.result", "GET"): row(SIGN_IN, 200, 404, 403, 403, 403),
    ("clinician.reviews", "GET"): row(SIGN_IN, 403, 403, 200, 200, 403),
    ("clinician.review", "GET"): row(SIGN_IN, 403, 403, 200, 404, 403),
    ("clinician.claim", "POST"): row(SIGN_IN, 403, 403, CLAIMED, 404, 403),
    # Not claimed by anyone: nothing to release; back to the item with a message.
    ("clinician.release", "POST"): row(SIGN_IN, 403, 403, CLAIMED, 404, 403),
    # The item is not claimed yet, so closing shows the page again with the form's errors.
    ("clinician.close", "POST"): row(SIGN_IN, 403, 403, 400, 404, 403),
    # Identity checks: the account in the URL is the patient's, confirmed already, so their
    # practice sees it (and a confirmation goes back to the list); another practice, 404.
    ("clinician.identity_checks", "GET"): row(SIGN_IN, 403, 403, 200, 200, 403),
    ("clinician.identity_check", "GET"): row(SIGN_IN, 403, 403, 200, 404, 403),
    ("clinician.confirm_identity", "POST"): row(
        SIGN_IN, 403, 403, Redirect("/clinician/identity-checks"), 404, 403
    ),
}

# Whose personal details each role may ever see in a response.
MAY_SEE = {
    "patient": {"patient", "clinician"},
    "other_patient": {"other_patient", "other_clinician"},
}

CASES = [(endpoint, method, role) for (endpoint, method) in sorted(EXPECTED) for role in ROLES]


def test_every_route_has_a_row_in_the_matrix(app):
    missing = sorted(routes(app) - set(EXPECTED))
    assert not missing, f"routes with no access expectation (add them to EXPECTED): {missing}"


def test_the_matrix_lists_no_route_that_is_gone(app):
    stale = sorted(set(EXPECTED) - routes(app))
    assert not stale, f"EXPECTED lists routes the app no longer has: {stale}"


def test_every_row_names_every_role():
    incomplete = {key: sorted(set(ROLES) - set(by_role)) for key, by_role in EXPECTED.items()}
    assert not {key: roles for key, roles in incomplete.items() if roles}


def identifying_details(patient) -> list[str]:
    return [patient.nhs_number, patient.formatted_nhs_number, patient.family_name]


@pytest.mark.usefixtures("record_with_result")
@pytest.mark.parametrize(
    ("endpoint", "method", "role"), CASES, ids=[f"{e}-{m}-{r}" for e, m, r in CASES]
)
def test_route_answers_each_role_as_the_matrix_says(
    app, world, signed_in, client_for, flagged_assessment, endpoint, method, role
):
    client = client_for(role)
    if role in ("anonymous", "other_patient"):
        # A device that belongs to the patient, not to whoever is asking.
        device_id = signed_in(world.patient_user).device_id
    else:
        device_id = client.device_id
    url = sample_url(
        app,
        endpoint,
        method,
        patient_id=world.patient.id,
        device_id=device_id,
        assessment_id=flagged_assessment.id,
        item_id=flagged_assessment.review_item.id,
        user_id=world.patient_user.id,
    )

    # POSTs carry a valid CSRF token: this matrix is about roles (CSRF has its own tests).
    data = {"csrf_token": csrf_token(client)} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    body = response.get_data(as_text=True)
    response.close()

    assert response.status_code != 500, f"{method} {url} as {role} crashed"
    expected = EXPECTED[(endpoint, method)][role]
    got = response.status_code
    where = f"{method} {url} as {role}"
    if isinstance(expected, frozenset):
        assert got in expected, f"{where}: {got}, expected one of {sorted(expected)}"
    elif isinstance(expected, Redirect):
        location = response.headers.get("Location", "")
        assert got == 302, f"{where}: {got}, expected a redirect to {expected.path}"
        target = urlsplit(location)
        assert target.netloc in ("", "localhost"), f"{where}: redirected off-site: {location}"
        assert target.path == expected.path, f"{where}: redirected to {location}"
        if expected.back_here:
            assert parse_qs(target.query).get("next") == [url], f"{where}: {location}"
    else:
        assert got == expected, f"{where}: {got}, expected {expected}"

    for owner, viewers in MAY_SEE.items():
        if role in viewers:
            continue
        for detail in identifying_details(getattr(world, owner)):
            assert detail not in body, f"{where}: response shows {owner}'s {detail!r}"


def test_an_endpoint_that_declares_no_rule_is_refused_to_everyone(extra_app, db, world):
    """Deny by default: a view that forgot @public/@requires is never served."""
    app = extra_app()

    @app.get("/forgot-to-declare")
    def forgot_to_declare():
        return "patient list"

    from tests.conftest import sign_in_as

    for client in (app.test_client(), sign_in_as(app, db, world.admin)):
        response = client.get("/forgot-to-declare")
        assert response.status_code == 403
        assert "patient list" not in response.get_data(as_text=True)
