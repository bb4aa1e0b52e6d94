"""Helpers for driving the account pages through the Flask test client."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict, *, token_from: str | None = None, **kwargs):
    data = dict(data)
    data["csrf_token"] = csrf_token(client, token_from or path)
    return client.post(path, data=data, **kwargs)


def errors(html: str) -> dict[str, list[str]]:
    """Error summary entries by the field id they link to."""
    soup = BeautifulSoup(html, "html.parser")
    summary = soup.select_one(".nhsuk-error-summary")
    found: dict[str, list[str]] = {}
    if summary is None:
        return found
    for link in summary.select("a"):
        found.setdefault(link["href"].lstrip("#"), []).append(link.get_text(" ", strip=True))
    return found


def field_error(html: str, field_id: str) -> str | None:
    """The inline error shown next to a field (NHS.UK error message component)."""
    soup = BeautifulSoup(html, "html.parser")
    node = soup.select_one(f"#{field_id}-error") or soup.select_one(
        f"#{field_id.split('_')[0]}-error"
    )
    return node.get_text(" ", strip=True) if node else None


def sign_in(client, user, password: str | None = None):
    """Post the sign-in form as the person would (the factories' password by default)."""
    from tests import factories

    return post_form(
        client, "/sign-in", {"email": user.email, "password": password or factories.PASSWORD}
    )


def shown_secret(html: str) -> str:
    """The two-factor key behind "I cannot scan the QR code", as the page shows it."""
    node = BeautifulSoup(html, "html.parser").select_one("code.myhealth-secret")
    return node.get_text().strip()
