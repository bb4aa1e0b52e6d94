"""Who is acting, and the one unit of work that commits what they did.

An :class:`Actor` is whoever acts: a signed-in person (patient, clinician, administrator), a
proxy acting for a patient, an OAuth client with scopes, or a named system job such as
``myhealth import-fhir``. It answers the same questions as a user (``id``, ``display_name``,
``role``, ``organisation``), so the audit trail and the access policy take either.

A :class:`RequestContext` is built once per request (:func:`current`): the actor, the client's
address, the purpose of the request and its language. Commands build one with
:func:`system_job`.

The unit of work: views and services never commit. A request commits once, at its end, when
its view returned a response (any status below 500: a page that showed patient data with a
form error still commits the audit entry of that read); an exception that escapes the view
rolls back everything it did first (the error pages do that, see ``myhealth.web``). Within a
view, :func:`attempt` runs one change in a savepoint, so an expected refusal (a conflict, bad
input) undoes that change alone and the view can show its message. Side effects on the
outside world are registered with :func:`after_commit` and run only once the commit has
succeeded. A command commits when it finishes without an error and rolls back otherwise.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from myhealth.database import take_write_lock

if TYPE_CHECKING:
    from myhealth.accounts.models import User

log = logging.getLogger(__name__)

USER, PROXY, CLIENT, SYSTEM = "user", "proxy", "client", "system"

_AFTER_COMMIT = "after_commit"  # session.info key: callables to run once the commit succeeded


@dataclass(frozen=True)
class Actor:
    """Whoever acts. Build one with :meth:`of_user`, :meth:`proxy`, :meth:`client` or
    :meth:`system`."""

    kind: str
    user: Any = None  # the signed-in User, for a person, proxy or a client acting for one
    name: str = ""  # a system job's or an OAuth client's name
    patient_ids: frozenset[uuid.UUID] = frozenset()  # whom a proxy or client acts for
    scopes: frozenset[str] = frozenset()  # an OAuth client's scopes

    @classmethod
    def of_user(cls, user: User) -> Actor:
        return cls(USER, user=user)

    @classmethod
    def proxy(cls, user: User, patient_ids) -> Actor:
        return cls(PROXY, user=user, patient_ids=frozenset(patient_ids))

    @classmethod
    def client(cls, name: str, patient_id: uuid.UUID, scopes, user: User | None = None) -> Actor:
        return cls(
            CLIENT,
            user=user,
            name=name,
            patient_ids=frozenset({patient_id}),
            scopes=frozenset(scopes),
        )

    @classmethod
    def system(cls, job: str) -> Actor:
        """A named job run by the `myhealth` command or a scheduler."""
        return cls(SYSTEM, name=job)

    # The questions the audit trail and the policy ask of a user.
    @property
    def id(self) -> uuid.UUID | None:
        return self.user.id if self.user is not None else None

    @property
    def display_name(self) -> str:
        if self.kind == SYSTEM:
            return f"myhealth {self.name}"
        if self.kind == CLIENT and self.user is None:
            return self.name
        return self.user.display_name

    @property
    def role(self) -> str:
        if self.kind == SYSTEM:
            return "system"
        if self.user is None:
            return self.kind
        return str(self.user.role)

    @property
    def organisation(self):
        return getattr(self.user, "organisation", None)

    @property
    def organisation_id(self) -> uuid.UUID | None:
        return getattr(self.user, "organisation_id", None)

    @property
    def patient_id(self) -> uuid.UUID | None:
        """The patient this person is, for a patient; else None."""
        return getattr(self.user, "patient_id", None) if self.kind == USER else None

    @property
    def is_authenticated(self) -> bool:
        return self.kind == SYSTEM or bool(getattr(self.user, "is_authenticated", False))


def actor_of(who) -> Actor | None:
    """An Actor for an Actor, a User, or nobody."""
    if who is None or isinstance(who, Actor):
        return who
    if not getattr(who, "is_authenticated", False):
        return None
    return Actor.of_user(who)


class RequestContext:
    """Built once per request or command: who acts, from where, why, in which language.

    In a request, the actor and language are read when asked (the person may sign in or
    switch language during the request); the client's address is fixed."""

    def __init__(
        self,
        actor: Actor | None = None,
        client_address: str = "",
        purpose: str = "",
        language: str = "en",
        *,
        actor_from: Callable[[], Actor | None] | None = None,
        language_from: Callable[[], str] | None = None,
    ):
        self._actor, self._actor_from = actor, actor_from
        self._language, self._language_from = language, language_from
        self.client_address = client_address
        self.purpose = purpose

    @property
    def actor(self) -> Actor | None:
        return self._actor_from() if self._actor_from is not None else self._actor

    @property
    def language(self) -> str:
        return self._language_from() if self._language_from is not None else self._language


def current() -> RequestContext:
    """This request's context, built on first use and kept for the rest of the request."""
    from flask import g, request
    from flask_login import current_user

    from myhealth import i18n

    found = g.get("_myhealth_context")
    if found is None:
        found = g._myhealth_context = RequestContext(
            client_address=request.remote_addr or "",
            actor_from=lambda: actor_of(current_user._get_current_object()),
            language_from=lambda: str(i18n.locale()),
        )
    return found


# --- the unit of work ---------------------------------------------------------------------


def after_commit(session: Session, action: Callable[[], None]) -> None:
    """Run ``action`` once the session's current transaction has committed (never if it rolls
    back). An action that fails is logged; the commit stands."""
    session.info.setdefault(_AFTER_COMMIT, []).append(action)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return
    actions = session.info.pop(_AFTER_COMMIT, None)
    if actions:
        # Run once the session is free again: an action may use the session itself.
        session.info["_after_commit_ready"] = actions


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_commit(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the root transaction rolled back
        session.info.pop(_AFTER_COMMIT, None)


def commit(session: Session) -> None:
    """End the unit of work: commit, then run what waited for the commit."""
    session.commit()
    ready = session.info.pop("_after_commit_ready", None)
    for action in ready or ():
        try:
            action()
        except Exception:  # noqa: BLE001 - the change is committed; report, do not undo
            log.exception("an action after commit failed")


def discard(session: Session) -> None:
    """Undo everything the unit of work did so far."""
    session.rollback()
    session.info.pop(_AFTER_COMMIT, None)


@contextmanager
def attempt(session: Session) -> Iterator[None]:
    """Run one change in a savepoint: a refusal (a DomainError) raised inside undoes that change
    alone, then goes on to the caller, who shows its message; the rest of the unit of work
    (an audit entry of what the page read, say) stands."""
    # On SQLite a savepoint cannot take the write lock later (database.take_write_lock).
    take_write_lock(session)
    waiting = len(session.info.get(_AFTER_COMMIT, ()))
    savepoint = session.begin_nested()
    try:
        yield
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        # What the undone change meant to do after the commit is undone with it.
        del session.info.get(_AFTER_COMMIT, [])[waiting:]
        raise
    else:
        if savepoint.is_active:
            savepoint.commit()


@contextmanager
def system_job(session: Session, job: str, *, purpose: str = "") -> Iterator[RequestContext]:
    """A command's unit of work, acted by the named system job: commits if the block ends
    normally, rolls back on any exception (which goes on to the caller)."""
    context = RequestContext(actor=Actor.system(job), client_address="", purpose=purpose)
    try:
        yield context
    except BaseException:
        discard(session)
        raise
    commit(session)
