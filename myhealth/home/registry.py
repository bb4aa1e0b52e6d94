"""The homepage widget registry. Each domain registers its own widgets in its widgets.py.

A widget is a title, a template and a loader: ``load(session, user, patient) -> dict``
returns the template's context; the patient read has already been checked and audited.
Loaders must issue a fixed number of queries whatever the record size.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from myhealth.accounts.models import Role


@dataclass(frozen=True)
class Widget:
    id: str
    title: Any  # a lazy string, translated when shown
    template: str
    load: Callable[..., dict]
    order: int = 100
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.PATIENT}))
    can_hide: bool = True


_REGISTRY: dict[str, Widget] = {}


def register(widget: Widget) -> Widget:
    if widget.id in _REGISTRY and _REGISTRY[widget.id] != widget:
        raise ValueError(f"widget {widget.id!r} registered twice")
    _REGISTRY[widget.id] = widget
    return widget


def widgets_for_role(role: Role) -> list[Widget]:
    return sorted((w for w in _REGISTRY.values() if role in w.roles), key=lambda w: (w.order, w.id))


def get(widget_id: str) -> Widget | None:
    return _REGISTRY.get(widget_id)
