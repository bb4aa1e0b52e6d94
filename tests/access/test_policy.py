"""The one policy, rule by rule, for the cases the route matrix cannot reach."""

from __future__ import annotations

import uuid

import pytest
from flask_login import AnonymousUserMixin

from myhealth.access import policy
from myhealth.access.services import (
    IdentityNotConfirmed,
    get_patient_for,
    get_record_for,
    record_event,
    record_reads_for,
    verify_chain,
)
from myhealth.database import utcnow
from myhealth.errors import NotFound


def test_nobody_signed_in_has_no_permissions():
    assert policy.permissions_for(None) == frozenset()
    assert policy.permissions_for(AnonymousUserMixin()) == frozenset()
    assert not policy.has_permission(AnonymousUserMixin(), "record:patient:read")


def test_patient_data_needs_the_permission_and_the_relationship(world):
    assert policy.may_access_patient(world.patient_user, world.patient, "record:patient:read")
    # A permission the role does not have is refused before any relationship is looked at.
    assert not policy.may_access_patient(world.patient_user, world.patient, "record:import:create")
    # Administrators may import records but never read a patient's data, even their own
    # practice's.
    assert policy.has_permission(world.admin, "record:import:create")
    assert not policy.may_access_patient(world.admin, world.patient, "record:import:create")
    assert not policy.may_access_patient(
        world.other_clinician, world.patient, "record:patient:read"
    )


@pytest.mark.parametrize("bad", ["record::read", ":patient:read", "record:patient:"])
def test_a_permission_must_name_scope_resource_and_action(bad):
    with pytest.raises(ValueError, match="scope:resource:action"):
        policy.requires(bad)


def test_who_has_viewed_is_not_found_for_anyone_else(db, world):
    with pytest.raises(NotFound):
        record_reads_for(db, world.other_patient_user, world.patient.id)
    with pytest.raises(NotFound):
        record_reads_for(db, world.patient_user, uuid.uuid4())


def test_verifying_a_long_trail_reports_progress_every_thousand_entries(db):
    for number in range(1000):
        record_event(db, "test.progress", detail=str(number))
    db.flush()
    seen = []
    report = verify_chain(db, progress=lambda checked, total: seen.append((checked, total)))
    assert report.ok
    assert seen and seen[0][0] == 1000 and seen[0][1] == report.checked


def test_an_account_waiting_for_an_identity_check_sees_no_clinical_record(db, world):
    world.patient_user.identity_pending_since = utcnow()
    db.flush()
    assert not policy.identity_confirmed(world.patient_user)
    with pytest.raises(IdentityNotConfirmed) as withheld:
        get_record_for(db, world.patient_user, world.patient.id, purpose="record")
    assert withheld.value.patient == world.patient
    # Their own details (the homepage) are still theirs; anyone else's record is not found.
    assert get_patient_for(db, world.patient_user, world.patient.id, purpose="homepage")
    with pytest.raises(NotFound):
        get_record_for(db, world.patient_user, world.other_patient.id, purpose="record")
    # Staff are never waiting; nor is anyone not signed in, who has no access anyway.
    assert get_record_for(db, world.clinician, world.patient.id, purpose="direct care")
    assert policy.identity_confirmed(world.clinician)
    assert policy.identity_confirmed(None) and policy.identity_confirmed(AnonymousUserMixin())


def test_clinicians_alone_check_identities():
    from myhealth.accounts.models import Role

    for permission in ("clinician:identity:read", "clinician:identity:update"):
        assert permission in policy.ROLE_PERMISSIONS[Role.CLINICIAN]
        assert permission not in policy.ROLE_PERMISSIONS[Role.PATIENT]
        assert permission not in policy.ROLE_PERMISSIONS[Role.ADMIN]
