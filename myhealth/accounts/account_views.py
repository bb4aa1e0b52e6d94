"""The account's own pages: security (two-factor, recovery codes), devices, staff list.

Registered on the accounts blueprint (views.bp). Changes that weaken the account's protection
ask for the password and a current security code again, and the owner is told by email.
"""

from __future__ import annotations

import uuid

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from myhealth import context
from myhealth.access.policy import requires
from myhealth.accounts import emails, limits, oidc, oidc_accounts, services, signin, twofactor
from myhealth.accounts.forms import ConfirmForm, ConfirmIdentityForm, TwoFactorSetupForm
from myhealth.accounts.views import (
    apply_field_errors,
    bp,
    locked_message,
    tell_owner_of_lock,
)
from myhealth.errors import InvalidInput
from myhealth.extensions import db, limiter
from myhealth.web import client_address


def _breadcrumbs():
    return [{"href": url_for("accounts.account"), "text": _("Your account")}]


@bp.get("/account")
@requires("account:self:read")
def account():
    provider = oidc.provider_name(current_app.config)
    return render_template(
        "accounts/account.html",
        title=_("Your account"),
        devices=len(services.active_sessions(db.session, current_user)),
        recovery_codes_left=twofactor.unused_recovery_codes(db.session, current_user),
        oidc_provider=provider,
        oidc_linked=bool(provider)
        and oidc_accounts.link_for(
            db.session, current_user, current_app.config["OIDC_ISSUER"].rstrip("/")
        )
        is not None,
        link_form=ConfirmForm(),
    )


@bp.route("/account/two-factor", methods=["GET", "POST"])
@requires("account:security:update")
def two_factor_setup():
    if current_user.two_factor_enabled:
        return redirect(url_for("accounts.account"))
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            with context.attempt(db.session):
                codes = twofactor.enable(db.session, current_user, form.code.data)
        except InvalidInput as exc:
            apply_field_errors(form, exc)
        else:
            return render_template(
                "accounts/recovery_codes.html", title=_("Save your recovery codes"), codes=codes
            )
    # The same key until it works, so a person who has scanned it can try again.
    secret = twofactor.setup_secret(db.session, current_user)
    uri = twofactor.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/two_factor_setup.html",
        title=_("Set up two-factor authentication"),
        form=form,
        secret=secret,
        qr=twofactor.qr_svg(uri, _("QR code for your authenticator app")),
        breadcrumbs=_breadcrumbs(),
    )


def _identity_confirmed(form: ConfirmIdentityForm, purpose: str) -> bool:
    """The password and a current code check out; otherwise the form says what to correct."""
    if not form.validate_on_submit():
        return False
    try:
        signin.confirm_identity(
            db.session,
            current_user,
            form.password.data,
            form.code.data,
            lockout=signin.Lockout.from_config(current_app.config),
            client_address=client_address(),
            purpose=purpose,
        )
    except signin.AccountLocked as exc:  # the failure is kept: it counts
        tell_owner_of_lock(exc)
        form.password.errors = [locked_message(exc)]
        return False
    except InvalidInput as exc:  # the failure is kept: it counts
        apply_field_errors(form, exc)
        return False
    return True


def _confirm_page(form: ConfirmIdentityForm, *, title: str, intro: str, button: str, warning=False):
    return render_template(
        "accounts/confirm_identity.html",
        title=title,
        intro=intro,
        button=button,
        warning=warning,
        form=form,
        breadcrumbs=_breadcrumbs(),
    )


@bp.route("/account/two-factor/recovery-codes", methods=["GET", "POST"])
@requires("account:security:update")
@limiter.limit(limits.signin_per_ip, methods=["POST"])
def regenerate_recovery_codes():
    if not current_user.two_factor_enabled:
        return redirect(url_for("accounts.two_factor_setup"))
    form = ConfirmIdentityForm()
    if _identity_confirmed(form, "new recovery codes"):
        codes = twofactor.regenerate_recovery_codes(db.session, current_user)
        emails.send_recovery_codes_issued(db.session, current_user)
        return render_template(
            "accounts/recovery_codes.html", title=_("Save your recovery codes"), codes=codes
        )
    return _confirm_page(
        form,
        title=_("Get new recovery codes"),
        intro=_(
            "Your old recovery codes will stop working. To make sure it is you, enter your "
            "password and a security code."
        ),
        button=_("Get new recovery codes"),
    )


@bp.route("/account/two-factor/turn-off", methods=["GET", "POST"])
@requires("account:security:update")
@limiter.limit(limits.signin_per_ip, methods=["POST"])
def two_factor_disable():
    if current_user.is_staff:
        flash(_("Staff accounts must keep two-factor authentication on."), "error")
        return redirect(url_for("accounts.account"))
    if not current_user.two_factor_enabled:
        return redirect(url_for("accounts.account"))
    form = ConfirmIdentityForm()
    if _identity_confirmed(form, "turn off two-factor authentication"):
        twofactor.disable(db.session, current_user)
        emails.send_two_factor_off(db.session, current_user)
        flash(_("Two-factor authentication is off."), "success")
        return redirect(url_for("accounts.account"))
    return _confirm_page(
        form,
        title=_("Turn off two-factor authentication"),
        intro=_(
            "Without it, anyone who knows your password can sign in. To make sure it is you, "
            "enter your password and a security code."
        ),
        button=_("Turn off two-factor authentication"),
        warning=True,
    )


@bp.get("/account/devices")
@requires("account:security:read")
def devices():
    return render_template(
        "accounts/devices.html",
        title=_("Signed-in devices"),
        devices=services.active_sessions(db.session, current_user),
        form=ConfirmForm(),
        breadcrumbs=_breadcrumbs(),
    )


@bp.post("/account/devices/<uuid:device_id>/sign-out")
@requires("account:security:update")
def sign_out_device(device_id: uuid.UUID):
    services.end_session(db.session, current_user, device_id, "signed out from another device")
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
