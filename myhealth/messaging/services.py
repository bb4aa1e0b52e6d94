"""What administrators see of the outbox and may do with it: the messages that have not been
sent (recipient masked, no text), and trying a dead one again."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.accounts.models import Role, User
from myhealth.database import utcnow
from myhealth.errors import NotAllowed, NotFound
from myhealth.messaging import outbox
from myhealth.messaging.models import OutboxMessage, OutboxStatus

UNSENT_LIMIT = 200


def _require_admin(actor: User) -> None:
    if actor.role != Role.ADMIN:
        raise NotAllowed("Only administrators can manage messages.")


def unsent_messages(session: Session, actor: User) -> dict[str, list[OutboxMessage]]:
    """Dead messages (newest first) and those still waiting (soonest first), up to a limit
    each: what a person may not have received."""
    _require_admin(actor)

    def of(status: OutboxStatus, order):
        return list(
            session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.status == status)
                .order_by(order)
                .limit(UNSENT_LIMIT)
            )
        )

    return {
        "dead": of(OutboxStatus.DEAD, OutboxMessage.created_at.desc()),
        "pending": of(OutboxStatus.PENDING, OutboxMessage.next_attempt_at),
    }


def retry(session: Session, actor: User, message_id: uuid.UUID) -> OutboxMessage:
    """Put a dead message back in the queue, due now, with its attempts counted afresh. A
    message that is not dead (sent, or already waiting) answers NotFound: nothing to retry."""
    _require_admin(actor)
    message = session.get(OutboxMessage, message_id)
    if message is None or message.status != OutboxStatus.DEAD:
        raise NotFound("No such message to try again.")
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = utcnow()
    outbox.send_after_commit(session, message)
    return message
