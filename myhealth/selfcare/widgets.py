"""Homepage widget: recent self-assessments and whether a clinician has reviewed them."""

from flask_babel import lazy_gettext as _l

from myhealth.home.registry import Widget, register
from myhealth.selfcare.saved import latest_for_widget


def _load(session, user, patient) -> dict:
    """One query (assessments joined to their review items) whatever the history's length; the
    homepage has already checked and audited this patient read."""
    if patient is None:
        return {"assessments": []}
    return {"assessments": latest_for_widget(session, patient.id)}


register(
    Widget(
        id="assessments",
        title=_l("Your health assessments"),
        template="selfcare/widget.html",
        load=_load,
        order=30,
    )
)
