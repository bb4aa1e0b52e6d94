"""No open redirects: a `next` address from a link can only lead somewhere on this site."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests import factories
from tests.security.conftest import csrf_token

HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    " //evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example/",
]


def where_a_browser_goes(location: str):
    """Resolve a Location header roughly as browsers do: tabs and newlines are dropped,
    backslashes count as slashes, and the result is relative to the page."""
    cleaned = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    return urlsplit(urljoin("http://localhost/language/cy", cleaned))


def assert_stays_on_site(response, target):
    assert response.status_code == 302
    landing = where_a_browser_goes(response.headers["Location"])
    assert landing.scheme in ("http", "https"), f"{target!r} -> {response.headers['Location']}"
    assert landing.netloc == "localhost", f"{target!r} -> {response.headers['Location']}"


@pytest.mark.parametrize("target", HOSTILE, ids=repr)
def test_language_switch_does_not_leave_the_site(client, target):
    response = client.get("/language/cy", query_string={"next": target})
    assert_stays_on_site(response, target)


@pytest.mark.parametrize("target", HOSTILE, ids=repr)
def test_signing_in_does_not_leave_the_site(client, world, target):
    client.get("/sign-in", query_string={"next": target})
    data = {
        "email": world.patient_user.email,
        "password": factories.PASSWORD,
        "csrf_token": csrf_token(client, "/sign-in"),
    }
    assert_stays_on_site(client.post("/sign-in", data=data), target)


def test_a_page_on_this_site_is_returned_to_after_signing_in(client, world):
    assert client.get("/account/devices").headers["Location"].startswith("/sign-in?next=")
    client.get("/sign-in", query_string={"next": "/account/devices"})
    data = {
        "email": world.patient_user.email,
        "password": factories.PASSWORD,
        "csrf_token": csrf_token(client, "/sign-in"),
    }
    response = client.post("/sign-in", data=data)
    assert response.headers["Location"] == "/account/devices"
