"""The outbox's fixtures: a Notify server speaking the real API, apps on a dead SMTP port or on
Notify, and sending as the `myhealth notifications send` job does."""

from __future__ import annotations

import pytest

from myhealth.messaging import outbox
from myhealth.messaging.models import Channel
from tests.conftest import free_port
from tests.messaging import notify_server


@pytest.fixture(scope="session")
def notify():
    server = notify_server.NotifyServer().start()
    yield server
    server.stop()


@pytest.fixture
def notify_api(notify):
    notify.received.clear()
    notify.failures.clear()
    notify.refused_tokens = 0
    return notify


def notify_settings(server, **overrides) -> dict:
    return {
        "NOTIFY_API_KEY": notify_server.API_KEY,
        "NOTIFY_BASE_URL": server.url,
        "NOTIFY_EMAIL_TEMPLATE": notify_server.EMAIL_TEMPLATE,
        "NOTIFY_SMS_TEMPLATE": notify_server.SMS_TEMPLATE,
        **overrides,
    }


@pytest.fixture
def notify_app(extra_app, notify_api):
    return extra_app(**notify_settings(notify_api))


@pytest.fixture
def smtp_down_app(extra_app):
    """Nothing listens on its SMTP port: every email fails, to be tried again."""
    return extra_app(
        SMTP_URL=f"smtp://127.0.0.1:{free_port()}",
        OUTBOX_MAX_ATTEMPTS=4,
        OUTBOX_BACKOFF_SECONDS=60,
    )


def send(app, session, **kwargs):
    """One run of the sender, as the job runs it."""
    with app.app_context():
        return outbox.send_due(session, app.config, **kwargs)


def enqueue_email(session, to="sam.patel@example.org", template="review_replied", **kwargs):
    values = {
        "channel": Channel.EMAIL,
        "recipient": to,
        "template": template,
        "context": {"name": "Sam Patel", "link": "https://localhost/self-assessment/x"},
        "language": "en",
    }
    values.update(kwargs)
    return outbox.enqueue(session, **values)
