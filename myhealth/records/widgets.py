"""Homepage widget: your details and your registered practice."""

from flask_babel import lazy_gettext as _l

from myhealth.home.registry import Widget, register


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
