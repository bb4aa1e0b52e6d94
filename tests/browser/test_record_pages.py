"""The health record pages in real Chromium: axe-core clean, and usable without JavaScript."""

from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from myhealth.demo_people import (
    DEMO_CLINICIAN_EMAIL,
    DEMO_PASSWORD,
    DEMO_PATIENT_EMAIL,
    demo_totp_secret,
)
from tests.browser.steps import enter_security_code, heading, main, sign_in

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "fhir-samples"


def open_summary(page):
    page.get_by_role("link", name="Your health record").first.click()
    expect(heading(page)).to_contain_text("health record")


def test_patient_record_pages_have_no_axe_violations(page, a11y):
    sign_in(page, DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    open_summary(page)
    a11y.check(page, "record summary")
    summary_url = page.url
    for section in (
        "conditions",
        "allergies",
        "medicines",
        "immunisations",
        "results",
        "encounters",
        "procedures",
        "care-plans",
        "documents",
    ):
        page.goto(f"{summary_url}/{section}")
        expect(main(page)).to_be_visible()
        a11y.check(page, f"record {section}")
    page.goto(f"{summary_url}/results?date_from=31/2/2024")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    a11y.check(page, "results with a bad date")

    page.goto(summary_url)
    trend = page.locator("main a[href*='/results/']").first
    trend.click()
    expect(page.locator("main svg").first).to_be_attached()
    rows = page.locator("main table tbody tr")
    assert rows.count() >= 2
    a11y.check(page, "result trend")

    page.goto(f"{summary_url}/print")
    a11y.check(page, "printable summary")
    page.goto("/language/cy")
    page.goto(summary_url)
    a11y.check(page, "record summary in Welsh")
    page.goto("/language/en")  # the choice is this browser's cookie: leave it as found
    a11y.assert_clean()


def test_record_download_is_a_fhir_bundle(page):
    sign_in(page, DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    open_summary(page)
    with page.expect_download() as info:
        page.locator("main a[href$='/download']").first.click()
    bundle = json.loads(Path(info.value.path()).read_text())
    assert bundle["resourceType"] == "Bundle"
    assert any(e["resource"]["resourceType"] == "Observation" for e in bundle["entry"])


def _clinician(page, authenticator):
    sign_in(page, DEMO_CLINICIAN_EMAIL, DEMO_PASSWORD)
    enter_security_code(page, authenticator.code(demo_totp_secret(DEMO_CLINICIAN_EMAIL)))
    page.get_by_role("link", name="Import records").first.click()


def test_upload_page_has_no_axe_violations(page, authenticator, a11y):
    _clinician(page, authenticator)
    a11y.check(page, "upload")
    page.set_input_files("input[type=file]", str(SAMPLES / "bundle-transaction.json"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(re.compile("entry 5"))
    a11y.check(page, "upload refused")
    a11y.assert_clean()


def test_clinician_uploads_a_record_without_javascript(new_context, authenticator):
    # axe needs JavaScript, so this context only checks that the upload works without it.
    page = new_context(java_script_enabled=False).new_page()
    _clinician(page, authenticator)
    page.set_input_files("input[type=file]", str(SAMPLES / "bundle-transaction.json"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(re.compile("entry 5"))
    page.set_input_files(
        "input[type=file]",
        str(SAMPLES / "Garrett_Thompson_5a72e290-8102-4c8a-84f7-f838387508b2.json"),
    )
    page.locator("main form button[type=submit]").click()
    expect(main(page)).to_contain_text("Observation")
