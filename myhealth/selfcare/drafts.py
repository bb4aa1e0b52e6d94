"""Self-assessments in progress, kept on the server under a random id held in the session
cookie. See models.Draft for why."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from myhealth.database import utcnow
from myhealth.selfcare.models import Draft

# A draft nobody has answered for this long is forgotten (and deleted when the next one
# starts): long enough to fetch a thermometer or a medicine box, short for a shared computer.
DRAFT_LIFETIME = timedelta(hours=2)
COOKIE_KEY = "selfcare_draft"


def _parse(draft_id: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(draft_id))
    except (TypeError, ValueError):
        return None


def load(session: Session, draft_id: Any, user_id: uuid.UUID | None) -> dict | None:
    """The state of the person's draft, or None when there is none (or it has expired, or it
    is someone else's)."""
    found = session.get(Draft, _parse(draft_id)) if _parse(draft_id) else None
    if found is None or found.user_id != user_id:
        return None
    if found.updated_at < utcnow() - DRAFT_LIFETIME:
        return None
    return dict(found.state)


def save(session: Session, draft_id: Any, user_id: uuid.UUID | None, state: dict) -> uuid.UUID:
    """Store the state in the person's draft (a new one when they have none) and return its
    id for the cookie."""
    found = session.get(Draft, _parse(draft_id)) if _parse(draft_id) else None
    if found is None or found.user_id != user_id:
        found = Draft(user_id=user_id, algorithm_id=state["algorithm"], state=state)
        session.add(found)
    else:
        found.algorithm_id = state["algorithm"]
        found.state = dict(state)
        found.updated_at = utcnow()
    session.flush()
    return found.id


def discard(session: Session, draft_id: Any) -> None:
    if _parse(draft_id):
        session.execute(delete(Draft).where(Draft.id == _parse(draft_id)))


def purge_expired(session: Session) -> int:
    """Delete every draft past its lifetime; returns how many."""
    result = session.execute(delete(Draft).where(Draft.updated_at < utcnow() - DRAFT_LIFETIME))
    return result.rowcount or 0
