"""The append-only, hash-chained audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from myhealth.database import UTCDateTime, utcnow
from myhealth.extensions import db

# SQLite only autoincrements INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
AuditId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    # The newest link of a chain is read before every append (see myhealth.access.chain).
    __table_args__ = (Index("ix_audit_event_chain_id", "chain", "id"),)

    id: Mapped[int] = mapped_column(AuditId, primary_key=True, autoincrement=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="success")
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("user_account.id"), index=True
    )
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    actor_organisation_name: Mapped[str] = mapped_column(String(200), default="")
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patient.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    client_address: Mapped[str] = mapped_column(String(64), default="")
    chain: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
