"""The emails accounts send. Subjects and bodies go through Flask-Babel; no clinical detail."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from myhealth.accounts import services
from myhealth.accounts.models import User
from myhealth.messaging.services import send_email


def send_verification(user: User) -> None:
    token = services.email_verification_token(current_app.config["SECRET_KEY"], user)
    link = url_for("accounts.verify_email", token=token, _external=True)
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


def send_locked(user: User, minutes: int) -> None:
    body = ngettext(
        "Hello %(name)s,\n\n"
        "Your myhealth account was locked for %(num)s minute after several failed attempts "
        "to sign in. If this was not you, someone may know your email address: when the lock "
        "ends, sign in and check your signed-in devices, or contact us.\n",
        "Hello %(name)s,\n\n"
        "Your myhealth account was locked for %(num)s minutes after several failed attempts "
        "to sign in. If this was not you, someone may know your email address: when the lock "
        "ends, sign in and check your signed-in devices, or contact us.\n",
        minutes,
        name=user.display_name,
    )
    send_email(current_app.config, user.email, _("Your account has been locked"), body)
