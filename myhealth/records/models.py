"""The patient at the centre of the record. Clinical resources arrive with the record issue."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from myhealth.database import UTCDateTime, new_uuid, str_enum, utcnow
from myhealth.directory.models import Organisation
from myhealth.extensions import db


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNKNOWN = "unknown"


class Patient(db.Model):
    __tablename__ = "patient"
    # The clinician's patient list filters by organisation and sorts by name.
    __table_args__ = (
        Index(
            "ix_patient_organisation_name",
            "registered_organisation_id",
            "family_name",
            "given_name",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    nhs_number: Mapped[str] = mapped_column(String(10), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(str_enum(Gender, 16), default=Gender.UNKNOWN)
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    registered_organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registered_organisation: Mapped[Organisation | None] = relationship()

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def formatted_nhs_number(self) -> str:
        n = self.nhs_number
        return f"{n[:3]} {n[3:6]} {n[6:]}"
