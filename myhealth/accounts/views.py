"""Sign up, verify email, sign in (with two-factor) and sign out.

The account's own pages (security, devices, staff) are in account_views, on the same
blueprint.
"""

from __future__ import annotations

import math
import uuid

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from myhealth import context
from myhealth.access.policy import public, requires
from myhealth.accounts import emails, limits, oidc, services, signin
from myhealth.accounts.forms import (
    ResendVerificationForm,
    SecurityCodeForm,
    SignInForm,
    SignUpForm,
)
from myhealth.accounts.models import Role, User
from myhealth.database import utcnow
from myhealth.errors import InvalidInput
from myhealth.extensions import db, limiter
from myhealth.web import client_address, safe_next

bp = Blueprint("accounts", __name__)


def apply_field_errors(form, exc: InvalidInput) -> None:
    for name, message in exc.field_errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]


def _home_for(user: User) -> str:
    return {
        Role.PATIENT: url_for("home.dashboard"),
        Role.CLINICIAN: url_for("clinician.workspace"),
        Role.ADMIN: url_for("accounts.staff"),
    }[user.role]


def locked_message(exc: signin.AccountLocked) -> str:
    minutes = max(1, math.ceil((exc.until - utcnow()).total_seconds() / 60))
    return ngettext(
        "Your account is locked after too many failed attempts. Try again in %(num)s minute.",
        "Your account is locked after too many failed attempts. Try again in %(num)s minutes.",
        minutes,
    )


def tell_owner_of_lock(exc: signin.AccountLocked) -> None:
    """Email the owner when this attempt locked their account at an address (the outbox
    sends it once this is committed)."""
    if exc.owner is None:
        return
    emails.send_locked(db.session, exc.owner, current_app.config["LOCKOUT_MINUTES"], exc.address)


@bp.errorhandler(429)
def too_many_attempts(exc):
    """Say how long to wait: sign-up limits are counted in hours, sign-in ones in minutes."""
    minutes = limits.minutes_to_wait()
    message = ngettext(
        "You have tried too many times. Try again in %(num)s minute.",
        "You have tried too many times. Try again in %(num)s minutes.",
        minutes,
    )
    return render_template(
        "errors/error.html", status=429, heading=_("Too many attempts"), message=message
    ), 429


# --- session lifetime ------------------------------------------------------------------------


@bp.before_app_request
def _end_sessions_past_their_lifetime():
    """However busy, a signed-in session ends after its lifetime, with a message saying so.

    The user loader refuses such a session too; this runs first (blueprints' hooks come
    before the access guard's), only so that the person is told why.
    """
    session_id = session.get("_user_id")
    if not session_id or request.endpoint in ("static", "assets"):
        return
    lifetime = services.end_if_past_lifetime(db.session, session_id, current_app.config)
    if lifetime is not None:  # ended for good when the request commits
        hours = int(lifetime.total_seconds() // 3600)
        flash(
            ngettext(
                "For your security, we sign you out after %(num)s hour. Sign in again.",
                "For your security, we sign you out after %(num)s hours. Sign in again.",
                hours,
            ),
            "expired",
        )


# --- sign-up and email verification --------------------------------------------------------


def _send_sign_up_email(result: services.SignUpResult) -> None:
    if result.kind == "existing" and result.user.email_verified_at is not None:
        emails.send_already_registered(db.session, result.user)
    elif result.user is not None:
        # A new account, or one whose owner never confirmed it: the link, again.
        emails.send_verification(db.session, result.user)
    else:
        emails.send_unmatched(db.session, result.email)


@bp.route("/sign-up", methods=["GET", "POST"])
@public
@limits.per_address
@limits.per_email
@limits.per_nhs_number
def sign_up():
    form = SignUpForm()
    form.practice.choices = [("", _("Select a practice"))] + [
        (str(o.id), f"{o.name}, {o.postcode}" if o.postcode else o.name)
        for o in services.registering_practices(db.session)
    ]
    if form.validate_on_submit():
        limits.count_this_request()
        details = services.SignUpDetails(
            nhs_number=form.nhs_number.data,
            given_name=form.given_name.data,
            family_name=form.family_name.data,
            birth_date=form.birth_date,
            email=form.email.data,
            password=form.password.data,
            practice_id=uuid.UUID(form.practice.data),
        )
        try:
            with context.attempt(db.session):
                result = services.sign_up(db.session, details, client_address=client_address())
                _send_sign_up_email(result)
        except InvalidInput as exc:
            apply_field_errors(form, exc)
        else:
            session["signup_email"] = result.email
            return redirect(url_for("accounts.check_email"))
    return render_template("accounts/sign_up.html", title=_("Create your account"), form=form)


@bp.get("/sign-up/check-your-email")
@public
def check_email():
    return render_template(
        "accounts/check_email.html",
        title=_("Check your email"),
        email=session.get("signup_email"),
    )


@bp.get("/verify-email/<token>")
@public
def verify_email(token: str):
    try:
        services.verify_email(
            db.session,
            current_app.config["SECRET_KEY"],
            token,
            current_app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"],
        )
    except services.TokenExpired:
        return render_template(
            "accounts/verify_failed.html",
            title=_("This link has expired"),
            expired=True,
            form=ResendVerificationForm(),
        ), 400
    except services.TokenInvalid:
        return render_template(
            "accounts/verify_failed.html",
            title=_("This link is not valid"),
            expired=False,
            form=ResendVerificationForm(),
        ), 400
    return render_template("accounts/verified.html", title=_("Your email address is confirmed"))


@bp.route("/verify-email/resend", methods=["GET", "POST"])
@public
@limits.per_address
@limits.per_email
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit():
        limits.count_this_request()
        user = services.user_by_email(db.session, form.email.data)
        if user is not None and user.email_verified_at is None:
            emails.send_verification(db.session, user)
        session["signup_email"] = services.normalise_email(form.email.data)
        return redirect(url_for("accounts.check_email"))
    return render_template(
        "accounts/resend.html", title=_("Get a new confirmation link"), form=form
    )


# --- sign-in ---------------------------------------------------------------------------------


def _complete_sign_in(user: User, method: str, pending=None):
    next_url = session.get("next_after_signin")
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    device = signin.complete(
        db.session,
        user,
        client_address=client_address(),
        user_agent=request.headers.get("User-Agent", ""),
        method=method,
        pending=pending,
    )
    user.current_session_id = device.id
    login_user(user)
    if user.is_staff and not user.two_factor_enabled:
        flash(_("Set up two-factor authentication before you can see patient data."), "info")
        return redirect(url_for("accounts.two_factor_setup"))
    return redirect(safe_next(next_url, _home_for(user)))


def _ask_for_security_code(user: User):
    pending = signin.start_pending(db.session, user, client_address=client_address())
    next_url = session.get("next_after_signin")
    session.clear()
    # The cookie names the pending sign-in; who it is for and when it ends stay on the server.
    session["pending_sign_in"] = str(pending.id)
    if next_url:
        session["next_after_signin"] = next_url
    return redirect(url_for("accounts.security_code"))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(limits.signin_per_ip, methods=["POST"])
@limiter.limit(limits.signin_per_account, methods=["POST"], key_func=limits.account_key)
def sign_in():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = SignInForm()
    if request.method == "GET" and request.args.get("next"):
        session["next_after_signin"] = safe_next(request.args.get("next"), "")
    if form.validate_on_submit():
        try:
            user = signin.authenticate(
                db.session,
                form.email.data,
                form.password.data,
                lockout=signin.Lockout.from_config(current_app.config),
                client_address=client_address(),
            )
        except signin.SignInFailed:  # the failure is kept, and counts towards the lock
            form.password.errors = [_("Enter a correct email address and password")]
        except signin.AccountLocked as exc:
            tell_owner_of_lock(exc)
            form.email.errors = [locked_message(exc)]
        except signin.EmailNotVerified:  # nothing was written
            form.email.errors = [
                _("Confirm your email address before you sign in. Use the link we emailed you.")
            ]
        else:
            if user.two_factor_enabled:
                return _ask_for_security_code(user)
            return _complete_sign_in(user, "password")
    return render_template(
        "accounts/sign_in.html",
        title=_("Sign in"),
        form=form,
        oidc_provider=oidc.provider_name(current_app.config),
    )


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
@limiter.limit(limits.signin_per_ip, methods=["POST"])
@limiter.limit(limits.signin_per_account, methods=["POST"], key_func=limits.pending_account_key)
def security_code():
    pending = signin.pending_sign_in(db.session, session.get("pending_sign_in"))
    if pending is None:
        session.pop("pending_sign_in", None)
        flash(_("Your sign-in timed out. Sign in again."), "expired")
        return redirect(url_for("accounts.sign_in"))
    form = SecurityCodeForm()
    if form.validate_on_submit():
        try:
            method = signin.second_factor(
                db.session,
                pending,
                form.code.data,
                lockout=signin.Lockout.from_config(current_app.config),
                client_address=client_address(),
            )
        except signin.AccountLocked as exc:
            session.pop("pending_sign_in", None)
            tell_owner_of_lock(exc)
            flash(locked_message(exc), "error")
            return redirect(url_for("accounts.sign_in"))
        except InvalidInput as exc:  # the failed attempt is kept, and counts towards the lock
            apply_field_errors(form, exc)
        else:
            return _complete_sign_in(pending.user, f"password and {method}", pending)
    return render_template(
        "accounts/security_code.html", title=_("Enter your security code"), form=form
    )


@bp.post("/sign-out")
@requires("account:self:read")
def sign_out():
    services.end_session(db.session, current_user, current_user.current_session_id, "signed out")
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.sign_in"))


# The account's own pages, and signing in with NHS login, register themselves on `bp`.
from myhealth.accounts import account_views, oidc_views  # noqa: E402, F401
