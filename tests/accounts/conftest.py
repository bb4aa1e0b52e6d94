"""Fixtures for the account tests: an app with rate limits on, clients at other addresses."""

from __future__ import annotations

import pytest

from myhealth.extensions import limiter


@pytest.fixture
def rate_limited(extra_app):
    """Build an app with Flask-Limiter on (the suite runs with it off).

    The limiter is one object for every app in the process and the last app built decides
    whether it is on, so it is switched off again afterwards: later tests are not limited by
    this test's counters.
    """

    def build(**overrides):
        return extra_app(RATELIMIT_ENABLED=True, **overrides)

    yield build
    limiter.enabled = False


@pytest.fixture
def client_at(app, db):
    """A test client whose requests come from the given client address."""

    def make(address: str, application=None):
        client = (application or app).test_client()
        client.environ_base["REMOTE_ADDR"] = address
        return client

    return make
