"""Every page a signed-out person, the demo patient and the demo clinician can reach by
following links, in English and in Welsh: none answers with a server error, and none shows
markup as text (a "<p>" or an "&lt;" a person would read), the mistake that once showed
"call 999" wrapped in literal tags.

Crawled through the Flask test client on the browser suite's demo database: following a few
hundred links needs no browser, only the HTML.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from myhealth.accounts.models import User
from myhealth.demo_people import DEMO_CLINICIAN_EMAIL, DEMO_PATIENT_EMAIL
from tests.conftest import sign_in_as

# Markup a person would see as text: a tag, or an entity shown escaped (double escaping).
SHOWN_AS_TEXT = re.compile(
    r"</?(p|strong|b|em|i|a|br|ul|ol|li|span|div|h[1-6]|table|tr|td)\b[^>]*>|&(lt|gt|amp|quot);",
    re.IGNORECASE,
)
# Links not to follow: files, assets, actions on GET that change what the crawl sees.
SKIP = re.compile(r"^/(static|assets)/|^/language/|/download|\.json$|/print$|^/sign-out")
PAGES_PER_ROLE = 300


def visible_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    return "\n".join(soup.stripped_strings)


def crawl(client, starts: list[str]) -> tuple[list[str], list[str]]:
    """Follow every same-site link from the start pages (each path once, with the first
    query string seen for it). Returns the pages visited and the problems found."""
    seen_paths: set[str] = set()
    queue = deque(starts)
    visited, problems = [], []
    here = client.environ_base.get("HTTP_HOST", "localhost")
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen_paths or SKIP.search(path):
            continue
        seen_paths.add(path)
        response = client.get(url)
        if response.status_code in (301, 302, 303):
            queue.append(response.headers["Location"])
            continue
        visited.append(url)
        if response.status_code >= 500:
            problems.append(f"{url}: {response.status_code}")
            continue
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        for line in visible_text(html).splitlines():
            if SHOWN_AS_TEXT.search(line):
                problems.append(f"{url}: markup shown as text: {line[:160]!r}")
        for link in BeautifulSoup(html, "html.parser").select("a[href]"):
            target = urljoin(url, link["href"])
            parts = urlsplit(target)
            if parts.scheme in ("", "http") and parts.netloc in ("", "localhost", here):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return visited, problems


def client_for(live_server, role: str):
    from myhealth.extensions import db

    app = live_server.app
    if role == "anonymous":
        client = app.test_client()
    else:
        email = {"patient": DEMO_PATIENT_EMAIL, "clinician": DEMO_CLINICIAN_EMAIL}[role]
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == email))
            client = sign_in_as(app, db.session, user)
    # The live app answers only to its own server name.
    client.environ_base["HTTP_HOST"] = urlsplit(live_server.url).netloc
    return client


STARTS = {
    "anonymous": ["/", "/self-assessment/", "/sign-in", "/sign-up", "/record/example"],
    "patient": ["/home", "/record/", "/self-assessment/assessments", "/account"],
    "clinician": ["/clinician/", "/clinician/reviews"],
}


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("role", sorted(STARTS))
def test_no_page_shows_markup_as_text_or_fails(live_server, role, language):
    client = client_for(live_server, role)
    client.get(f"/language/{language}")
    try:
        visited, problems = crawl(client, STARTS[role])
        home = client.get(STARTS[role][0], follow_redirects=True).get_data(as_text=True)
    finally:
        client.get("/language/en")  # the cookie is this client's: back to English, as found
    assert len(visited) >= 4, visited
    assert not problems, "\n".join(problems[:20])
    assert f'<html lang="{language}"' in home
