"""`myhealth notifications send`: progress, a summary, and exit codes a scheduler can act on."""

from __future__ import annotations

from myhealth.cli import main
from myhealth.messaging.models import OutboxStatus
from tests.messaging.conftest import enqueue_email


def test_sends_what_is_due_and_says_so(app, db, mailbox):
    message = enqueue_email(db)
    db.commit()
    result = app.test_cli_runner().invoke(main, ["notifications", "send"])
    assert result.exit_code == 0, result.output
    assert "1 message(s) due; sending through SMTP..." in result.output
    assert "sent: review_replied to s***@e***.org (attempt 1)" in result.output
    assert "Sent 1; 0 to try again later; 0 not delivered" in result.output
    assert len(mailbox.messages) == 1
    db.refresh(message)
    assert message.status is OutboxStatus.SENT
    again = app.test_cli_runner().invoke(main, ["notifications", "send"])
    assert again.exit_code == 0 and "0 message(s) due" in again.output
    assert len(mailbox.messages) == 1


def test_a_failure_to_retry_is_not_an_error_but_a_dead_message_is(smtp_down_app, db):
    message = enqueue_email(db)
    db.commit()
    runner = smtp_down_app.test_cli_runner()
    first = runner.invoke(main, ["notifications", "send"])
    assert first.exit_code == 0, first.output
    assert "retrying: review_replied" in first.output and "0 to try" not in first.output
    message.attempts = 3
    message.next_attempt_at = message.created_at
    db.commit()
    last = runner.invoke(main, ["notifications", "send"])
    assert last.exit_code == 1
    assert "1 message(s) could not be delivered; see Messages not sent." in last.output


def test_unusable_settings_stop_it_with_a_reason(extra_app, db):
    bad_smtp = extra_app(SMTP_URL="http://mail.example.org")
    result = bad_smtp.test_cli_runner().invoke(main, ["notifications", "send"])
    assert result.exit_code == 2
    assert "MYHEALTH_SMTP_URL must be smtp://host:port" in result.output
    short_key = extra_app(NOTIFY_API_KEY="not-a-key")
    result = short_key.test_cli_runner().invoke(main, ["notifications", "send"])
    assert result.exit_code == 2
    assert "does not look like a GOV.UK Notify API key" in result.output
    from tests.messaging import notify_server

    no_template = extra_app(NOTIFY_API_KEY=notify_server.API_KEY)
    result = no_template.test_cli_runner().invoke(main, ["notifications", "send"])
    assert result.exit_code == 2
    assert "MYHEALTH_NOTIFY_EMAIL_TEMPLATE must be the id" in result.output
