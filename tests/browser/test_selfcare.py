"""Self-assessment and the review queue in real Chromium: axe-core clean with and without
errors, in English and Welsh, and the whole journey works without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from myhealth.demo import (
    DEMO_CLINICIAN_EMAIL,
    DEMO_PASSWORD,
    DEMO_PATIENT_EMAIL,
    demo_totp_secret,
)
from tests.browser.steps import enter_security_code, heading, main, sign_in


def choose(page, label: str) -> None:
    page.locator("main").get_by_label(label, exact=True).check()
    page.get_by_role("button", name="Continue").click()


def answer_phq9(page, label: str = "Several days") -> None:
    for number in range(1, 10):
        expect(page.locator(".nhsuk-caption-l")).to_contain_text(f"question {number} of 9")
        choose(page, label)


def test_self_assessment_pages_have_no_axe_violations(page, a11y):
    page.goto("/self-assessment/")
    expect(heading(page)).to_have_text("Check your symptoms and health")
    a11y.check(page, "self-assessment index")

    page.get_by_role("link", name=re.compile("PHQ-9|depression", re.I)).first.click()
    a11y.check(page, "start page")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Select an answer")
    a11y.check(page, "question with an error")
    answer_phq9(page)
    expect(heading(page)).to_have_text("Check your answers")
    a11y.check(page, "check your answers")
    page.get_by_role("button", name="Get your result").click()
    expect(main(page)).to_contain_text("Score")
    a11y.check(page, "score outcome")

    page.goto("/self-assessment/qrisk3")
    page.get_by_role("button", name="Start now").click()
    a11y.check(page, "first QRISK3 question")
    page.goto("/self-assessment/qrisk3/questions/age")
    page.locator("#answer").fill("120")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a number from 25 to 84")
    a11y.check(page, "number question with an error")

    page.goto("/self-assessment/rash")
    page.get_by_role("button", name="Start now").click()
    a11y.check(page, "first rash question")

    page.goto("/language/cy")
    page.goto("/self-assessment/")
    a11y.check(page, "self-assessment index in Welsh")
    page.goto("/language/en")
    a11y.assert_clean()


def test_the_patient_sees_their_assessments_and_the_clinicians_advice(page, a11y):
    sign_in(page, DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    card = page.locator("section", has=page.get_by_role("heading", name="Your health assessments"))
    expect(card).to_contain_text("Reviewed")
    page.get_by_role("link", name="All your assessments").click()
    expect(heading(page)).to_have_text("Your health assessments")
    a11y.check(page, "assessment history")
    page.locator("main tbody a").last.click()
    expect(main(page)).to_contain_text("Advice from your clinician")
    expect(main(page)).to_contain_text("NHS Talking Therapies")
    a11y.check(page, "saved assessment with advice")
    a11y.assert_clean()


def _clinician(page, authenticator):
    sign_in(page, DEMO_CLINICIAN_EMAIL, DEMO_PASSWORD)
    enter_security_code(page, authenticator.code(demo_totp_secret(DEMO_CLINICIAN_EMAIL)))
    expect(page.get_by_role("navigation", name="Menu")).to_contain_text("Assessments to review")
    page.goto("/clinician/reviews")
    expect(heading(page)).to_have_text("Assessments to review")


def _open_item(page, algorithm: str):
    row = page.locator("main tbody tr", has_text=algorithm).first
    row.locator("a").first.click()
    expect(page.get_by_role("button", name="Claim this assessment")).to_be_visible()


def test_review_queue_pages_have_no_axe_violations(page, authenticator, a11y):
    _clinician(page, authenticator)
    expect(main(page)).to_contain_text("Overdue")
    a11y.check(page, "review queue")
    _open_item(page, "NEWS2")
    a11y.check(page, "review item")
    page.get_by_role("button", name="Claim this assessment").click()
    page.get_by_role("button", name="Close the review").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a note")
    a11y.check(page, "closing a review with errors")
    a11y.assert_clean()


def test_the_whole_journey_works_without_javascript(new_context, authenticator):
    # axe needs JavaScript, so these contexts only check that everything works without it.
    patient = new_context(java_script_enabled=False).new_page()
    sign_in(patient, DEMO_PATIENT_EMAIL, DEMO_PASSWORD)
    patient.goto("/self-assessment/gad7")
    patient.get_by_role("button", name="Start now").click()
    for _ in range(7):
        choose(patient, "Nearly every day")
    patient.locator("main a", has_text="Change").nth(2).click()
    choose(patient, "Not at all")
    expect(heading(patient)).to_have_text("Check your answers")
    patient.get_by_role("button", name="Get your result").click()
    expect(main(patient)).to_contain_text("Saved to your health record")
    expect(main(patient)).to_contain_text("Waiting for a clinician")

    clinician = new_context(java_script_enabled=False).new_page()
    _clinician(clinician, authenticator)
    _open_item(clinician, "GAD-7")
    clinician.get_by_role("button", name="Claim this assessment").click()
    expect(main(clinician)).to_contain_text("You are now reviewing this assessment")
    clinician.get_by_label("Ask the patient to book an appointment").check()
    clinician.get_by_label("Within 2 weeks").check()
    clinician.get_by_label("Note for the record").fill("Severe GAD-7; review in clinic.")
    clinician.get_by_role("button", name="Close the review").click()
    expect(main(clinician)).to_contain_text("Review closed")
