"""The health record pages: summary, sections, result trends, download, print and upload.

Patients and clinicians share these URLs; the access policy (in the services) decides who
may see which record, and another person's record answers 404.
"""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    current_app,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound
from werkzeug.utils import secure_filename

from myhealth import context
from myhealth.access.policy import has_permission, public, requires
from myhealth.access.services import IdentityNotConfirmed
from myhealth.database import utcnow
from myhealth.errors import InvalidInput
from myhealth.extensions import db
from myhealth.paging import requested
from myhealth.records import charts, display, fhir_export, services, tables
from myhealth.records import example as example_record
from myhealth.records.fhir_import import ImportRefused, import_document
from myhealth.records.forms import RecordFilterForm, UploadForm
from myhealth.web import client_address

bp = Blueprint("records", __name__)


@bp.errorhandler(IdentityNotConfirmed)
def identity_not_confirmed(exc: IdentityNotConfirmed):
    """The patient's own record while their practice has not yet confirmed who they are."""
    context.discard(db.session)
    return (
        render_template(
            "records/identity_pending.html",
            title=_("Your GP practice needs to confirm who you are"),
            practice=exc.patient.registered_organisation,
            breadcrumbs=[{"href": url_for("home.dashboard"), "text": _("Home")}],
        ),
        403,
    )


@bp.context_processor
def record_helpers():
    return {
        "display": display,
        "tables": tables,
        "sections": services.SECTIONS,
    }


def _own_record(patient) -> bool:
    return current_user.patient_id == patient.id


def _title(patient, own: str, other: str) -> str:
    return own if _own_record(patient) else other


def _breadcrumbs(patient, *, record_page: bool = True) -> list[dict]:
    """Home or the clinician's patient list, then the record summary."""
    if _own_record(patient):
        crumbs = [{"href": url_for("home.dashboard"), "text": _("Home")}]
        name = _("Your health record")
    else:
        crumbs = [
            {"href": url_for("clinician.workspace"), "text": _("Your patients")},
            {
                "href": url_for("clinician.patient", patient_id=patient.id),
                "text": patient.display_name,
            },
        ]
        name = _("Health record")
    if record_page:
        crumbs.append({"href": url_for("records.summary", patient_id=patient.id), "text": name})
    return crumbs


@bp.get("/record/<uuid:patient_id>")
@requires("record:patient:read")
def summary(patient_id: uuid.UUID):
    found = services.summary(
        db.session,
        current_user,
        patient_id,
        client_address=client_address(),
        limits=services.SUMMARY_LATEST,
    )
    return render_template(
        "records/summary.html",
        title=_title(
            found.patient,
            _("Your health record"),
            _("Health record: %(name)s", name=found.patient.display_name),
        ),
        summary=found,
        patient=found.patient,
        counts=display.section_counts(found.counts),
        breadcrumbs=_breadcrumbs(found.patient, record_page=False),
    )


@bp.get("/record/example")
@public
def example():
    """A made-up person's record, for someone whose own record is still empty."""
    found = example_record.example_summary()
    return render_template(
        "records/example.html",
        title=_("An example health record"),
        summary=found,
        patient=found.patient,
        counts=display.section_counts(found.counts),
    )


@bp.get("/record/<uuid:patient_id>/print")
@requires("record:patient:read")
def print_summary(patient_id: uuid.UUID):
    found = services.summary(
        db.session, current_user, patient_id, client_address=client_address(), purpose="print"
    )
    return render_template(
        "records/print.html",
        title=_title(
            found.patient,
            _("Your health record summary"),
            _("Health record summary: %(name)s", name=found.patient.display_name),
        ),
        summary=found,
        patient=found.patient,
        counts=display.section_counts(found.counts),
        printed_at=utcnow(),
        breadcrumbs=_breadcrumbs(found.patient),
    )


@bp.get("/record/<uuid:patient_id>/download")
@requires("record:patient:read")
def download(patient_id: uuid.UUID):
    patient = fhir_export.open_for_export(
        db.session, current_user, patient_id, client_address=client_address()
    )
    filename = secure_filename(fhir_export.download_name(patient))
    # Streamed: a large record is written as it is read, never held whole in memory.
    return current_app.response_class(
        stream_with_context(fhir_export.bundle_chunks(db.session, patient.id)),
        mimetype="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/record/<uuid:patient_id>/results/<code>")
@requires("record:patient:read")
def result_trend(patient_id: uuid.UUID, code: str):
    system = request.args.get("system") or None
    series = services.result_series(
        db.session,
        current_user,
        patient_id,
        code,
        code_system=system,
        client_address=client_address(),
    )
    crumbs = _breadcrumbs(series.patient)
    crumbs.append(
        {
            "href": url_for("records.section", patient_id=patient_id, section="results"),
            "text": display.section_title("results"),
        }
    )
    return render_template(
        "records/result_trend.html",
        title=series.title,
        series=series,
        patient=series.patient,
        chart=charts.results_chart(series.title, series.points),
        table=tables.trend_table(series.points),
        breadcrumbs=crumbs,
    )


@bp.get("/record/<uuid:patient_id>/<section>")
@requires("record:patient:read")
def section(patient_id: uuid.UUID, section: str):
    if section not in services.SECTIONS:
        raise NotFound()
    form = RecordFilterForm(request.args, section=section)
    form.validate()
    try:
        page = services.section_page(
            db.session,
            current_user,
            patient_id,
            section,
            filters=form.filters(),
            page=requested(request.args.get("page")),
            client_address=client_address(),
        )
    except InvalidInput as exc:  # the service's own check of the dates
        form.date_to.errors = [*form.date_to.errors, *exc.field_errors.values()]
        page = services.section_page(
            db.session,
            current_user,
            patient_id,
            section,
            filters=form.filters(),
            page=requested(request.args.get("page")),
            client_address=client_address(),
        )
    return render_template(
        "records/section.html",
        title=display.section_title(section),
        form=form,
        page=page,
        patient=page.patient,
        table=tables.table(section, page.items),
        breadcrumbs=_breadcrumbs(page.patient),
    )


@bp.route("/records/upload", methods=["GET", "POST"])
@requires("record:import:create")
def upload():
    form = UploadForm()
    report, problems = None, []
    if form.validate_on_submit():
        document = form.document.data
        filename = secure_filename(document.filename or "") or "upload.json"
        try:
            with context.attempt(db.session):  # all or nothing
                report = import_document(
                    db.session,
                    document.read(),
                    source=filename,
                    max_bytes=current_app.config["IMPORT_MAX_BYTES"],
                    max_entries=current_app.config["IMPORT_MAX_ENTRIES"],
                    actor=current_user,
                    client_address=client_address(),
                )
        except ImportRefused as refused:
            problems = [str(p) for p in refused.problems[:25]]
            form.document.errors = [_("The file was not imported. Nothing from it was stored.")]
    return render_template(
        "records/upload.html",
        title=_("Upload health records"),
        form=form,
        report=report,
        problems=problems,
        can_check_identity=has_permission(current_user, "clinician:identity:read"),
    )
