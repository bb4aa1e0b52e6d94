"""The notification outbox: every message to a person, written in the transaction that
caused it and sent after that transaction commits (myhealth.messaging.outbox)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from myhealth.database import UTCDateTime, new_uuid, str_enum, utcnow
from myhealth.extensions import db


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting to be sent, or to be tried again at next_attempt_at
    SENT = "sent"
    DEAD = "dead"  # gave up after the last attempt; an administrator can try again


class OutboxMessage(db.Model):
    """One message to one person. The text is rendered at send time from the named template
    (templates/messaging/<template>.txt) in the recipient's language with `context`, so no
    message text is stored; the context holds only a name, links and the like, never clinical
    detail."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        # The sender's query: pending messages whose time has come, oldest first.
        Index("ix_outbox_message_status_next_attempt", "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, 8))
    recipient: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8), default="en")
    template: Mapped[str] = mapped_column(String(64))
    context: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        str_enum(OutboxStatus, 16), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # What went wrong last time, in the channel's words (an SMTP code, an HTTP status); never
    # the message's text.
    last_error: Mapped[str | None] = mapped_column(String(300))
    # The same cause (a review closed, a lockout) cannot enqueue the same message twice.
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def masked_recipient(self) -> str:
        """Enough for an administrator to tell messages apart, not to read an address:
        s***@e***.com, or *******8901 for a phone number."""
        if self.channel == Channel.SMS:
            digits = self.recipient.replace(" ", "")
            return "*" * max(0, len(digits) - 4) + digits[-4:]
        local, _, domain = self.recipient.partition("@")
        host, _, tld = domain.rpartition(".")
        return f"{local[:1]}***@{host[:1]}***.{tld}" if host else f"{local[:1]}***"
