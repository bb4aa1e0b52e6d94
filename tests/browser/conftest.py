"""Browser fixtures: a live server on its own SQLite file (seeded with the demo), headless
Debian Chromium through Playwright's sync API, TOTP codes and axe-core checks.

These tests always use their own SQLite database, whatever `--engine` says: `make test` runs
them only in the SQLite run (the PostgreSQL run deselects them with `-m "not browser"`).
"""

from __future__ import annotations

import math
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyotp
import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import free_port, make_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# WCAG 2.2 AA (each level's tags) plus axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: the mark must be there before `-m "not browser"` deselects.
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


# --- the live server -----------------------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # one line per request and asset would drown the test output


def _buffered(app):
    """Read each response whole and close it before sending it.

    A browser may drop a connection mid-response (navigating away while the favicon loads);
    werkzeug's development server then skips the response's close(), leaking the open file
    as a ResourceWarning, which this suite treats as an error.
    """

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


@dataclass
class LiveServer:
    url: str
    app: object
    catcher: object

    def emails_to(self, address: str) -> list[dict]:
        with self.catcher.lock:
            return [m for m in self.catcher.messages if address in m["to"]]

    def wait_for_email(self, address: str, timeout: float = 5.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.emails_to(address)
            if found:
                return found[-1]
            time.sleep(0.05)
        raise AssertionError(f"no email reached {address} within {timeout}s")


@pytest.fixture(scope="package")
def live_server(smtp_server, tmp_path_factory):
    """The app on a fresh SQLite file with the demo seeded, served on 127.0.0.1 until the
    last browser test has run.

    Passwords and recovery codes are hashed with argon2's cheapest parameters meanwhile: the
    pages are under test here, not the hashing cost (tests/accounts covers the real hasher),
    and ten recovery codes at full cost would add seconds to every two-factor setup.
    """
    from argon2 import PasswordHasher
    from argon2.profiles import CHEAPEST
    from flask_migrate import upgrade

    from myhealth.accounts import passwords
    from myhealth.demo import seed
    from myhealth.extensions import db

    cheap = pytest.MonkeyPatch()
    cheap.setattr(passwords, "_hasher", PasswordHasher.from_parameters(CHEAPEST))
    cheap.setattr(passwords, "_DUMMY_HASH", None)
    catcher, smtp_url = smtp_server
    tmp = tmp_path_factory.mktemp("browser")
    port = free_port()
    app = make_app(
        f"sqlite:///{tmp / 'browser.db'}", smtp_url, tmp, SERVER_NAME=f"127.0.0.1:{port}"
    )
    with app.app_context():
        upgrade()
        seed(db.session)
        db.session.commit()
    server = make_server(
        "127.0.0.1", port, _buffered(app), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", app=app, catcher=catcher)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()
        cheap.undo()


# --- Playwright ------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _elsewhere(url: str):
    return re.compile(rf"^(?!{re.escape(url)}/)")


@pytest.fixture
def new_context(browser, live_server):
    """Make a fresh browser context (its own cookies) pointed at the live server. Script
    errors and console errors (a Content-Security-Policy violation, say) fail the test."""
    made = []
    problems: list[str] = []

    def console(message):
        url = message.location.get("url", "")
        if message.type != "error" or not url.startswith(live_server.url):
            return  # other hosts are blocked on purpose (see below)
        page_url = message.page.url if message.page else None
        if message.text.startswith("Failed to load resource") and url == page_url:
            return  # the page itself answered 4xx on purpose, such as a 404 page
        problems.append(f"console: {message.text} ({url})")

    def make(**options):
        options.setdefault("base_url", live_server.url)
        options.setdefault("locale", "en-GB")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        # Nothing leaves the machine: the NHS fonts' CDN is unreachable here, and waiting
        # for it would stall page loads (the fallback font is fine).
        context.route(_elsewhere(live_server.url), lambda route: route.abort())
        context.on("weberror", lambda error: problems.append(f"script: {error.error}"))
        context.on("console", console)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    assert not problems, "errors in the browser:\n" + "\n".join(problems)


@pytest.fixture
def page(new_context):
    return new_context().new_page()


# --- two-factor codes ----------------------------------------------------------------------


class Authenticator:
    """An authenticator app: current TOTP codes, never one the server has seen before.

    The server accepts each time-step once and allows one step of drift either way, so when
    the current step is used up we take the next step's code, waiting only if that is used up
    too.
    """

    def __init__(self):
        self.last_step: dict[str, int] = {}

    def code(self, secret: str) -> str:
        totp = pyotp.TOTP(secret)
        now_step = math.floor(time.time() / totp.interval)
        step = max(now_step, self.last_step.get(secret, now_step - 1) + 1)
        if step > now_step + 1:
            time.sleep((step - 1) * totp.interval - time.time() + 0.1)
        self.last_step[secret] = step
        return totp.at(step * totp.interval)

    def wrong_code(self, secret: str) -> str:
        """Six digits the server would refuse: no code of the steps it accepts now."""
        totp = pyotp.TOTP(secret)
        now = time.time()
        near = {totp.at(now + drift * totp.interval) for drift in (-2, -1, 0, 1, 2)}
        return next(c for c in (f"{n:06d}" for n in range(0, 10**6, 111_111)) if c not in near)


@pytest.fixture(scope="package")
def authenticator() -> Authenticator:
    return Authenticator()


# --- axe-core --------------------------------------------------------------------------------


def _report(label: str, url: str, violations: list[dict]) -> str:
    lines = [f"{label} ({url}): {len(violations)} axe violation(s)"]
    for v in violations:
        lines.append(f"  - {v['id']} [{v.get('impact')}] {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            lines.append(f"      at {' '.join(map(str, node['target']))}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"         {summary}")
    return "\n".join(lines)


class A11y:
    """Runs axe-core on a page and keeps what it finds; `assert_clean()` fails with it all,
    so one run lists every page's problems rather than stopping at the first."""

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}

    def __init__(self):
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.problems: list[str] = []
        self.checked: list[str] = []

    def check(self, page, label: str) -> None:
        page.wait_for_load_state("load")
        results = self.axe.run(page, options=self.options)
        self.checked.append(label)
        violations = results.response["violations"]
        if violations:
            self.problems.append(_report(label, page.url, violations))

    def assert_clean(self) -> None:
        assert not self.problems, (
            f"axe-core checked {len(self.checked)} pages and found problems on "
            f"{len(self.problems)}:\n\n" + "\n\n".join(self.problems)
        )


@pytest.fixture
def a11y() -> A11y:
    return A11y()
