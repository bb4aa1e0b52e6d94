"""Homepage widget: how well protected the account is."""

from flask_babel import lazy_gettext as _l

from myhealth.accounts import services, twofactor
from myhealth.home.registry import Widget, register


def _load(session, user, patient) -> dict:
    return {
        "two_factor": user.two_factor_enabled,
        "recovery_codes_left": (
            twofactor.unused_recovery_codes(session, user) if user.two_factor_enabled else 0
        ),
        "devices": len(services.active_sessions(session, user)),
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
