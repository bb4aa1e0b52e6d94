"""A signed-in session ends after a fixed time however busy it is: 12 hours for patients and
8 for staff by default, set with MYHEALTH_SESSION_LIFETIME_PATIENT_HOURS and _STAFF_HOURS."""

from __future__ import annotations

from datetime import timedelta

from myhealth.accounts.models import UserSession
from myhealth.config import load_config
from myhealth.database import utcnow
from tests.conftest import sign_in_as


def started_ago(db, client, **ago) -> UserSession:
    """Back-date when the device signed in; it was busy a moment ago, so not idle."""
    device = db.get(UserSession, client.device_id)
    device.created_at = utcnow() - timedelta(**ago)
    device.last_seen_at = utcnow() - timedelta(seconds=5)
    db.commit()
    return device


def test_a_patient_is_signed_out_after_twelve_hours_even_when_busy(db, world, signed_in):
    patient = signed_in(world.patient_user)
    device = started_ago(db, patient, hours=11, minutes=50)
    assert patient.get("/home").status_code == 200

    device.created_at = utcnow() - timedelta(hours=12, minutes=1)
    device.last_seen_at = utcnow() - timedelta(seconds=5)
    db.commit()
    response = patient.get("/home")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    page = patient.get(response.headers["Location"]).get_data(as_text=True)
    assert "For your security, we sign you out after 12 hours. Sign in again." in page
    assert "inactive" not in page
    db.refresh(device)
    assert device.ended_at is not None
    assert device.ended_reason == "lifetime"
    # Signed out for good: the same cookie does not come back to life.
    assert patient.get("/home").status_code == 302


def test_staff_are_signed_out_after_eight_hours(db, world, signed_in):
    clinician = signed_in(world.clinician)
    patient = signed_in(world.patient_user)
    started_ago(db, clinician, hours=8, minutes=1)
    started_ago(db, patient, hours=8, minutes=1)
    assert clinician.get("/clinician/").status_code == 302
    assert patient.get("/home").status_code == 200


def test_the_lifetimes_are_settings(extra_app, db, world):
    app = extra_app(SESSION_LIFETIME_PATIENT_HOURS=1, SESSION_LIFETIME_STAFF_HOURS=2)
    patient = sign_in_as(app, db, world.patient_user)
    clinician = sign_in_as(app, db, world.clinician)
    started_ago(db, patient, hours=1, minutes=1)
    started_ago(db, clinician, hours=1, minutes=1)
    assert patient.get("/home").status_code == 302
    assert clinician.get("/clinician/").status_code == 200


def test_the_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("MYHEALTH_SESSION_LIFETIME_PATIENT_HOURS", raising=False)
    monkeypatch.delenv("MYHEALTH_SESSION_LIFETIME_STAFF_HOURS", raising=False)
    defaults = load_config({"ENVIRONMENT": "test", "INSTANCE_DIR": tmp_path})
    assert defaults["SESSION_LIFETIME_PATIENT_HOURS"] == 12
    assert defaults["SESSION_LIFETIME_STAFF_HOURS"] == 8
    monkeypatch.setenv("MYHEALTH_SESSION_LIFETIME_PATIENT_HOURS", "6")
    monkeypatch.setenv("MYHEALTH_SESSION_LIFETIME_STAFF_HOURS", "4")
    config = load_config({"ENVIRONMENT": "test", "INSTANCE_DIR": tmp_path})
    assert (config["SESSION_LIFETIME_PATIENT_HOURS"], config["SESSION_LIFETIME_STAFF_HOURS"]) == (
        6,
        4,
    )
