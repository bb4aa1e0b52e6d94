"""Pages, JSON, FHIR and CSV sent brotli- or gzip-compressed (Flask-Compress).

Built assets are compressed ahead of time and served by whitenoise (myhealth.assets); this is
for what Flask itself answers.

BREACH: compressing a page that holds a secret next to text an attacker chose lets the
attacker learn the secret from the compressed sizes of many requests the victim's browser
sends with its cookies. Flask-WTF does not mask its CSRF token per request: the first part
(the session's raw token) is the same on every page and could be learnt, but is no use
without the signature after it, which covers a timestamp and so changes every second, too
fast to learn. Personal data could be learnt, so a response is compressed only when the
request cannot have been sent by another site's page: no session cookie at all, or
`Sec-Fetch-Site` says same-origin or "none" (typed, bookmarked). The session cookie is
SameSite=Lax besides, so other sites' scripts, frames and images never carry it.

Streamed responses (the FHIR record download) stay streamed: compressed chunk by chunk with
brotli when the browser accepts it, otherwise sent as they are.
"""

from __future__ import annotations

from flask import Flask, request
from flask_compress import Compress

SETTINGS = {
    "COMPRESS_REGISTER": False,  # registered below, to run after every other hook
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_ALGORITHM_STREAMING": ["br"],  # gzip cannot be flushed chunk by chunk
    "COMPRESS_STREAMS": True,
    # Quality 4 costs about three quarters of 5 on a page for 7% more bytes (as CDNs choose
    # for dynamic pages); static assets are compressed once, at the highest quality.
    "COMPRESS_BR_LEVEL": 4,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/plain",
        "text/csv",
        "text/css",
        "text/javascript",
        "application/json",
        "application/fhir+json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
    ],
}
SAFE_FETCH_SITES = frozenset({"same-origin", "none"})


def may_compress(app: Flask) -> bool:
    """Whether this request's response may be compressed without a BREACH risk."""
    if app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return True
    return request.headers.get("Sec-Fetch-Site") in SAFE_FETCH_SITES


def init_app(app: Flask) -> None:
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    # One per app: Flask-Compress keeps the settings it read from the app on the instance.
    compress = Compress()
    compress.init_app(app)

    def compress_response(response):
        if not may_compress(app):
            response.vary.add("Accept-Encoding")
            return response
        return compress.after_request(response)

    # After-request hooks run last-registered first: at the front of the list, this one sees
    # each response only when every other hook has finished with it.
    app.after_request_funcs.setdefault(None, []).insert(0, compress_response)
