"""Markup compared as a browser reads it: for tests that our lean components give the same
HTML as the NHS.UK frontend macros they replace."""

from __future__ import annotations

from bs4 import BeautifulSoup, Comment, NavigableString


def element_tree(html: str) -> list:
    """Elements with their attributes, their whole text (so words run together show) and
    children; text nodes with their whitespace collapsed; comments left out."""

    def nodes(parent) -> list:
        out = []
        for child in parent.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                text = " ".join(child.split())
                if text:
                    out.append(text)
                continue
            attrs = sorted(
                (name, " ".join(value) if isinstance(value, list) else value)
                for name, value in child.attrs.items()
            )
            out.append((child.name, attrs, " ".join(child.get_text().split()), nodes(child)))
        return out

    return nodes(BeautifulSoup(html, "html.parser"))
