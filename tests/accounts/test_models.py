import pytest
from sqlalchemy.exc import IntegrityError

from myhealth.accounts.models import Role, User


@pytest.mark.parametrize(
    ("role", "links"),
    [(Role.CLINICIAN, {}), (Role.ADMIN, {}), (Role.PATIENT, {})],
)
def test_every_account_is_tied_to_a_patient_or_an_organisation(db, role, links):
    db.add(User(email="x@example.org", password_hash="x", role=role, display_name="X", **links))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_a_patient_account_cannot_also_belong_to_an_organisation(db, world):
    db.add(
        User(
            email="y@example.org",
            password_hash="x",
            role=Role.PATIENT,
            display_name="Y",
            patient_id=world.other_patient.id,
            organisation_id=world.practice.id,
        )
    )
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()
