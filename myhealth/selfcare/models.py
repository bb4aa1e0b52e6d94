"""A completed self-assessment saved to a patient's record."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from myhealth.database import UTCDateTime, new_uuid, utcnow
from myhealth.extensions import db
from myhealth.people.models import Patient


class Assessment(db.Model):
    """The answers and outcome of one run of an algorithm, with the version that produced it.

    The FHIR QuestionnaireResponse (and RiskAssessment, for scores) written to the record at
    the same time hold the same content; this row is what the portal lists and reviews.
    """

    __tablename__ = "assessment"
    # The history page lists one patient's assessments, newest first.
    __table_args__ = (Index("ix_assessment_patient_created", "patient_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    patient_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("patient.id"))
    submitted_by_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    algorithm_id: Mapped[str] = mapped_column(String(64))
    algorithm_version: Mapped[str] = mapped_column(String(64))
    algorithm_title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict] = mapped_column(JSON)
    # Which answers came from the record rather than from the person, by question id.
    from_record: Mapped[list] = mapped_column(JSON, default=list)
    outcome: Mapped[dict] = mapped_column(JSON)
    score: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(32))
    disposition: Mapped[str | None] = mapped_column(String(32))
    urgency: Mapped[int] = mapped_column(Integer)
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    patient: Mapped[Patient] = relationship()


class Draft(db.Model):
    """Answers to a self-assessment in progress, kept here rather than in the session cookie
    (signed, not encrypted: anyone with the browser could read answers such as thoughts of
    self-harm from it). The cookie holds only this row's random id. A draft is deleted when
    its assessment is saved, and forgotten after a few hours without an answer."""

    __tablename__ = "selfcare_draft"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    # The signed-in person it belongs to; None for someone signed out.
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    algorithm_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
