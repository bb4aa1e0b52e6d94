"""Each person's choice of homepage widgets and their order."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from myhealth.database import UTCDateTime, utcnow
from myhealth.extensions import db


class HomeLayout(db.Model):
    __tablename__ = "home_layout"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    order: Mapped[list] = mapped_column(JSON, default=list)
    hidden: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
