"""The review queue: flagged assessments reach the patient's practice, clinicians claim and
close them, the patient sees the outcome (and an email without clinical details)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.access.models import AuditEvent
from myhealth.accounts.models import Role
from myhealth.clinician import services
from myhealth.clinician.models import ReviewItem, ReviewStatus
from myhealth.database import utcnow
from myhealth.errors import Conflict, InvalidInput, NotFound
from myhealth.extensions import db as _db
from tests import factories
from tests.accounts.helpers import csrf_token

QUEUE = "/clinician/reviews"
SUICIDAL = {"items": [0, 0, 0, 0, 0, 0, 0, 0, 2]}  # total 2, item 9 answered
GAD7_SEVERE = {"items": [3, 3, 3, 3, 3, 3, 3]}


def words(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser").stripped_strings)


def item_of(db, assessment) -> ReviewItem:
    db.expire_all()
    return db.scalars(select(ReviewItem).where(ReviewItem.assessment_id == assessment.id)).one()


def test_the_queue_shows_the_practices_items_most_urgent_then_oldest(db, world, signed_in):
    now = utcnow()
    older = factories.assessment(db, world.patient_user, created_at=now - timedelta(days=4))
    newer = factories.assessment(db, world.patient_user, created_at=now - timedelta(hours=1))
    theirs = factories.assessment(db, world.other_patient_user)
    old_item, new_item = item_of(db, older), item_of(db, newer)
    # Make the newer one more urgent: it must come first despite its age.
    new_item.urgency = old_item.urgency + 1
    db.commit()

    page = signed_in(world.clinician).get(QUEUE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    links = [a["href"] for a in BeautifulSoup(html, "html.parser").select("tbody a")]
    assert links == [f"{QUEUE}/{new_item.id}", f"{QUEUE}/{old_item.id}"]
    assert str(item_of(db, theirs).id) not in html
    # The four-day-old item is past its due time (72 hours at this urgency) and stands out.
    assert "Overdue" in words(page)
    assert "1 item is overdue" in words(page)
    other_page = signed_in(world.other_clinician).get(QUEUE).get_data(as_text=True)
    assert str(item_of(db, theirs).id) in other_page
    assert str(old_item.id) not in other_page


def test_the_queue_costs_the_same_queries_for_one_item_or_twenty(
    db, world, signed_in, query_counter
):
    clinician = signed_in(world.clinician)
    factories.assessment(db, world.patient_user)
    clinician.get(QUEUE)
    with query_counter as small:
        clinician.get(QUEUE)
    for _ in range(19):
        factories.assessment(db, world.patient_user)
    with query_counter as large:
        assert clinician.get(QUEUE).get_data(as_text=True).count(f'href="{QUEUE}/') == 20
    assert large.count == small.count


def test_claim_review_and_close_with_advice_the_patient_sees_and_is_emailed(
    db, world, signed_in, mailbox
):
    assessment = factories.assessment(db, world.patient_user, answers=SUICIDAL)
    item = item_of(db, assessment)
    assert "suicidal_thoughts" in item.reasons
    clinician = signed_in(world.clinician)
    url = f"{QUEUE}/{item.id}"

    page = clinician.get(url)
    text = words(page)
    assert "Claim this assessment" in text
    assert "The patient said they have had thoughts of suicide or self-harm" in text
    assert "Current health problems" in text  # the relevant record is on the page
    reads = db.scalars(
        select(AuditEvent).where(
            AuditEvent.patient_id == world.patient.id,
            AuditEvent.purpose == "review of self-assessment",
        )
    ).all()
    assert [e.actor_user_id for e in reads] == [world.clinician.id]

    claimed = clinician.post(f"{url}/claim", data={"csrf_token": csrf_token(clinician, url)})
    assert claimed.headers["Location"].endswith(url)
    assert str(item_of(db, assessment).status) == "claimed"

    token = csrf_token(clinician, url)
    refused = clinician.post(f"{url}/close", data={"csrf_token": token, "outcome": "advice"})
    assert refused.status_code == 400
    assert "Enter the advice for the patient" in words(refused)
    assert "Enter a note" in words(refused)
    assert str(item_of(db, assessment).status) == "claimed"

    advice = "Please call the surgery this morning and ask for the duty doctor."
    closed = clinician.post(
        f"{url}/close",
        data={"csrf_token": token, "outcome": "advice", "advice": advice, "note": "Spoke to GP"},
    )
    assert closed.headers["Location"].endswith(QUEUE)
    done = item_of(db, assessment)
    assert (str(done.status), str(done.outcome), done.closed_by_user_id) == (
        "closed",
        "advice",
        world.clinician.id,
    )
    assert str(done.id) not in clinician.get(QUEUE).get_data(as_text=True)

    patient_view = words(
        signed_in(world.patient_user).get(f"/self-assessment/assessments/{assessment.id}")
    )
    assert "Reviewed" in patient_view
    assert advice in patient_view
    [message] = mailbox.messages
    assert message["to"] == [world.patient_user.email]
    assert advice not in message["body"]
    assert "PHQ" not in message["body"] and "suicid" not in message["body"].lower()
    assert f"/self-assessment/assessments/{assessment.id}" in message["body"]


@pytest.mark.parametrize(
    ("outcome", "extra", "patient_sees"),
    [
        ("no_action", {}, "No action needed"),
        ("book_appointment", {"book_within": "3_days"}, "within 3 days"),
        ("phoned", {}, "A clinician phoned you"),
        ("referred", {}, "Referred to another service"),
    ],
)
def test_each_way_of_closing_is_recorded_and_shown_to_the_patient(
    db, world, signed_in, mailbox, outcome, extra, patient_sees
):
    assessment = factories.assessment(db, world.patient_user, "gad7", GAD7_SEVERE)
    item = item_of(db, assessment)
    services.claim(db, world.clinician, item.id)
    services.close(db, world.clinician, item.id, outcome=outcome, note="Reviewed", **extra)
    db.commit()
    assert str(item_of(db, assessment).outcome) == outcome
    page = signed_in(world.patient_user).get(f"/self-assessment/assessments/{assessment.id}")
    assert patient_sees in words(page)
    assert len(mailbox.messages) == 0  # the service announces nothing; the view does


def test_asking_to_book_needs_how_soon_and_every_close_needs_a_note(db, world):
    item = item_of(db, factories.assessment(db, world.patient_user))
    services.claim(db, world.clinician, item.id)
    with pytest.raises(InvalidInput) as refused:
        services.close(db, world.clinician, item.id, outcome="book_appointment", note=" ")
    assert set(refused.value.field_errors) == {"book_within", "note"}
    with pytest.raises(InvalidInput) as refused:
        services.close(db, world.clinician, item.id, outcome="shrugged", note="x")
    assert set(refused.value.field_errors) == {"outcome"}


def test_closing_needs_the_claim_and_another_practice_cannot_touch_the_item(db, world):
    item = item_of(db, factories.assessment(db, world.patient_user))
    with pytest.raises(Conflict):
        services.close(db, world.clinician, item.id, outcome="no_action", note="x")
    with pytest.raises(NotFound):
        services.claim(db, world.other_clinician, item.id)
    with pytest.raises(NotFound):
        services.review_detail(db, world.other_clinician, item.id)


def test_a_second_claim_leaves_the_first_owner_and_says_who(db, world, signed_in):
    colleague = factories.user(db, Role.CLINICIAN, org=world.practice)
    item = item_of(db, factories.assessment(db, world.patient_user))
    services.claim(db, world.clinician, item.id)
    db.commit()
    with pytest.raises(Conflict) as lost:
        services.claim(db, colleague, item.id)
    assert lost.value.field_errors["owner"] == world.clinician.display_name
    client = signed_in(colleague)
    url = f"{QUEUE}/{item.id}"
    response = client.post(f"{url}/claim", data={"csrf_token": csrf_token(client, url)})
    assert world.clinician.display_name in words(client.get(response.headers["Location"]))
    assert item_of(db, item.assessment).claimed_by_user_id == world.clinician.id


def test_two_clinicians_claiming_at_the_same_moment_leave_one_owner(extra_app, scratch_database):
    """Real concurrency: two threads, two connections, committed data, one conditional UPDATE
    each, started at the same moment. Exactly one wins whichever engine serialises the writes
    (SQLite's second writer waits for the first's write lock, taken up front)."""
    from flask_migrate import upgrade

    app = extra_app(SQLALCHEMY_DATABASE_URI=scratch_database)
    with app.app_context():
        upgrade()
        engine = _db.engine
        with Session(engine, expire_on_commit=False) as setup:
            practice = factories.organisation(setup, name="Race Practice")
            patient = factories.patient(setup, practice)
            patient_user = factories.user(setup, Role.PATIENT, patient=patient)
            first = factories.user(setup, Role.CLINICIAN, org=practice)
            second = factories.user(setup, Role.CLINICIAN, org=practice)
            item_id = factories.assessment(setup, patient_user).review_item.id
        barrier = threading.Barrier(2)
        results: dict[str, str] = {}

        def attempt(name, clinician):
            barrier.wait()
            with Session(engine) as session:
                actor = session.get(type(clinician), clinician.id)
                try:
                    services.claim(session, actor, item_id)
                    session.commit()
                    results[name] = "won"
                except Conflict:
                    session.rollback()
                    results[name] = "lost"

        threads = [
            threading.Thread(target=attempt, args=("first", first)),
            threading.Thread(target=attempt, args=("second", second)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        with Session(engine) as check:
            item = check.get(ReviewItem, item_id)
            assert item.status is ReviewStatus.CLAIMED
            winner = first.id if results.get("first") == "won" else second.id
            assert item.claimed_by_user_id == winner
        assert sorted(results.values()) == ["lost", "won"]
        engine.dispose()


def test_a_patient_with_no_practice_is_told_nobody_will_review_it(db, world, signed_in):
    world.patient.registered_organisation_id = None
    db.commit()
    assessment = factories.assessment(db, world.patient_user)
    assert item_of(db, assessment).organisation_id is None
    page = signed_in(world.patient_user).get(f"/self-assessment/assessments/{assessment.id}")
    assert "none is on your record" in words(page)
    assert "could not be sent to a practice" in words(signed_in(world.clinician).get(QUEUE))


def test_a_review_is_closed_even_when_the_email_cannot_be_sent(db, world, extra_app):
    from myhealth.messaging.models import OutboxMessage
    from tests.conftest import free_port, sign_in_as

    app = extra_app(SMTP_URL=f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    item = item_of(db, factories.assessment(db, world.patient_user))
    services.claim(db, world.clinician, item.id)
    db.commit()
    client = sign_in_as(app, db, world.clinician)
    url = f"{QUEUE}/{item.id}"
    data = {"csrf_token": csrf_token(client, url), "outcome": "advice", "advice": "Call us."}
    response = client.post(f"{url}/close", data={**data, "note": "Advised"})
    assert response.status_code == 302
    assert "Review closed" in words(client.get(QUEUE))
    assert str(item_of(db, item.assessment).status) == "closed"
    # The email waits in the outbox for `myhealth notifications send` to try again.
    [waiting] = db.scalars(select(OutboxMessage).where(OutboxMessage.template == "review_replied"))
    assert (str(waiting.status), waiting.attempts) == ("pending", 1)
    assert waiting.recipient == world.patient_user.email
    assert "not reachable" in waiting.last_error


def test_the_owner_can_release_a_claim_for_a_colleague_and_nobody_else_can(db, world, signed_in):
    colleague = factories.user(db, Role.CLINICIAN, org=world.practice)
    item = item_of(db, factories.assessment(db, world.patient_user))
    services.claim(db, world.clinician, item.id)
    db.commit()
    with pytest.raises(Conflict):
        services.release(db, colleague, item.id)
    client = signed_in(world.clinician)
    url = f"{QUEUE}/{item.id}"
    response = client.post(f"{url}/release", data={"csrf_token": csrf_token(client, url)})
    assert "released this assessment" in words(client.get(response.headers["Location"]))
    released = item_of(db, item.assessment)
    assert (str(released.status), released.claimed_by_user_id) == ("open", None)
    services.claim(db, colleague, item.id)
    db.commit()
    assert item_of(db, item.assessment).claimed_by_user_id == colleague.id
    again = client.post(f"{url}/release", data={"csrf_token": csrf_token(client, url)})
    assert "Only the clinician who claimed" in words(client.get(again.headers["Location"]))
