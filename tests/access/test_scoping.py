"""Access that scopes queries (access.scope): a list never shows a patient, or a patient's
data, that opening the entry would refuse; and every list of patients in the app uses it."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from myhealth import access
from myhealth.access import policy
from myhealth.accounts.models import Role
from myhealth.clinician.models import ReviewItem
from myhealth.context import Actor
from myhealth.people.models import Organisation, Patient
from tests import factories
from tests.clinician.test_identity_checks import flagged_account, waiting_account, words

READ = "record:patient:read"


def _ids(db, statement) -> set:
    return set(db.scalars(statement))


def _actors(world, db):
    no_2fa = factories.user(db, Role.CLINICIAN, org=world.practice, two_factor=False)
    return {
        "patient": world.patient_user,
        "other patient": world.other_patient_user,
        "clinician": world.clinician,
        "other clinician": world.other_clinician,
        "admin": world.admin,
        "clinician without two-factor": no_2fa,
        "nobody": None,
        "proxy for the patient": Actor.proxy(world.other_patient_user, {world.patient.id}),
        "client with the scope": Actor.client("app", world.patient.id, {READ}),
        "client without it": Actor.client("app", world.patient.id, {"home:dashboard:read"}),
        "system job": Actor.system("recalls run"),
    }


def test_every_list_agrees_with_the_check_on_each_patient(db, world):
    """For every kind of actor, a patient is in the scoped list exactly when the object-level
    policy would let the actor open their record."""
    patients = db.scalars(select(Patient)).all()
    assert len(patients) >= 2
    for name, actor in _actors(world, db).items():
        listed = _ids(db, access.scope(select(Patient.id), actor, READ))
        allowed = {p.id for p in patients if actor and policy.may_access_patient(actor, p, READ)}
        assert listed == allowed, name


def test_the_rules_by_actor(db, world):
    actors = _actors(world, db)
    everyone = _ids(db, select(Patient.id))
    seen = {name: _ids(db, access.scope(select(Patient.id), a, READ)) for name, a in actors.items()}
    assert seen["patient"] == {world.patient.id}
    assert seen["other patient"] == {world.other_patient.id}
    assert world.patient.id in seen["clinician"] and world.other_patient.id not in seen["clinician"]
    assert world.other_patient.id in seen["other clinician"]
    assert seen["proxy for the patient"] == {world.patient.id}
    assert seen["client with the scope"] == {world.patient.id}
    assert seen["system job"] == everyone
    for nobody in ("admin", "clinician without two-factor", "nobody", "client without it"):
        assert seen[nobody] == set(), nobody


def test_patient_data_is_scoped_through_its_patient_column(db, world):
    """Any model with a patient_id: the clinician's queue holds their practice's items only."""
    for patient_user in (world.patient_user, world.other_patient_user):
        factories.assessment(db, patient_user)
    queued = select(ReviewItem.patient_id)
    assert _ids(db, queued) >= {world.patient.id, world.other_patient.id}
    mine = db.scalars(
        access.scope(select(ReviewItem), world.clinician, "clinician:review:read")
    ).all()
    assert {item.patient_id for item in mine} == {world.patient.id}
    counted = db.scalar(
        access.scope(
            select(func.count(ReviewItem.id)),
            world.clinician,
            "clinician:review:read",
            patient_column=ReviewItem.patient_id,
        )
    )
    assert counted == 1


def test_a_statement_whose_patient_cannot_be_told_is_refused():
    for statement in (select(func.count()), select(Organisation)):
        with pytest.raises(TypeError, match="patient_column"):
            access.scope(statement, Actor.system("x"), READ)


def test_people_the_rules_give_nothing_see_nothing(db, world):
    """An administrator with a permission that is not a patient one sees nobody; an Actor made
    from a user answers as the user does."""
    assert _ids(db, access.scope(select(Patient.id), world.admin, "record:import:create")) == set()
    as_actor = Actor.of_user(world.clinician)
    assert policy.may_access_patient(as_actor, world.patient, READ)
    assert not policy.may_access_patient(as_actor, world.other_patient, READ)


# --- every list of patients or patient data in the app --------------------------------------
# The pages that list patients or their data for staff. Each is checked from the outside: the
# other practice's patient appears nowhere on it, in any of its forms.

STAFF_LISTS = {
    "workspace": "/clinician/",
    "workspace search by name": "/clinician/?q=Evans",
    "workspace search by NHS number": "/clinician/?q={other_nhs}",
    "review queue": "/clinician/reviews",
    "identity checks": "/clinician/identity-checks",
}


def test_every_staff_list_shows_only_the_practices_own_patients(db, world, signed_in):
    for patient_user in (world.patient_user, world.other_patient_user):
        factories.assessment(db, patient_user)
    waiting_account(db, world.practice, "Ownwaiting")
    waiting_account(db, world.other_practice, "Elsewaiting")
    flagged_account(db, world.other_practice, "Elseflagged")
    client = signed_in(world.clinician)
    for (name, url), family in itertools.product(
        STAFF_LISTS.items(), ("Evans", "Elsewaiting", "Elseflagged")
    ):
        response = client.get(url.format(other_nhs=world.other_patient.nhs_number))
        assert response.status_code == 200, name
        assert family.lower() not in words(response).lower(), (name, family)
    for url, own in (
        ("/clinician/", "patel"),
        ("/clinician/reviews", "patel"),
        ("/clinician/identity-checks", "ownwaiting"),
    ):
        assert own in words(client.get(url)).lower(), url
