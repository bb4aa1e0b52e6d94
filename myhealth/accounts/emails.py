"""The emails accounts send, written to the outbox in the caller's transaction and sent after
it commits. Their text is in templates/messaging/ (through Flask-Babel); no clinical detail."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from myhealth.accounts import services
from myhealth.accounts.models import User
from myhealth.messaging import outbox
from myhealth.messaging.models import Channel
from myhealth.urls import external_url


def _to_user(session: Session, user: User, template: str, key: str | None = None, **context):
    """One email to an account holder, in their saved language (else the request's)."""
    outbox.enqueue(
        session,
        channel=Channel.EMAIL,
        recipient=user.email,
        language=user.language,
        template=template,
        context={"name": user.display_name, **context},
        idempotency_key=key,
    )


def send_verification(session: Session, user: User) -> None:
    token = services.email_verification_token(current_app.config["SECRET_KEY"], user)
    link = external_url("accounts.verify_email", token=token)
    _to_user(session, user, "verify_email", link=link)


def send_unmatched(session: Session, email: str) -> None:
    outbox.enqueue(
        session,
        channel=Channel.EMAIL,
        recipient=email,
        template="sign_up_unmatched",
        context={},
    )


def send_locked(session: Session, user: User, minutes: int, client_address: str) -> None:
    """Someone failed to sign in too often from one address: that address waits, the owner
    does not, and is told where the attempts came from."""
    _to_user(
        session,
        user,
        "sign_in_locked",
        minutes=minutes,
        address=client_address or None,
        link=external_url("accounts.sign_in"),
    )


def send_already_registered(session: Session, user: User) -> None:
    """Sign-up was tried with an address that has an account: its owner hears, not the page."""
    _to_user(session, user, "already_registered", link=external_url("accounts.sign_in"))


def send_two_factor_off(session: Session, user: User) -> None:
    _to_user(session, user, "two_factor_off", link=external_url("accounts.sign_in"))


def send_recovery_codes_issued(session: Session, user: User) -> None:
    _to_user(session, user, "recovery_codes_issued", link=external_url("accounts.sign_in"))
