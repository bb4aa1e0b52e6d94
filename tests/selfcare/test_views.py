"""The self-assessment flow as people use it: one question per page, check answers, outcome.

Signed out nothing is stored; signed in, the assessment is saved to the record (with its FHIR
resources), flagged outcomes reach the practice's review queue, and the history shows them.
"""

from __future__ import annotations

import uuid

from bs4 import BeautifulSoup
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from fhir.resources.R4B.riskassessment import RiskAssessment
from sqlalchemy import func, select

import triage_algorithms
from myhealth.access.models import AuditEvent
from myhealth.clinician.models import ReviewItem
from myhealth.people.models import Gender
from myhealth.records.models import ClinicalResource
from myhealth.selfcare.models import Assessment
from tests.accounts.helpers import csrf_token
from tests.selfcare.helpers import PREFIX, answer_all, draft_state, phq9_answers, start, submit

MODERATE = [2, 1, 2, 1, 1, 1, 2, 2, 0]  # total 12: moderate, over the review threshold of 10
MILD = [1, 1, 1, 1, 1, 1, 0, 0, 0]  # total 6: mild, no review
ITEM_NINE = [0, 0, 0, 0, 0, 0, 0, 0, 1]  # total 1 but thoughts of self-harm


def text_of(response) -> str:
    return " ".join(BeautifulSoup(response.get_data(as_text=True), "html.parser").stripped_strings)


def count(db, model) -> int:
    db.expire_all()
    return db.scalar(select(func.count()).select_from(model))


def test_the_index_lists_every_algorithm_of_the_catalogue(client):
    page = client.get(f"{PREFIX}/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for entry in triage_algorithms.catalogue():
        assert f'href="{PREFIX}/{entry["id"]}"' in html
        assert client.get(f"{PREFIX}/{entry['id']}").status_code == 200
    assert client.get(f"{PREFIX}/no-such-tool").status_code == 404


def test_signed_out_phq9_one_question_per_page_then_the_result_and_nothing_stored(db, client):
    before = (count(db, Assessment), count(db, ClinicalResource), count(db, AuditEvent))
    asked = answer_all(client, "phq9", phq9_answers(MODERATE))
    assert asked == [f"items-{n}" for n in range(1, 10)]

    check = client.get(f"{PREFIX}/phq9/check")
    assert check.status_code == 200
    words = text_of(check)
    assert "Check your answers" in words
    assert "will not be saved to a health record" in words
    assert check.get_data(as_text=True).count(">Change<") == 9

    done = submit(client, "phq9")
    assert done.status_code == 302
    assert done.headers["Location"].endswith(f"{PREFIX}/phq9/outcome")
    outcome = text_of(client.get(done.headers["Location"]))
    assert "Score 12" in outcome
    assert "Moderate" in outcome
    assert (count(db, Assessment), count(db, ClinicalResource), count(db, AuditEvent)) == before


def test_thoughts_of_self_harm_show_crisis_support_at_once_then_the_questions_go_on(client):
    start(client, "phq9")
    for n, value in enumerate(ITEM_NINE[:8], start=1):
        url = f"{PREFIX}/phq9/questions/items-{n}"
        client.post(url, data={"csrf_token": csrf_token(client, url), "answer": str(value)})
    url = f"{PREFIX}/phq9/questions/items-9"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "answer": "1"})
    support = response.headers["Location"]
    assert support.endswith(f"{PREFIX}/phq9/support/suicidal_thoughts")
    page = client.get(support)
    words = text_of(page)
    assert "Call 999 or go to A&E now if you think you might act on these thoughts" in words
    assert "mental health option (option 2)" in words and "116 123" in words
    assert 'href="tel:999"' in page.get_data(as_text=True)
    # the check page waits until the person has seen it
    assert client.get(f"{PREFIX}/phq9/check").headers["Location"] == support
    carry_on = client.post(support, data={"csrf_token": csrf_token(client, support)})
    assert carry_on.headers["Location"].endswith(f"{PREFIX}/phq9/check")
    outcome = client.get(submit(client, "phq9").headers["Location"])
    words = text_of(outcome)
    assert "Samaritans" in words
    assert "116 123" in words


def test_the_support_page_is_only_shown_when_an_answer_calls_for_it(client):
    answer_all(client, "phq9", phq9_answers(MILD))
    page = client.get(f"{PREFIX}/phq9/support/suicidal_thoughts")
    assert page.headers["Location"].endswith(f"{PREFIX}/phq9/check")
    assert client.get(f"{PREFIX}/phq9/support/tea").headers["Location"].endswith("/check")
    assert (
        client.get(f"{PREFIX}/rash/support/suicidal_thoughts")
        .headers["Location"]
        .endswith(f"{PREFIX}/rash")
    )


def test_back_links_go_to_the_previous_page_and_the_first_to_the_start(client):
    start(client, "phq9")
    first = client.get(f"{PREFIX}/phq9/questions/items-1").get_data(as_text=True)
    assert f'href="{PREFIX}/phq9"' in first
    token = csrf_token(client, f"{PREFIX}/phq9/questions/items-1")
    client.post(f"{PREFIX}/phq9/questions/items-1", data={"csrf_token": token, "answer": "1"})
    second = client.get(f"{PREFIX}/phq9/questions/items-2").get_data(as_text=True)
    assert f'href="{PREFIX}/phq9/questions/items-1"' in second


def test_no_answer_or_a_made_up_answer_shows_the_error_summary(client):
    start(client, "phq9")
    url = f"{PREFIX}/phq9/questions/items-1"
    for bad in ("", "7", "<script>"):
        response = client.post(url, data={"csrf_token": csrf_token(client, url), "answer": bad})
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert "There is a problem" in html
        assert 'href="#answer"' in html and 'id="answer"' in html
        assert "<script>" not in html.split("</header>")[1]


def test_a_number_outside_the_published_range_is_refused_with_the_range(client):
    algorithm = triage_algorithms.load("qrisk3")
    age = algorithm.question("age")
    start(client, "qrisk3")
    url = f"{PREFIX}/qrisk3/questions/{algorithm.questions[0].id}"
    # Walk to the age question with valid answers, whatever comes before it.
    for question in algorithm.questions:
        if question.id == "age":
            break
        value = question.choices[0].value if question.choices else "no"
        if question.type in ("integer", "number"):
            value = question.minimum
        url = f"{PREFIX}/qrisk3/questions/{question.id}"
        client.post(url, data={"csrf_token": csrf_token(client, url), "answer": str(value)})
    url = f"{PREFIX}/qrisk3/questions/age"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "answer": "90"})
    assert response.status_code == 400
    assert f"Enter a number from {int(age.minimum)} to {int(age.maximum)}" in text_of(response)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "answer": "forty"})
    assert "Enter a number, like 42" in text_of(response)


def test_a_change_link_returns_to_check_your_answers_with_the_new_answer(client):
    answer_all(client, "phq9", phq9_answers(MILD))
    url = f"{PREFIX}/phq9/questions/items-3"
    page = client.get(url)
    assert 'value="1" checked' in page.get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "answer": "3"})
    assert response.headers["Location"].endswith(f"{PREFIX}/phq9/check")
    outcome = client.get(submit(client, "phq9").headers["Location"])
    assert "Score 8" in text_of(outcome)


def test_pages_out_of_order_go_back_to_where_the_person_is(client):
    assert client.get(f"{PREFIX}/phq9/check").headers["Location"].endswith(f"{PREFIX}/phq9")
    assert client.get(f"{PREFIX}/phq9/outcome").headers["Location"].endswith(f"{PREFIX}/phq9")
    start(client, "phq9")
    skipped = client.get(f"{PREFIX}/phq9/check")
    assert skipped.headers["Location"].endswith("/questions/items-1")
    unknown = client.get(f"{PREFIX}/phq9/questions/not-a-question")
    assert unknown.headers["Location"].endswith("/questions/items-1")


def test_signed_in_a_flagged_score_is_saved_to_the_record_and_queued_for_the_practice(
    db, world, signed_in
):
    client = signed_in(world.patient_user)
    answer_all(client, "phq9", phq9_answers(MODERATE))
    assert "will be saved to your health record" in text_of(client.get(f"{PREFIX}/phq9/check"))
    done = submit(client, "phq9")
    db.expire_all()
    assessment = db.scalars(
        select(Assessment).where(Assessment.patient_id == world.patient.id)
    ).one()
    assert done.headers["Location"].endswith(f"{PREFIX}/assessments/{assessment.id}")
    assert assessment.algorithm_version == triage_algorithms.load("phq9").version
    assert (assessment.score, assessment.band, assessment.flagged) == (12, "moderate", True)

    item = db.scalars(select(ReviewItem).where(ReviewItem.assessment_id == assessment.id)).one()
    assert item.organisation_id == world.practice.id
    assert str(item.status) == "open"
    assert item.due_at > item.created_at
    assert "score_threshold" in item.reasons

    resources = {
        r.resource_type: r.content
        for r in db.scalars(
            select(ClinicalResource).where(ClinicalResource.patient_id == world.patient.id)
        )
    }
    response = QuestionnaireResponse.model_validate(resources["QuestionnaireResponse"])
    assert response.status == "completed"
    assert [a.valueInteger for a in response.item[0].answer] == MODERATE
    risk = RiskAssessment.model_validate(resources["RiskAssessment"])
    assert risk.basis[0].reference == f"QuestionnaireResponse/qr-{assessment.id}"

    result = text_of(client.get(done.headers["Location"]))
    assert "Saved to your health record" in result
    assert "Waiting for a clinician" in result
    history = text_of(client.get(f"{PREFIX}/assessments"))
    assert "Waiting for a clinician" in history
    home = text_of(client.get("/home"))
    assert "Your health assessments" in home
    assert "Waiting for a clinician" in home
    events = db.scalars(
        select(AuditEvent.action).where(AuditEvent.patient_id == world.patient.id)
    ).all()
    assert "assessment.create" in events


def test_signed_in_an_unflagged_result_is_saved_without_a_review(db, world, signed_in):
    client = signed_in(world.patient_user)
    answer_all(client, "phq9", phq9_answers(MILD))
    location = submit(client, "phq9").headers["Location"]
    assert "This did not need a clinician to look at it" in text_of(client.get(location))
    assert count(db, ReviewItem) == 0
    assert count(db, Assessment) == 1


def test_another_patients_assessment_answers_like_one_that_does_not_exist(db, world, signed_in):
    owner = signed_in(world.patient_user)
    answer_all(owner, "phq9", phq9_answers(MILD))
    location = submit(owner, "phq9").headers["Location"]
    other = signed_in(world.other_patient_user)
    theirs = other.get(location)
    missing = other.get(f"{PREFIX}/assessments/{uuid.uuid4()}")
    assert theirs.status_code == missing.status_code == 404
    assert world.patient.family_name not in theirs.get_data(as_text=True)


def test_answers_from_an_older_version_of_a_tool_start_again(app, client):
    from myhealth.extensions import db
    from myhealth.selfcare.models import Draft

    start(client, "phq9")
    with app.app_context():
        draft = db.session.scalars(select(Draft)).one()
        draft.state = {**draft.state, "version": "0.0-withdrawn"}
        db.session.commit()
    page = client.get(f"{PREFIX}/phq9/questions/items-1")
    assert page.headers["Location"].endswith(f"{PREFIX}/phq9")


RASH_NOT_FADING = {"emergency_signs": ["rash_not_fading"]}


def test_a_rash_that_does_not_fade_tells_a_signed_out_person_to_call_999_at_once(db, client):
    before = count(db, Assessment)
    asked = answer_all(client, "rash", RASH_NOT_FADING)
    assert asked == ["emergency_signs"], "no more questions, no check your answers"
    assert client.finished_at.endswith(f"{PREFIX}/rash/outcome")
    outcome = client.get(client.finished_at)
    html = outcome.get_data(as_text=True)
    words = text_of(outcome)
    assert "Call 999 now" in words
    assert "We stopped asking questions because your answer means you need help now" in words
    assert 'href="tel:999"' in html
    assert "nhsuk-card--care--emergency" in html
    assert "https://www.nhs.uk/conditions/sepsis/" in html  # why, with its source
    assert "If things get worse" in words
    assert count(db, Assessment) == before


def test_a_red_flag_from_a_signed_in_patient_reaches_the_practice_queue_first(db, world, signed_in):
    from tests import factories

    factories.assessment(db, world.patient_user)  # an older, less urgent item
    patient = signed_in(world.patient_user)
    asked = answer_all(patient, "rash", RASH_NOT_FADING)
    assert asked == ["emergency_signs"]
    assert f"{PREFIX}/assessments/" in patient.finished_at, "saved, and shown at once"
    result = text_of(patient.get(patient.finished_at))
    assert "Call 999 now" in result and "Saved to your health record" in result
    db.expire_all()
    queue = signed_in(world.clinician).get("/clinician/reviews").get_data(as_text=True)
    rows = BeautifulSoup(queue, "html.parser").select("tbody tr")
    assert "Rash" in rows[0].get_text() and "5 / 5" in rows[0].get_text()
    item = db.scalars(select(ReviewItem).order_by(ReviewItem.urgency.desc())).first()
    assert "red_flag" in item.reasons
    assert (item.due_at - item.created_at).total_seconds() == 3600
    saved = db.scalars(select(Assessment).where(Assessment.id == item.assessment_id)).one()
    assert saved.answers["emergency_signs"] == ["rash_not_fading"]
    assert set(saved.answers) <= {"emergency_signs", *saved.from_record}
    assert saved.outcome["decided_early"] is True


def test_the_history_costs_the_same_queries_for_one_assessment_or_ten(
    db, world, signed_in, query_counter
):
    from tests import factories

    client = signed_in(world.patient_user)
    factories.assessment(db, world.patient_user)
    client.get(f"{PREFIX}/assessments")
    with query_counter as one:
        client.get(f"{PREFIX}/assessments")
    for _ in range(9):
        factories.assessment(db, world.patient_user)
    with query_counter as ten:
        page = client.get(f"{PREFIX}/assessments")
    assert page.get_data(as_text=True).count(f'href="{PREFIX}/assessments/') == 10
    assert ten.count == one.count


QRISK3_WEB = {
    "sex": "male",
    "age": "64",
    "ethnicity": "1",
    "smoking": "2",
    "townsend": {"dont_know": "y"},  # the published tool allows it: Townsend 0
    "bmi": "29",
    "sbp": "148",
    "sbp_sd": {"dont_know": "y"},
    "chol_hdl_ratio": "5.2",
    **{
        flag: "no"
        for flag in (
            "atrial_fibrillation",
            "atypical_antipsychotics",
            "corticosteroids",
            "erectile_dysfunction",
            "migraine",
            "rheumatoid_arthritis",
            "ckd_3_5",
            "severe_mental_illness",
            "sle",
            "diabetes_type1",
            "diabetes_type2",
        )
    },
    "treated_hypertension": "yes",
    "family_history_chd": "yes",
}


def test_qrisk3_through_the_web_with_i_do_not_know_matches_the_algorithm(db, world, signed_in):
    expected = triage_algorithms.load("qrisk3").evaluate(
        {
            **{k: v for k, v in QRISK3_WEB.items() if not isinstance(v, dict)},
            "age": 64,
            "ethnicity": 1,
            "smoking": 2,
            "bmi": 29,
            "sbp": 148,
            "chol_hdl_ratio": 5.2,
            "townsend": 0,
            "sbp_sd": 0,
            **{k: v == "yes" for k, v in QRISK3_WEB.items() if v in ("yes", "no")},
        }
    )
    world.patient.birth_date = None  # the record gives only the sex; the person answers the rest
    world.patient.gender = Gender.MALE
    db.commit()
    client = signed_in(world.patient_user)
    asked = answer_all(client, "qrisk3", QRISK3_WEB)
    assert "sex" not in asked and "age" in asked
    check = text_of(client.get(f"{PREFIX}/qrisk3/check"))
    assert "I do not know" in check
    location = submit(client, "qrisk3").headers["Location"]
    result = text_of(client.get(location))
    assert f"{expected.score:.1f}%" in result
    assert "Raised" in result
    db.expire_all()
    risk = db.scalars(
        select(ClinicalResource.content).where(
            ClinicalResource.patient_id == world.patient.id,
            ClinicalResource.resource_type == "RiskAssessment",
        )
    ).one()
    assert risk["prediction"][0]["probabilityDecimal"] == round(expected.score / 100, 6)


def test_a_saved_assessment_of_a_withdrawn_tool_still_shows_what_was_said(db, world, signed_in):
    from tests import factories

    assessment = factories.assessment(db, world.patient_user)
    assessment.algorithm_id = "withdrawn_tool"
    db.commit()
    page = signed_in(world.patient_user).get(f"{PREFIX}/assessments/{assessment.id}")
    assert page.status_code == 200
    assert "Score 12" in text_of(page)
    review = signed_in(world.clinician).get(f"/clinician/reviews/{assessment.review_item.id}")
    assert "items" in text_of(review)  # the raw answers, since the questions are gone


SCREEN = triage_algorithms.load("chest_pain").questions[0]


def test_every_pathway_starts_with_one_page_of_emergency_signs(client):
    for entry in triage_algorithms.catalogue():
        if entry["kind"] != "pathway":
            continue
        first = start(client, entry["id"]).headers["Location"]
        assert first.endswith(f"/{entry['id']}/questions/emergency_signs")
        page = BeautifulSoup(client.get(first).get_data(as_text=True), "html.parser")
        boxes = page.select('input[type="checkbox"][name="answer"]')
        assert [box["value"] for box in boxes] == [
            *(choice.value for choice in SCREEN.choices),
            "none_of_these",
        ]
        assert boxes[-1]["data-behaviour"] == "exclusive"
        assert page.select_one(".nhsuk-checkboxes__divider")


def test_a_sign_and_none_of_these_together_or_nothing_ticked_is_refused(client):
    first = start(client, "headache").headers["Location"]
    for bad, message in (
        ({}, "Select any that apply, or select \u2018None of these\u2019"),
        ({"answer": ["stroke", "none_of_these"]}, "on its own"),
        ({"answer": ["made_up"]}, "Select any that apply"),
    ):
        response = client.post(first, data={"csrf_token": csrf_token(client, first), **bad})
        assert response.status_code == 400
        assert message in text_of(response)
        assert 'href="#answer"' in response.get_data(as_text=True)


def _benign(question):
    """What someone with none of the worrying signs answers."""
    if question.type == "multiple":
        return ["none_of_these"]
    if question.type == "boolean":
        return "no"
    if question.type == "choice":
        return str(question.choices[-1].value)
    return str(int(question.minimum) if question.type == "integer" else question.minimum)


def _walk_benign(client, pathway, location: str) -> str:
    """Answer as someone with no worrying signs until the questions end."""
    while "/questions/" in location:
        question = pathway.question(location.rsplit("/", 1)[1])
        token = csrf_token(client, location)
        response = client.post(location, data={"csrf_token": token, "answer": _benign(question)})
        location = response.headers["Location"]
    return location


def test_not_sure_is_offered_with_how_to_check_and_taken_as_the_cautious_answer(client):
    """Walk a pathway as someone with no worrying signs until a question offers "I'm not
    sure"; answer it so, and the outcome says what was assumed and why."""
    for entry in triage_algorithms.catalogue():
        pathway = triage_algorithms.load(entry["id"])
        if entry["kind"] != "pathway":
            continue
        location = start(client, pathway.id).headers["Location"]
        while "/questions/" in location:
            question = pathway.question(location.rsplit("/", 1)[1])
            if question.not_sure is not None and question.type == "boolean":
                break
            token = csrf_token(client, location)
            answer = _benign(question)
            response = client.post(location, data={"csrf_token": token, "answer": answer})
            location = response.headers["Location"]
        else:
            continue
        html = client.get(location).get_data(as_text=True)
        assert 'value="dont_know"' in html and "I&#39;m not sure" in html
        assert question.help.split(".")[0] in BeautifulSoup(html, "html.parser").get_text()
        token = csrf_token(client, location)
        response = client.post(location, data={"csrf_token": token, "answer": "dont_know"})
        location = _walk_benign(client, pathway, response.headers["Location"])
        if location.endswith("/check"):
            assert "I\u2019m not sure" in text_of(client.get(location)).replace("'", "\u2019")
            location = submit(client, pathway.id).headers["Location"]
        outcome = text_of(client.get(location))
        assert question.not_sure.reason.split(".")[0] in outcome
        return
    raise AssertionError('no pathway offers "I\'m not sure" on a yes/no question')


def test_a_number_that_is_not_a_measurement_is_refused_not_a_crash(client):
    """NEWS2 temperature "nan" once gave a server error."""
    algorithm = triage_algorithms.load("news2")
    start(client, "news2")
    for question in algorithm.questions:
        url = f"{PREFIX}/news2/questions/{question.id}"
        if question.id == "temperature":
            break
        if question.type in ("integer", "number"):
            value = str(int(question.minimum))
        elif question.type == "boolean":
            value = "no"
        else:
            value = str(question.choices[0].value)
        client.post(url, data={"csrf_token": csrf_token(client, url), "answer": value})
    url = f"{PREFIX}/news2/questions/temperature"
    for bad in ("nan", "NaN", "inf", "-inf", "1e309", "²"):
        response = client.post(url, data={"csrf_token": csrf_token(client, url), "answer": bad})
        assert response.status_code == 400, bad
        assert "Enter a number" in text_of(response)


def test_answers_in_progress_are_not_in_the_session_cookie(client, app):
    """The cookie is signed, not encrypted: answers such as thoughts of self-harm stay on
    the server, and the cookie holds only the draft's random id."""
    from flask.sessions import SecureCookieSessionInterface

    start(client, "phq9")
    for n, value in enumerate([0, 0, 0, 0, 0, 0, 0, 0, 2], start=1):
        url = f"{PREFIX}/phq9/questions/items-{n}"
        client.post(url, data={"csrf_token": csrf_token(client, url), "answer": str(value)})
    cookie = client.get_cookie("myhealth_session").value
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    contents = serializer.loads(cookie)
    assert set(contents) <= {
        "_fresh",
        "_id",
        "_user_id",
        "csrf_token",
        "selfcare_draft",
        "_flashes",
    }
    assert "items" not in str(contents)
    assert draft_state(client)["answers"]["items"][8] == 2
