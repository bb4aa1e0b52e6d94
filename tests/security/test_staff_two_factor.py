"""Staff must turn on two-factor authentication before they see any patient data."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import func, select

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import Role
from myhealth.database import utcnow
from tests import factories

SETUP = "/account/two-factor"


@pytest.fixture
def newcomer(db, world):
    """A clinician of the patient's practice who has not set up two-factor yet."""
    return factories.user(db, Role.CLINICIAN, org=world.practice, two_factor=False)


def patient_reads(db, patient) -> int:
    db.expire_all()
    return db.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.patient_id == patient.id, AuditEvent.action == "patient.read"
        )
    )


def test_workspace_sends_them_to_set_up_two_factor(newcomer, signed_in):
    response = signed_in(newcomer).get("/clinician/")
    assert response.status_code == 302
    assert response.headers["Location"] == SETUP


def test_they_cannot_read_a_patient_of_their_own_practice(db, world, newcomer, signed_in):
    client = signed_in(newcomer)
    for path in (f"/clinician/patients/{world.patient.id}", "/your-record/who-has-viewed"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == SETUP, path
    followed = client.get(f"/clinician/patients/{world.patient.id}", follow_redirects=True)
    html = followed.get_data(as_text=True)
    assert "Set up two-factor authentication" in html
    assert world.patient.family_name not in html
    assert world.patient.formatted_nhs_number not in html
    assert patient_reads(db, world.patient) == 0


def test_an_admin_without_two_factor_cannot_list_staff(db, world, signed_in):
    admin = factories.user(db, Role.ADMIN, org=world.practice, two_factor=False)
    response = signed_in(admin).get("/admin/staff")
    assert response.status_code == 302
    assert response.headers["Location"] == SETUP


def test_they_keep_their_account_pages_meanwhile(newcomer, signed_in):
    client = signed_in(newcomer)
    assert client.get("/account").status_code == 200
    assert client.get(SETUP).status_code == 200
    assert client.get("/account/devices").status_code == 200


def test_pages_they_would_never_have_stay_forbidden(newcomer, signed_in):
    # Two-factor would not grant these, so there is nothing to set up for: plain 403.
    client = signed_in(newcomer)
    assert client.get("/admin/staff").status_code == 403
    assert client.get("/home").status_code == 403


def test_once_two_factor_is_on_the_same_clinician_sees_the_patient(db, world, newcomer, signed_in):
    client = signed_in(newcomer)
    assert client.get(f"/clinician/patients/{world.patient.id}").status_code == 302
    newcomer.totp_secret = pyotp.random_base32()
    newcomer.totp_enabled_at = utcnow()
    db.commit()
    page = client.get(f"/clinician/patients/{world.patient.id}")
    assert page.status_code == 200
    assert world.patient.formatted_nhs_number in page.get_data(as_text=True)
    assert patient_reads(db, world.patient) == 1
