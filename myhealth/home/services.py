"""The customisable homepage: which widgets a person sees, in their chosen order."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session

from myhealth.accounts.models import User
from myhealth.errors import InvalidInput
from myhealth.home import registry
from myhealth.home.models import HomeLayout

# Built once: every homepage reads it.
_LAYOUT = select(HomeLayout).where(HomeLayout.user_id == bindparam("user_id"))


@dataclass(frozen=True)
class PlacedWidget:
    widget: registry.Widget
    visible: bool


def layout_for(session: Session, user: User) -> list[PlacedWidget]:
    """Every widget this person's role offers, in their order, with visibility."""
    available = registry.widgets_for_role(user.role)
    saved = session.execute(_LAYOUT, {"user_id": user.id}).scalar_one_or_none()
    order = list(saved.order) if saved else []
    hidden = set(saved.hidden) if saved else set()
    position = {wid: i for i, wid in enumerate(order)}
    ranked = sorted(
        available, key=lambda w: (position.get(w.id, len(order) + w.order / 1000), w.id)
    )
    return [PlacedWidget(w, not (w.can_hide and w.id in hidden)) for w in ranked]


def render_context(session: Session, user: User, patient) -> list[tuple[registry.Widget, dict]]:
    """The visible widgets with the data each needs (the patient read is already audited)."""
    return [
        (p.widget, p.widget.load(session, user, patient))
        for p in layout_for(session, user)
        if p.visible
    ]


def _save(session: Session, user: User, order: list[str], hidden: set[str]) -> None:
    saved = session.get(HomeLayout, user.id)
    if saved is None:
        saved = HomeLayout(user_id=user.id)
        session.add(saved)
    saved.order = order
    saved.hidden = sorted(hidden)


def set_visible(session: Session, user: User, visible_ids: set[str]) -> None:
    placed = layout_for(session, user)
    known = {p.widget.id for p in placed}
    unknown = visible_ids - known
    if unknown:
        raise InvalidInput("unknown widget", {"widgets": _l("Unknown widget")})
    hidden = {p.widget.id for p in placed if p.widget.can_hide and p.widget.id not in visible_ids}
    _save(session, user, [p.widget.id for p in placed], hidden)


def move(session: Session, user: User, widget_id: str, direction: str) -> None:
    placed = layout_for(session, user)
    ids = [p.widget.id for p in placed]
    if widget_id not in ids or direction not in {"up", "down"}:
        raise InvalidInput("unknown widget", {"widgets": _l("Unknown widget")})
    i = ids.index(widget_id)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    hidden = {p.widget.id for p in placed if not p.visible}
    _save(session, user, ids, hidden)


def database_ok(session: Session) -> bool:
    try:
        session.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "unavailable"
        session.rollback()
        return False
