"""GOV.UK Notify, through the real notifications-python-client, against a local server that
speaks the Notify API and checks the client's signed token."""

from __future__ import annotations

from myhealth.messaging.models import Channel, OutboxStatus
from tests.messaging import notify_server
from tests.messaging.conftest import enqueue_email, notify_settings, send


def test_an_email_goes_to_notify_with_the_rendered_subject_and_body(notify_app, notify_api, db):
    message = enqueue_email(db)
    db.commit()
    assert send(notify_app, db).sent == 1
    [call] = notify_api.received
    assert call["kind"] == "email"
    assert call["email_address"] == "sam.patel@example.org"
    assert call["template_id"] == notify_server.EMAIL_TEMPLATE
    assert call["reference"] == str(message.id)
    assert call["personalisation"]["subject"] == (
        "A clinician has replied about your health assessment"
    )
    assert call["personalisation"]["body"].startswith("Hello Sam Patel,")
    assert notify_api.refused_tokens == 0
    db.refresh(message)
    assert message.status is OutboxStatus.SENT


def test_a_text_message_goes_to_notify_as_sms(notify_app, notify_api, db):
    message = enqueue_email(db, channel=Channel.SMS, to="07700 900123", language="cy")
    db.commit()
    assert send(notify_app, db).sent == 1
    [call] = notify_api.received
    assert call["kind"] == "sms"
    assert call["phone_number"] == "07700 900123"
    assert call["template_id"] == notify_server.SMS_TEMPLATE
    assert call["personalisation"]["body"].startswith("Helo Sam Patel,")
    db.refresh(message)
    assert message.status is OutboxStatus.SENT


def test_a_server_error_or_rate_limit_is_tried_again_later(notify_app, notify_api, db):
    from datetime import timedelta

    from myhealth.database import utcnow

    message = enqueue_email(db)
    db.commit()
    notify_api.failures[:] = [500, 429]
    for status in (500, 429):
        assert send(notify_app, db).retrying == 1
        db.refresh(message)
        assert message.last_error == f"GOV.UK Notify HTTP {status}"
        assert message.status is OutboxStatus.PENDING
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.commit()
    assert send(notify_app, db).sent == 1
    db.refresh(message)
    assert (message.status, message.attempts, message.last_error) == (OutboxStatus.SENT, 3, None)
    assert len(notify_api.received) == 1


def test_a_bad_request_is_dead_at_once(notify_app, notify_api, db):
    message = enqueue_email(db)
    db.commit()
    notify_api.failures[:] = [400]
    assert send(notify_app, db).dead == 1
    db.refresh(message)
    assert (message.status, message.last_error) == (OutboxStatus.DEAD, "GOV.UK Notify HTTP 400")


def test_a_key_with_the_wrong_secret_is_refused_by_notify(extra_app, notify_api, db):
    wrong = notify_server.API_KEY[:-36] + "00000000-0000-4000-8000-000000000000"
    app = extra_app(**notify_settings(notify_api, NOTIFY_API_KEY=wrong))
    message = enqueue_email(db)
    db.commit()
    assert send(app, db).dead == 1
    assert notify_api.refused_tokens == 1 and notify_api.received == []
    db.refresh(message)
    assert message.last_error == "GOV.UK Notify HTTP 403"


def test_sms_without_an_sms_template_waits_with_a_reason(extra_app, notify_api, db):
    app = extra_app(**notify_settings(notify_api, NOTIFY_SMS_TEMPLATE=None))
    message = enqueue_email(db, channel=Channel.SMS, to="07700 900123")
    db.commit()
    assert send(app, db).retrying == 1
    db.refresh(message)
    assert message.last_error == "no SMS template configured (MYHEALTH_NOTIFY_SMS_TEMPLATE)"
