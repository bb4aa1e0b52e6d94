"""Links that leave the site (in emails): built from the configured address, never from the
Host header a request happened to carry, which anyone can set ("Host: evil.example" once
emailed a working sign-up link to evil.example)."""

from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """The full address of a page, on the configured server name (MYHEALTH_SERVER_NAME)."""
    server = current_app.config.get("SERVER_NAME")
    if not server:  # local development only: production refuses to start without one
        return url_for(endpoint, _external=True, **values)
    scheme = current_app.config.get("PREFERRED_URL_SCHEME", "https")
    return f"{scheme}://{server}{url_for(endpoint, _external=False, **values)}"
