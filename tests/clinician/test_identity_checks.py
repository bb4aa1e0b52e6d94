"""The practice's side of identity checks: accounts waiting for the practice to confirm who they
are, and confirming one (issue 9). Every step is audited; another practice sees nothing."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import Role, User
from myhealth.database import utcnow
from tests import factories
from tests.accounts.helpers import post_form

CHECKS = "/clinician/identity-checks"


def words(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser").stripped_strings)


def waiting_account(db, practice, family: str, days_ago: int = 0, **values) -> User:
    """A patient account that signed up with a number the practice had no record of."""
    patient = factories.patient(db, practice, family_name=family, **values)
    user = factories.user(db, Role.PATIENT, patient=patient)
    user.identity_pending_since = utcnow() - timedelta(days=days_ago)
    db.commit()
    return user


def flagged_account(db, practice, family: str) -> tuple[User, object]:
    """An account whose NHS number an import found on a record with other details."""
    record = factories.patient(
        db, practice, given_name="Tommy", family_name="Friesen", birth_date=date(1947, 6, 15)
    )
    user = waiting_account(db, practice, family, nhs_number=None)
    user.identity_conflict_patient_id = record.id
    db.commit()
    return user, record


def events(db, action: str) -> list[AuditEvent]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_practice_sees_its_own_accounts_waiting_oldest_first(db, world, signed_in):
    second = waiting_account(db, world.practice, "Bevan", days_ago=1)
    first = waiting_account(db, world.practice, "Ashworth", days_ago=2)
    theirs = waiting_account(db, world.other_practice, "Cadwallader")
    page = signed_in(world.clinician).get(CHECKS)
    assert page.status_code == 200
    text = words(page)
    assert text.index("ASHWORTH") < text.index("BEVAN")
    assert "CADWALLADER" not in text and "Cadwallader" not in text
    assert world.patient.family_name.upper() not in text  # confirmed accounts are not waiting
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    links = [a["href"] for a in soup.select("main a")]
    assert f"{CHECKS}/{first.id}" in links and f"{CHECKS}/{second.id}" in links
    [listed] = events(db, "identity.list")
    assert listed.actor_user_id == world.clinician.id and "shown=2" in listed.detail
    other = words(signed_in(world.other_clinician).get(CHECKS))
    assert "CADWALLADER" in other and "ASHWORTH" not in other
    assert f"{CHECKS}/{theirs.id}" in signed_in(world.other_clinician).get(CHECKS).get_data(
        as_text=True
    )


def test_the_workspace_points_to_the_accounts_waiting(db, world, signed_in):
    waiting_account(db, world.practice, "Ashworth")
    page = words(signed_in(world.clinician).get("/clinician/"))
    assert "1 account is waiting for you to confirm who they are" in page


def test_confirming_needs_the_check_to_be_ticked(db, world, signed_in):
    user = waiting_account(db, world.practice, "Ashworth")
    client = signed_in(world.clinician)
    page = client.get(f"{CHECKS}/{user.id}")
    assert page.status_code == 200
    text = words(page)
    assert "ASHWORTH" in text.upper() and user.patient.formatted_nhs_number in text
    response = post_form(client, f"{CHECKS}/{user.id}", {})
    assert response.status_code == 400
    assert "Confirm that you have checked their identity" in words(response)
    db.expire_all()
    assert db.get(User, user.id).identity_pending_since is not None
    assert events(db, "identity.verified") == []


def test_confirming_an_account_shows_them_their_record_and_is_audited(db, world, signed_in):
    user = waiting_account(db, world.practice, "Ashworth")
    client = signed_in(world.clinician)
    response = post_form(client, f"{CHECKS}/{user.id}", {"confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith(CHECKS)
    after = words(client.get(CHECKS))
    assert "Alex Ashworth can now see their health record" in after
    assert "No accounts are waiting for an identity check" in after
    db.expire_all()
    confirmed = db.get(User, user.id)
    assert confirmed.identity_pending_since is None and confirmed.identity_verified_at
    [event] = events(db, "identity.verified")
    assert (event.actor_user_id, event.patient_id) == (world.clinician.id, user.patient_id)
    assert signed_in(confirmed).get(f"/record/{user.patient_id}").status_code == 200


def test_a_flagged_account_is_confirmed_against_the_practice_record_it_claimed(
    db, world, signed_in
):
    user, record = flagged_account(db, world.practice, "Baxter")
    own_stub = user.patient_id
    client = signed_in(world.clinician)
    page = words(client.get(f"{CHECKS}/{user.id}"))
    assert "did not match" in page
    assert "FRIESEN" in page.upper() and "BAXTER" in page.upper()
    assert record.formatted_nhs_number in page
    assert post_form(client, f"{CHECKS}/{user.id}", {"confirm": "y"}).status_code == 302
    db.expire_all()
    confirmed = db.get(User, user.id)
    assert confirmed.patient_id == record.id
    assert confirmed.identity_conflict_patient_id is None
    [event] = events(db, "identity.verified")
    assert event.patient_id == record.id and str(own_stub) in event.detail
    patient_client = signed_in(confirmed)
    assert patient_client.get(f"/record/{record.id}").status_code == 200
    assert patient_client.get(f"/record/{own_stub}").status_code == 404


def test_another_practice_and_patients_cannot_see_or_confirm(db, world, signed_in):
    user = waiting_account(db, world.practice, "Ashworth")
    other = signed_in(world.other_clinician)
    assert other.get(f"{CHECKS}/{user.id}").status_code == 404
    refused = post_form(other, f"{CHECKS}/{user.id}", {"confirm": "y"}, token_from=CHECKS)
    assert refused.status_code == 404
    patient = signed_in(world.patient_user)
    assert patient.get(CHECKS).status_code == 403
    db.expire_all()
    assert db.get(User, user.id).identity_pending_since is not None
    assert events(db, "identity.verified") == []


def test_an_account_already_confirmed_is_said_to_be(db, world, signed_in):
    client = signed_in(world.clinician)
    page = words(client.get(f"{CHECKS}/{world.patient_user.id}"))
    assert "already confirmed" in page
    response = post_form(
        client, f"{CHECKS}/{world.patient_user.id}", {"confirm": "y"}, token_from=CHECKS
    )
    assert response.status_code == 302
    assert events(db, "identity.verified") == []
