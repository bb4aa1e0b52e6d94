"""The one policy: may this user do this action, and on this patient's data?

Permissions are named ``scope:resource:action``. Roles grant permissions; object-level
checks (is this *their* patient?) are answered by :func:`may_access_patient`. Another
person's data answers "not found", exactly like an id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from myhealth.accounts.models import Role

if TYPE_CHECKING:
    from myhealth.accounts.models import User
    from myhealth.people.models import Patient

# Every signed-in person may manage their own account and security settings.
ACCOUNT_PERMISSIONS = frozenset(
    {
        "account:self:read",
        "account:self:update",
        "account:security:read",
        "account:security:update",
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[str]] = {
    Role.PATIENT: ACCOUNT_PERMISSIONS
    | {
        "home:dashboard:read",
        "home:dashboard:update",
        "record:patient:read",
        "selfcare:assessment:read",
    },
    Role.CLINICIAN: ACCOUNT_PERMISSIONS
    | {
        "clinician:workspace:read",
        "clinician:patient:read",
        "clinician:review:read",
        "clinician:review:update",
        "clinician:identity:read",
        "clinician:identity:update",
        "record:patient:read",
        "record:import:create",
    },
    Role.ADMIN: ACCOUNT_PERMISSIONS
    | {
        "admin:staff:read",
        "admin:outbox:read",
        "admin:outbox:update",
        "record:import:create",
    },
}

# Staff without two-factor authentication get only their account pages until they set it up.
STAFF_WITHOUT_2FA = ACCOUNT_PERMISSIONS


def permissions_for(user: User | None) -> frozenset[str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.role.is_staff and not user.two_factor_enabled:
        return STAFF_WITHOUT_2FA
    return ROLE_PERMISSIONS[user.role]


def has_permission(user: User | None, permission: str) -> bool:
    return permission in permissions_for(user)


def needs_two_factor_first(user: User | None, permission: str) -> bool:
    """A staff member who would have this permission once two-factor is on."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.role.is_staff
        and not user.two_factor_enabled
        and permission in ROLE_PERMISSIONS[user.role]
    )


def may_access_patient(user, patient: Patient, permission: str) -> bool:
    """Object-level rule for a patient's data, for a User or a context.Actor. Lists use the
    same rule as SQL: access.scoping."""
    from myhealth.context import CLIENT, PROXY, SYSTEM, Actor

    if isinstance(user, Actor):
        if user.kind == SYSTEM:
            return True
        if user.kind in (CLIENT, PROXY):
            granted = (
                permission in user.scopes
                if user.kind == CLIENT
                else has_permission(user.user, permission)
            )
            return granted and patient.id in user.patient_ids
        user = user.user
    if not has_permission(user, permission):
        return False
    if user.role is Role.PATIENT:
        return user.patient_id == patient.id
    if user.role is Role.CLINICIAN:
        return (
            user.organisation_id is not None
            and user.organisation_id == patient.registered_organisation_id
        )
    return False


def identity_confirmed(user: User | None) -> bool:
    """Whether a patient account may see clinical data: not while it waits for its practice
    to confirm who they are (it signed up without matching a record the practice holds)."""
    return (
        user is None
        or not getattr(user, "is_authenticated", False)
        or user.role is not Role.PATIENT
        or user.identity_pending_since is None
    )


# --- route declarations ---------------------------------------------------------------


def public(view: Callable) -> Callable:
    """Mark a view as open to everyone, signed in or not."""
    view._access_public = True  # type: ignore[attr-defined]
    return view


def requires(permission: str) -> Callable[[Callable], Callable]:
    """Declare the permission a view needs; the guard enforces it before the view runs."""
    scope, resource, action = permission.split(":")
    if not (scope and resource and action):
        raise ValueError(f"permission must be scope:resource:action, got {permission!r}")

    def decorate(view: Callable) -> Callable:
        view._access_permission = permission  # type: ignore[attr-defined]
        return view

    return decorate


def declared_access(view: Callable) -> str | None:
    """'public', the permission, or None for a view nobody declared (denied)."""
    if getattr(view, "_access_public", False):
        return "public"
    return getattr(view, "_access_permission", None)
