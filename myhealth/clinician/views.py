"""Clinician workspace: the organisation's patients and a patient's details (audited)."""

import uuid

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from myhealth.access.policy import requires
from myhealth.access.services import get_patient_for
from myhealth.clinician import services
from myhealth.clinician.forms import PatientSearchForm
from myhealth.extensions import db
from myhealth.web import client_address

bp = Blueprint("clinician", __name__, url_prefix="/clinician")


@bp.get("/")
@requires("clinician:workspace:read")
def workspace():
    form = PatientSearchForm(request.args)
    form.validate()
    page = request.args.get("page", "1")
    result = services.list_patients(
        db.session,
        current_user,
        query=form.q.data or "",
        page=int(page) if page.isdigit() else 1,
        client_address=client_address(),
    )
    db.session.commit()
    return render_template(
        "clinician/workspace.html", title=_("Your patients"), form=form, result=result
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
    db.session.commit()
    return render_template(
        "clinician/patient.html",
        title=found.display_name,
        patient=found,
        breadcrumbs=[{"href": url_for("clinician.workspace"), "text": _("Your patients")}],
    )
