"""People who sign in: patients, clinicians and admins; their devices and recovery codes."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from myhealth.database import UTCDateTime, new_uuid, str_enum, utcnow
from myhealth.extensions import db
from myhealth.people.models import Organisation, Patient


class Role(enum.StrEnum):
    PATIENT = "patient"
    CLINICIAN = "clinician"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.PATIENT


class User(db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        # A patient account is one patient's; a staff account always has an organisation.
        CheckConstraint(
            "(role = 'patient' AND patient_id IS NOT NULL AND organisation_id IS NULL)"
            " OR (role <> 'patient' AND organisation_id IS NOT NULL AND patient_id IS NULL)",
            name="role_links",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patient.id"), unique=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    totp_last_counter: Mapped[int | None] = mapped_column(Integer)
    failed_signins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Identity checks (see access.policy.identity_confirmed): set while a patient account
    # waits for its practice to confirm who they are, and sees no clinical data.
    identity_pending_since: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    identity_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The practice record an import found under this account's NHS number, whose details
    # did not match: the account is flagged until a clinician checks it against it.
    identity_conflict_patient_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("patient.id"))

    patient: Mapped[Patient | None] = relationship(foreign_keys=[patient_id])
    organisation: Mapped[Organisation | None] = relationship()

    # Set by the user loader: the signed-in device this request belongs to.
    current_session_id = None  # not mapped

    # Flask-Login protocol
    is_active = True
    is_anonymous = False

    @property
    def is_authenticated(self) -> bool:
        return True

    def get_id(self) -> str:
        # The cookie names the device session, not the user, so signing out one device
        # or every device takes effect on the very next request.
        return str(self.current_session_id)

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    @property
    def has_password(self) -> bool:
        """False for an account made through an identity provider, which has no password."""
        return bool(self.password_hash)


class UserSession(db.Model):
    """One signed-in device. The session cookie carries only this id."""

    __tablename__ = "user_session"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ended_reason: Mapped[str | None] = mapped_column(String(32))
    client_address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    __tablename__ = "recovery_code"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PendingSignIn(db.Model):
    """A sign-in whose password was right, waiting for its security code.

    Held here rather than in the (signed, readable, replayable) session cookie: the cookie
    carries only this id, and the row goes when the sign-in completes, times out or locks.
    """

    __tablename__ = "pending_sign_in"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    client_address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship()


class SignInLock(db.Model):
    """Failed sign-ins for one email address from one client address, and the lock they set.

    Locking the pair rather than the account means an attacker locks out only themselves,
    and unknown email addresses lock exactly like real ones. The address is kept as a
    digest so that mistyped addresses of people with no account are not stored.
    """

    __tablename__ = "sign_in_lock"
    __table_args__ = (UniqueConstraint("email_digest", "client_address"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    email_digest: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class TwoFactorSetup(db.Model):
    """The secret of a two-factor set-up the person has not confirmed yet (kept out of the
    session cookie, which is signed but not encrypted)."""

    __tablename__ = "two_factor_setup"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class IdentityProviderLink(db.Model):
    """An account's link to a person at an OpenID Connect provider (NHS login or the like).

    The provider names the person by `subject`, unique within its `issuer`: one person there is
    one account here, and an account has at most one link to each provider.
    """

    __tablename__ = "identity_provider_link"
    __table_args__ = (
        UniqueConstraint("issuer", "subject"),
        UniqueConstraint("user_id", "issuer"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_uuid)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
