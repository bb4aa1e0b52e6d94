"""Homepage widgets of the record: your details and practice, and a summary of your record."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from myhealth.access.policy import identity_confirmed
from myhealth.access.scoping import checked
from myhealth.home.registry import Widget, register
from myhealth.records.models import ClinicalResource
from myhealth.records.services import CURRENT, SECTIONS, patient_count


def _load(session, user, patient) -> dict:
    return {"patient": patient, "practice": patient.registered_organisation if patient else None}


register(
    Widget(
        id="your-details",
        title=_l("Your details and GP practice"),
        template="home/widgets/your_details.html",
        load=_load,
        order=10,
        can_hide=False,
    )
)


# Built once, for every homepage: composing this statement costs several times what running
# it does. One statement, each count reading only its own rows, so a long history of results
# does not slow the others.
# The homepage opened this patient through access before any widget reads (checked).
_RECORD_COUNTS = checked(
    select(
        patient_count(*CURRENT["conditions"]),
        patient_count(*CURRENT["medicines"]),
        patient_count(*CURRENT["allergies"]),
        patient_count(ClinicalResource.resource_type.in_(SECTIONS["results"])),
    )
)


def _load_record_summary(session, user, patient) -> dict:
    """Counts for the widget in one query, whatever the size of the record.

    The homepage has already checked and audited this patient read (see home.registry), so
    this reads only the patient it is given. An account still waiting for its practice to
    confirm who they are gets that message instead, and nothing of the record is read.
    """
    if patient is None:
        return {"patient": None}
    if not identity_confirmed(user):
        return {"patient": patient, "identity_pending": True}
    problems, medicines, allergies, results = (
        session.connection().execute(_RECORD_COUNTS, {"patient_id": patient.id}).one()
    )
    return {
        "patient": patient,
        "problems": problems,
        "medicines": medicines,
        "allergies": allergies,
        "results": results,
    }


register(
    Widget(
        id="record-summary",
        title=_l("Your health record"),
        template="records/widget_summary.html",
        load=_load_record_summary,
        order=20,
    )
)
