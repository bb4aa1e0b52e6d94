"""Security headers, the CSP nonce, cookies and the error pages, as a browser sees them."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from myhealth.access.policy import public
from tests import factories
from tests.security.conftest import (
    ROLES,
    STATIC_ENDPOINTS,
    csp_nonce,
    csrf_token,
    header_problems,
    is_html,
    page_problems,
    routes,
    sample_url,
)

ONE_YEAR = 365 * 24 * 3600


def heading(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return soup.select_one("main h1").get_text(strip=True)


def assert_nhs_error_page(response, status: int, title: str):
    assert response.status_code == status
    assert is_html(response)
    assert heading(response) == title
    html = response.get_data(as_text=True)
    for leak in ("Traceback", 'File "', "werkzeug", "sqlalchemy", "jinja2"):
        assert leak not in html
    path = "/error"
    assert not header_problems(response, path)
    assert not page_problems(response, path)


@pytest.mark.usefixtures("record_with_result")
@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_strict_headers_and_a_matching_nonce(
    app, world, signed_in, client_for, role
):
    client = client_for(role)
    device_id = getattr(client, "device_id", None)
    problems, pages = [], 0
    for endpoint, method in sorted(routes(app)):
        if method != "GET":
            continue
        url = sample_url(app, endpoint, patient_id=world.patient.id, device_id=device_id)
        response = client.get(url)
        problems += header_problems(response, url)
        if is_html(response) and endpoint not in STATIC_ENDPOINTS and response.status_code != 302:
            pages += 1
            problems += page_problems(response, url)
        response.close()
    assert not problems
    assert pages >= 5  # the loop really looked at pages


def test_pages_rendered_after_a_post_also_match_their_nonce(client, world):
    # A form shown again with errors is rendered by the POST, with its own nonce.
    response = client.post("/sign-up", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 200
    assert not page_problems(response, "/sign-up")


def test_the_nonce_is_new_for_every_response(client):
    nonces = {csp_nonce(client.get("/")) for _ in range(3)}
    assert len(nonces) == 3
    assert all(len(nonce) >= 16 for nonce in nonces)


def test_pages_cannot_be_framed(client):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_hsts_only_over_https(app, db):
    secure = app.test_client().get("/", base_url="https://localhost")
    hsts = secure.headers.get("Strict-Transport-Security", "")
    max_age = int(hsts.split("max-age=")[1].split(";")[0])
    assert max_age >= ONE_YEAR
    assert "includeSubDomains" in hsts
    plain = app.test_client().get("/", base_url="http://localhost")
    assert "Strict-Transport-Security" not in plain.headers


def set_cookie(response, name: str) -> str:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no {name} cookie set: {response.headers.getlist('Set-Cookie')}")


def cookie_flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


def test_session_cookie_is_httponly_and_samesite_lax_after_signing_in(client, world):
    data = {
        "email": world.patient_user.email,
        "password": factories.PASSWORD,
        "csrf_token": csrf_token(client, "/sign-in"),
    }
    response = client.post("/sign-in", data=data)
    assert response.status_code == 302
    session_cookie = client.application.config["SESSION_COOKIE_NAME"]
    flags = cookie_flags(set_cookie(response, session_cookie))
    assert "httponly" in flags
    assert "samesite=lax" in flags


def test_language_cookie_is_httponly_and_samesite_lax(client):
    flags = cookie_flags(set_cookie(client.get("/language/cy"), "myhealth_lang"))
    assert {"httponly", "samesite=lax"} <= flags


def test_cookies_are_secure_in_production(extra_app, db):
    app = extra_app(ENVIRONMENT="production", ALLOW_SQLITE_IN_PRODUCTION=True)
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://localhost")
    assert "secure" in cookie_flags(set_cookie(page, app.config["SESSION_COOKIE_NAME"]))
    language = client.get("/language/cy", base_url="https://localhost")
    assert "secure" in cookie_flags(set_cookie(language, "myhealth_lang"))


# --- error pages ---------------------------------------------------------------------------


def test_not_found_is_the_nhs_page(client):
    response = client.get("/no-such-page")
    assert_nhs_error_page(response, 404, "Page not found")


def test_forbidden_is_the_nhs_page(world, signed_in):
    response = signed_in(world.patient_user).get("/clinician/")
    assert_nhs_error_page(response, 403, "You do not have access to this page")


def test_wrong_method_is_the_nhs_page(client):
    response = client.get("/sign-out")
    assert_nhs_error_page(response, 405, "Sorry, there is a problem")


def test_csrf_failure_is_the_nhs_page(client):
    response = client.post("/sign-in", data={"email": "a@example.org"})
    assert_nhs_error_page(response, 400, "Your session has expired")


def test_server_error_is_the_nhs_page_without_the_traceback(extra_app, db):
    # Exceptions propagate to pytest in test mode; here they are handled as in production.
    app = extra_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/explode")
    @public
    def explode():
        raise RuntimeError("database password is hunter2")

    response = app.test_client().get("/explode")
    assert_nhs_error_page(response, 500, "Sorry, there is a problem with the service")
    html = response.get_data(as_text=True)
    assert "hunter2" not in html
    assert "RuntimeError" not in html
    assert "call 111" in html
