"""Rate limits on the account pages (Flask-Limiter), read from the settings at request time.

Sign-in is limited per client address and per account. Sign-up and "send the link again",
which send emails, share limits per client address, per email address and per NHS number, so
together they cannot flood anybody's inbox; they count only forms that were valid (and so
may have sent an email), not forms sent back with mistakes to correct.
"""

from __future__ import annotations

import time

from flask import current_app, g, request, session

from myhealth.accounts import services, signin
from myhealth.accounts.forms import normalise_nhs_number
from myhealth.extensions import db, limiter


def signin_per_ip() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_IP"]


def signin_per_account() -> str:
    return current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"]


def account_key() -> str:
    return "signin-account:" + services.normalise_email(request.form.get("email", ""))


def pending_account_key() -> str:
    """The account of the sign-in waiting for its security code (named by the cookie)."""
    pending = signin.pending_sign_in(db.session, session.get("pending_sign_in"))
    return "signin-account-id:" + (str(pending.user_id) if pending else "none")


def _signup_per_ip() -> str:
    return current_app.config["SIGNUP_LIMIT_PER_IP"]


def _signup_per_person() -> str:
    return current_app.config["SIGNUP_LIMIT_PER_PERSON"]


def _email_key() -> str:
    return "email:" + services.normalise_email(request.form.get("email", ""))


def _nhs_number_key() -> str:
    return "nhs-number:" + normalise_nhs_number(request.form.get("nhs_number"))


def count_this_request() -> None:
    """The form is valid: this request counts towards the sign-up limits."""
    g.account_email_limits_count = True


def _counted(response) -> bool:
    return bool(g.get("account_email_limits_count"))


per_address = limiter.shared_limit(
    _signup_per_ip, scope="sign-up-address", methods=["POST"], deduct_when=_counted
)
per_email = limiter.shared_limit(
    _signup_per_person,
    scope="sign-up-email",
    methods=["POST"],
    key_func=_email_key,
    deduct_when=_counted,
)
per_nhs_number = limiter.shared_limit(
    _signup_per_person,
    scope="sign-up-nhs-number",
    methods=["POST"],
    key_func=_nhs_number_key,
    deduct_when=_counted,
)


def minutes_to_wait() -> int:
    """Until the limit this request broke lets the next one through, in whole minutes."""
    breached = limiter.current_limit
    seconds = breached.reset_at - time.time() if breached is not None else 60
    return max(1, round(seconds / 60))  # reset_at is rounded up to a whole second
