"""Walking the self-assessment flow page by page, as a person does, without JavaScript."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

from tests.accounts.helpers import csrf_token

PREFIX = "/self-assessment"


def start(client, algorithm_id: str):
    token = csrf_token(client, f"{PREFIX}/{algorithm_id}")
    return client.post(f"{PREFIX}/{algorithm_id}", data={"csrf_token": token})


def slug_of(location: str) -> str | None:
    match = re.search(r"/questions/([^/?]+)$", urlsplit(location).path)
    return match.group(1) if match else None


def answer_all(client, algorithm_id: str, answers: dict, *, limit: int = 60):
    """Start, then answer each page asked from `answers` (by page slug) until the check page
    or, when an answer decides an emergency, the outcome. An answer is the value to send (a
    list for a page of checkboxes), or a dict of form fields (e.g. {"dont_know": "y"}).
    Support pages shown on the way are read and continued past. Returns the slugs asked, in
    order; ``client.finished_at`` is where the questions ended. Fails on a page the answers
    do not cover."""
    response = start(client, algorithm_id)
    asked = []
    client.support_seen = []
    for _ in range(limit):
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        location = response.headers["Location"]
        path = urlsplit(location).path
        if path.endswith("/check") or path.endswith("/outcome") or "/assessments/" in path:
            client.finished_at = location
            return asked
        if "/support/" in path:
            client.support_seen.append(path.rsplit("/", 1)[1])
            token = csrf_token(client, location)
            response = client.post(location, data={"csrf_token": token})
            continue
        slug = slug_of(location)
        assert slug in answers, f"no answer for page {slug!r} (asked so far: {asked})"
        asked.append(slug)
        token = csrf_token(client, location)
        given = answers[slug]
        fields = given if isinstance(given, dict) else {"answer": given}
        response = client.post(location, data={"csrf_token": token, **fields})
    raise AssertionError("the flow did not reach the check page")


def submit(client, algorithm_id: str):
    token = csrf_token(client, f"{PREFIX}/{algorithm_id}/check")
    return client.post(f"{PREFIX}/{algorithm_id}/check", data={"csrf_token": token})


def phq9_answers(items: list[int]) -> dict[str, str]:
    return {f"items-{n}": str(value) for n, value in enumerate(items, start=1)}


NO_EMERGENCY = {"emergency_signs": ["none_of_these"]}


def draft_state(client) -> dict | None:
    """The answers in progress the server keeps for this client (the cookie holds only the
    draft's id)."""
    from myhealth.extensions import db
    from myhealth.selfcare.models import Draft

    with client.session_transaction() as session:
        draft_id = session.get("selfcare_draft")
    if draft_id is None:
        return None
    with client.application.app_context():
        found = db.session.get(Draft, uuid.UUID(draft_id))
        return dict(found.state) if found is not None else None
