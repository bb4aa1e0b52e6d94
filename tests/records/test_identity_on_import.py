"""Identity squatting through import (issue 9, high): a record imported by NHS number reaches an
account only when the date of birth and family name match too, as at sign-up.

The attacker's side, end to end: someone signs up through the web form with an NHS number that
is not on the system yet, giving their own name and birth date; the practice later imports the
real patient's record (a real Synthea record, given that NHS number) through the upload page or
the CLI; the attacker signs in and tries every record page.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import User
from myhealth.people.models import Patient
from tests import factories
from tests.accounts.helpers import post_form
from tests.records.helpers import (
    import_cli,
    page_text,
    sample,
    sign_up_and_sign_in,
    tommy_with_nhs_number,
    upload,
)

TOMMY_BORN = date(1947, 6, 15)  # as the Synthea record has it
TOMMYS_CONDITIONS = ("Prediabetes", "Alzheimer", "Anemia")
PENDING = "Your GP practice needs to confirm who you are"


def account(db, email: str) -> User:
    db.expire_all()
    return db.scalar(select(User).where(User.email == email))


def record_pages(patient_id) -> list[str]:
    return [
        f"/record/{patient_id}",
        f"/record/{patient_id}/conditions",
        f"/record/{patient_id}/results",
        f"/record/{patient_id}/print",
        f"/record/{patient_id}/download",
    ]


def audit(db, action: str, patient_id) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == action, AuditEvent.patient_id == patient_id
            )
        )
    )


def assert_shows_nothing_of_tommy(client, patient_id):
    for url in record_pages(patient_id):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 403, f"{url}: {response.status_code}"
        assert PENDING in page_text(response), url
        for words in (*TOMMYS_CONDITIONS, "Friesen", "Tommy"):
            assert words not in body, f"{url} shows {words!r}"


def test_an_upload_never_hands_the_real_record_to_whoever_signed_up_first(
    app, db, world, signed_in, mailbox
):
    number = factories.next_nhs_number()
    attacker = sign_up_and_sign_in(
        app.test_client(),
        mailbox,
        world.practice,
        nhs_number=number,
        given="Mallory",
        family="Baxter",
        born=date(1990, 2, 3),
        email="mallory@example.org",
    )
    squatter = account(db, "mallory@example.org")
    own_record = squatter.patient_id

    clinician = signed_in(world.clinician)
    page = page_text(upload(clinician, tommy_with_nhs_number(number)))
    assert "resources were imported" in page

    assert_shows_nothing_of_tommy(attacker, own_record)
    assert "did not match" in page  # the practice is told, and pointed at the check
    home = attacker.get("/home")
    assert home.status_code == 200
    assert PENDING in page_text(home)
    assert "Prediabetes" not in home.get_data(as_text=True)

    # The practice's record stands apart, whole, with the NHS number; the account is flagged.
    tommy = db.scalar(select(Patient).where(Patient.nhs_number == number))
    assert tommy.id != own_record
    assert (tommy.family_name, tommy.birth_date) == ("Friesen", TOMMY_BORN)
    assert tommy.registered_organisation_id == world.practice.id
    conditions = clinician.get(f"/record/{tommy.id}/conditions").get_data(as_text=True)
    assert "Prediabetes" in conditions
    squatter = account(db, "mallory@example.org")
    assert squatter.patient_id == own_record
    assert squatter.identity_conflict_patient_id == tommy.id
    assert squatter.identity_verified_at is None
    assert db.get(Patient, own_record).family_name == "Baxter"

    # Both halves are in the audit trail: the import of the record, and the flag.
    [flagged] = audit(db, "identity.mismatch", own_record)
    assert flagged.actor_user_id == world.clinician.id
    assert audit(db, "patient.import", tommy.id)
    assert not audit(db, "patient.import", own_record)


def test_a_cli_import_keeps_the_record_apart_in_the_same_way(app, db, world, tmp_path, mailbox):
    number = factories.next_nhs_number()
    attacker = sign_up_and_sign_in(
        app.test_client(),
        mailbox,
        world.practice,
        nhs_number=number,
        given="Mallory",
        family="Baxter",
        born=date(1990, 2, 3),
        email="mallory.cli@example.org",
    )
    own_record = account(db, "mallory.cli@example.org").patient_id

    result = import_cli(
        app, tmp_path, tommy_with_nhs_number(number), "--organisation", world.practice.ods_code
    )
    assert result.exit_code == 0, result.output
    assert "accounts flagged for an identity check: 1" in result.output

    assert_shows_nothing_of_tommy(attacker, own_record)
    tommy = db.scalar(select(Patient).where(Patient.nhs_number == number))
    assert tommy.id != own_record and tommy.family_name == "Friesen"
    assert account(db, "mallory.cli@example.org").identity_conflict_patient_id == tommy.id
    [flagged] = audit(db, "identity.mismatch", own_record)
    assert flagged.actor_user_id is None and "import-fhir" in flagged.purpose + flagged.detail


def test_the_real_patient_who_signed_up_first_is_matched_and_sees_their_record(
    app, db, world, signed_in, mailbox
):
    number = factories.next_nhs_number()
    tommy_client = sign_up_and_sign_in(
        app.test_client(),
        mailbox,
        world.practice,
        nhs_number=number,
        given="Tommy",
        family="FRIESEN",
        born=TOMMY_BORN,
        email="tommy@example.org",
    )
    own_record = account(db, "tommy@example.org").patient_id
    waiting = tommy_client.get(f"/record/{own_record}")
    assert waiting.status_code == 403 and PENDING in page_text(waiting)

    page = page_text(upload(signed_in(world.clinician), tommy_with_nhs_number(number)))
    assert "resources were imported" in page and "did not match" not in page

    user = account(db, "tommy@example.org")
    assert user.patient_id == own_record and user.identity_verified_at is not None
    assert user.identity_conflict_patient_id is None
    conditions = tommy_client.get(f"/record/{own_record}/conditions")
    assert conditions.status_code == 200
    assert "Prediabetes" in conditions.get_data(as_text=True)
    [matched] = audit(db, "identity.matched", own_record)
    assert matched.actor_user_id == world.clinician.id


def test_signing_up_to_a_record_the_practice_already_holds_shows_it_straight_away(
    app, db, world, signed_in, mailbox
):
    number = factories.next_nhs_number()
    upload(signed_in(world.clinician), tommy_with_nhs_number(number))
    tommy_client = sign_up_and_sign_in(
        app.test_client(),
        mailbox,
        world.other_practice,  # the form's choice does not move an existing record
        nhs_number=number,
        given="Tommy",
        family="Friesen",
        born=TOMMY_BORN,
        email="tommy.later@example.org",
    )
    user = account(db, "tommy.later@example.org")
    assert user.identity_verified_at is not None
    response = tommy_client.get(f"/record/{user.patient_id}/conditions")
    assert response.status_code == 200
    assert "Prediabetes" in response.get_data(as_text=True)


def test_nothing_the_practice_adds_shows_until_a_clinician_confirms_who_they_are(
    app, db, world, signed_in, mailbox
):
    patient_client = sign_up_and_sign_in(
        app.test_client(),
        mailbox,
        world.practice,
        nhs_number=factories.next_nhs_number(),
        given="Megan",
        family="Hughes",
        born=date(1988, 11, 3),
        email="megan@example.org",
    )
    user = account(db, "megan@example.org")
    glucose = sample("observation-example-f001-glucose.json")
    glucose["subject"] = {"reference": f"Patient/{user.patient_id}"}
    clinician = signed_in(world.clinician)
    assert "1 resource was imported" in page_text(upload(clinician, glucose))

    results = patient_client.get(f"/record/{user.patient_id}/results")
    assert results.status_code == 403
    text = page_text(results)
    assert PENDING in text
    assert world.practice.name in text  # who to contact
    assert "photo ID" in text  # and what to bring
    assert "Glucose" not in results.get_data(as_text=True)
    download = patient_client.get(f"/record/{user.patient_id}/download")
    assert download.status_code == 403 and download.mimetype == "text/html"

    queue = clinician.get("/clinician/identity-checks")
    assert "Megan" in page_text(queue) and "HUGHES" in page_text(queue).upper()
    check = f"/clinician/identity-checks/{user.id}"
    confirmed = post_form(clinician, check, {"confirm": "y"})
    assert confirmed.status_code == 302

    results = patient_client.get(f"/record/{user.patient_id}/results")
    assert results.status_code == 200
    assert "Glucose" in results.get_data(as_text=True)


def test_signing_up_at_another_practice_neither_blocks_the_import_nor_reaches_the_record(
    app, db, world, signed_in, mailbox
):
    number = factories.next_nhs_number()
    attacker = sign_up_and_sign_in(
        app.test_client(),
        mailbox,
        world.other_practice,
        nhs_number=number,
        given="Mallory",
        family="Baxter",
        born=date(1990, 2, 3),
        email="mallory.elsewhere@example.org",
    )
    own_record = account(db, "mallory.elsewhere@example.org").patient_id
    clinician = signed_in(world.clinician)
    page = page_text(upload(clinician, tommy_with_nhs_number(number)))
    assert "resources were imported" in page and "did not match" in page

    assert_shows_nothing_of_tommy(attacker, own_record)
    tommy = db.scalar(select(Patient).where(Patient.nhs_number == number))
    assert tommy.registered_organisation_id == world.practice.id
    assert db.get(Patient, own_record).registered_organisation_id == world.other_practice.id
    # The practice whose record it claimed is the one asked to check it.
    squatter = account(db, "mallory.elsewhere@example.org")
    assert "BAXTER" in page_text(clinician.get("/clinician/identity-checks")).upper()
    other = signed_in(world.other_clinician).get("/clinician/identity-checks")
    assert "BAXTER" not in page_text(other).upper()
    assert squatter.identity_conflict_patient_id == tommy.id
