"""TOTP two-factor authentication and single-use recovery codes."""

from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import timedelta

import pyotp
import segno
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from myhealth.access.services import record_event
from myhealth.accounts.models import RecoveryCode, TwoFactorSetup, User
from myhealth.database import utcnow
from myhealth.errors import InvalidInput

RECOVERY_CODE_COUNT = 10
ISSUER = "myhealth"
SETUP_MINUTES = 30  # to install an app and scan the code


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG (no inline style, so it passes a strict CSP)."""
    return segno.make(uri, error="m").svg_inline(scale=5, title=title, border=2)


def _totp_counter(secret: str, code: str) -> int | None:
    """The time-step the code belongs to (allowing one step of clock drift), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (0, -1, 1):
        at = now.timestamp() + drift * totp.interval
        if secrets.compare_digest(totp.at(at), code):
            return totp.timecode(now) + drift
    return None


def _setup(session: Session, user: User) -> TwoFactorSetup | None:
    setup = session.get(TwoFactorSetup, user.id)
    if setup is None or utcnow() - setup.created_at > timedelta(minutes=SETUP_MINUTES):
        return None
    return setup


def setup_secret(session: Session, user: User) -> str:
    """The secret of this person's set-up in progress, or a new one.

    It is kept on the server until the person proves their app works: the session cookie is
    signed but not encrypted, so a secret in it could be read by whoever held the cookie.
    """
    setup = _setup(session, user)
    if setup is not None:
        return setup.secret
    stale = session.get(TwoFactorSetup, user.id)
    if stale is not None:
        session.delete(stale)
        session.flush()
    setup = TwoFactorSetup(user_id=user.id, secret=new_secret())
    session.add(setup)
    session.flush()
    return setup.secret


def enable(session: Session, user: User, code: str) -> list[str]:
    """Turn 2FA on after the person proves their app works; return new recovery codes."""
    setup = _setup(session, user)
    counter = _totp_counter(setup.secret, code) if setup is not None else None
    if counter is None:
        raise InvalidInput(
            "bad code",
            {"code": _l("The security code is not correct. Check your app and try again")},
        )
    user.totp_secret = setup.secret
    user.totp_enabled_at = utcnow()
    user.totp_last_counter = counter
    session.delete(setup)
    codes = regenerate_recovery_codes(session, user)
    record_event(session, "2fa.enabled", actor=user, purpose="account security")
    return codes


def disable(session: Session, user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_counter = None
    for code in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(code)
    record_event(session, "2fa.disabled", actor=user, purpose="account security")


def _recovery_digest(code: str) -> str:
    # Codes carry 80 random bits, far beyond guessing even offline, so a fast hash is
    # enough (a slow password hash made showing ten new codes take seconds).
    normalised = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"myhealth-recovery:{normalised}".encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()  # 16 characters, 80 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def regenerate_recovery_codes(session: Session, user: User) -> list[str]:
    for old in session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)):
        session.delete(old)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(code)))
    session.flush()
    record_event(session, "2fa.recovery_codes_issued", actor=user, purpose="account security")
    return codes


def accept_second_factor(
    session: Session, user: User, code: str, *, client_address: str = "", purpose: str = ""
) -> str | None:
    """Accept a current TOTP code (once) or an unused recovery code (using it up); return
    which was used, or None."""
    code = code.strip()
    if user.totp_secret:
        counter = _totp_counter(user.totp_secret, code)
        if counter is not None and (
            user.totp_last_counter is None or counter > user.totp_last_counter
        ):
            user.totp_last_counter = counter
            return "totp"
    if len("".join(ch for ch in code if ch.isalnum())) == 16:
        digest = _recovery_digest(code)
        unused = session.scalars(
            select(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        for recovery in unused:
            if secrets.compare_digest(recovery.code_hash, digest):
                recovery.used_at = utcnow()
                record_event(
                    session,
                    "2fa.recovery_code_used",
                    actor=user,
                    purpose=purpose or "account security",
                    client_address=client_address,
                )
                return "recovery code"
    return None


def verify_second_factor(
    session: Session, user: User, code: str, *, client_address: str = ""
) -> str:
    """The sign-in step: accept the code or record the failure and raise InvalidInput."""
    method = accept_second_factor(
        session, user, code, client_address=client_address, purpose="sign-in"
    )
    if method is not None:
        return method
    record_event(
        session,
        "signin.failed",
        actor=user,
        purpose="sign-in",
        outcome="failure",
        detail="wrong security code",
        client_address=client_address,
    )
    raise InvalidInput(
        "bad code", {"code": _l("The security code is not correct. Check your app and try again")}
    )


def unused_recovery_codes(session: Session, user: User) -> int:
    stmt = select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
    )
    return len(list(session.scalars(stmt)))
