"""What an identity verified by an OpenID Connect provider means for accounts here.

The provider's claims (NHS number, date of birth, family name) are matched to the patient
record with the same rule as sign-up (matching.record_for_identity). The outcomes:

- the provider's subject is linked to an account already: that account signs in;
- a signed-in patient links their account, when the claims match their own record;
- no account yet, and the claims match a record nobody has an account for: an account is
  made and linked;
- anything else (no record, details that do not match, a record that has an account, an
  NHS number that is not valid): NotMatched, nothing stored, and the page says nothing
  about whose record it might be.

No commit here: the caller commits (or, once the unit of work lands, it does).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from myhealth import nhs_number
from myhealth.access.services import record_event
from myhealth.accounts import matching, passwords, services
from myhealth.accounts.models import IdentityProviderLink, Role, User
from myhealth.accounts.oidc import Identity
from myhealth.database import utcnow
from myhealth.errors import DomainError, InvalidInput


class NotMatched(DomainError):
    """The identity cannot be used here. `reason` goes to the audit trail, never the page."""

    status = 403

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def link_for(session: Session, user: User, issuer: str) -> IdentityProviderLink | None:
    return session.scalar(
        select(IdentityProviderLink).where(
            IdentityProviderLink.user_id == user.id, IdentityProviderLink.issuer == issuer
        )
    )


def _linked_user(session: Session, identity: Identity) -> User | None:
    link = session.scalar(
        select(IdentityProviderLink).where(
            IdentityProviderLink.issuer == identity.issuer,
            IdentityProviderLink.subject == identity.subject,
        )
    )
    if link is None:
        return None
    link.last_used_at = utcnow()
    return link.user


def _refuse(session: Session, reason: str, *, user=None, patient_id=None, client_address=""):
    record_event(
        session,
        "oidc.refused",
        actor=user,
        patient_id=patient_id,
        purpose="sign-in",
        outcome="failure",
        detail=reason,
        client_address=client_address,
    )
    return NotMatched(reason)


def _matching_record(session: Session, identity: Identity, *, client_address: str, user=None):
    """The record the claims match, or NotMatched (audited)."""
    try:
        number = nhs_number.normalise(identity.nhs_number)
    except nhs_number.InvalidNHSNumber:
        raise _refuse(
            session, "no valid NHS number in the claims", user=user, client_address=client_address
        ) from None
    patient, matches = matching.record_for_identity(
        session, number, identity.birth_date, identity.family_name
    )
    if patient is None:
        raise _refuse(
            session, "no record has this NHS number", user=user, client_address=client_address
        )
    if not matches:
        raise _refuse(
            session,
            "date of birth or family name did not match the record",
            user=user,
            patient_id=patient.id,
            client_address=client_address,
        )
    return patient


def sign_in_with(session: Session, identity: Identity, *, client_address: str = "") -> User:
    """The account this identity signs in to, made and linked if the claims match a record
    that has no account yet; NotMatched otherwise. The caller starts the session."""
    user = _linked_user(session, identity)
    if user is not None:
        if user.role is not Role.PATIENT or (
            user.patient is not None
            and identity.nhs_number
            and nhs_number.is_valid(identity.nhs_number)
            and nhs_number.normalise(identity.nhs_number) != user.patient.nhs_number
        ):
            # The provider now says this person has another NHS number: stop, a person checks.
            raise _refuse(
                session,
                "linked account's NHS number differs from the claims",
                user=user,
                client_address=client_address,
            )
        return user

    patient = _matching_record(session, identity, client_address=client_address)
    if matching.account_for_patient(session, patient):
        # Its owner links NHS login from their account page, after signing in as usual.
        raise _refuse(
            session,
            "the matched record has an account, not linked to this identity",
            patient_id=patient.id,
            client_address=client_address,
        )
    email = services.normalise_email(identity.email or "")
    if not email or session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise _refuse(
            session,
            "no email address in the claims, or it belongs to another account",
            patient_id=patient.id,
            client_address=client_address,
        )
    now = utcnow()
    user = User(
        email=email,
        password_hash="",  # no password: this account signs in through the provider
        role=Role.PATIENT,
        display_name=patient.display_name,
        patient=patient,
        # The practice's own record matched claims the provider proved (P9): confirmed.
        identity_verified_at=now,
        email_verified_at=now if identity.email_verified else None,
    )
    try:
        with session.begin_nested():  # the same person signing in twice at once: one wins
            session.add(user)
            session.add(
                IdentityProviderLink(
                    user=user, issuer=identity.issuer, subject=identity.subject, last_used_at=now
                )
            )
    except IntegrityError:
        raise _refuse(
            session,
            "an account was made for this record or identity at the same moment",
            patient_id=patient.id,
            client_address=client_address,
        ) from None
    record_event(
        session,
        "signup",
        actor=user,
        patient_id=patient.id,
        purpose="sign-up",
        detail=f"linked through {identity.issuer}",
        client_address=client_address,
    )
    return user


def link_account(
    session: Session, user: User, identity: Identity, *, client_address: str = ""
) -> IdentityProviderLink:
    """Link the signed-in patient's account to this identity, when the claims match their own
    record. NotMatched otherwise (another person's record looks the same as no record)."""
    if user.role is not Role.PATIENT or user.patient is None:
        raise _refuse(
            session, "only patient accounts link", user=user, client_address=client_address
        )
    patient = _matching_record(session, identity, client_address=client_address, user=user)
    if patient.id != user.patient_id:
        raise _refuse(
            session,
            "claims match another record than this account's",
            user=user,
            client_address=client_address,
        )
    taken = _linked_user(session, identity)
    if taken is not None and taken.id != user.id:
        raise _refuse(
            session,
            "identity already linked to another account",
            user=user,
            client_address=client_address,
        )
    existing = link_for(session, user, identity.issuer)
    if existing is not None:
        if existing.subject != identity.subject:
            raise _refuse(
                session,
                "account linked to another identity at this provider",
                user=user,
                client_address=client_address,
            )
        return existing
    link = IdentityProviderLink(
        user=user, issuer=identity.issuer, subject=identity.subject, last_used_at=utcnow()
    )
    try:
        with session.begin_nested():
            session.add(link)
    except IntegrityError:  # linked concurrently
        raise _refuse(
            session, "identity already linked", user=user, client_address=client_address
        ) from None
    record_event(
        session,
        "oidc.linked",
        actor=user,
        patient_id=patient.id,
        purpose="account",
        detail=identity.issuer,
        client_address=client_address,
    )
    return link


def unlink_account(
    session: Session, user: User, issuer: str, password: str, *, client_address: str = ""
) -> None:
    """Remove the account's link to the provider. The password must be right; an account with
    no password keeps its link, which is its only way in. InvalidInput otherwise."""
    if not user.has_password:
        raise InvalidInput(
            "no password",
            {"password": _l("Your account has no password, so it cannot be unlinked")},
        )
    if not passwords.verify_password(user.password_hash, password or ""):
        record_event(
            session,
            "oidc.unlink_failed",
            actor=user,
            purpose="account",
            outcome="failure",
            detail="wrong password",
            client_address=client_address,
        )
        raise InvalidInput("wrong password", {"password": _l("The password is not correct")})
    session.execute(
        delete(IdentityProviderLink).where(
            IdentityProviderLink.user_id == user.id, IdentityProviderLink.issuer == issuer
        )
    )
    record_event(
        session,
        "oidc.unlinked",
        actor=user,
        purpose="account",
        detail=issuer,
        client_address=client_address,
    )
