"""Sign-up with identity matching, email verification, sign-in with lockout, device sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, inspect, select
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.util import identity_key

from myhealth.access.services import record_event
from myhealth.accounts import passwords
from myhealth.accounts.matching import account_for_patient, record_for_identity
from myhealth.accounts.models import Role, User, UserSession
from myhealth.database import utcnow
from myhealth.errors import DomainError, InvalidInput, NotFound
from myhealth.people.models import Organisation, Patient


class TokenInvalid(DomainError):
    status = 400


class TokenExpired(DomainError):
    status = 400


@dataclass(frozen=True)
class SignUpDetails:
    nhs_number: str
    given_name: str
    family_name: str
    birth_date: date
    email: str
    password: str
    practice_id: uuid.UUID


@dataclass(frozen=True)
class SignUpResult:
    """What happened; the page shown is the same for every kind, so nothing leaks."""

    kind: str  # "linked", "created", "unmatched" or "existing" (the email has an account)
    user: User | None
    email: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


def registering_practices(session: Session) -> list[Organisation]:
    from myhealth.people.models import OrganisationKind

    stmt = (
        select(Organisation)
        .where(
            Organisation.kind.in_([OrganisationKind.GP_PRACTICE, OrganisationKind.NATIONAL_SERVICE])
        )
        .order_by(Organisation.kind, Organisation.name)
    )
    return list(session.scalars(stmt))


def sign_up(session: Session, details: SignUpDetails, *, client_address: str = "") -> SignUpResult:
    """Create an account, linking to an existing record only when identity matches.

    Raises InvalidInput (with field errors) for an unknown practice, a weak password, or a
    fully matched record that already has an account. An email address that already has an
    account is not refused on the page, which would tell anyone who has an account: the
    result's kind is "existing", its user the owner, whom the caller tells by email. The
    caller sends the email and commits.
    """
    email = normalise_email(details.email)
    practice = session.get(Organisation, details.practice_id)
    if practice is None or not practice.accepts_registrations:
        raise InvalidInput("unknown practice", {"practice": _l("Select your GP practice")})

    problem = passwords.password_problem(
        details.password, personal=(details.given_name, details.family_name, email.split("@")[0])
    )
    if problem:
        raise InvalidInput("weak password", {"password": str(problem)})

    owner = user_by_email(session, email)
    if owner is not None:
        passwords.hash_password(details.password)  # the time a new account takes
        record_event(
            session,
            "signup.existing_email",
            actor=owner,
            purpose="sign-up",
            outcome="failure",
            detail="sign-up with an email address that already has an account",
            client_address=client_address,
        )
        return SignUpResult("existing", owner, email)

    patient, identity_matches = record_for_identity(
        session, details.nhs_number, details.birth_date, details.family_name
    )
    if patient is not None:
        if not identity_matches:
            # Same page as a new sign-up: the browser learns nothing about the number.
            record_event(
                session,
                "signup.unmatched",
                purpose="sign-up",
                client_address=client_address,
                detail="identity details did not match an existing record",
                outcome="failure",
            )
            return SignUpResult("unmatched", None, email)
        if account_for_patient(session, patient):
            raise InvalidInput(
                "duplicate account",
                {
                    "nhs_number": _l(
                        "An account already exists for this NHS number. Sign in instead"
                    )
                },
            )
        kind = "linked"
    else:
        patient = Patient(
            nhs_number=details.nhs_number,
            given_name=details.given_name.strip(),
            family_name=details.family_name.strip(),
            birth_date=details.birth_date,
            registered_organisation_id=practice.id,
        )
        session.add(patient)
        kind = "created"

    user = User(
        email=email,
        password_hash=passwords.hash_password(details.password),
        role=Role.PATIENT,
        display_name=f"{details.given_name.strip()} {details.family_name.strip()}",
        patient=patient,
    )
    # Only a record the practice already holds confirms who they are; a record made from
    # their own details shows no clinical data until the practice checks them.
    if kind == "linked":
        user.identity_verified_at = utcnow()
    else:
        user.identity_pending_since = utcnow()
    session.add(user)
    session.flush()
    record_event(
        session,
        "signup",
        actor=user,
        patient_id=patient.id,
        purpose="sign-up",
        detail=kind,
        client_address=client_address,
    )
    return SignUpResult(kind, user, email)


def create_staff_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role,
    display_name: str,
    organisation_ods_code: str,
) -> User:
    """An admin sets up a clinician or admin account (CLI). Staff email counts as verified."""
    if role is Role.PATIENT:
        raise InvalidInput(
            "patients sign up themselves", {"role": _l("Role must be clinician or admin")}
        )
    email = normalise_email(email)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise InvalidInput(
            "duplicate email", {"email": _l("An account already uses %(email)s", email=email)}
        )
    organisation = session.scalar(
        select(Organisation).where(Organisation.ods_code == organisation_ods_code.upper())
    )
    if organisation is None:
        raise InvalidInput(
            "unknown organisation",
            {
                "organisation": _l(
                    "No organisation has ODS code %(code)s", code=organisation_ods_code
                )
            },
        )
    problem = passwords.password_problem(password, personal=(email.split("@")[0],))
    if problem:
        raise InvalidInput("weak password", {"password": str(problem)})
    user = User(
        email=email,
        password_hash=passwords.hash_password(password),
        role=role,
        display_name=display_name,
        organisation=organisation,
        email_verified_at=utcnow(),
    )
    session.add(user)
    session.flush()
    record_event(session, "account.created", actor=user, purpose="administration", detail=role)
    return user


# --- email verification -----------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="myhealth-email-verification")


def email_verification_token(secret_key: str, user: User) -> str:
    return _serializer(secret_key).dumps({"u": str(user.id), "e": user.email})


def verify_email(session: Session, secret_key: str, token: str, max_age: int) -> User:
    """Mark the email verified; TokenExpired or TokenInvalid for a bad link."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired("link expired") from exc
    except BadSignature as exc:
        raise TokenInvalid("link not valid") from exc
    try:
        user = session.get(User, uuid.UUID(data["u"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise TokenInvalid("link not valid") from exc
    if user is None or user.email != data.get("e"):
        raise TokenInvalid("link not valid")
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        record_event(session, "email.verified", actor=user, purpose="sign-up")
    return user


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == normalise_email(email)))


# --- signed-in devices ------------------------------------------------------------------


def start_session(
    session: Session, user: User, *, client_address: str, user_agent: str, method: str
) -> UserSession:
    """A new signed-in device: a fresh id every time, so a sign-in rotates the session."""
    device = UserSession(
        user=user, client_address=client_address or "", user_agent=(user_agent or "")[:300]
    )
    session.add(device)
    session.flush()
    record_event(
        session,
        "signin",
        actor=user,
        purpose="sign-in",
        detail=method,
        client_address=client_address,
    )
    return device


def idle_timeout(user: User, config: dict) -> timedelta:
    minutes = (
        config["IDLE_TIMEOUT_STAFF_MINUTES"]
        if user.is_staff
        else config["IDLE_TIMEOUT_PATIENT_MINUTES"]
    )
    return timedelta(minutes=minutes)


def session_lifetime(user: User, config: dict) -> timedelta:
    """How long a signed-in session lasts however busy it is, before signing in again."""
    hours = (
        config["SESSION_LIFETIME_STAFF_HOURS"]
        if user.is_staff
        else config["SESSION_LIFETIME_PATIENT_HOURS"]
    )
    return timedelta(hours=hours)


# The device and its user in one statement, built once: every signed-in request runs it.
_DEVICE_AND_USER = (
    select(UserSession)
    .options(joinedload(UserSession.user))
    .where(UserSession.id == bindparam("session_id"))
)


def _live_device(session: Session, session_id: str) -> UserSession | None:
    try:
        sid = uuid.UUID(session_id)
    except (ValueError, TypeError):
        return None
    # Every request checks the session's lifetime and then loads its user: the second look
    # finds the device in this unit of work's identity map without a query. That map holds
    # only what is referenced, hence the reference in session.info.
    device = session.identity_map.get(identity_key(UserSession, sid))
    if device is None or inspect(device).expired:
        device = session.execute(_DEVICE_AND_USER, {"session_id": sid}).scalar_one_or_none()
        session.info["live_device"] = device
    if device is None or device.ended_at is not None:
        return None
    return device


def end_if_past_lifetime(session: Session, session_id: str, config: dict) -> timedelta | None:
    """End the device session if it has lasted its whole lifetime; return that lifetime."""
    device = _live_device(session, session_id)
    if device is None:
        return None
    lifetime = session_lifetime(device.user, config)
    if utcnow() - device.created_at <= lifetime:
        return None
    device.ended_at = utcnow()
    device.ended_reason = "lifetime"
    record_event(session, "signout", actor=device.user, purpose="account", detail="lifetime")
    return lifetime


def load_session_user(session: Session, session_id: str, config: dict) -> tuple[User | None, bool]:
    """The user of a live device session, touching it; (None, idle?) otherwise."""
    if end_if_past_lifetime(session, session_id, config) is not None:
        return None, False
    device = _live_device(session, session_id)
    if device is None:
        return None, False
    now = utcnow()
    if now - device.last_seen_at > idle_timeout(device.user, config):
        device.ended_at = now
        device.ended_reason = "idle"
        return None, True
    if now - device.last_seen_at > timedelta(seconds=30):
        device.last_seen_at = now
    user = device.user
    user.current_session_id = device.id
    return user, False


def end_session(session: Session, user: User, session_id: uuid.UUID, reason: str) -> None:
    device = session.get(UserSession, session_id)
    if device is None or device.user_id != user.id:
        raise NotFound("No such signed-in device")
    if device.ended_at is None:
        device.ended_at = utcnow()
        device.ended_reason = reason
        record_event(session, "signout", actor=user, purpose="account", detail=reason)


def end_all_sessions(session: Session, user: User) -> int:
    devices = active_sessions(session, user)
    now = utcnow()
    for device in devices:
        device.ended_at = now
        device.ended_reason = "signed out everywhere"
    record_event(
        session, "signout.everywhere", actor=user, purpose="account", detail=str(len(devices))
    )
    return len(devices)


def active_sessions(session: Session, user: User) -> list[UserSession]:
    stmt = (
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc())
    )
    return list(session.scalars(stmt))


def set_language(session: Session, user: User, language: str) -> None:
    user.language = language


def staff_accounts(session: Session, actor: User) -> list[User]:
    """Staff of the admin's own organisation."""
    stmt = (
        select(User)
        .where(User.organisation_id == actor.organisation_id, User.role != Role.PATIENT)
        .order_by(User.display_name)
    )
    return list(session.scalars(stmt))
