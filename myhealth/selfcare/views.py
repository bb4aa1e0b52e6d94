"""Self-assessment pages: choose a tool, one question per page, check answers, the outcome.

Everyone may use the tools, signed in or not. Signed out, the answers stay in a draft on the
server (the cookie holds only its id) and nothing is saved to a record; signed in as a
patient, the record pre-fills what it knows and the completed assessment is saved to it.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

import triage_algorithms
from myhealth.access.policy import public, requires
from myhealth.extensions import db
from myhealth.selfcare import display, drafts, flow, i18n, saved, services
from myhealth.selfcare.forms import (
    NONE_OF_THESE,
    ConfirmForm,
    answer_form,
    dont_know_label,
    uses_checkboxes,
    uses_radios,
)
from myhealth.web import client_address
from triage_algorithms.core import SUPPORT_PAGES

bp = Blueprint("selfcare", __name__, url_prefix="/self-assessment")


@bp.app_context_processor
def selfcare_helpers():
    return {
        "selfcare_display": display,
        "uses_radios": uses_radios,
        "uses_checkboxes": uses_checkboxes,
        "dont_know_label": dont_know_label,
        "none_of_these": NONE_OF_THESE,
        "clinical": i18n.clinical,
        "paragraphs": i18n.paragraphs,
    }


def _user_id():
    return current_user.id if current_user.is_authenticated else None


def _state(algorithm):
    """The person's answers so far to this algorithm (kept on the server), or None."""
    stored = drafts.load(db.session, session.get(drafts.COOKIE_KEY), _user_id())
    return flow.state_for(stored, algorithm)


def _save_state(state: dict) -> None:
    draft_id = drafts.save(db.session, session.get(drafts.COOKIE_KEY), _user_id(), state)
    session[drafts.COOKIE_KEY] = str(draft_id)


def _forget_state() -> None:
    drafts.discard(db.session, session.pop(drafts.COOKIE_KEY, None))


def _start_page(algorithm):
    return redirect(url_for("selfcare.start", algorithm_id=algorithm.id))


def _crumbs():
    return [{"href": url_for("selfcare.index"), "text": _("Check your symptoms and health")}]


@bp.get("/")
@public
def index():
    entries = triage_algorithms.catalogue()
    return render_template(
        "selfcare/index.html",
        title=_("Check your symptoms and health"),
        pathways=[e for e in entries if e["kind"] == "pathway"],
        scores=[e for e in entries if e["kind"] == "score"],
        saves=services.saves_for(current_user),
    )


@bp.get("/<algorithm_id>")
@public
def start(algorithm_id: str):
    algorithm = services.algorithm_or_404(algorithm_id)
    return render_template(
        "selfcare/start.html",
        title=i18n.plain(algorithm.title),
        algorithm=algorithm,
        form=ConfirmForm(),
        saves=services.saves_for(current_user),
        in_progress=_state(algorithm) is not None,
        breadcrumbs=_crumbs(),
    )


@bp.post("/<algorithm_id>")
@public
def begin(algorithm_id: str):
    """Start afresh: forget earlier answers and take what the record already knows."""
    algorithm = services.algorithm_or_404(algorithm_id)
    if not ConfirmForm().validate_on_submit():
        return _start_page(algorithm)
    known = services.prefill(db.session, current_user, algorithm, client_address=client_address())
    drafts.purge_expired(db.session)
    state = flow.new_state(algorithm, known.answers, known.from_record, known.preselected)
    _save_state(state)
    return _continue(algorithm, state)


def _continue(algorithm, state):
    """Where the person goes next: support they must see now, the outcome as soon as the
    answers decide an emergency, the next question, or "check your answers"."""
    page = flow.support_due(algorithm, state)
    if page is not None:
        return redirect(url_for("selfcare.support", algorithm_id=algorithm.id, page=page))
    answers = state["answers"]
    if algorithm.decide(answers) is not None:
        # Straight to the outcome after an answer; a plain visit shows the answers first, as
        # saving to the record needs the person's submitted form.
        if request.method == "POST":
            return _finish(algorithm, state)
        return redirect(url_for("selfcare.check", algorithm_id=algorithm.id))
    step = flow.next_step(algorithm, answers)
    if step is None:
        return redirect(url_for("selfcare.check", algorithm_id=algorithm.id))
    return redirect(url_for("selfcare.question", algorithm_id=algorithm.id, slug=step.slug))


def _finish(algorithm, state):
    """Work out (and, signed in, save) the outcome, then show it."""
    completed = services.complete(
        db.session,
        current_user,
        algorithm,
        state["answers"],
        from_record=state.get("from_record", []),
        config=current_app.config,
        client_address=client_address(),
    )
    if completed.assessment is not None:
        _forget_state()
        return redirect(url_for("selfcare.result", assessment_id=completed.assessment.id))
    _save_state({**state, "completed": True})
    return redirect(url_for("selfcare.outcome", algorithm_id=algorithm.id))


@bp.route("/<algorithm_id>/questions/<slug>", methods=["GET", "POST"])
@public
def question(algorithm_id: str, slug: str):
    algorithm = services.algorithm_or_404(algorithm_id)
    state = _state(algorithm)
    if state is None:
        return _start_page(algorithm)
    answers = state["answers"]
    step = flow.find_step(algorithm, answers, slug)
    if step is None:
        return _continue(algorithm, state)
    formdata = request.form if request.method == "POST" else None
    preselected = state.get("preselected", {}).get(step.question.id)
    form = answer_form(
        step, formdata=formdata, current=step.answer(answers), preselected=preselected
    )
    if request.method == "POST" and form.validate():
        state = flow.updated_state(state, algorithm, step, form.typed_answer())
        _save_state(state)
        return _continue(algorithm, state)
    previous = flow.previous_step(algorithm, answers, slug)
    back = (
        url_for("selfcare.question", algorithm_id=algorithm.id, slug=previous.slug)
        if previous
        else url_for("selfcare.start", algorithm_id=algorithm.id)
    )
    return render_template(
        "selfcare/question.html",
        title=display.step_title(step),
        algorithm=algorithm,
        step=step,
        form=form,
        from_record=bool(preselected) and step.answer(answers) is None,
        back_link=back,
    ), (400 if form.errors else 200)


@bp.route("/<algorithm_id>/support/<page>", methods=["GET", "POST"])
@public
def support(algorithm_id: str, page: str):
    """Support shown at once when an answer calls for it (crisis support on thoughts of
    suicide or self-harm), before any further question; then the person carries on."""
    algorithm = services.algorithm_or_404(algorithm_id)
    state = _state(algorithm)
    if state is None:
        return _start_page(algorithm)
    if page not in SUPPORT_PAGES or algorithm.interrupt(state["answers"]) != page:
        return _continue(algorithm, state)
    form = ConfirmForm()
    if form.validate_on_submit():
        state = {**state, "support_seen": [*state.get("support_seen", []), page]}
        _save_state(state)
        return _continue(algorithm, state)
    return render_template(
        f"selfcare/support_{page}.html",
        title=_("Get help now if you might act on these thoughts"),
        algorithm=algorithm,
        form=form,
    )


@bp.route("/<algorithm_id>/check", methods=["GET", "POST"])
@public
def check(algorithm_id: str):
    algorithm = services.algorithm_or_404(algorithm_id)
    state = _state(algorithm)
    if state is None:
        return _start_page(algorithm)
    answers = state["answers"]
    decided = algorithm.decide(answers) is not None
    if flow.support_due(algorithm, state) or (
        not decided and flow.next_step(algorithm, answers) is not None
    ):
        return _continue(algorithm, state)
    form = ConfirmForm()
    if form.validate_on_submit():
        return _finish(algorithm, state)
    pages = [step for step in flow.steps(algorithm, answers) if step.answer(answers) is not None]
    return render_template(
        "selfcare/check.html",
        title=_("Check your answers"),
        algorithm=algorithm,
        rows=[(step, step.answer(answers)) for step in pages],
        from_record=set(state.get("from_record", [])),
        form=form,
        saves=services.saves_for(current_user),
        back_link=url_for("selfcare.question", algorithm_id=algorithm.id, slug=pages[-1].slug),
    )


@bp.get("/<algorithm_id>/outcome")
@public
def outcome(algorithm_id: str):
    """The outcome for someone signed out, worked out again from the answers in their
    session (the same answers always give the same outcome); nothing was stored."""
    algorithm = services.algorithm_or_404(algorithm_id)
    state = _state(algorithm)
    if state is None or not state.get("completed"):
        return _start_page(algorithm)
    completed = services.complete(
        db.session, None, algorithm, state["answers"], config=current_app.config
    )
    return render_template(
        "selfcare/outcome.html",
        title=display.disposition_heading(completed.outcome.disposition)
        or i18n.plain(algorithm.title),
        algorithm=algorithm,
        outcome=completed.outcome,
        assessment=None,
        practice=None,
        breadcrumbs=_crumbs(),
    )


@bp.get("/assessments")
@requires("selfcare:assessment:read")
def history():
    assessments = saved.history(db.session, current_user, client_address=client_address())
    return render_template(
        "selfcare/history.html",
        title=_("Your health assessments"),
        assessments=assessments,
        breadcrumbs=[{"href": url_for("home.dashboard"), "text": _("Home")}],
    )


@bp.get("/assessments/<uuid:assessment_id>")
@requires("selfcare:assessment:read")
def result(assessment_id: uuid.UUID):
    assessment = saved.assessment_for(
        db.session, current_user, assessment_id, client_address=client_address()
    )
    algorithm = saved.current_algorithm(assessment)
    outcome = saved.stored_outcome(assessment)
    return render_template(
        "selfcare/outcome.html",
        title=display.disposition_heading(outcome.disposition)
        or i18n.plain(assessment.algorithm_title),
        algorithm=algorithm,
        outcome=outcome,
        assessment=assessment,
        practice=assessment.patient.registered_organisation,
        breadcrumbs=[
            {"href": url_for("home.dashboard"), "text": _("Home")},
            {"href": url_for("selfcare.history"), "text": _("Your health assessments")},
        ],
    )
