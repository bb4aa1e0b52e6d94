"""The audit trail: hash-chained, append-only, verified by `myhealth audit verify`."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from myhealth.access.models import AuditEvent
from myhealth.access.services import record_event, verify_chain
from myhealth.cli import main


def test_each_entry_links_to_the_previous_one(db, world):
    first = record_event(
        db,
        "test.first",
        actor=world.clinician,
        patient_id=world.patient.id,
        purpose="direct care",
        client_address="10.0.0.1",
    )
    second = record_event(db, "test.second", actor=world.patient_user)
    assert second.prev_hash == first.hash
    assert first.actor_role == "clinician"
    assert first.actor_organisation_name == world.practice.name
    assert verify_chain(db).ok


def test_database_refuses_to_change_or_delete_entries(db, world):
    record_event(db, "test.entry", actor=world.patient_user)
    db.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("UPDATE audit_event SET purpose = 'changed'"))
    db.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.execute(text("DELETE FROM audit_event"))
    db.rollback()


def _disable_append_only_guard(db):
    """Only a tamperer with DDL rights gets past the trigger; simulate one."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change"))
    else:
        db.execute(text("DROP TRIGGER audit_event_no_update"))


def test_verify_finds_the_first_tampered_entry(app, db, world):
    events = [record_event(db, f"test.{i}", actor=world.patient_user) for i in range(5)]
    db.commit()
    _disable_append_only_guard(db)
    db.execute(
        text("UPDATE audit_event SET purpose = 'covering tracks' WHERE id = :id"),
        {"id": events[2].id},
    )
    report = verify_chain(db)
    assert not report.ok
    assert report.first_broken_id == events[2].id
    assert "content does not match" in report.reason


def test_cli_audit_verify_reports_intact_and_broken_chains(app, db, world):
    record_event(db, "test.cli", actor=world.patient_user)
    db.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "Audit trail intact" in ok.output

    count = db.scalar(select(func.count(AuditEvent.id)))
    _disable_append_only_guard(db)
    last = db.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    db.execute(
        text("UPDATE audit_event SET prev_hash = :h WHERE id = :id"), {"h": "f" * 64, "id": last.id}
    )
    broken = runner.invoke(main, ["audit", "verify"])
    assert broken.exit_code == 1
    assert f"audit trail broken at entry {last.id}" in broken.output
    assert f"({count} entries checked)" in broken.output


def test_sign_in_and_failed_sign_in_are_recorded_with_address(client, db, world):
    from tests.accounts.helpers import post_form

    post_form(
        client,
        "/sign-in",
        {"email": world.patient_user.email, "password": "bad-password-1"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    event = db.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    assert (event.action, event.outcome, event.client_address) == (
        "signin.failed",
        "failure",
        "203.0.113.9",
    )
    assert event.actor_user_id == world.patient_user.id


# --- a read's entry is appended as its unit of work commits ----------------------------------


def _reads(db, patient_id):
    return db.scalars(
        select(AuditEvent)
        .where(AuditEvent.patient_id == patient_id, AuditEvent.action == "patient.read")
        .order_by(AuditEvent.id)
    ).all()


def test_a_read_is_in_the_trail_when_its_unit_of_work_commits(db, world):
    from myhealth.access.services import get_patient_for

    before = db.scalar(select(func.count(AuditEvent.id)))
    get_patient_for(db, world.clinician, world.patient.id, purpose="direct care")
    db.commit()
    assert db.scalar(select(func.count(AuditEvent.id))) == before + 1
    [read] = _reads(db, world.patient.id)
    assert (read.actor_user_id, read.purpose) == (world.clinician.id, "direct care")
    assert verify_chain(db).ok


def test_a_read_whose_unit_of_work_rolls_back_leaves_no_entry(db, world):
    from myhealth.access.services import get_patient_for

    before = db.scalar(select(func.count(AuditEvent.id)))
    get_patient_for(db, world.clinician, world.patient.id, purpose="direct care")
    db.rollback()
    # Nothing waits to be appended by the next unit of work either.
    record_event(db, "test.after", actor=world.patient_user)
    db.commit()
    assert db.scalar(select(func.count(AuditEvent.id))) == before + 1
    assert _reads(db, world.patient.id) == []


def test_whoever_reads_the_trail_sees_the_read_just_made(db, world):
    from myhealth.access.services import get_patient_for, record_reads_for

    get_patient_for(db, world.patient_user, world.patient.id, purpose="homepage")
    # The "who has viewed your record" list, before any commit, includes this very look.
    seen = record_reads_for(db, world.patient_user, world.patient.id)
    assert [(e.actor_user_id, e.purpose) for e in seen] == [(world.patient_user.id, "homepage")]


def test_entries_keep_the_order_they_were_recorded_in(db, world):
    from myhealth.access.services import get_patient_for

    get_patient_for(db, world.clinician, world.patient.id, purpose="direct care")
    record_event(db, "test.write", actor=world.clinician, patient_id=world.patient.id)
    db.commit()
    actions = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.patient_id == world.patient.id)
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["patient.read", "test.write"]
    assert verify_chain(db).ok
