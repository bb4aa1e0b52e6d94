"""Landing page, health check, language switch and the customisable homepage."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from myhealth.access.policy import public, requires
from myhealth.access.services import get_patient_for
from myhealth.accounts import services as account_services
from myhealth.extensions import db
from myhealth.home import services
from myhealth.home.forms import CustomiseForm, MoveForm
from myhealth.i18n import LANGUAGE_COOKIE, use_language
from myhealth.web import client_address, safe_next

bp = Blueprint("home", __name__)


@bp.get("/")
@public
def index():
    if current_user.is_authenticated:
        target = {"patient": "home.dashboard", "clinician": "clinician.workspace"}.get(
            current_user.role, "accounts.staff"
        )
        return redirect(url_for(target))
    return render_template("home/index.html", title=_("Your health, your NHS"))


@bp.get("/healthz")
@public
def healthz():
    ok = services.database_ok(db.session)
    body = {"status": "ok" if ok else "unavailable", "database": "ok" if ok else "unavailable"}
    return jsonify(body), 200 if ok else 503


@bp.get("/language/<code>")
@public
def set_language(code: str):
    """The switch's link: speak this language on this device (a cookie), for everyone.

    Any page on the web can make a browser follow a link, so this changes nothing stored: a
    signed-in person's saved preference changes only through ``save_language``.
    """
    return _switched_to(code, request.args.get("next"))


@bp.post("/language/<code>")
@public
def save_language(code: str):
    """The switch's button for a signed-in person (CSRF-checked, as every POST): the cookie,
    and their saved preference, which follows them to a new device.

    Public rather than for the signed-in only: someone whose session ended while the page
    was open still gets the language they asked for, instead of a detour to sign in.
    """
    if code in current_app.config["LANGUAGES"] and current_user.is_authenticated:
        account_services.set_language(db.session, current_user, code)
    return _switched_to(code, request.form.get("next"))


def _switched_to(code: str, next_path: str | None):
    """Back to the page (a same-site path only) in this language, remembered on this device."""
    if code not in current_app.config["LANGUAGES"]:
        return redirect(url_for("home.index"))
    use_language(code)
    response = redirect(safe_next(next_path, url_for("home.index")))
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
    return response


@bp.get("/accessibility")
@public
def accessibility():
    return render_template("home/accessibility.html", title=_("Accessibility statement"))


@bp.get("/privacy")
@public
def privacy():
    return render_template("home/privacy.html", title=_("Privacy and how we use your data"))


@bp.get("/home")
@requires("home:dashboard:read")
def dashboard():
    patient = get_patient_for(
        db.session,
        current_user,
        current_user.patient_id,
        purpose="homepage",
        client_address=client_address(),
    )
    widgets = services.render_context(db.session, current_user, patient)
    return render_template(
        "home/dashboard.html", title=_("Your NHS"), widgets=widgets, patient=patient
    )


@bp.route("/home/customise", methods=["GET", "POST"])
@requires("home:dashboard:update")
def customise():
    placed = services.layout_for(db.session, current_user)
    form = CustomiseForm()
    form.widgets.choices = [(p.widget.id, str(p.widget.title)) for p in placed if p.widget.can_hide]
    if form.validate_on_submit():
        services.set_visible(db.session, current_user, set(form.widgets.data or []))
        flash(_("Your homepage has been updated."), "success")
        return redirect(url_for("home.customise"))
    if request.method == "GET":
        form.widgets.data = [p.widget.id for p in placed if p.visible and p.widget.can_hide]
    return render_template(
        "home/customise.html",
        title=_("Customise your homepage"),
        form=form,
        placed=placed,
        move_form=MoveForm(),
        breadcrumbs=[{"href": url_for("home.dashboard"), "text": _("Home")}],
    )


@bp.post("/home/customise/move")
@requires("home:dashboard:update")
def move_widget():
    form = MoveForm()
    if form.validate_on_submit():
        services.move(db.session, current_user, form.widget.data, form.direction.data)
    return redirect(url_for("home.customise"))
