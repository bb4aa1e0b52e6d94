"""The clinical record as FHIR resources. The patient (myhealth.people) is imported here too
for code written before it moved."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from myhealth.database import UTCDateTime, new_uuid, utcnow
from myhealth.extensions import db
from myhealth.people.models import Gender, Organisation, Patient  # noqa: F401 - re-exported

# JSONB on PostgreSQL (indexable, compact); JSON text elsewhere.
FhirJSON = JSON().with_variant(JSONB(), "postgresql")


class ClinicalResource(db.Model):
    """One FHIR R4 resource as received (references resolved), with columns for search.

    Its FHIR id is the sending system's, so it is unique only within its source: the
    organisation that imported it and the system the file came from (``meta.source``). Our
    own id for it is ``id``.
    """

    __tablename__ = "clinical_resource"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id",
            "source_system",
            "resource_type",
            "fhir_id",
            name="uq_clinical_resource_source_id",
        ),
        # Record pages list one patient's resources of one type, newest first.
        Index(
            "ix_clinical_resource_patient_type_date", "patient_id", "resource_type", "effective_at"
        ),
        Index("ix_clinical_resource_patient_code", "patient_id", "code_system", "code"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    resource_type: Mapped[str] = mapped_column(String(64))
    fhir_id: Mapped[str] = mapped_column(String(64))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patient.id"))
    # The patient reference as the source wrote it ("Patient/f001"), so a resource that
    # arrives before its patient is linked when the patient is imported.
    subject_ref: Mapped[str | None] = mapped_column(String(140), index=True)
    code_system: Mapped[str | None] = mapped_column(String(200))
    code: Mapped[str | None] = mapped_column(String(64))
    display: Mapped[str | None] = mapped_column(String(500))
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str | None] = mapped_column(String(32))
    version_id: Mapped[int] = mapped_column(Integer, default=1)
    last_updated: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    # The source its fhir_id belongs to: the importing organisation and the sending system.
    # Rows the portal writes itself (self-assessments) and rows imported before sources were
    # kept have no organisation: no import matches them, and none waiting is ever linked.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    source_system: Mapped[str] = mapped_column(String(300), default="")
    content: Mapped[dict] = mapped_column(FhirJSON)

    patient: Mapped[Patient | None] = relationship()
