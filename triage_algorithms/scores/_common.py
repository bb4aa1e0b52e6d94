"""Small helpers the scores share: bands by upper bound, numbers as people write them, and the
question of the PHQ-9 and GAD-7.

Every text people see is marked with ``N_`` for the translation catalogue, and numbers are
filled in only after translation (``Reason.of``), never built into the text here."""

from __future__ import annotations

from collections.abc import Sequence

from triage_algorithms.core import N_, Choice, Question

# The answer scale of the PHQ-9 and GAD-7 (the same four answers, scored 0 to 3).
FREQUENCY_CHOICES = (
    Choice(0, N_("Not at all")),
    Choice(1, N_("Several days")),
    Choice(2, N_("More than half the days")),
    Choice(3, N_("Nearly every day")),
)

SEX_CHOICES = (Choice("female", N_("Female")), Choice("male", N_("Male")))


def points_below(value: float, table: Sequence[tuple[float, int]]) -> int:
    """The points of the first row whose bound ``value`` is below; the last bound is ``inf``."""
    return next(points for below, points in table if value < below)


def plain_number(value: float) -> int | float:
    """A number as people write it, to fill in a reason: 4 not 4.0, 37.5 as it is (to 6
    significant figures, as the ``g`` format gives it)."""
    rounded = float(format(value, "g"))
    return int(rounded) if rounded.is_integer() else rounded


def frequency_items_question(stem: str, items: tuple[str, ...]) -> Question:
    """The one question of the PHQ-9 and GAD-7: each item answered 0-3 by how often, over the
    last 2 weeks (each item is shown on its own page in the portal). ``stem`` and ``items``
    are messages marked with ``N_`` by the caller."""
    return Question(
        id="items",
        text=stem,
        type="integer_list",
        length=len(items),
        minimum=0,
        maximum=3,
        choices=FREQUENCY_CHOICES,
        item_texts=items,
        help=N_(
            "Over the last 2 weeks, how often have you been bothered by this? Choose the "
            "answer closest to how you have felt. There are no right or wrong answers."
        ),
    )
