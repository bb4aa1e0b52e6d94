"""People and organisations, and who belongs where: the base domain below `access`.

Patients, the organisations that care for them (GP practices, the national service,
pharmacies, hospitals), their practitioners, and a patient's registration with an
organisation. Every other domain uses these; this package imports none of them.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from myhealth import nhs_number as nhs_numbers
from myhealth.database import UTCDateTime, new_uuid, str_enum, utcnow
from myhealth.extensions import db


class OrganisationKind(enum.StrEnum):
    GP_PRACTICE = "gp_practice"
    NATIONAL_SERVICE = "national_service"
    PHARMACY = "pharmacy"
    HOSPITAL = "hospital"


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    ods_code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(str_enum(OrganisationKind, 32), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="", index=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    practitioners: Mapped[list[Practitioner]] = relationship(back_populates="organisation")

    @property
    def accepts_registrations(self) -> bool:
        return self.kind in (OrganisationKind.GP_PRACTICE, OrganisationKind.NATIONAL_SERVICE)


class Practitioner(db.Model):
    __tablename__ = "practitioner"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    profession: Mapped[str] = mapped_column(String(60))
    gmc_or_nmc_number: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="practitioners")

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


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
    # Records imported from outside England and Wales may have no NHS number.
    nhs_number: Mapped[str | None] = mapped_column(String(10), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100), index=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
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
        return nhs_numbers.formatted(self.nhs_number) if self.nhs_number else ""
