"""Small helpers the scores share: bands by upper bound, and reasons."""

from __future__ import annotations

from collections.abc import Sequence

from triage_algorithms.core import Choice, Question

# The answer scale of the PHQ-9 and GAD-7 (the same four answers, scored 0 to 3).
FREQUENCY_CHOICES = (
    Choice(0, "Not at all"),
    Choice(1, "Several days"),
    Choice(2, "More than half the days"),
    Choice(3, "Nearly every day"),
)

SEX_CHOICES = (Choice("female", "Female"), Choice("male", "Male"))


def points_below(value: float, table: Sequence[tuple[float, int]]) -> int:
    """The points of the first row whose bound ``value`` is below; the last bound is ``inf``."""
    return next(points for below, points in table if value < below)


def plain_number(value: float) -> str:
    """A number as people write it: 4 not 4.0, 37.5 as it is."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def frequency_items_question(stem: str, items: tuple[str, ...]) -> Question:
    """The one question of the PHQ-9 and GAD-7: each item answered 0-3 by how often, over the
    last 2 weeks (each item is shown on its own page in the portal)."""
    return Question(
        id="items",
        text=stem,
        type="integer_list",
        length=len(items),
        minimum=0,
        maximum=3,
        choices=FREQUENCY_CHOICES,
        item_texts=items,
        help="Over the last 2 weeks, how often have you been bothered by this? Choose the "
        "answer closest to how you have felt. There are no right or wrong answers.",
    )
