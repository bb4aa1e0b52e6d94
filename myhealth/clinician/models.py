"""Review items: flagged self-assessments waiting for a clinician of the patient's practice."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from myhealth.accounts.models import User
from myhealth.database import UTCDateTime, new_uuid, str_enum, utcnow
from myhealth.extensions import db
from myhealth.people.models import Organisation, Patient
from myhealth.selfcare.models import Assessment


class ReviewStatus(enum.StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    CLOSED = "closed"


class ReviewOutcome(enum.StrEnum):
    NO_ACTION = "no_action"
    ADVICE = "advice"
    BOOK_APPOINTMENT = "book_appointment"
    PHONED = "phoned"
    REFERRED = "referred"


class ReviewItem(db.Model):
    __tablename__ = "review_item"
    # The queue: one organisation's unclosed items, most urgent first, then oldest.
    __table_args__ = (
        Index("ix_review_item_queue", "organisation_id", "status", "urgency", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    assessment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assessment.id"), unique=True)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"), index=True)
    # None only when the patient has no registered organisation and no national service
    # exists to take the item; such items are counted on every clinician's queue page.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    urgency: Mapped[int] = mapped_column(Integer)
    reasons: Mapped[list] = mapped_column(JSON)
    status: Mapped[ReviewStatus] = mapped_column(
        str_enum(ReviewStatus, 16), default=ReviewStatus.OPEN
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    outcome: Mapped[ReviewOutcome | None] = mapped_column(str_enum(ReviewOutcome, 32))
    book_within: Mapped[str | None] = mapped_column(String(16))
    advice: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")

    assessment: Mapped[Assessment] = relationship(backref=backref("review_item", uselist=False))
    patient: Mapped[Patient] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    claimed_by: Mapped[User | None] = relationship(foreign_keys=[claimed_by_user_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_user_id])
