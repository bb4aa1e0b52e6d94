"""Clinician workspace: the organisation's patients and a patient's details (audited)."""

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from myhealth import context
from myhealth.access.policy import requires
from myhealth.access.services import get_patient_for
from myhealth.clinician import emails, identity, services
from myhealth.clinician.forms import (
    ClaimForm,
    CloseReviewForm,
    ConfirmIdentityForm,
    PatientSearchForm,
)
from myhealth.errors import Conflict
from myhealth.extensions import db
from myhealth.paging import requested
from myhealth.records import display as record_display
from myhealth.records import tables as record_tables
from myhealth.selfcare import display as selfcare_display
from myhealth.selfcare import saved as saved_assessments
from myhealth.web import client_address

bp = Blueprint("clinician", __name__, url_prefix="/clinician")


@bp.get("/")
@requires("clinician:workspace:read")
def workspace():
    form = PatientSearchForm(request.args)
    form.validate()
    result = services.list_patients(
        db.session,
        current_user,
        query=form.q.data or "",
        page=requested(request.args.get("page")),
        client_address=client_address(),
    )
    waiting = identity.waiting_count(db.session, current_user)
    return render_template(
        "clinician/workspace.html",
        title=_("Your patients"),
        form=form,
        result=result,
        identity_checks_waiting=waiting,
    )


@bp.get("/patients/<uuid:patient_id>")
@requires("clinician:patient:read")
def patient(patient_id: uuid.UUID):
    found = get_patient_for(
        db.session,
        current_user,
        patient_id,
        purpose="direct care",
        client_address=client_address(),
    )
    return render_template(
        "clinician/patient.html",
        title=found.display_name,
        patient=found,
        breadcrumbs=[{"href": url_for("clinician.workspace"), "text": _("Your patients")}],
    )


def _queue_crumbs():
    return [{"href": url_for("clinician.reviews"), "text": _("Assessments to review")}]


@bp.get("/reviews")
@requires("clinician:review:read")
def reviews():
    queue = services.review_queue(db.session, current_user, client_address=client_address())
    return render_template("clinician/reviews.html", title=_("Assessments to review"), queue=queue)


def _review_page(item_id, form, claim_form, status=200):
    detail = services.review_detail(
        db.session, current_user, item_id, client_address=client_address()
    )
    page = render_template(
        "clinician/review.html",
        title=_("Review: %(name)s", name=detail.item.patient.display_name),
        detail=detail,
        item=detail.item,
        answers=selfcare_display.answer_rows(
            detail.item.assessment, saved_assessments.current_algorithm(detail.item.assessment)
        ),
        display=record_display,
        tables=record_tables,
        counts=record_display.section_counts(detail.record.counts),
        form=form,
        claim_form=claim_form,
        breadcrumbs=_queue_crumbs(),
    )
    return page, status


@bp.get("/reviews/<uuid:item_id>")
@requires("clinician:review:read")
def review(item_id: uuid.UUID):
    return _review_page(item_id, CloseReviewForm(formdata=None), ClaimForm())


@bp.post("/reviews/<uuid:item_id>/claim")
@requires("clinician:review:update")
def claim(item_id: uuid.UUID):
    if ClaimForm().validate_on_submit():
        try:
            with context.attempt(db.session):
                services.claim(db.session, current_user, item_id, client_address=client_address())
            flash(_("You are now reviewing this assessment."), "success")
        except Conflict as conflict:
            owner = conflict.field_errors.get("owner")
            flash(
                _("%(name)s is already reviewing this assessment.", name=owner)
                if owner
                else _("Someone else has already claimed or closed this assessment."),
                "warning",
            )
    return redirect(url_for("clinician.review", item_id=item_id))


@bp.post("/reviews/<uuid:item_id>/release")
@requires("clinician:review:update")
def release(item_id: uuid.UUID):
    if ClaimForm().validate_on_submit():
        try:
            with context.attempt(db.session):
                services.release(db.session, current_user, item_id, client_address=client_address())
            flash(_("You have released this assessment for a colleague to review."), "success")
        except Conflict:
            flash(_("Only the clinician who claimed this assessment can release it."), "warning")
    return redirect(url_for("clinician.review", item_id=item_id))


@bp.post("/reviews/<uuid:item_id>/close")
@requires("clinician:review:update")
def close(item_id: uuid.UUID):
    form = CloseReviewForm()
    if not form.validate_on_submit():
        return _review_page(item_id, form, ClaimForm(), status=400)
    try:
        with context.attempt(db.session):
            item = services.close(
                db.session,
                current_user,
                item_id,
                outcome=form.outcome.data,
                note=form.note.data,
                advice=form.advice.data or "",
                book_within=form.book_within.data,
                client_address=client_address(),
            )
            emails.announce_review(db.session, item)
    except Conflict:
        flash(_("Claim this assessment before you close it."), "warning")
        return redirect(url_for("clinician.review", item_id=item_id))
    flash(_("Review closed."), "success")
    return redirect(url_for("clinician.reviews"))


# --- identity checks -------------------------------------------------------------------------


def _checks_crumbs():
    return [{"href": url_for("clinician.identity_checks"), "text": _("Identity checks")}]


@bp.get("/identity-checks")
@requires("clinician:identity:read")
def identity_checks():
    checks = identity.waiting_accounts(db.session, current_user, client_address=client_address())
    return render_template(
        "clinician/identity_checks.html",
        title=_("Accounts waiting for an identity check"),
        checks=checks,
        limit=identity.LIST_LIMIT,
        breadcrumbs=[{"href": url_for("clinician.workspace"), "text": _("Your patients")}],
    )


def _identity_page(user_id, form, status=200):
    check = identity.check_for(db.session, current_user, user_id, client_address=client_address())
    if form.errors and not check.waiting:
        flash(_("This account's identity was already confirmed."), "info")
        return redirect(url_for("clinician.identity_checks"))
    page = render_template(
        "clinician/identity_check.html",
        title=_("Check who this is: %(name)s", name=check.account.display_name),
        check=check,
        form=form,
        breadcrumbs=_checks_crumbs(),
    )
    return page, status


@bp.get("/identity-checks/<uuid:user_id>")
@requires("clinician:identity:read")
def identity_check(user_id: uuid.UUID):
    return _identity_page(user_id, ConfirmIdentityForm(formdata=None))


@bp.post("/identity-checks/<uuid:user_id>")
@requires("clinician:identity:update")
def confirm_identity(user_id: uuid.UUID):
    form = ConfirmIdentityForm()
    if not form.validate_on_submit():
        return _identity_page(user_id, form, status=400)
    try:
        with context.attempt(db.session):
            confirmed = identity.confirm(
                db.session, current_user, user_id, client_address=client_address()
            )
    except Conflict:
        flash(_("The practice record already belongs to another account."), "warning")
        return redirect(url_for("clinician.identity_check", user_id=user_id))
    if confirmed is None:
        flash(_("This account's identity was already confirmed."), "info")
    else:
        flash(
            _("%(name)s can now see their health record.", name=confirmed.account.display_name),
            "success",
        )
    return redirect(url_for("clinician.identity_checks"))
