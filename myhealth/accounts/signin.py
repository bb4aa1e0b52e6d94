"""Signing in: the password step, the security-code step, and lockout.

Failed attempts are counted per email address and client address (a `SignInLock`), not per
account: whoever guesses locks out only their own address, never the account's owner, and an
email address with no account locks exactly like one with an account, so the answer tells
nothing. The lock is checked at every step: the password, the security code (whose pending
sign-in is held on the server, not in the cookie) and confirming a security change.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from myhealth.access.services import record_event
from myhealth.accounts import passwords, services, twofactor
from myhealth.accounts.models import PendingSignIn, SignInLock, User, UserSession
from myhealth.database import utcnow
from myhealth.errors import DomainError, InvalidInput

PENDING_SECONDS = 300  # time to enter the security code after the password


class SignInFailed(DomainError):
    status = 401


class AccountLocked(DomainError):
    """Too many failures from this address. `owner` is set when this attempt set the lock
    on a real account, so that the caller can tell its owner where the attempts came from."""

    status = 403

    def __init__(self, until: datetime, *, owner: User | None = None, address: str = ""):
        super().__init__("account locked")
        self.until = until
        self.owner = owner
        self.address = address


class EmailNotVerified(DomainError):
    status = 403

    def __init__(self, user: User):
        super().__init__("email not verified")
        self.user = user


@dataclass(frozen=True)
class Lockout:
    threshold: int
    minutes: int

    @classmethod
    def from_config(cls, config) -> Lockout:
        return cls(config["LOCKOUT_THRESHOLD"], config["LOCKOUT_MINUTES"])


# --- the lock on an email address and client address --------------------------------------


def _digest(email: str) -> str:
    normalised = services.normalise_email(email)
    return hashlib.sha256(f"myhealth-sign-in:{normalised}".encode()).hexdigest()


def _lock_row(session: Session, email: str, address: str, *, create: bool) -> SignInLock | None:
    stmt = (
        select(SignInLock)
        .where(SignInLock.email_digest == _digest(email), SignInLock.client_address == address)
        .with_for_update()
    )
    row = session.scalar(stmt)
    if row is None and create:
        try:
            with session.begin_nested():
                row = SignInLock(email_digest=_digest(email), client_address=address, failures=0)
                session.add(row)
        except IntegrityError:  # a concurrent attempt made it first
            row = session.scalar(stmt)
    return row


def locked_until(session: Session, email: str, address: str) -> datetime | None:
    """When the lock on this email address from this client address ends, if it is locked."""
    row = _lock_row(session, email, address, create=False)
    if row is not None and row.locked_until is not None and row.locked_until > utcnow():
        return row.locked_until
    return None


def _count_failure(
    session: Session, email: str, address: str, lockout: Lockout, *, user: User | None, why: str
) -> datetime | None:
    """Count one failure; return when the lock ends if this failure set it."""
    row = _lock_row(session, email, address, create=True)
    now = utcnow()
    row.failures += 1
    row.updated_at = now
    if row.failures < lockout.threshold:
        return None
    row.failures = 0
    row.locked_until = now + timedelta(minutes=lockout.minutes)
    record_event(
        session,
        "account.locked",
        actor=user,
        purpose="sign-in",
        outcome="failure",
        detail=why if user is not None else f"{why} (no such account)",
        client_address=address,
    )
    return row.locked_until


def _clear_failures(session: Session, email: str, *addresses: str) -> None:
    session.execute(
        delete(SignInLock).where(
            SignInLock.email_digest == _digest(email),
            SignInLock.client_address.in_(set(addresses)),
        )
    )


def _refuse_if_locked(
    session: Session, user: User | None, email: str, addresses: tuple[str, ...], step: str
) -> None:
    for address in dict.fromkeys(addresses):
        until = locked_until(session, email, address)
        if until is not None:
            record_event(
                session,
                "signin.failed",
                actor=user,
                purpose="sign-in",
                outcome="failure",
                detail=f"locked ({step})",
                client_address=addresses[-1],
            )
            raise AccountLocked(until)


# --- the password step ---------------------------------------------------------------------


def authenticate(
    session: Session, email: str, password: str, *, lockout: Lockout, client_address: str = ""
) -> User:
    """Check the email address and password; return the user or raise.

    Raises AccountLocked (before even looking at the password, and the same way whether or
    not the account exists), SignInFailed or EmailNotVerified. The request's unit of work
    commits in every case, so that failures are remembered.
    """
    user = services.user_by_email(session, email)
    _refuse_if_locked(session, user, email, (client_address,), "password")
    if user is None:
        passwords.dummy_verify(password)  # the same time as a real check
        why = "unknown email"
    elif not passwords.verify_password(user.password_hash, password):
        why = "wrong password"
    else:
        if user.email_verified_at is None:
            raise EmailNotVerified(user)
        # Failures are cleared only when sign-in completes (after any second factor), so
        # guessing security codes counts towards the lock as much as guessing passwords.
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        return user
    record_event(
        session,
        "signin.failed",
        actor=user,
        purpose="sign-in",
        outcome="failure",
        detail=why,
        client_address=client_address,
    )
    until = _count_failure(
        session, email, client_address, lockout, user=user, why="too many wrong passwords"
    )
    if until is not None:
        raise AccountLocked(until, owner=user, address=client_address)
    raise SignInFailed(why)


# --- the security-code step ----------------------------------------------------------------


def start_pending(session: Session, user: User, *, client_address: str) -> PendingSignIn:
    """The password was right; the security code is next. Old pending sign-ins are dropped."""
    cutoff = utcnow() - timedelta(seconds=PENDING_SECONDS)
    session.execute(
        delete(PendingSignIn).where(
            PendingSignIn.user_id == user.id, PendingSignIn.created_at < cutoff
        )
    )
    pending = PendingSignIn(user=user, client_address=client_address or "")
    session.add(pending)
    session.flush()
    return pending


def pending_sign_in(session: Session, pending_id: str | None) -> PendingSignIn | None:
    """The pending sign-in this id names, while it lasts."""
    try:
        pending = session.get(PendingSignIn, uuid.UUID(str(pending_id)))
    except ValueError:
        return None
    if pending is None or utcnow() - pending.created_at > timedelta(seconds=PENDING_SECONDS):
        return None
    return pending


def _end_pending(session: Session, user: User) -> None:
    session.execute(delete(PendingSignIn).where(PendingSignIn.user_id == user.id))


def second_factor(
    session: Session,
    pending: PendingSignIn,
    code: str,
    *,
    lockout: Lockout,
    client_address: str = "",
) -> str:
    """Check the lock, then the code; return which kind of code was used.

    A wrong code counts against the address where the password was entered, so moving
    address between guesses gains nothing. When the lock is on, or this guess sets it, every
    pending sign-in of the account ends and AccountLocked is raised; a wrong code that does
    not lock raises InvalidInput. The caller commits in every case.
    """
    user = pending.user
    try:
        _refuse_if_locked(
            session, user, user.email, (pending.client_address, client_address), "security code"
        )
    except AccountLocked:
        _end_pending(session, user)
        raise
    try:
        method = twofactor.verify_second_factor(session, user, code, client_address=client_address)
    except InvalidInput:
        until = _count_failure(
            session,
            user.email,
            pending.client_address,
            lockout,
            user=user,
            why="too many wrong security codes",
        )
        if until is not None:
            _end_pending(session, user)
            raise AccountLocked(until, owner=user, address=pending.client_address) from None
        raise
    _end_pending(session, user)
    return method


def complete(
    session: Session,
    user: User,
    *,
    client_address: str,
    user_agent: str,
    method: str,
    pending: PendingSignIn | None = None,
) -> UserSession:
    """Sign-in succeeded: forget the failures and start a new device session."""
    addresses = (client_address, pending.client_address) if pending else (client_address,)
    _clear_failures(session, user.email, *addresses)
    return services.start_session(
        session, user, client_address=client_address, user_agent=user_agent, method=method
    )


# --- proving it is them again, before a security change ------------------------------------


def confirm_identity(
    session: Session,
    user: User,
    password: str,
    code: str,
    *,
    lockout: Lockout,
    client_address: str = "",
    purpose: str,
) -> None:
    """Check the password, then a current security code (or an unused recovery code).

    A signed-in session alone is not enough to weaken an account: whoever holds a stolen
    session must know both. Wrong answers count towards the same lock as sign-in. Raises
    AccountLocked or InvalidInput (with the field to correct); the caller commits either way.
    """
    _refuse_if_locked(session, user, user.email, (client_address,), purpose)
    if not passwords.verify_password(user.password_hash, password):
        field, why = "password", "wrong password"
        message = _l("The password is not correct")
    elif (
        twofactor.accept_second_factor(
            session, user, code, client_address=client_address, purpose=purpose
        )
        is None
    ):
        field, why = "code", "wrong security code"
        message = _l("The security code is not correct. Check your app and try again")
    else:
        return
    record_event(
        session,
        "reauth.failed",
        actor=user,
        purpose=purpose,
        outcome="failure",
        detail=why,
        client_address=client_address,
    )
    until = _count_failure(
        session, user.email, client_address, lockout, user=user, why=f"{why} ({purpose})"
    )
    if until is not None:
        raise AccountLocked(until, owner=user, address=client_address)
    raise InvalidInput(why, {field: message})
