"""Lists shown a page at a time: which page, how many there are, and what to fetch for it.

A service counts what matches, asks for the page (``Page.of``), fetches ``page.size`` rows from
``page.offset`` and returns the page with its items (``with_items``). A page number past the
end shows the last page and one before the first shows the first, so an old or edited link
still shows something.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Generic, Self, TypeVar

T = TypeVar("T")

# Longer numbers are not a page anyone means (and int() of a huge string is slow).
_MAX_DIGITS = 6


def requested(text: str | None) -> int:
    """The page number a query string asks for; 1 when it asks for none or nonsense.

    Only ASCII digits make a number: str.isdigit() also accepts "²" and other scripts' digits.
    """
    text = text or ""
    if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS:
        return int(text)
    return 1


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: its items, its number (from 1) and where it stands in the whole."""

    items: Sequence[T]
    number: int
    pages: int  # at least 1, even for an empty list
    total: int  # items in the whole list
    size: int  # items a full page holds

    @classmethod
    def of(cls, total: int, number: int, size: int, **fields) -> Self:
        """The page ``number`` of a list of ``total`` items, clamped to the pages there are;
        its items are still to be fetched (``offset``, ``size``). Subclasses' own fields are
        given as keywords."""
        if size < 1:
            raise ValueError("a page holds at least one item")
        pages = max(1, -(-total // size))
        return cls(
            items=(),
            number=min(max(number, 1), pages),
            pages=pages,
            total=total,
            size=size,
            **fields,
        )

    def with_items(self, items: Iterable[T]) -> Self:
        """This page holding the items fetched for it."""
        return replace(self, items=list(items))

    @property
    def offset(self) -> int:
        """How many items of the whole list come before this page."""
        return (self.number - 1) * self.size

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def first(self) -> int:
        """The position in the whole list of this page's first item (from 1)."""
        return self.offset + 1

    @property
    def last(self) -> int:
        """The position in the whole list of this page's last item."""
        return self.offset + len(self.items)
