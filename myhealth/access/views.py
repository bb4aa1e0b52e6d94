"""Who has viewed your record: the patient's window onto the audit trail."""

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user

from myhealth.access import display
from myhealth.access.policy import requires
from myhealth.access.services import record_reads_for
from myhealth.errors import NotFound
from myhealth.extensions import db

bp = Blueprint("access", __name__)


@bp.get("/your-record/who-has-viewed")
@requires("record:patient:read")
def record_access():
    if current_user.patient_id is None:
        raise NotFound("no record")
    events = record_reads_for(db.session, current_user, current_user.patient_id)
    return render_template(
        "access/record_access.html",
        title=_("Who has viewed your record"),
        visits=display.visits(events),
        access_display=display,
    )
