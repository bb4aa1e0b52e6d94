"""Insecure direct object references: ids in URLs never reach someone else's data, and
another person's object answers exactly like one that does not exist."""

from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from sqlalchemy import select

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import UserSession
from myhealth.people.models import Patient
from myhealth.records.models import ClinicalResource
from tests import factories
from tests.security.conftest import csrf_token

# What may differ between the two answers, by design, and tells nothing about the object:
# the CSP nonce and CSRF token (new for every response or session) and the id that was
# asked for (echoed in the language switch, a link or a form's next, back to the same page).
PER_RESPONSE = [
    (re.compile(r'nonce="[^"]+"'), 'nonce="N"'),
    (re.compile(r'name="csrf_token" value="[^"]+"'), 'name="csrf_token" value="T"'),
]


def comparable(response, asked) -> tuple[int, str, dict]:
    body = response.get_data(as_text=True)
    assert len(body) > 500, "expected a full page"
    echoed = re.compile(
        r'((?:href="/language/[^"]*next=|name="next" value=")[^"]*)' + re.escape(str(asked))
    )
    body = echoed.sub(r"\1ASKED", body)
    for pattern, replacement in PER_RESPONSE:
        body = pattern.sub(replacement, body)
    # Content-Length follows the body, compared above once the per-response values are masked.
    ignored = {"Content-Security-Policy", "Content-Length"}
    headers = {k: v for k, v in response.headers.items() if k not in ignored}
    csp = re.sub(r"'nonce-[^']+'", "'nonce-N'", response.headers["Content-Security-Policy"])
    return response.status_code, body, headers | {"csp": csp}


def reads_of(db, patient) -> int:
    db.expire_all()
    events = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == patient.id, AuditEvent.action == "patient.read"
        )
    )
    return len(events.all())


def test_another_practices_patient_answers_exactly_like_a_missing_one(db, world, signed_in):
    other_clinician = signed_in(world.other_clinician)
    other_clinician.get("/clinician/")  # the session's CSRF token is set from here on
    made_up = uuid.uuid4()
    theirs = other_clinician.get(f"/clinician/patients/{world.patient.id}")
    missing = other_clinician.get(f"/clinician/patients/{made_up}")

    assert theirs.status_code == missing.status_code == 404
    assert comparable(theirs, world.patient.id) == comparable(missing, made_up)
    body = theirs.get_data(as_text=True)
    assert "Page not found" in body
    for detail in (world.patient.family_name, world.patient.nhs_number):
        assert detail not in body
    # The refused look-up was not a read of the record, but it is in the trail as refused.
    assert reads_of(db, world.patient) == 0
    refused = db.scalars(
        select(AuditEvent.actor_user_id).where(
            AuditEvent.patient_id == world.patient.id, AuditEvent.action == "patient.read.denied"
        )
    ).all()
    assert refused == [world.other_clinician.id]


def test_unregistered_patient_is_not_visible_to_any_practice(db, world, signed_in):
    unregistered = factories.patient(db, None, family_name="Nowhere")
    clinician = signed_in(world.clinician)
    clinician.get("/clinician/")
    made_up = uuid.uuid4()
    refused = clinician.get(f"/clinician/patients/{unregistered.id}")
    missing = clinician.get(f"/clinician/patients/{made_up}")
    assert refused.status_code == 404
    assert comparable(refused, unregistered.id) == comparable(missing, made_up)


RECORD_PAGES = ["/record/{}", "/record/{}/print", "/record/{}/results", "/record/{}/download"]


@pytest.mark.parametrize("who", ["other_patient_user", "other_clinician"])
@pytest.mark.parametrize("page", RECORD_PAGES)
def test_another_persons_health_record_answers_like_a_missing_one(db, world, signed_in, who, page):
    client = signed_in(getattr(world, who))
    client.get("/account")
    made_up = uuid.uuid4()
    theirs = client.get(page.format(world.patient.id))
    missing = client.get(page.format(made_up))
    assert theirs.status_code == missing.status_code == 404
    assert comparable(theirs, world.patient.id) == comparable(missing, made_up)
    assert world.patient.family_name not in theirs.get_data(as_text=True)
    assert reads_of(db, world.patient) == 0


def test_own_practice_patient_is_shown_so_the_404s_above_mean_something(db, world, signed_in):
    page = signed_in(world.clinician).get(f"/clinician/patients/{world.patient.id}")
    assert page.status_code == 200
    assert world.patient.formatted_nhs_number in page.get_data(as_text=True)


def test_a_workspace_search_never_finds_another_practices_patient(world, signed_in):
    # The search box echoes the query, so look for the result itself: the patient's link
    # and their NHS number as a result shows it.
    def results(client, query, patient):
        html = client.get("/clinician/", query_string={"q": query}).get_data(as_text=True)
        return f"/clinician/patients/{patient.id}" in html, patient.formatted_nhs_number in html

    other_clinician = signed_in(world.other_clinician)
    for query in (world.patient.family_name, world.patient.given_name, world.patient.nhs_number):
        assert results(other_clinician, query, world.patient) == (False, False), query
    # Their own practice's patient is found the same way, and so is ours by our clinician.
    assert results(other_clinician, world.other_patient.nhs_number, world.other_patient) == (
        True,
        True,
    )
    assert results(signed_in(world.clinician), "Patel", world.patient) == (True, True)


def test_patients_cannot_reach_the_clinician_workspace(world, signed_in):
    patient = signed_in(world.patient_user)
    ids = [world.patient.id, world.other_patient.id, uuid.uuid4()]
    pages = ["/clinician/"] + [f"/clinician/patients/{i}" for i in ids]
    responses = [patient.get(path) for path in pages]
    for path, response in zip(pages, responses, strict=True):
        assert response.status_code == 403, path
        body = response.get_data(as_text=True)
        assert "You do not have access to this page" in body
        assert world.other_patient.family_name not in body
        assert world.other_patient.nhs_number not in body
    # The refusal is the same whatever the id, so it tells nothing about who exists.
    answers = {comparable(r, i)[1] for r, i in zip(responses[1:], ids, strict=True)}
    assert len(answers) == 1


def test_a_patient_sees_only_their_own_record_pages(world, signed_in):
    patient = signed_in(world.patient_user)
    for path in ("/home", "/your-record/who-has-viewed", "/account"):
        html = patient.get(path).get_data(as_text=True)
        assert world.other_patient.family_name not in html, path
        assert world.other_patient.nhs_number not in html, path


def test_signing_out_another_persons_device_is_not_found_and_ends_nothing(db, world, signed_in):
    victim = signed_in(world.other_patient_user)
    attacker = signed_in(world.patient_user)
    token = csrf_token(attacker, "/account/devices")

    made_up = uuid.uuid4()
    theirs = attacker.post(
        f"/account/devices/{victim.device_id}/sign-out", data={"csrf_token": token}
    )
    missing = attacker.post(f"/account/devices/{made_up}/sign-out", data={"csrf_token": token})

    assert theirs.status_code == missing.status_code == 404
    assert comparable(theirs, victim.device_id) == comparable(missing, made_up)
    db.expire_all()
    assert db.get(UserSession, victim.device_id).ended_at is None
    assert victim.get("/home").status_code == 200
    # The attacker's own session is untouched too.
    assert attacker.get("/home").status_code == 200


def test_the_devices_page_lists_only_your_own_devices(db, world, signed_in):
    victim = signed_in(world.other_patient_user)
    signed_in(world.patient_user)  # a second device of the patient's own
    html = signed_in(world.patient_user).get("/account/devices").get_data(as_text=True)
    listed = set(re.findall(r"/account/devices/([0-9a-f-]{36})/sign-out", html))
    own = db.scalars(select(UserSession.id).where(UserSession.user_id == world.patient_user.id))
    assert listed == {str(device_id) for device_id in own}
    assert len(listed) == 2
    assert str(victim.device_id) not in html


# --- record upload -------------------------------------------------------------------------


def upload(client, document: dict):
    token = csrf_token(client, "/records/upload")
    data = {
        "csrf_token": token,
        "document": (io.BytesIO(json.dumps(document).encode()), "record.json"),
    }
    return client.post("/records/upload", data=data)


def test_an_upload_cannot_move_another_practices_patient_into_yours(db, world, signed_in):
    attacker = signed_in(world.other_clinician)
    assert attacker.get(f"/clinician/patients/{world.patient.id}").status_code == 404
    upload(
        attacker,
        {
            "resourceType": "Patient",
            "id": f"takeover-{uuid.uuid4()}",
            "identifier": [
                {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": world.patient.nhs_number}
            ],
            "name": [{"family": "Patel", "given": ["Sam"]}],
            "generalPractitioner": [
                {
                    "identifier": {
                        "system": "https://fhir.nhs.uk/Id/ods-organization-code",
                        "value": world.other_practice.ods_code,
                    }
                }
            ],
        },
    )
    db.expire_all()
    assert db.get(Patient, world.patient.id).registered_organisation_id == world.practice.id
    page = attacker.get(f"/clinician/patients/{world.patient.id}")
    assert page.status_code == 404
    assert world.patient.formatted_nhs_number not in page.get_data(as_text=True)


def test_an_upload_cannot_write_into_another_practices_patients_record(db, world, signed_in):
    attacker = signed_in(world.other_clinician)
    fhir_id = f"planted-{uuid.uuid4()}"
    upload(
        attacker,
        {
            "resourceType": "AllergyIntolerance",
            "id": fhir_id,
            "code": {"text": "Planted allergy to penicillin"},
            "patient": {"reference": f"Patient/{world.patient.id}"},
        },
    )
    db.expire_all()
    planted = db.scalar(select(ClinicalResource).where(ClinicalResource.fhir_id == fhir_id))
    assert planted is None or planted.patient_id != world.patient.id
    own_view = signed_in(world.patient_user).get(f"/record/{world.patient.id}/allergies")
    assert "Planted allergy" not in own_view.get_data(as_text=True)
