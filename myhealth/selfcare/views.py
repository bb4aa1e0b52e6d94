"""Self-assessment pages: choose a tool, one question per page, check answers, the outcome.

Everyone may use the tools, signed in or not. Signed out, the answers stay in the session
cookie and nothing is stored; signed in as a patient, the record pre-fills what it knows and
the completed assessment is saved to the record.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

import triage_algorithms
from myhealth.access.policy import public, requires
from myhealth.extensions import db
from myhealth.selfcare import display, flow, services
from myhealth.selfcare.forms import ConfirmForm, answer_form, uses_radios
from myhealth.web import client_address

bp = Blueprint("selfcare", __name__, url_prefix="/self-assessment")


@bp.app_context_processor
def selfcare_helpers():
    return {"selfcare_display": display, "uses_radios": uses_radios}


def _state(algorithm):
    return flow.state_for(session.get(flow.SESSION_KEY), algorithm)


def _save_state(state: dict) -> None:
    session[flow.SESSION_KEY] = state


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
        title=algorithm.title,
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
    answers, from_record = services.prefill(
        db.session, current_user, algorithm, client_address=client_address()
    )
    db.session.commit()
    _save_state(flow.new_state(algorithm, answers, from_record))
    return _continue(algorithm, answers)


def _continue(algorithm, answers):
    step = flow.next_step(algorithm, answers)
    if step is None:
        return redirect(url_for("selfcare.check", algorithm_id=algorithm.id))
    return redirect(url_for("selfcare.question", algorithm_id=algorithm.id, slug=step.slug))


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
        return _continue(algorithm, answers)
    formdata = request.form if request.method == "POST" else None
    form = answer_form(step, formdata=formdata, current=step.answer(answers))
    if request.method == "POST" and form.validate():
        answers = flow.relevant_answers(algorithm, step.store(answers, form.typed_answer()))
        from_record = [q for q in state.get("from_record", []) if q != step.question.id]
        _save_state(flow.new_state(algorithm, answers, from_record))
        return _continue(algorithm, answers)
    previous = flow.previous_step(algorithm, answers, slug)
    back = (
        url_for("selfcare.question", algorithm_id=algorithm.id, slug=previous.slug)
        if previous
        else url_for("selfcare.start", algorithm_id=algorithm.id)
    )
    return render_template(
        "selfcare/question.html",
        title=step.text,
        algorithm=algorithm,
        step=step,
        form=form,
        back_link=back,
    ), (400 if form.errors else 200)


@bp.route("/<algorithm_id>/check", methods=["GET", "POST"])
@public
def check(algorithm_id: str):
    algorithm = services.algorithm_or_404(algorithm_id)
    state = _state(algorithm)
    if state is None:
        return _start_page(algorithm)
    answers = state["answers"]
    if flow.next_step(algorithm, answers) is not None:
        return _continue(algorithm, answers)
    form = ConfirmForm()
    if form.validate_on_submit():
        completed = services.complete(
            db.session,
            current_user,
            algorithm,
            answers,
            from_record=state.get("from_record", []),
            config=current_app.config,
            client_address=client_address(),
        )
        db.session.commit()
        if completed.assessment is not None:
            session.pop(flow.SESSION_KEY, None)
            return redirect(url_for("selfcare.result", assessment_id=completed.assessment.id))
        _save_state({**state, "completed": True})
        return redirect(url_for("selfcare.outcome", algorithm_id=algorithm.id))
    pages = flow.steps(algorithm, answers)
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
        title=display.disposition_heading(completed.outcome.disposition) or algorithm.title,
        algorithm=algorithm,
        outcome=completed.outcome,
        assessment=None,
        practice=None,
        breadcrumbs=_crumbs(),
    )


@bp.get("/assessments")
@requires("selfcare:assessment:read")
def history():
    assessments = services.history(db.session, current_user, client_address=client_address())
    db.session.commit()
    return render_template(
        "selfcare/history.html",
        title=_("Your health assessments"),
        assessments=assessments,
        breadcrumbs=[{"href": url_for("home.dashboard"), "text": _("Home")}],
    )


@bp.get("/assessments/<uuid:assessment_id>")
@requires("selfcare:assessment:read")
def result(assessment_id: uuid.UUID):
    assessment = services.assessment_for(
        db.session, current_user, assessment_id, client_address=client_address()
    )
    db.session.commit()
    algorithm = services.current_algorithm(assessment)
    outcome = services.stored_outcome(assessment)
    return render_template(
        "selfcare/outcome.html",
        title=display.disposition_heading(outcome.disposition) or assessment.algorithm_title,
        algorithm=algorithm,
        outcome=outcome,
        assessment=assessment,
        practice=assessment.patient.registered_organisation,
        breadcrumbs=[
            {"href": url_for("home.dashboard"), "text": _("Home")},
            {"href": url_for("selfcare.history"), "text": _("Your health assessments")},
        ],
    )
