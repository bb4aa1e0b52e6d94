"""The notification outbox: enqueue in the caller's transaction, send after it commits.

- `enqueue(session, ...)` adds a row and nothing else: no commit, no network. If the
  transaction rolls back, the message never existed.
- After a request commits, the rows it enqueued are sent at once in the same process (best
  effort, with a fresh session), so a confirmation email still arrives within seconds.
- `send_due(session, config)` (the `myhealth notifications send` job, and the demo's
  background thread) sends every due row. A row is claimed before it is sent: under
  PostgreSQL's `FOR UPDATE SKIP LOCKED`, or SQLite's write lock, its next attempt is moved
  past a lease and its attempts counted, and that is committed. Two senders never claim the
  same row; a sender that dies after claiming leaves the row to be tried again when the lease
  ends. A failure waits longer each time (exponential backoff); after the last attempt the
  row is dead, shown to administrators, who can try it again.

Messages are rendered at send time from templates/messaging/<template>.txt in the
recipient's language, so no message text is stored.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, g, has_request_context
from flask_babel import force_locale, get_locale
from jinja2 import StrictUndefined
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from myhealth.database import take_write_lock, utcnow
from myhealth.messaging import channels
from myhealth.messaging.models import Channel, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

_ENQUEUED = "myhealth_outbox_enqueued"  # session.info: ids added in this transaction
_COMMITTED = "myhealth_outbox_committed"  # g: ids committed in this request, to send now


def request_language() -> str:
    """The language of the request that caused a message (English outside a request)."""
    locale = get_locale() if has_request_context() else None
    return str(locale) if locale else "en"


def enqueue(
    session: Session,
    *,
    channel: Channel,
    recipient: str,
    template: str,
    context: dict,
    language: str | None = None,
    idempotency_key: str | None = None,
) -> OutboxMessage:
    """Add one message to the outbox in the caller's transaction (no commit).

    `language` is the recipient's saved language where known; else the request's is used.
    The same `idempotency_key` enqueued again returns the message already there.
    """
    key = idempotency_key or f"{template}:{uuid.uuid4()}"
    existing = session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    if existing is not None:
        return existing
    message = OutboxMessage(
        channel=channel,
        recipient=recipient,
        template=template,
        context=dict(context),
        language=language or request_language(),
        idempotency_key=key,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    return message


# --- rendering -------------------------------------------------------------------------------


def _text_environment():
    """The app's Jinja environment (its loader and gettext), for plain text: no HTML escaping,
    and a missing variable is an error rather than a blank in someone's email."""
    env = current_app.extensions.get("myhealth_outbox_env")
    if env is None:
        env = current_app.jinja_env.overlay(autoescape=False, undefined=StrictUndefined)
        current_app.extensions["myhealth_outbox_env"] = env
    return env


def render(template: str, context: dict, language: str) -> tuple[str, str]:
    """The subject and plain-text body of a message, in `language`."""
    tmpl = _text_environment().get_template(f"messaging/{template}.txt")
    with force_locale(language):
        ctx = tmpl.new_context(dict(context))
        subject = "".join(tmpl.blocks["subject"](ctx)).strip()
        ctx = tmpl.new_context(dict(context))
        body = "".join(tmpl.blocks["body"](ctx))
    return subject, body


# --- sending ---------------------------------------------------------------------------------


def backoff(attempts: int, config: dict) -> timedelta:
    """How long to wait after the `attempts`th failure: base, 2x base, 4x base ... capped."""
    base = config["OUTBOX_BACKOFF_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(0, attempts - 1), config["OUTBOX_BACKOFF_MAX"]))


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    outcomes: list[tuple[OutboxMessage, str]] = field(default_factory=list)


def claim(
    session: Session, config: dict, limit: int, only_ids: Iterable[uuid.UUID] | None = None
) -> list[OutboxMessage]:
    """Claim up to `limit` due messages for this sender and commit the claim."""
    now = utcnow()
    due = select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
    )
    if only_ids is not None:
        due = due.where(OutboxMessage.id.in_(list(only_ids)))
    # A look first, without the write lock: a sender polling an empty outbox (the demo's,
    # every few seconds) never makes SQLite's writers wait.
    if session.scalar(due.with_only_columns(OutboxMessage.id).limit(1)) is None:
        session.rollback()
        return []
    take_write_lock(session)
    query = (
        due.order_by(OutboxMessage.next_attempt_at).limit(limit).with_for_update(skip_locked=True)
    )
    claimed = list(session.scalars(query))
    lease = timedelta(seconds=config["OUTBOX_CLAIM_SECONDS"])
    for message in claimed:
        message.attempts += 1
        message.next_attempt_at = now + lease
    session.commit()
    return claimed


def _send_one(session: Session, config: dict, message: OutboxMessage) -> str:
    try:
        subject, body = render(message.template, message.context, message.language)
        channels.deliver(
            config, message.channel.value, message.recipient, subject, body, str(message.id)
        )
    except Exception as exc:  # noqa: BLE001 - one bad message must not stop the others
        if not isinstance(exc, channels.NotSent):
            log.exception("outbox message %s could not be sent", message.id)
            exc = channels.NotSent(f"could not be sent ({type(exc).__name__})")
        message.last_error = exc.reason
        if exc.permanent or message.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            message.status = OutboxStatus.DEAD
            outcome = "dead"
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts, config)
            outcome = "retrying"
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.last_error = None
        outcome = "sent"
    session.commit()
    return outcome


def send_due(
    session: Session,
    config: dict,
    *,
    only_ids: Iterable[uuid.UUID] | None = None,
    batch: int = 10,
    progress: Callable[[OutboxMessage, str], None] | None = None,
) -> SendReport:
    """Send every due message (or only those of `only_ids` that are due), claiming a batch at a
    time, committing each result. Returns what happened.

    A batch is small so that sending all of it, every message at its channel's timeout (10 s
    for SMTP, 15 s for Notify), ends well inside the claim's lease (5 minutes)."""
    report = SendReport()
    only = list(only_ids) if only_ids is not None else None
    while True:
        claimed = claim(session, config, batch, only)
        for message in claimed:
            outcome = _send_one(session, config, message)
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.outcomes.append((message, outcome))
            if progress is not None:
                progress(message, outcome)
        if len(claimed) < batch:
            return report


def count_due(session: Session) -> int:
    return session.scalar(
        select(func.count()).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= utcnow()
        )
    )


# --- after a request commits -------------------------------------------------------------------


def send_after_commit(session: Session, message: OutboxMessage) -> None:
    """Send this (existing) message straight after the caller's transaction commits, as a
    newly enqueued one would be."""
    session.info.setdefault(_ENQUEUED, []).append(message.id)


@event.listens_for(Session, "after_flush")
def _note_enqueued(session, flush_context):
    added = [o.id for o in session.new if isinstance(o, OutboxMessage)]
    if added:
        session.info.setdefault(_ENQUEUED, []).extend(added)


@event.listens_for(Session, "after_commit")
def _move_to_request(session):
    ids = session.info.pop(_ENQUEUED, None)
    if ids and has_request_context():
        g.setdefault(_COMMITTED, []).extend(ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session, previous_transaction):
    if previous_transaction.parent is None:
        session.info.pop(_ENQUEUED, None)


def send_after_request(exc) -> None:
    """Teardown: send what this request committed to the outbox, with a fresh session. Best
    effort: a failure leaves the message pending for `myhealth notifications send`."""
    ids = g.pop(_COMMITTED, None)
    if not ids:
        return
    from myhealth.extensions import db

    session = db.session.session_factory()
    try:
        send_due(session, current_app.config, only_ids=ids)
    except Exception:  # noqa: BLE001 - the response is already decided; the job retries
        log.exception("sending %d message(s) after the request failed", len(ids))
        session.rollback()
    finally:
        session.close()


# --- the demo's sender -----------------------------------------------------------------------


def start_background_sender(app, interval: float = 5.0) -> threading.Event:
    """For the demo server: send due messages every `interval` seconds in a daemon thread.
    Set the returned event to stop it."""
    from myhealth.extensions import db

    stop = threading.Event()

    def run() -> None:
        while not stop.wait(interval):
            with app.app_context():
                session = db.session.session_factory()
                try:
                    send_due(session, app.config)
                except Exception:  # noqa: BLE001 - keep the demo running; log and go on
                    log.exception("background sending failed")
                    session.rollback()
                finally:
                    session.close()

    threading.Thread(target=run, name="outbox-sender", daemon=True).start()
    return stop
