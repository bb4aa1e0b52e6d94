"""NHS.UK components written out in Python, for the parts every page (or every row) renders.

A Jinja macro costs tens of microseconds a call on top of its markup, and the header, the
footer and the record tables are rendered on every page, the tables once a cell. These give
the markup of the nhsuk-frontend-jinja 0.10.2 macros (header, footer, tables, tag) for the
parameters our templates pass, escaped as Jinja escapes (markupsafe: text is escaped, markup
is kept); templates/components/ wraps each in a macro of the NHS.UK name, and
tests/home/test_components.py and tests/records/test_lean_table.py check that each gives the
same elements, attributes and text as the NHS.UK macro.
"""

from __future__ import annotations

from markupsafe import Markup, escape

# The NHS logo and the user icon, as the NHS.UK header draws them.
_LOGO_PATH = (
    "M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 "
    "10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 "
    "15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 "
    "14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 "
    "45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z"
)
_USER_ICON = (
    '<svg class="nhsuk-icon nhsuk-icon--user" xmlns="http://www.w3.org/2000/svg" '
    'viewBox="0 0 24 24" width="16" height="16" focusable="false" aria-hidden="true">'
    '<path d="M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 '
    "4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z"
    '"/></svg>'
)


def _get(mapping, key, default=None):
    """``params.key`` as a template reads it, for the mappings our templates pass."""
    if mapping is None:
        return default
    return mapping.get(key, default)


def tag(params: dict) -> Markup:
    """The NHS.UK tag: text (or html), and colour or classes ("nhsuk-tag--green")."""
    colour, classes = params.get("colour"), params.get("classes")
    content = params.get("html") or params.get("text")
    html = '<strong class="nhsuk-tag{}{}">{}</strong>'.format(
        f" nhsuk-tag--{escape(colour)}" if colour else "",
        f" {escape(classes)}" if classes else "",
        escape(content),
    )
    return Markup(html)  # noqa: S704 - every value above is escaped


def header(params: dict) -> Markup:
    """The NHS.UK header: service (text and href: the logo and the name make one link),
    logo.alt, account (ariaLabel; items with href, text and an optional user icon, or html)
    and navigation (ariaLabel; items with href, text and current; the "More" toggle's text)."""
    service = params["service"]
    alt = escape(_get(params.get("logo"), "alt") or "NHS")
    text = escape(service.get("text"))
    out = [
        '<header class="nhsuk-header" data-module="nhsuk-header" role="banner">\n'
        '<div class="nhsuk-header__container nhsuk-width-container">\n'
        '<div class="nhsuk-header__service">\n',
        # "homepage" is English in the NHS.UK macro too.
        f'<a class="nhsuk-header__service-logo" href="{escape(service.get("href"))}" '
        f'aria-label="{alt} {text} homepage">\n'
        '<svg class="nhsuk-header__logo" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 200 80" height="40" width="100" focusable="false" role="img" '
        f'aria-label="{alt}">\n<title>{alt}</title>\n'
        f'<path fill="currentcolor" d="{_LOGO_PATH}"/>\n</svg>\n'
        f'<span class="nhsuk-header__service-name">{text}</span>\n</a>\n</div>\n',
    ]
    account = params.get("account") or {}
    out.append(
        f'<nav class="nhsuk-header__account" aria-label="{escape(account.get("ariaLabel"))}">\n'
        '<ul class="nhsuk-header__account-list">\n'
    )
    for item in account.get("items") or []:
        out.append('<li class="nhsuk-header__account-item">\n')
        if item.get("href"):
            icon = _USER_ICON if item.get("icon") else ""
            out.append(
                f'<a class="nhsuk-header__account-link" href="{escape(item["href"])}">\n'
                f"{icon}\n{escape(item.get('text'))}\n</a>\n"
            )
        else:
            out.append(f"{escape(item.get('html'))}\n")
        out.append("</li>\n")
    out.append("</ul>\n</nav>\n</div>\n")
    navigation = params.get("navigation")
    if navigation and navigation.get("items"):
        out.append(
            '<nav class="nhsuk-header__navigation" '
            f'aria-label="{escape(navigation.get("ariaLabel"))}">\n'
            '<div class="nhsuk-header__navigation-container nhsuk-width-container">\n'
            '<ul class="nhsuk-header__navigation-list">\n'
        )
        for item in navigation["items"]:
            href, label = escape(item.get("href")), escape(item.get("text"))
            if item.get("current"):
                out.append(
                    '<li class="nhsuk-header__navigation-item '
                    'nhsuk-header__navigation-item--current">\n'
                    f'<a class="nhsuk-header__navigation-link" href="{href}" '
                    'aria-current="page"><strong '
                    f'class="nhsuk-header__navigation-item-current-fallback">{label}</strong>'
                    "</a>\n</li>\n"
                )
            else:
                out.append(
                    '<li class="nhsuk-header__navigation-item">\n'
                    f'<a class="nhsuk-header__navigation-link" href="{href}">{label}</a>\n'
                    "</li>\n"
                )
        hidden = escape(navigation.get("toggleMenuVisuallyHiddenText"))
        out.append(
            '<li class="nhsuk-header__menu" hidden>\n'
            '<button class="nhsuk-header__menu-toggle nhsuk-header__navigation-link" '
            'id="toggle-menu" aria-expanded="false">\n'
            f'<span class="nhsuk-u-visually-hidden">{hidden} </span>'
            f"{escape(navigation.get('toggleMenuText'))}\n"
            "</button>\n</li>\n</ul>\n</div>\n</nav>\n"
        )
    out.append("</header>\n")
    return Markup("".join(out))  # noqa: S704 - every value above is escaped


def footer(params: dict) -> Markup:
    """The NHS.UK footer: one navigation column of items (href and text) and the copyright,
    which the NHS.UK macro writes as it is given, without a paragraph."""
    navigation = params.get("navigation") or {}
    out = [
        '<footer class="nhsuk-footer" role="contentinfo">\n'
        '<div class="nhsuk-width-container">\n'
        '<div class="nhsuk-footer__navigation nhsuk-grid-row">\n'
        '<div class="nhsuk-grid-column-one-quarter">\n<ul class="nhsuk-footer__list">\n'
    ]
    for item in navigation.get("items") or []:
        out.append(
            '<li class="nhsuk-footer__list-item">\n'
            f'<a class="nhsuk-footer__list-item-link" href="{escape(item.get("href"))}">'
            f"{escape(item.get('text'))}</a>\n</li>\n"
        )
    out.append(
        "</ul>\n</div>\n</div>\n"
        f'<div class="nhsuk-footer__meta">\n{escape(params.get("copyright"))}\n</div>\n'
        "</div>\n</footer>\n"
    )
    return Markup("".join(out))  # noqa: S704 - every value above is escaped


def table(params: dict) -> Markup:
    """The NHS.UK table: caption and captionClasses, head (header texts), rows (lists of
    cells: text, html (markup), href and classes), responsive and classes. In a responsive
    table each cell starts with its column's heading, which the NHS.UK CSS shows on small
    screens."""
    responsive = params.get("responsive")
    head = params.get("head") or []
    classes = params.get("classes")
    role = ' role="{}"' if responsive else ""
    out = [
        '<table class="nhsuk-table',
        " nhsuk-table--responsive" if responsive else "",
        f" {escape(classes)}" if classes else "",
        '"',
        role.format("table"),
        ">\n",
    ]
    caption = params.get("caption")
    if caption:
        caption_classes = params.get("captionClasses")
        extra = f" {escape(caption_classes)}" if caption_classes else ""
        out.append(f'<caption class="nhsuk-table__caption{extra}">{escape(caption)}</caption>\n')
    if head:
        out.append(
            f'<thead class="nhsuk-table__head"{role.format("rowgroup")}>\n'
            f'<tr class="nhsuk-table__row"{role.format("row")}>\n'
        )
        header_role = role.format("columnheader")
        for text in head:
            out.append(
                f'<th class="nhsuk-table__header" scope="col"{header_role}>{escape(text)}</th>\n'
            )
        out.append("</tr>\n</thead>\n")
    headings = [
        f'<span class="nhsuk-table__heading" aria-hidden="true">{escape(text)} </span>'
        for text in head
    ]
    row_role, cell_role = role.format("row"), role.format("cell")
    out.append('<tbody class="nhsuk-table__body">\n')
    for row in params.get("rows") or []:
        out.append(f'<tr class="nhsuk-table__row"{row_role}>\n')
        for index, cell in enumerate(row):
            cell_classes = cell.get("classes")
            html = cell.get("html")
            content = str(escape(html or cell.get("text")))  # str: Markup + str escapes
            href = cell.get("href")
            if href:
                content = f'<a class="nhsuk-link" href="{escape(href)}">{content}</a>'
            if responsive:
                # As the NHS.UK macro: a column without a heading shows an empty one.
                heading = (
                    headings[index]
                    if index < len(headings)
                    else ('<span class="nhsuk-table__heading" aria-hidden="true"> </span>')
                )
                content = f"{heading}<span>{content}</span>" if html else heading + content
            extra = f" {escape(cell_classes)}" if cell_classes else ""
            out.append(f'<td class="nhsuk-table__cell{extra}"{cell_role}>{content}</td>\n')
        out.append("</tr>\n")
    out.append("</tbody>\n</table>\n")
    return Markup("".join(out))  # noqa: S704 - every value above is escaped
