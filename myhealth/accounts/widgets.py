"""Homepage widget: how well protected the account is."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select

from myhealth.accounts.models import RecoveryCode, UserSession
from myhealth.home.registry import Widget, register

_USER = bindparam("user_id")
# Signed-in devices and unused recovery codes, counted in one statement built once (composing
# a statement costs more than running it, and the homepage is the most visited page).
_COUNTS = select(
    select(func.count(UserSession.id))
    .where(UserSession.user_id == _USER, UserSession.ended_at.is_(None))
    .scalar_subquery(),
    select(func.count(RecoveryCode.id))
    .where(RecoveryCode.user_id == _USER, RecoveryCode.used_at.is_(None))
    .scalar_subquery(),
)


def _load(session, user, patient) -> dict:
    devices, recovery_codes = session.connection().execute(_COUNTS, {"user_id": user.id}).one()
    return {
        "two_factor": user.two_factor_enabled,
        "recovery_codes_left": recovery_codes if user.two_factor_enabled else 0,
        "devices": devices,
    }


register(
    Widget(
        id="account-security",
        title=_l("Account security"),
        template="home/widgets/account_security.html",
        load=_load,
        order=90,
    )
)
