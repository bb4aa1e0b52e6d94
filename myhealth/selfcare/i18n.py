"""The clinical text of the algorithms, in the page's language.

Questions, help, answers, reasons and advice are written in English in ``triage_algorithms``
(pure: it cannot translate) and extracted into the message catalogue (``babel.cfg``: the
pathway files through ``extract_pathways`` below, the scores through their ``N_`` marker). They
are translated here, when shown. Text with no translation, such as the advice of an older
version of a tool kept with a saved assessment, is shown in English and marked
``lang="en"`` so that screen readers read it in English on a Welsh page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _gettext
from markupsafe import Markup, escape

from myhealth.i18n import locale

# Keys of a pathway file whose values people read (the YAML extractor takes these).
TEXT_KEYS = frozenset(
    {
        "title",
        "summary",
        "audience",
        "text",
        "help",
        "label",
        "reason",
        "care_advice",
        "worsening_advice",
        "unit",
    }
)


def _english_page() -> bool:
    current = locale()
    return current is None or current.language == "en"


def clinical(text: str | None, template: str = "", params: Mapping[str, Any] | None = None):
    """``text`` (or ``template`` filled with ``params``) in the page's language, as Markup
    that is safe to put in a page; English where there is no translation, marked as such."""
    if not text:
        return Markup("")
    message = template or text
    if not is_translated(message):
        return Markup('<span lang="en">{}</span>').format(text)
    return escape(_gettext(message, **dict(params)) if params else _gettext(message))


def plain(text: str | None) -> str:
    """``text`` in the page's language as plain text, where markup cannot go (the page's
    <title>): English where there is no translation."""
    return _gettext(text) if text else ""


def paragraphs(text: str | None) -> list[Markup]:
    """Advice of several paragraphs (separated by a blank line), each translated on its own."""
    return [clinical(part.strip()) for part in (text or "").split("\n\n") if part.strip()]


def is_translated(message: str) -> bool:
    """Whether the current language has a translation of ``message`` (English always has)."""
    return _english_page() or _gettext(message) != message


def extract_pathways(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """Babel extractor for the pathway YAML files: every text a person reads, with its line,
    in the order of the file. Referenced from ``babel.cfg``."""
    import yaml

    loader = yaml.SafeLoader(fileobj.read().decode("utf-8"))
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    yield from _texts_of(root)


def _texts_of(node) -> Iterator[tuple]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        if any(key.value == "url" for key, _ in node.value):
            return  # a source: its title names an English publication and stays English
        for key, value in node.value:
            if (
                isinstance(value, yaml.ScalarNode)
                and key.value in TEXT_KEYS
                and value.tag == "tag:yaml.org,2002:str"
            ):
                text = _plain(value)
                if text:
                    yield value.start_mark.line + 1, None, text, []
            else:
                yield from _texts_of(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _texts_of(item)


def _plain(node) -> str:
    """The scalar's value as the engine reads it (folded, stripped)."""
    import yaml

    value = yaml.SafeLoader("").construct_scalar(node)
    return str(value).strip()
