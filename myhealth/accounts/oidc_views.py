"""Sign in with NHS login (an OpenID Connect provider), and link or unlink it from the account.

Registered on the accounts blueprint (views.bp). When no provider is configured every route
here answers 404 and no button shows. The pending sign-in (state, nonce, PKCE verifier) is
kept in the session between the redirect to the provider and its answer.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from myhealth.access.policy import public, requires
from myhealth.accounts import limits, oidc, oidc_accounts
from myhealth.accounts.forms import ConfirmForm, UnlinkProviderForm
from myhealth.accounts.views import (
    _ask_for_security_code,
    _complete_sign_in,
    apply_field_errors,
    bp,
)
from myhealth.errors import InvalidInput
from myhealth.extensions import db, limiter
from myhealth.web import client_address

PENDING = "oidc_pending"


def provider() -> oidc.ProviderSettings:
    """The configured provider; 404 when there is none."""
    settings = oidc.ProviderSettings.from_config(current_app.config)
    if settings is None:
        abort(404)
    return settings


def provider_name() -> str | None:
    return oidc.provider_name(current_app.config)


def _go_to_provider(settings: oidc.ProviderSettings, purpose: str):
    url, pending = oidc.begin(settings, url_for("accounts.oidc_callback", _external=True))
    pending["purpose"] = purpose
    if purpose == "link":
        pending["user_id"] = str(current_user.id)
    session[PENDING] = pending
    return redirect(url)


@bp.get("/sign-in/nhs-login")
@public
@limiter.limit(limits.signin_per_ip)
def oidc_start():
    settings = provider()
    if current_user.is_authenticated:
        return redirect(url_for("accounts.sign_in"))
    try:
        return _go_to_provider(settings, "sign-in")
    except oidc.SignInRefused as exc:
        return _refused(exc)


@bp.post("/account/nhs-login/link")
@requires("account:security:update")
def oidc_link():
    settings = provider()
    if current_user.patient_id is None:
        abort(404)  # staff accounts sign in with their password and security code only
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if oidc_accounts.link_for(db.session, current_user, settings.issuer) is not None:
        return redirect(url_for("accounts.account"))
    try:
        return _go_to_provider(settings, "link")
    except oidc.SignInRefused as exc:
        return _refused(exc)


@bp.get("/sign-in/nhs-login/callback")
@public
@limiter.limit(limits.signin_per_ip)
def oidc_callback():
    settings = provider()
    pending = session.pop(PENDING, None)
    try:
        identity = oidc.finish(settings, pending, request.args.to_dict())
    except oidc.SignInRefused as exc:
        return _refused(exc)
    try:
        if pending.get("purpose") == "link":
            return _link(identity, pending)
        user = oidc_accounts.sign_in_with(db.session, identity, client_address=client_address())
    except oidc_accounts.NotMatched:
        # The refusal's audit entry is kept (the unit of work commits); nothing else was made.
        return render_template(
            "accounts/oidc_not_matched.html",
            title=_("We could not match your %(name)s to a health record", name=settings.name),
            provider_name=settings.name,
        ), 403
    method = f"{settings.name} ({identity.vector})"
    # A provider that proved a second factor (a registered device or key) counts as one;
    # otherwise an account with two-factor on asks for its security code as usual.
    if user.two_factor_enabled and not identity.vector.has_second_factor:
        return _ask_for_security_code(user)
    return _complete_sign_in(user, method)


def _link(identity: oidc.Identity, pending: dict):
    if not current_user.is_authenticated or str(current_user.id) != pending.get("user_id"):
        return _refused(oidc.SignInRefused("link answered for a different signed-in account"))
    oidc_accounts.link_account(db.session, current_user, identity, client_address=client_address())
    flash(_("Your account is now linked to %(name)s.", name=provider_name()), "success")
    return redirect(url_for("accounts.account"))


def _refused(exc: oidc.SignInRefused):
    current_app.logger.warning("OIDC sign-in refused: %s", exc.reason)
    if isinstance(exc, oidc.IdentityLevelTooLow):
        return render_template(
            "accounts/oidc_level_too_low.html",
            title=_("You need to prove who you are to use this service"),
            provider_name=provider_name(),
        ), 403
    return render_template(
        "accounts/oidc_refused.html",
        title=_("Sorry, we could not sign you in"),
        provider_name=provider_name(),
    ), 400


@bp.route("/account/nhs-login/unlink", methods=["GET", "POST"])
@requires("account:security:update")
@limiter.limit(limits.signin_per_ip, methods=["POST"])
def oidc_unlink():
    settings = provider()
    if oidc_accounts.link_for(db.session, current_user, settings.issuer) is None:
        return redirect(url_for("accounts.account"))
    form = UnlinkProviderForm()
    if form.validate_on_submit():
        try:
            oidc_accounts.unlink_account(
                db.session,
                current_user,
                settings.issuer,
                form.password.data,
                client_address=client_address(),
            )
        except InvalidInput as exc:  # the failed attempt stays in the audit trail
            apply_field_errors(form, exc)
        else:
            flash(_("Your account is no longer linked to %(name)s.", name=settings.name), "success")
            return redirect(url_for("accounts.account"))
    return render_template(
        "accounts/oidc_unlink.html",
        title=_("Unlink %(name)s", name=settings.name),
        provider_name=settings.name,
        form=form,
        breadcrumbs=[{"href": url_for("accounts.account"), "text": _("Your account")}],
    )
