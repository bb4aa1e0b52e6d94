"""Self-assessment and the review queue in real Chromium: axe-core clean with and without
errors, in English and Welsh, and the whole journey works without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from myhealth.demo_people import (
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
    # "Several days" to item 9: crisis support at once, before anything else.
    expect(heading(page)).to_have_text(
        "You said you have had thoughts of suicide or of harming yourself"
    )
    call_999 = main(page).get_by_role("link", name="Call 999", exact=True)
    expect(call_999).to_have_attribute("href", "tel:999")
    a11y.check(page, "crisis support")
    page.get_by_role("button", name="Continue with the questions").click()
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
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Continue").click()
    a11y.check(page, "the rash pathway's own first question")

    page.goto("/language/cy")
    page.goto("/self-assessment/")
    a11y.check(page, "self-assessment index in Welsh")
    page.goto("/language/en")
    a11y.assert_clean()


def test_an_emergency_sign_on_the_first_page_gives_the_999_advice_at_once(page, a11y):
    page.goto("/self-assessment/chest_pain")
    page.get_by_role("button", name="Start now").click()
    legend = page.locator("main legend")
    expect(legend).to_contain_text("any of these signs now")
    a11y.check(page, "emergency screen")
    # "None of these" clears the signs ticked (NHS.UK exclusive checkbox), and the reverse.
    page.get_by_label("Signs of a stroke").check()
    page.get_by_label("None of these").check()
    expect(page.get_by_label("Signs of a stroke")).not_to_be_checked()
    page.get_by_label("Signs of a stroke").check()
    expect(page.get_by_label("None of these")).not_to_be_checked()
    page.get_by_role("button", name="Continue").click()
    expect(heading(page)).to_have_text("Call 999 now")
    expect(main(page)).to_contain_text("We stopped asking questions")
    call_999 = main(page).get_by_role("link", name="Call 999", exact=True)
    expect(call_999).to_have_attribute("href", "tel:999")
    a11y.check(page, "emergency outcome")
    a11y.assert_clean()


def test_without_javascript_a_sign_and_none_of_these_together_are_refused(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/self-assessment/headache")
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("None of these")
    page.get_by_label("Heavy bleeding that will not stop").check()
    page.get_by_label("None of these").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("on its own")
    page.get_by_label("Heavy bleeding that will not stop").uncheck()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("main legend, main label.nhsuk-label--l").first).not_to_contain_text(
        "any of these signs now"
    )


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


def test_on_a_small_phone_every_questionnaire_item_shows_its_first_answer(new_context):
    """320 px wide (WCAG reflow): the item is the heading, the shared stem is the hint, so
    the first answer is on screen without scrolling, even for the PHQ-9's longest item."""
    page = new_context(viewport={"width": 320, "height": 640}).new_page()
    page.goto("/self-assessment/phq9")
    page.get_by_role("button", name="Start now").click()
    for number in range(1, 10):
        first_answer = page.locator("main input[type=radio]").first
        box = first_answer.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 640, (number, box)
        heading_box = heading(page).bounding_box()
        assert heading_box["height"] < 300, (number, heading_box)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        choose(page, "Not at all")
    expect(heading(page)).to_have_text("Check your answers")
