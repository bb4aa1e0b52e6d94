"""NHS.UK form components written out in Python, for the helpers in templates/macros/forms.html.

The nhsuk-frontend-jinja 0.10.2 input macro renders a label, a heading, a hint and an error
message through their own macros and every attribute through a generic attribute macro, and
each of them imports others each time it runs: a form of three fields cost about a third of
its page's time. These give the same markup for the parameters our helpers pass (listed on
each function), escaped as the macros escape: markupsafe's ``escape`` where a macro writes
``{{ value }}`` (text is escaped; markup, and Flask-Babel's lazy strings, which say they are
markup, are kept), and text made a plain string first where a macro filters it through
``trim`` (so a lazy string is escaped there). tests/home/test_form_components.py checks that
each gives the same elements, attributes and text as the NHS.UK macro.
"""

from __future__ import annotations

from markupsafe import Markup, escape

_INPUT_WIDTHS = ("2", "3", "4", "5", "10", "20", "30")
_BUTTON_VARIANTS = ("brand", "login", "reverse", "secondary", "secondary-solid", "warning")


def _written(text) -> Markup:
    """``{{ text }}``: markup (and a lazy string) as it is, anything else escaped; empty for
    none. A lazy string is translated once here, not at each test of it."""
    return Markup() if text is None or text is False else escape(text)


def _plain(text) -> str:
    """``text | trim``'s string: markup stays markup, a lazy string becomes a plain string
    (escaped when written); empty for none."""
    if isinstance(text, str):
        return text
    return "" if text is None or text is False else str(text)


def _attribute(name: str, value) -> str:
    """One attribute as nhsuk-frontend-jinja's attribute macro writes a given value: escaped,
    in single quotes if (being markup) it holds a double quote."""
    escaped = escape("" if value is None else value)
    return f" {name}='{escaped}'" if '"' in escaped else f' {name}="{escaped}"'


def _label(text, for_id, size=None, classes=None, is_page_heading=False) -> str:
    """The NHS.UK label (for, size s/m/l/xl, classes), inside an h1 when it is the page
    heading; nothing without text."""
    html = _written(text)
    if not html:
        return ""
    class_names = "nhsuk-label"
    if size in ("s", "m", "l", "xl") and not (
        classes and any(f"nhsuk-label--{s}" in classes for s in ("xxs", "xs", "s", "m", "l", "xl"))
    ):
        class_names += f" nhsuk-label--{size}"
    if classes:
        class_names += f" {classes}"
    label = (
        f"<label{_attribute('class', class_names)}{_attribute('for', for_id)}>"
        f"{html.strip()}</label>\n"
    )
    if is_page_heading:
        return f'<h1 class="nhsuk-label-wrapper">\n{label}</h1>\n'
    return label


def _described(params: dict, field_id) -> tuple[str, str, bool]:
    """The hint and error message above a field, the ids its aria-describedby lists, and
    whether it is in error."""
    out, described_by = "", ""
    hint = _plain((params.get("hint") or {}).get("text"))
    if hint:
        described_by = f"{field_id}-hint"
        out += (
            f'<div class="nhsuk-hint" id="{escape(described_by)}">\n{escape(hint.strip())}\n'
            "</div>\n"
        )
    message = params.get("errorMessage") or {}
    error = _written(message.get("text"))
    if error:
        error_id = f"{field_id}-error"
        described_by = f"{described_by} {error_id}".strip()
        # "Error" is the NHS.UK macro's default; our pages pass it translated.
        hidden = escape(message.get("visuallyHiddenText") or "Error")
        out += (
            f'<span class="nhsuk-error-message" id="{escape(error_id)}">\n'
            f'<span class="nhsuk-u-visually-hidden">{hidden}: </span>{error.strip()}\n</span>\n'
        )
    return out, described_by, bool(error)


def _input_element(params: dict, input_id, error: bool, described_by: str) -> str:
    class_names = "nhsuk-input"
    classes = params.get("classes")
    if error:
        class_names += " nhsuk-input--error"
    width = params.get("width")
    if (
        width
        and str(width) in _INPUT_WIDTHS
        and not (classes and any(f"nhsuk-input--width-{w}" in classes for w in _INPUT_WIDTHS))
    ):
        class_names += f" nhsuk-input--width-{width}"
    if classes:
        class_names += f" {classes}"
    out = [
        "<input",
        _attribute("class", class_names),
        _attribute("id", input_id),
        _attribute("name", params.get("name")),
        _attribute("type", params.get("type") or "text"),
    ]
    spellcheck = params.get("spellcheck")
    if spellcheck in (True, False):
        out.append(_attribute("spellcheck", str(spellcheck).lower()))
    for name, value in (
        ("value", params.get("value")),
        ("aria-describedby", described_by or None),
        ("autocomplete", params.get("autocomplete")),
        ("inputmode", params.get("inputmode")),
    ):
        if value is True:
            out.append(f" {name}")
        elif value is not None and value is not False:
            out.append(_attribute(name, value))
    out.append(">\n")
    return "".join(out)


def input(params: dict) -> Markup:  # named as the NHS.UK component, like the others
    """The NHS.UK text input: label (text, size, isPageHeading), hint (text), errorMessage
    (text), id, name, type, value, autocomplete, spellcheck, inputmode, width and classes."""
    input_id = params.get("id") or params.get("name")
    label = params.get("label") or {}
    described, described_by, error = _described(params, input_id)
    group = "nhsuk-form-group nhsuk-form-group--error" if error else "nhsuk-form-group"
    html = (
        f'<div class="{group}">\n'
        + _label(
            label.get("text"),
            input_id,
            size=label.get("size"),
            is_page_heading=label.get("isPageHeading"),
        )
        + described
        + _input_element(params, input_id, error, described_by)
        + "</div>\n"
    )
    return Markup(html)  # noqa: S704 - every value above is escaped


def select(params: dict) -> Markup:
    """The NHS.UK select: label (text), hint (text), errorMessage (text), id, name and items
    (value, text and selected)."""
    select_id = params.get("id") or params.get("name")
    label = params.get("label") or {}
    described, described_by, error = _described(params, select_id)
    out = [
        '<div class="nhsuk-form-group nhsuk-form-group--error">\n'
        if error
        else '<div class="nhsuk-form-group">\n',
        _label(label.get("text"), select_id),
        described,
        '<select class="nhsuk-select{}" id="{}" name="{}"{}>\n'.format(
            " nhsuk-select--error" if error else "",
            escape(select_id),
            escape(params.get("name")),
            f' aria-describedby="{escape(described_by)}"' if described_by else "",
        ),
    ]
    for item in params.get("items") or []:
        if not item:
            continue
        value = f' value="{escape(item["value"])}"' if "value" in item else ""
        selected = " selected" if item.get("selected") else ""
        out.append(f"<option{value}{selected}>{escape(item.get('text', ''))}</option>\n")
    out.append("</select>\n</div>\n")
    return Markup("".join(out))  # noqa: S704 - every value above is escaped


def _date_item(item: dict, params: dict, has_error_message: bool, any_item_error: bool) -> str:
    """One field of a date input: the NHS.UK input macro as the date input macro calls it."""
    name = item.get("name")
    classes = item.get("classes") or ""
    item_error = bool(item.get("error") or "nhsuk-input--error" in classes)
    error = "nhsuk-input--error" not in classes and (
        item_error or (item.get("error") is not False and has_error_message and not any_item_error)
    )
    item_id = item.get("id") or f"{params.get('id')}-{name}"
    label = item.get("label")
    if label is not None and not isinstance(label, str):
        label = _written(label) or None  # a lazy string, translated once
    if label is None:
        label = str(name).capitalize()  # the NHS.UK macro's default: "Day", "Month", "Year"
    element = _input_element(
        {
            "name": name,
            "value": item.get("value"),
            "type": item.get("type"),
            "width": item.get("width", 4 if name == "year" else 2),
            "inputmode": item.get("inputmode") or "numeric",
            "spellcheck": item.get("spellcheck"),
            "autocomplete": item.get("autocomplete"),
            "classes": f"nhsuk-date-input__input {classes}".strip(),
        },
        item_id,
        error,
        "",
    )
    group = "nhsuk-form-group nhsuk-form-group--error" if error else "nhsuk-form-group"
    return (
        f'<div class="nhsuk-date-input__item">\n<div class="{group}">\n'
        f"{_label(label, item_id, classes='nhsuk-date-input__label')}{element}</div>\n</div>\n"
    )


def date_input(params: dict) -> Markup:
    """The NHS.UK date input: id, fieldset.legend (text and size), hint (text), errorMessage
    (text) and items (id, name, label, value, width, autocomplete, inputmode and classes:
    "nhsuk-input--error" marks a field in error)."""
    date_id = params.get("id")
    items = [item for item in params.get("items") or [] if item]
    described, described_by, has_error_message = _described(params, date_id)
    any_item_error = any(
        item.get("error") or "nhsuk-input--error" in (item.get("classes") or "") for item in items
    )
    id_attribute = f' id="{escape(date_id)}"' if date_id else ""
    inner = (
        described
        + f'<div class="nhsuk-date-input"{id_attribute}>\n'
        + "".join(_date_item(item, params, has_error_message, any_item_error) for item in items)
        + "</div>\n"
    )
    fieldset = params.get("fieldset")
    if fieldset:
        legend = fieldset.get("legend") or {}
        size = legend.get("size")
        legend_classes = "nhsuk-fieldset__legend" + (
            f" nhsuk-fieldset__legend--{size}" if size in ("s", "m", "l", "xl") else ""
        )
        text = _written(legend.get("text"))
        inner = (
            '<fieldset class="nhsuk-fieldset" role="group"'
            + (_attribute("aria-describedby", described_by) if described_by else "")
            + ">\n"
            + (f'<legend class="{legend_classes}">{text.strip()}</legend>\n' if text else "")
            + inner
            + "</fieldset>\n"
        )
    error = has_error_message or any_item_error
    group = "nhsuk-form-group nhsuk-form-group--error" if error else "nhsuk-form-group"
    return Markup(f'<div class="{group}">\n{inner}</div>\n')  # noqa: S704 - all escaped above


def button(params: dict) -> Markup:
    """The NHS.UK button as a button element: text, type, variant (secondary, warning, ...),
    preventDoubleClick and classes."""
    variant, classes = params.get("variant"), params.get("classes")
    class_names = "nhsuk-button"
    if variant in _BUTTON_VARIANTS and not (
        classes and any(f"nhsuk-button--{v}" in classes for v in _BUTTON_VARIANTS)
    ):
        class_names += f" nhsuk-button--{variant}"
    if classes:
        class_names += f" {classes}"
    prevent, text = params.get("preventDoubleClick"), _plain(params.get("text"))
    html = (
        f'<button{_attribute("class", class_names)} data-module="nhsuk-button"'
        + (
            _attribute("data-prevent-double-click", str(prevent).lower())
            if prevent in (True, False)
            else ""
        )
        + _attribute("type", params.get("type", "submit"))
        + f">\n{escape(text.strip())}\n</button>\n"
    )
    return Markup(html)  # noqa: S704 - every value above is escaped


def error_summary(params: dict) -> Markup:
    """The NHS.UK error summary: titleText and errorList (text, with the href of the field
    it is about)."""
    title = _written(params.get("titleText"))
    out = [
        '<div class="nhsuk-error-summary" data-module="nhsuk-error-summary">\n<div role="alert">\n',
        f'<h2 class="nhsuk-error-summary__heading">{title.strip()}</h2>\n' if title else "",
        '<div class="nhsuk-error-summary__body">\n',
    ]
    errors = params.get("errorList") or []
    if errors:
        out.append('<ul class="nhsuk-list nhsuk-error-summary__list">\n')
        for item in errors:
            if not item:
                continue
            text = escape(_plain(item.get("text")).strip())
            href = item.get("href")
            if href:
                out.append(f'<li>\n<a href="{escape(href)}">{text}</a>\n</li>\n')
            else:
                out.append(f"<li>\n{text}\n</li>\n")
        out.append("</ul>\n")
    out.append("</div>\n</div>\n</div>\n")
    return Markup("".join(out))  # noqa: S704 - every value above is escaped
