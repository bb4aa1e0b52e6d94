"""Every read of patient data is audited once per request, and the patient can see it."""

from sqlalchemy import select

from myhealth.access.models import AuditEvent


def reads_of(db, patient):
    db.expire_all()
    return db.scalars(
        select(AuditEvent)
        .where(AuditEvent.patient_id == patient.id, AuditEvent.action == "patient.read")
        .order_by(AuditEvent.id)
    ).all()


def test_clinician_view_of_a_patient_is_audited_and_shown_to_the_patient(db, world, signed_in):
    clinician = signed_in(world.clinician)
    before = len(reads_of(db, world.patient))
    page = clinician.get(f"/clinician/patients/{world.patient.id}")
    assert page.status_code == 200
    assert world.patient.formatted_nhs_number in page.get_data(as_text=True)
    reads = reads_of(db, world.patient)
    assert len(reads) == before + 1
    entry = reads[-1]
    assert (entry.actor_user_id, entry.actor_role, entry.purpose) == (
        world.clinician.id,
        "clinician",
        "direct care",
    )
    assert entry.actor_organisation_name == world.practice.name

    patient = signed_in(world.patient_user)
    html = patient.get("/your-record/who-has-viewed").get_data(as_text=True)
    assert world.clinician.display_name in html
    assert world.practice.name in html
    assert "Your care" in html


def test_homepage_view_writes_one_audit_entry_per_request(db, world, signed_in):
    patient = signed_in(world.patient_user)
    before = len(reads_of(db, world.patient))
    patient.get("/home")
    patient.get("/home")
    assert len(reads_of(db, world.patient)) == before + 2


def test_refused_reads_are_not_recorded_as_reads(db, world, signed_in):
    other = signed_in(world.other_clinician)
    before = len(reads_of(db, world.patient))
    assert other.get(f"/clinician/patients/{world.patient.id}").status_code == 404
    assert len(reads_of(db, world.patient)) == before


def test_a_patient_sees_only_reads_of_their_own_record(db, world, signed_in):
    signed_in(world.other_clinician).get(f"/clinician/patients/{world.other_patient.id}")
    html = signed_in(world.patient_user).get("/your-record/who-has-viewed").get_data(as_text=True)
    assert world.other_clinician.display_name not in html


def test_a_refused_look_at_a_patients_data_is_audited_as_refused(db, world, signed_in):
    """Denied reads of patient data were not audited. A refusal answers like a missing id, and
    the attempt is written to the trail, apart from the reads the patient is shown."""
    from myhealth.access.services import verify_chain
    from tests import factories

    item = factories.assessment(db, world.patient_user).review_item
    attempts = [
        (signed_in(world.other_clinician), f"/clinician/patients/{world.patient.id}"),
        (signed_in(world.other_clinician), f"/clinician/reviews/{item.id}"),
        (signed_in(world.other_patient_user), f"/self-assessment/assessments/{item.assessment_id}"),
    ]
    for client, url in attempts:
        assert client.get(url).status_code == 404
    db.expire_all()
    refused = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == world.patient.id, AuditEvent.action == "patient.read.denied"
        )
    ).all()
    assert [(e.actor_user_id, e.outcome) for e in refused] == [
        (world.other_clinician.id, "denied"),
        (world.other_clinician.id, "denied"),
        (world.other_patient_user.id, "denied"),
    ]
    assert verify_chain(db).ok
    html = signed_in(world.patient_user).get("/your-record/who-has-viewed").get_data(as_text=True)
    assert world.other_clinician.display_name not in html
