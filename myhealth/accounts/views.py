"""Sign up, verify email, sign in (with two-factor), sign out, account and devices."""

from __future__ import annotations

import time
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

from myhealth.access.policy import public, requires
from myhealth.accounts import emails, services, twofactor
from myhealth.accounts.forms import (
    ConfirmForm,
    ResendVerificationForm,
    SecurityCodeForm,
    SignInForm,
    SignUpForm,
    TwoFactorSetupForm,
)
from myhealth.accounts.models import Role, User
from myhealth.errors import InvalidInput
from myhealth.extensions import db, limiter
from myhealth.messaging.services import MailNotSent
from myhealth.web import client_address, safe_next

bp = Blueprint("accounts", __name__)

PENDING_2FA_SECONDS = 300


def _apply_field_errors(form, exc: InvalidInput) -> None:
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


def _locked_message(minutes: int) -> str:
    return ngettext(
        "Your account is locked after too many failed attempts. Try again in %(num)s minute.",
        "Your account is locked after too many failed attempts. Try again in %(num)s minutes.",
        minutes,
    )


def _mail_problem():
    db.session.rollback()
    flash(
        _("We could not send an email just now. Nothing has been saved. Try again later."), "error"
    )


@bp.route("/sign-up", methods=["GET", "POST"])
@public
def sign_up():
    form = SignUpForm()
    form.practice.choices = [("", _("Select a practice"))] + [
        (str(o.id), f"{o.name}, {o.postcode}" if o.postcode else o.name)
        for o in services.registering_practices(db.session)
    ]
    if form.validate_on_submit():
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
            result = services.sign_up(db.session, details, client_address=client_address())
            if result.user is not None:
                emails.send_verification(result.user)
            else:
                emails.send_unmatched(result.email)
        except InvalidInput as exc:
            db.session.rollback()
            _apply_field_errors(form, exc)
        except MailNotSent:
            _mail_problem()
        else:
            db.session.commit()
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
    db.session.commit()
    return render_template("accounts/verified.html", title=_("Your email address is confirmed"))


@bp.route("/verify-email/resend", methods=["GET", "POST"])
@public
@limiter.limit("5 per hour", methods=["POST"])
def resend_verification():
    form = ResendVerificationForm()
    if form.validate_on_submit():
        user = services.user_by_email(db.session, form.email.data)
        try:
            if user is not None and user.email_verified_at is None:
                emails.send_verification(user)
        except MailNotSent:
            _mail_problem()
        else:
            session["signup_email"] = services.normalise_email(form.email.data)
            return redirect(url_for("accounts.check_email"))
    return render_template(
        "accounts/resend.html", title=_("Get a new confirmation link"), form=form
    )


def _signin_limit_per_ip() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_IP"]


def _signin_limit_per_account() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"]


def _account_key() -> str:
    return "signin-account:" + services.normalise_email(request.form.get("email", ""))


def _complete_sign_in(user: User, method: str):
    next_url = session.get("next_after_signin")
    session.clear()  # a fresh session at sign-in: nothing from before carries over
    device = services.start_session(
        db.session,
        user,
        client_address=client_address(),
        user_agent=request.headers.get("User-Agent", ""),
        method=method,
    )
    user.current_session_id = device.id
    login_user(user)
    db.session.commit()
    if user.is_staff and not user.two_factor_enabled:
        flash(_("Set up two-factor authentication before you can see patient data."), "info")
        return redirect(url_for("accounts.two_factor_setup"))
    return redirect(safe_next(next_url, _home_for(user)))


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit_per_ip, methods=["POST"])
@limiter.limit(_signin_limit_per_account, methods=["POST"], key_func=_account_key)
def sign_in():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    form = SignInForm()
    if request.method == "GET" and request.args.get("next"):
        session["next_after_signin"] = safe_next(request.args.get("next"), "")
    if form.validate_on_submit():
        config = current_app.config
        try:
            user, just_locked = services.authenticate(
                db.session,
                form.email.data,
                form.password.data,
                lockout_threshold=config["LOCKOUT_THRESHOLD"],
                lockout_minutes=config["LOCKOUT_MINUTES"],
                client_address=client_address(),
            )
        except services.SignInFailed:
            db.session.commit()
            form.password.errors = [_("Enter a correct email address and password")]
        except services.AccountLocked:
            db.session.commit()
            form.email.errors = [_locked_message(config["LOCKOUT_MINUTES"])]
        except services.EmailNotVerified:
            db.session.rollback()
            form.email.errors = [
                _("Confirm your email address before you sign in. Use the link we emailed you.")
            ]
        else:
            if just_locked:
                db.session.commit()
                try:
                    emails.send_locked(user, config["LOCKOUT_MINUTES"])
                except MailNotSent:
                    current_app.logger.warning("lockout email to %s not sent", user.id)
                form.email.errors = [_locked_message(config["LOCKOUT_MINUTES"])]
            elif user.two_factor_enabled:
                db.session.commit()
                next_url = session.get("next_after_signin")
                session.clear()
                session["pending_2fa_user"] = str(user.id)
                session["pending_2fa_at"] = int(time.time())
                if next_url:
                    session["next_after_signin"] = next_url
                return redirect(url_for("accounts.security_code"))
            else:
                return _complete_sign_in(user, "password")
    return render_template("accounts/sign_in.html", title=_("Sign in"), form=form)


def _pending_2fa_user() -> User | None:
    user_id = session.get("pending_2fa_user")
    started = session.get("pending_2fa_at", 0)
    if not user_id or time.time() - started > PENDING_2FA_SECONDS:
        return None
    return db.session.get(User, uuid.UUID(user_id))


@bp.route("/sign-in/security-code", methods=["GET", "POST"])
@public
@limiter.limit(_signin_limit_per_ip, methods=["POST"])
def security_code():
    user = _pending_2fa_user()
    if user is None:
        flash(_("Your sign-in timed out. Sign in again."), "expired")
        return redirect(url_for("accounts.sign_in"))
    form = SecurityCodeForm()
    if form.validate_on_submit():
        try:
            method = twofactor.verify_second_factor(
                db.session, user, form.code.data, client_address=client_address()
            )
        except InvalidInput as exc:
            config = current_app.config
            locked = services.second_factor_failed(
                db.session,
                user,
                lockout_threshold=config["LOCKOUT_THRESHOLD"],
                lockout_minutes=config["LOCKOUT_MINUTES"],
                client_address=client_address(),
            )
            db.session.commit()  # keep the failed attempt in the audit trail
            if locked:
                session.clear()
                try:
                    emails.send_locked(user, config["LOCKOUT_MINUTES"])
                except MailNotSent:
                    current_app.logger.warning("lockout email to %s not sent", user.id)
                flash(
                    _locked_message(config["LOCKOUT_MINUTES"]),
                    "error",
                )
                return redirect(url_for("accounts.sign_in"))
            _apply_field_errors(form, exc)
        else:
            return _complete_sign_in(user, f"password and {method}")
    return render_template(
        "accounts/security_code.html", title=_("Enter your security code"), form=form
    )


@bp.post("/sign-out")
@requires("account:self:read")
def sign_out():
    services.end_session(db.session, current_user, current_user.current_session_id, "signed out")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.sign_in"))


@bp.get("/account")
@requires("account:self:read")
def account():
    return render_template(
        "accounts/account.html",
        title=_("Your account"),
        devices=len(services.active_sessions(db.session, current_user)),
        recovery_codes_left=twofactor.unused_recovery_codes(db.session, current_user),
    )


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires("account:security:update")
def two_factor_setup():
    if current_user.two_factor_enabled:
        return redirect(url_for("accounts.account"))
    form = TwoFactorSetupForm()
    secret = session.get("totp_setup_secret")
    if secret is None or request.method == "GET":
        secret = twofactor.new_secret()
        session["totp_setup_secret"] = secret
    if form.validate_on_submit():
        try:
            codes = twofactor.enable(db.session, current_user, secret, form.code.data)
        except InvalidInput as exc:
            db.session.rollback()
            _apply_field_errors(form, exc)
        else:
            db.session.commit()
            session.pop("totp_setup_secret", None)
            return render_template(
                "accounts/recovery_codes.html", title=_("Save your recovery codes"), codes=codes
            )
    uri = twofactor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_setup.html",
        title=_("Set up two-factor authentication"),
        form=form,
        secret=secret,
        qr=twofactor.qr_svg(uri, _("QR code for your authenticator app")),
        breadcrumbs=[{"href": url_for("accounts.account"), "text": _("Your account")}],
    )


@bp.post("/account/two-factor/recovery-codes")
@requires("account:security:update")
def regenerate_recovery_codes():
    if not current_user.two_factor_enabled:
        return redirect(url_for("accounts.two_factor_setup"))
    codes = twofactor.regenerate_recovery_codes(db.session, current_user)
    db.session.commit()
    return render_template(
        "accounts/recovery_codes.html", title=_("Save your recovery codes"), codes=codes
    )


@bp.post("/account/two-factor/turn-off")
@requires("account:security:update")
def two_factor_disable():
    if current_user.is_staff:
        flash(_("Staff accounts must keep two-factor authentication on."), "error")
        return redirect(url_for("accounts.account"))
    twofactor.disable(db.session, current_user)
    db.session.commit()
    flash(_("Two-factor authentication is off."), "success")
    return redirect(url_for("accounts.account"))


@bp.get("/account/devices")
@requires("account:security:read")
def devices():
    return render_template(
        "accounts/devices.html",
        title=_("Signed-in devices"),
        devices=services.active_sessions(db.session, current_user),
        form=ConfirmForm(),
        breadcrumbs=[{"href": url_for("accounts.account"), "text": _("Your account")}],
    )


@bp.post("/account/devices/<uuid:device_id>/sign-out")
@requires("account:security:update")
def sign_out_device(device_id: uuid.UUID):
    services.end_session(db.session, current_user, device_id, "signed out from another device")
    db.session.commit()
    if device_id == current_user.current_session_id:
        logout_user()
        session.clear()
        return redirect(url_for("accounts.sign_in"))
    flash(_("That device has been signed out."), "success")
    return redirect(url_for("accounts.devices"))


@bp.post("/account/devices/sign-out-everywhere")
@requires("account:security:update")
def sign_out_everywhere():
    services.end_all_sessions(db.session, current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been signed out on every device."), "success")
    return redirect(url_for("accounts.sign_in"))


@bp.get("/admin/staff")
@requires("admin:staff:read")
def staff():
    return render_template(
        "admin/staff.html",
        title=_("Staff accounts"),
        staff=services.staff_accounts(db.session, current_user),
    )
