"""Signing in with NHS login in headless Chromium: from our sign-in page, through a real
OpenID Connect provider's login page (oidc-provider on node), to the patient's home page.

The app here has the provider configured, so it runs on its own SQLite file and server
rather than the package's live server (whose app has no provider).
"""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.accounts.oidc_support import BROWSER, OidcProvider, record_for
from tests.browser.conftest import _buffered, _QuietHandler
from tests.conftest import free_port, make_app


@pytest.fixture(scope="module")
def nhs_login_site(smtp_server, tmp_path_factory):
    """The app with a provider, served on 127.0.0.1, and the provider; the person's record."""
    from flask_migrate import upgrade

    from myhealth.extensions import db

    tmp = tmp_path_factory.mktemp("oidc-browser")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    provider = OidcProvider.start([f"{url}/sign-in/nhs-login/callback"], tmp)
    app = make_app(
        f"sqlite:///{tmp / 'oidc.db'}",
        smtp_server[1],
        tmp,
        SERVER_NAME=f"127.0.0.1:{port}",
        **provider.app_settings(),
    )
    with app.app_context():
        upgrade()
        record_for(db.session, BROWSER)
    server = make_server(
        "127.0.0.1", port, _buffered(app), threaded=True, request_handler=_QuietHandler
    )
    thread = threading.Thread(target=server.serve_forever, name="oidc-live", daemon=True)
    thread.start()
    try:
        yield url, provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        provider.stop()
        with app.app_context():
            db.engine.dispose()


def test_a_patient_signs_in_with_nhs_login_and_reaches_their_home_page(
    browser, nhs_login_site, a11y
):
    url, provider = nhs_login_site
    context = browser.new_context(base_url=url, locale="en-GB")
    context.set_default_timeout(10_000)
    # Nothing leaves the machine: only the app and the provider answer.
    allowed = re.compile(rf"^({re.escape(url)}|{re.escape(provider.issuer)})/")
    context.route(lambda target: not allowed.match(target), lambda route: route.abort())
    errors: list[str] = []
    context.on("weberror", lambda error: errors.append(str(error.error)))
    try:
        page = context.new_page()
        page.goto("/sign-in/nhs-login/callback?state=not-this-one&code=x")
        expect(page.locator("h1")).to_have_text("Sorry, we could not sign you in")
        a11y.check(page, "NHS login refused")
        page.goto("/sign-in")
        a11y.check(page, "sign-in with NHS login")
        page.get_by_role("link", name="Continue with NHS login").click()

        # The provider's own login page.
        expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/interaction/"))
        page.locator("input[name=login]").fill(BROWSER.subject)
        page.locator("input[name=password]").fill("any password")
        page.locator("button[type=submit]").first.click()

        expect(page).to_have_url(f"{url}/home")
        expect(page.locator("h1")).to_have_text("Your NHS")
        page.goto("/account")
        expect(page.locator("main")).to_contain_text(f"{BROWSER.given_name} {BROWSER.family_name}")
        expect(page.locator("main")).to_contain_text("Your account is linked to NHS login.")
        a11y.check(page, "account linked to NHS login")
        page.get_by_role("link", name="Unlink NHS login").click()
        expect(page.locator("main")).to_contain_text("It cannot be unlinked.")
        a11y.check(page, "unlink NHS login, no password")
    finally:
        context.close()
    assert not errors, errors
    a11y.assert_clean()
