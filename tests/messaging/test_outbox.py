"""The outbox: enqueued in the caller's transaction, sent once after it commits, tried again
with growing waits, and given up on (dead) after the last attempt."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from myhealth.database import utcnow
from myhealth.extensions import db as _db
from myhealth.messaging import outbox
from myhealth.messaging.models import Channel, OutboxMessage, OutboxStatus
from tests.messaging.conftest import enqueue_email, send


def test_enqueue_writes_a_row_and_sends_nothing_by_itself(app, db, mailbox):
    message = enqueue_email(db)
    db.commit()
    assert message.status is OutboxStatus.PENDING and message.attempts == 0
    assert mailbox.messages == []
    report = send(app, db)
    assert (report.sent, report.retrying, report.dead) == (1, 0, 0)
    [email] = mailbox.messages
    assert email["to"] == ["sam.patel@example.org"]
    assert email["subject"] == "A clinician has replied about your health assessment"
    assert "Hello Sam Patel," in email["body"]
    db.refresh(message)
    assert message.status is OutboxStatus.SENT and message.sent_at is not None


def test_a_message_enqueued_in_a_transaction_that_rolls_back_never_exists(app, db, mailbox):
    enqueue_email(db)
    db.rollback()
    assert db.scalar(select(OutboxMessage)) is None
    send(app, db)
    assert mailbox.messages == []


def test_a_request_that_fails_after_enqueuing_sends_nothing(extra_app, db, mailbox):
    from myhealth.access.policy import public

    app = extra_app()

    @app.post("/enqueue-then-fail")
    @public
    def enqueue_then_fail():
        enqueue_email(_db.session, to="never@example.org")
        _db.session.flush()
        raise RuntimeError("something broke after the message was written")

    @app.post("/enqueue-and-commit")
    @public
    def enqueue_and_commit():
        enqueue_email(_db.session, to="sent@example.org")
        _db.session.commit()
        return "ok"

    app.config["WTF_CSRF_ENABLED"] = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().post("/enqueue-then-fail").status_code == 500
    assert db.scalar(select(OutboxMessage)) is None
    # The same request committing: the email is at the server before the response returns.
    assert app.test_client().post("/enqueue-and-commit").status_code == 200
    assert [m["to"] for m in mailbox.messages] == [["sent@example.org"]]
    assert db.scalar(select(OutboxMessage.status)) is OutboxStatus.SENT


def test_the_same_cause_enqueues_once(db):
    first = enqueue_email(db, idempotency_key="review_replied:item-1:user-1")
    again = enqueue_email(db, idempotency_key="review_replied:item-1:user-1")
    db.commit()
    assert again.id == first.id
    assert len(db.scalars(select(OutboxMessage)).all()) == 1


def test_failures_wait_longer_each_time_then_the_message_is_dead(smtp_down_app, db):
    message = enqueue_email(db)
    db.commit()
    waits = []
    for _attempt in range(3):
        before = utcnow()
        report = send(smtp_down_app, db)
        assert report.retrying == 1
        db.refresh(message)
        waits.append(round((message.next_attempt_at - before).total_seconds() / 60))
        assert message.status is OutboxStatus.PENDING
        assert message.last_error == "SMTP server not reachable (ConnectionRefusedError)"
        assert send(smtp_down_app, db).sent == 0  # not due yet: nothing is tried
        message.next_attempt_at = utcnow() - timedelta(seconds=1)  # time passes
        db.commit()
    assert waits == [1, 2, 4]  # minutes: 60 s, doubling
    report = send(smtp_down_app, db)  # the fourth and last attempt
    assert report.dead == 1
    db.refresh(message)
    assert (message.status, message.attempts) == (OutboxStatus.DEAD, 4)
    message.next_attempt_at = utcnow() - timedelta(days=1)
    db.commit()
    assert send(smtp_down_app, db).outcomes == []  # a dead message is not tried again


def test_backoff_doubles_up_to_a_ceiling(app):
    config = {"OUTBOX_BACKOFF_SECONDS": 60, "OUTBOX_BACKOFF_MAX": 3600}
    waits = [outbox.backoff(n, config).total_seconds() for n in range(1, 9)]
    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_a_permanent_refusal_is_dead_at_once(app, db, mailbox):
    message = enqueue_email(db, to="not an address@")
    db.commit()
    assert send(app, db).dead == 1
    db.refresh(message)
    assert message.status is OutboxStatus.DEAD and message.attempts == 1
    assert message.last_error == "not a valid email address"
    assert "not an address" not in message.last_error


def test_a_claimed_message_is_left_to_its_sender(app, db, mailbox):
    """A sender holds what it claimed for a lease; another sender skips it meanwhile."""
    message = enqueue_email(db)
    db.commit()
    with app.app_context():
        [claimed] = outbox.claim(db, app.config, 10)
    assert claimed.id == message.id and claimed.attempts == 1
    assert claimed.next_attempt_at > utcnow() + timedelta(minutes=4)
    assert send(app, db).outcomes == []
    assert mailbox.messages == []


def test_sms_without_notify_waits_with_a_reason(app, db):
    message = enqueue_email(db, channel=Channel.SMS, to="07700 900123")
    db.commit()
    assert send(app, db).retrying == 1
    db.refresh(message)
    assert message.last_error == "no SMS channel configured (MYHEALTH_NOTIFY_API_KEY)"
    assert message.masked_recipient == "*******0123"


def test_an_email_address_is_masked_for_administrators():
    message = OutboxMessage(channel=Channel.EMAIL, recipient="sam.patel@example.org")
    assert message.masked_recipient == "s***@e***.org"


# --- two senders at once, on committed data (both engines) ---------------------------------


@pytest.fixture
def committed_messages(app):
    """Twelve due messages committed for real (outside the test's rolled-back transaction),
    deleted afterwards."""
    with app.app_context():
        engine = _db.engine
    with Session(engine) as session:
        for n in range(12):
            enqueue_email(session, to=f"person{n}@example.org", idempotency_key=f"concurrent-{n}")
        session.commit()
    yield engine
    with Session(engine) as session:
        session.execute(
            delete(OutboxMessage).where(OutboxMessage.idempotency_key.like("concurrent-%"))
        )
        session.commit()


def test_two_senders_at_once_send_each_message_once(app, committed_messages, mailbox):
    engine = committed_messages
    errors = []
    start = threading.Barrier(2)

    def sender():
        try:
            with app.app_context(), Session(engine, expire_on_commit=False) as session:
                start.wait()
                outbox.send_due(session, app.config, batch=2)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    recipients = sorted(to for m in mailbox.messages for to in m["to"])
    assert recipients == sorted(f"person{n}@example.org" for n in range(12))
    with Session(engine) as session:
        statuses = session.scalars(
            select(OutboxMessage.status).where(OutboxMessage.idempotency_key.like("concurrent-%"))
        ).all()
        attempts = session.scalars(
            select(OutboxMessage.attempts).where(OutboxMessage.idempotency_key.like("concurrent-%"))
        ).all()
    assert set(statuses) == {OutboxStatus.SENT} and set(attempts) == {1}


def test_the_demo_s_background_sender_sends_what_is_due(app, committed_messages, mailbox):
    """`myhealth demo` runs this thread beside its server: retries go out within seconds."""
    import time

    stop = outbox.start_background_sender(app, interval=0.1)
    try:
        for _ in range(100):
            if len(mailbox.messages) >= 12:
                break
            time.sleep(0.05)
    finally:
        stop.set()
    assert len(mailbox.messages) == 12
