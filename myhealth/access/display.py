"""The audit trail in a patient's words: why someone looked, and repeated looks together.

The trail itself keeps every entry; only the page a patient reads groups the reads one person
made for one purpose within a few minutes (opening one review reads the record several
times), so that a visit shows as one row saying how many times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

# Reads this close together, by the same person for the same purpose, are one visit.
VISIT_GAP = timedelta(minutes=10)

PURPOSES = {
    "record": _l("Looking at your health record"),
    "homepage": _l("Showing your homepage"),
    "direct care": _l("Your care"),
    "download": _l("Downloading your health record"),
    "print": _l("Printing your health record"),
    "self-assessment": _l("A symptom check or health score you filled in"),
    "review of self-assessment": _l("Reviewing a symptom check or health score you filled in"),
    "review of self-assessments": _l("Reviewing a symptom check or health score you filled in"),
    "record import": _l("Adding information to your health record"),
    "record export": _l("Copying your health record out of myhealth, for a backup or a move"),
    "identity check": _l("Checking who you are, so that you can see your health record"),
}
ROLES = {
    "patient": _l("Patient"),
    "clinician": _l("Clinician"),
    "admin": _l("Administrator"),
    "system": _l("Automatic process"),
}


def purpose_label(purpose: str) -> str:
    return str(PURPOSES.get(purpose, _l("Other: %(purpose)s", purpose=purpose or "–")))


def role_label(role: str) -> str:
    return str(ROLES.get(role, role))


@dataclass
class Visit:
    """One or more reads by one person for one purpose, close together."""

    first: datetime
    last: datetime
    count: int
    actor_user_id: object
    actor_name: str
    actor_role: str
    organisation: str
    purpose: str


def visits(events) -> list[Visit]:
    """Events newest first -> visits newest first."""
    grouped: list[Visit] = []
    for event in events:
        key = (event.actor_user_id, event.actor_role, event.actor_organisation_name, event.purpose)
        current = grouped[-1] if grouped else None
        if (
            current is not None
            and key
            == (current.actor_user_id, current.actor_role, current.organisation, current.purpose)
            and current.first - event.occurred_at <= VISIT_GAP
        ):
            current.first = event.occurred_at
            current.count += 1
            continue
        grouped.append(
            Visit(
                first=event.occurred_at,
                last=event.occurred_at,
                count=1,
                actor_user_id=event.actor_user_id,
                actor_name=event.actor_name,
                actor_role=event.actor_role,
                organisation=event.actor_organisation_name,
                purpose=event.purpose,
            )
        )
    return grouped
