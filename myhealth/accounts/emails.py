"""The emails accounts send. Subjects and bodies go through Flask-Babel; no clinical detail."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from myhealth.accounts import services
from myhealth.accounts.models import User
from myhealth.messaging.services import send_email
from myhealth.urls import external_url


def send_verification(user: User) -> None:
    token = services.email_verification_token(current_app.config["SECRET_KEY"], user)
    link = external_url("accounts.verify_email", token=token)
    body = _(
        "Hello %(name)s,\n\n"
        "Confirm your email address to finish setting up your myhealth account:\n\n"
        "%(link)s\n\n"
        "This link works for 24 hours. If you did not ask for an account, ignore this email.\n",
        name=user.display_name,
        link=link,
    )
    send_email(current_app.config, user.email, _("Confirm your email address"), body)


def send_unmatched(email: str) -> None:
    body = _(
        "Hello,\n\n"
        "Someone, probably you, tried to set up a myhealth account with this email address. "
        "We could not match the details given with an NHS record, so no account was created.\n\n"
        "Check your NHS number, date of birth and last name and try again, or contact your GP "
        "practice. If this was not you, ignore this email.\n"
    )
    send_email(current_app.config, email, _("We could not set up your account"), body)


def send_locked(user: User, minutes: int, client_address: str) -> None:
    """Someone failed to sign in too often from one address: that address waits, the owner
    does not, and is told where the attempts came from."""
    body = ngettext(
        "Hello %(name)s,\n\n"
        "Someone tried several times to sign in to your myhealth account with the wrong "
        "password or security code, from the internet address %(address)s. Signing in from "
        "that address is paused for %(num)s minute. You can still sign in as usual.\n\n"
        "If this was not you, someone may know your email address or password. Sign in, "
        "check your signed-in devices, or contact us:\n\n"
        "%(link)s\n",
        "Hello %(name)s,\n\n"
        "Someone tried several times to sign in to your myhealth account with the wrong "
        "password or security code, from the internet address %(address)s. Signing in from "
        "that address is paused for %(num)s minutes. You can still sign in as usual.\n\n"
        "If this was not you, someone may know your email address or password. Sign in, "
        "check your signed-in devices, or contact us:\n\n"
        "%(link)s\n",
        minutes,
        name=user.display_name,
        address=client_address or _("unknown"),
        link=external_url("accounts.sign_in"),
    )
    send_email(current_app.config, user.email, _("Someone tried to sign in to your account"), body)


def send_already_registered(user: User) -> None:
    """Sign-up was tried with an address that has an account: its owner hears, not the page."""
    body = _(
        "Hello %(name)s,\n\n"
        "Someone, perhaps you, tried to create a new myhealth account with this email "
        "address. You already have an account, so no new account was created.\n\n"
        "To sign in to your account, go to:\n\n"
        "%(link)s\n\n"
        "If this was not you, you do not need to do anything: your account has not changed.\n",
        name=user.display_name,
        link=external_url("accounts.sign_in"),
    )
    send_email(
        current_app.config,
        user.email,
        _("Someone tried to create an account with your email address"),
        body,
    )


def _security_change_body(user: User, what: str) -> str:
    return _(
        "Hello %(name)s,\n\n"
        "%(what)s\n\n"
        "If this was you, you do not need to do anything.\n\n"
        "If this was not you, someone may be signed in to your account. Sign in, sign out "
        "on every device and turn two-factor authentication on again, or contact us:\n\n"
        "%(link)s\n",
        name=user.display_name,
        what=what,
        link=external_url("accounts.sign_in"),
    )


def send_two_factor_off(user: User) -> None:
    what = _("Two-factor authentication was turned off for your myhealth account.")
    send_email(
        current_app.config,
        user.email,
        _("Two-factor authentication was turned off"),
        _security_change_body(user, what),
    )


def send_recovery_codes_issued(user: User) -> None:
    what = _(
        "New recovery codes were made for your myhealth account. Your old recovery codes no "
        "longer work."
    )
    send_email(
        current_app.config,
        user.email,
        _("New recovery codes were made for your account"),
        _security_change_body(user, what),
    )
