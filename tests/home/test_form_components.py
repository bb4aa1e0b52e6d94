"""Our lean form components give the markup of the NHS.UK macros they replace.

templates/macros/forms.html renders form fields, buttons and the error summary with
myhealth.form_components (Python) instead of nhsuk-frontend-jinja's input, select, date input,
button and error summary macros, which cost about a millisecond a field. Here both render the
parameters our helpers pass (with and without a hint, an error, a value, an autocomplete, a
page heading; each button variant; several errors; text that must be escaped; WTForms' lazy
labels and errors) in English and Welsh, and must parse to the same element tree: tags,
attributes and text (whitespace aside, as a browser reads it). The helpers themselves are
compared with the same helpers written with the NHS.UK macros, as they were before.
"""

from __future__ import annotations

import itertools

import pytest
from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext, lazy_gettext
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    EmailField,
    PasswordField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
)

from myhealth import form_components
from tests.html_tree import element_tree

NHSUK = {
    "input": ("nhsuk/components/input/macro.jinja", "input"),
    "select": ("nhsuk/components/select/macro.jinja", "select"),
    "dateInput": ("nhsuk/components/date-input/macro.jinja", "dateInput"),
    "button": ("nhsuk/components/button/macro.jinja", "button"),
    "errorSummary": ("nhsuk/components/error-summary/macro.jinja", "errorSummary"),
}
OURS = {
    "input": form_components.input,
    "select": form_components.select,
    "dateInput": form_components.date_input,
    "button": form_components.button,
    "errorSummary": form_components.error_summary,
}
LANGUAGES = ["en", "cy"]

# Text that must be escaped, as a user or a record may give it.
SCRIPT = '<script>alert("x")</script>'
SONS = "O'Brien & Sons"
# A lazy string says it is markup (it has __html__): where a macro writes it as it is, it is
# kept; where a macro trims it first, it is escaped. Ours must do the same.
LAZY_MARKUP = "Dr O'Neil & <em>Partners</em>"


def _(text: str) -> Markup:
    """Translated text as a template's `_()` gives it: markup-safe."""
    return Markup(gettext(text))  # noqa: S704 - Jinja's `_()` marks translations safe too


def nhsuk(app, name: str, params: dict) -> str:
    template, macro = NHSUK[name]
    source = f'{{% from "{template}" import {macro} %}}{{{{ {macro}(params) }}}}'
    return app.jinja_env.from_string(source).render(params=params)


def assert_same_markup(app, name: str, params: dict) -> str:
    ours = str(OURS[name](params))
    assert element_tree(ours) == element_tree(nhsuk(app, name, params)), params
    return ours


def texts():
    """A field's text as our helpers pass it: translated markup (a template's `_()`), a
    WTForms label or error (a lazy string), and plain text that must be escaped."""
    return [
        _("Email address"),
        lazy_gettext("Search by name"),
        f"{SONS} {SCRIPT}",
        lazy_gettext("Enter your email address"),
        lazy_gettext(LAZY_MARKUP),
    ]


# Each kind of text field our pages show: type, autocomplete, spellcheck, inputmode and the
# classes text_field makes of width and classes.
INPUT_KINDS = [
    {"type": "text", "classes": ""},
    {"type": "email", "autocomplete": "username", "spellcheck": False, "classes": ""},
    {"type": "password", "autocomplete": "current-password", "classes": ""},
    {"type": "search", "spellcheck": False, "classes": "nhsuk-input--width-20"},
    {
        "type": "text",
        "autocomplete": "one-time-code",
        "inputmode": "text",
        "spellcheck": False,
        "classes": "nhsuk-input--width-10 myhealth-code",
    },
    {"type": "text", "inputmode": "numeric", "spellcheck": False, "classes": " extra"},
]


@pytest.mark.parametrize("language", LANGUAGES)
def test_input_matches_the_nhsuk_macro(app, language):
    with app.test_request_context("/"), force_locale(language):
        labels = texts()
        hints = [None, lazy_gettext("For example, 27/3/2024"), SONS, lazy_gettext(LAZY_MARKUP)]
        errors = [None, lazy_gettext("Enter your password"), SCRIPT, lazy_gettext(LAZY_MARKUP)]
        values = [None, "", SONS, SCRIPT]
        cases = itertools.product([False, True], hints, errors, values)
        for index, (heading, hint, error, value) in enumerate(cases):
            kind = INPUT_KINDS[index % len(INPUT_KINDS)]
            params = {
                "label": {
                    "text": labels[index % len(labels)],
                    "isPageHeading": heading,
                    "size": "l" if heading else None,
                },
                "hint": {"text": hint} if hint else None,
                "id": "email",
                "name": "email",
                "value": value,
                "autocomplete": None,
                "spellcheck": None,
                "inputmode": None,
                **kind,
                "errorMessage": {"text": error} if error else None,
            }
            assert_same_markup(app, "input", params)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("variant", [None, "secondary", "warning"])
def test_button_matches_the_nhsuk_macro(app, variant, language):
    with app.test_request_context("/"), force_locale(language):
        for text, classes in itertools.product(
            [_("Sign in"), lazy_gettext("Continue"), f"{SONS} {SCRIPT}", lazy_gettext(LAZY_MARKUP)],
            [None, "nhsuk-u-margin-bottom-3"],
        ):
            params = {"text": text, "type": "submit", "variant": variant}
            assert_same_markup(app, "button", {**params, "preventDoubleClick": True})
            assert_same_markup(app, "button", {**params, "classes": classes})


@pytest.mark.parametrize("language", LANGUAGES)
def test_button_template_macro_matches_the_nhsuk_macro(app, language):
    """templates/components/button.html, for pages that write their own button."""
    with app.test_request_context("/"), force_locale(language):
        params = {
            "text": _("Apply filters"),
            "type": "submit",
            "variant": "secondary",
            "classes": "nhsuk-u-margin-bottom-3",
        }
        ours = app.jinja_env.from_string(
            '{% from "components/button.html" import button %}{{ button(params) }}'
        ).render(params=params)
        assert element_tree(ours) == element_tree(nhsuk(app, "button", params))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("count", [1, 5])
def test_error_summary_matches_the_nhsuk_macro(app, count, language):
    with app.test_request_context("/"), force_locale(language):
        errors = [
            {"text": lazy_gettext("Enter your email address"), "href": "#email"},
            {"text": f"{SCRIPT} {SONS}", "href": "#password"},
            {"text": _("Enter a password"), "href": "#dob_day"},
            {"text": 'Quote "this"', "href": '#x"y'},
            {"text": lazy_gettext(LAZY_MARKUP), "href": "#code"},
        ][:count]
        params = {"titleText": _("There is a problem"), "errorList": errors}
        html = assert_same_markup(app, "errorSummary", params)
    links = BeautifulSoup(html, "html.parser").select(".nhsuk-error-summary__list a")
    assert len(links) == count
    if count > 1:
        assert links[1].get_text(strip=True) == f"{SCRIPT} {SONS}"  # read as written


@pytest.mark.parametrize("language", LANGUAGES)
def test_select_matches_the_nhsuk_macro(app, language):
    with app.test_request_context("/"), force_locale(language):
        hints = [None, lazy_gettext("For example, 27/3/2024"), SONS]
        errors = [None, lazy_gettext("Select your GP practice"), lazy_gettext(LAZY_MARKUP)]
        for index, (hint, error, chosen) in enumerate(
            itertools.product(hints, errors, ["", "final", None])
        ):
            items = [
                {"value": "", "text": lazy_gettext("Any status"), "selected": chosen == ""},
                {"value": "final", "text": SONS, "selected": chosen == "final"},
                {"value": SCRIPT, "text": SCRIPT, "selected": False},
                {"value": "x", "text": lazy_gettext(LAZY_MARKUP), "selected": False},
            ]
            params = {
                "label": {"text": texts()[index % 5]},
                "hint": {"text": hint} if hint else None,
                "id": "status",
                "name": "status",
                "items": items,
                "errorMessage": {"text": error} if error else None,
            }
            assert_same_markup(app, "select", params)


def date_params(error, values) -> dict:
    """What date_field passes."""
    classes = "nhsuk-input--error" if error else ""
    labels = [lazy_gettext("Day"), lazy_gettext("Month"), lazy_gettext("Year")]
    return {
        "id": "dob",
        "fieldset": {"legend": {"text": _("Date of birth"), "size": "s"}},
        "hint": {"text": _("For example, 15 3 1984")},
        "errorMessage": {"text": error} if error else None,
        "items": [
            {
                "id": f"dob_{part}",
                "name": f"dob_{part}",
                "label": label,
                "value": value,
                "width": 4 if part == "year" else 2,
                "autocomplete": f"bday-{part}",
                "inputmode": "numeric",
                "classes": classes,
            }
            for part, label, value in zip(("day", "month", "year"), labels, values, strict=True)
        ],
    }


DATE_ERRORS = {
    "none": lambda: None,
    "translated": lambda: lazy_gettext("Enter your date of birth"),
    "to escape": lambda: f"{SCRIPT} {SONS}",
    "lazy markup": lambda: lazy_gettext(LAZY_MARKUP),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("error", sorted(DATE_ERRORS))
def test_date_input_matches_the_nhsuk_macro(app, error, language):
    with app.test_request_context("/"), force_locale(language):
        for values in (["", "", ""], ["3", SCRIPT, SONS]):
            assert_same_markup(app, "dateInput", date_params(DATE_ERRORS[error](), values))


def test_date_input_matches_the_nhsuk_macro_without_the_parameters_our_helper_always_passes(app):
    """The NHS.UK defaults: labels and widths from the names, an error on the whole date that
    marks each field, no fieldset."""
    with app.test_request_context("/"):
        items = [{"name": "day", "value": "1"}, {"name": "month"}, {"name": "year", "label": ""}]
        assert_same_markup(app, "dateInput", {"id": "when", "items": items})
        assert_same_markup(
            app, "dateInput", {"id": "when", "items": items, "errorMessage": {"text": SONS}}
        )


def test_escaped_text_is_read_as_written_and_runs_nothing(app):
    with app.test_request_context("/"):
        html = str(
            form_components.input(
                {
                    "label": {"text": SCRIPT},
                    "hint": {"text": SONS},
                    "id": "name",
                    "name": "name",
                    "value": SCRIPT,
                    "errorMessage": {"text": SCRIPT},
                }
            )
        )
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.select("script")
    assert soup.select_one("label").get_text(strip=True) == SCRIPT
    assert soup.select_one(".nhsuk-hint").get_text(strip=True) == SONS
    assert soup.select_one("input")["value"] == SCRIPT
    assert soup.select_one("input")["aria-describedby"] == "name-hint name-error"
    error = soup.select_one(".nhsuk-error-message").get_text()
    assert " ".join(error.split()) == f"Error: {SCRIPT}"


# --- the helpers in templates/macros/forms.html -------------------------------------------

# templates/macros/forms.html as it was written with the NHS.UK macros: our helpers must give
# the markup these gave.
NHSUK_HELPERS = """
{% from "nhsuk/components/input/macro.jinja" import input as nhsukInput %}
{% from "nhsuk/components/select/macro.jinja" import select as nhsukSelect %}
{% from "nhsuk/components/date-input/macro.jinja" import dateInput %}
{% from "nhsuk/components/error-summary/macro.jinja" import errorSummary %}
{% from "nhsuk/components/button/macro.jinja" import button as nhsukButton %}

{% macro error_summary(form) %}
  {% set items = [] %}
  {% for field in form if field.errors and field.type != "CSRFTokenField" %}
    {% for error in field.errors %}
      {% set _discard = items.append({"text": error, "href": "#" ~ field.id}) %}
    {% endfor %}
  {% endfor %}
  {% if items %}
    {{ errorSummary({"titleText": _("There is a problem"), "errorList": items}) }}
  {% endif %}
{% endmacro %}

{% macro text_field(field, type="text", autocomplete=none, width=none, classes=none,
    spellcheck=none, inputmode=none, is_page_heading=false, value=none) %}
  {{ nhsukInput({
    "label": {"text": field.label.text, "isPageHeading": is_page_heading,
              "size": "l" if is_page_heading else none},
    "hint": {"text": field.description} if field.description else none,
    "id": field.id,
    "name": field.name,
    "type": type,
    "value": value if value is not none else (
      field.data if type != "password" and field.data is not none else ""),
    "autocomplete": autocomplete,
    "spellcheck": spellcheck,
    "inputmode": inputmode,
    "classes": (("nhsuk-input--width-" ~ width) if width else "")
               ~ ((" " ~ classes) if classes else ""),
    "errorMessage": {"text": field.errors[0], "visuallyHiddenText": _("Error")}
                    if field.errors else none
  }) }}
{% endmacro %}

{% macro select_field(field) %}
  {% set items = [] %}
  {% for value, label, selected, _extra in field.iter_choices() %}
    {% set _discard = items.append({"value": value, "text": label, "selected": selected}) %}
  {% endfor %}
  {{ nhsukSelect({
    "label": {"text": field.label.text},
    "hint": {"text": field.description} if field.description else none,
    "id": field.id,
    "name": field.name,
    "items": items,
    "errorMessage": {"text": field.errors[0], "visuallyHiddenText": _("Error")}
                    if field.errors else none
  }) }}
{% endmacro %}

{% macro date_field(legend, hint, day, month, year, autocomplete_prefix="bday") %}
  {% set errors = day.errors or month.errors or year.errors %}
  {{ dateInput({
    "id": "dob",
    "fieldset": {"legend": {"text": legend, "size": "s"}},
    "hint": {"text": hint},
    "errorMessage": {"text": errors[0], "visuallyHiddenText": _("Error")} if errors else none,
    "items": [
      {"id": day.id, "name": day.name, "label": day.label.text,
       "value": day.data or "", "width": 2, "autocomplete": autocomplete_prefix ~ "-day",
       "inputmode": "numeric", "classes": "nhsuk-input--error" if errors else ""},
      {"id": month.id, "name": month.name, "label": month.label.text,
       "value": month.data or "", "width": 2, "autocomplete": autocomplete_prefix ~ "-month",
       "inputmode": "numeric", "classes": "nhsuk-input--error" if errors else ""},
      {"id": year.id, "name": year.name, "label": year.label.text,
       "value": year.data or "", "width": 4, "autocomplete": autocomplete_prefix ~ "-year",
       "inputmode": "numeric", "classes": "nhsuk-input--error" if errors else ""}
    ]
  }) }}
{% endmacro %}

{% macro submit(text, secondary=false, warning=false) %}
  {{ nhsukButton({"text": text, "type": "submit",
    "variant": "secondary" if secondary else ("warning" if warning else none),
    "preventDoubleClick": true}) }}
{% endmacro %}
"""


class ExampleForm(FlaskForm):
    """Fields like our forms' (lazy labels, hints and errors from WTForms), and one whose
    label and hint must be escaped."""

    class Meta:
        csrf = False

    email = EmailField(lazy_gettext("Email address"))
    password = PasswordField(lazy_gettext("Password"))
    code = StringField(
        lazy_gettext("Security code"), description=lazy_gettext("For example, 27/3/2024")
    )
    q = SearchField(lazy_gettext("Search by name"))
    name = StringField(f"{SONS} {SCRIPT}", description=SCRIPT)
    status = SelectField(
        lazy_gettext("Status"),
        choices=[SelectChoice("", lazy_gettext("Any status")), SelectChoice("final", SONS)],
    )
    dob_day = StringField(lazy_gettext("Day"))
    dob_month = StringField(lazy_gettext("Month"))
    dob_year = StringField(lazy_gettext("Year"))


def example_form(filled: bool) -> ExampleForm:
    """Empty, as a page first shows it, or sent back with values and errors."""
    if not filled:
        return ExampleForm(formdata=None)
    data = {"email": f"{SONS} {SCRIPT}", "password": "secret", "code": "123 456", "q": SCRIPT}
    data |= {"name": SONS, "status": "final", "dob_day": "3", "dob_month": SCRIPT}
    form = ExampleForm(formdata=MultiDict({**data, "dob_year": "1984"}))
    form.validate()
    form.email.errors = [lazy_gettext("Enter your email address"), SCRIPT]
    form.password.errors = [lazy_gettext("Enter your password")]
    form.code.errors = [f"{SONS} {SCRIPT}"]
    form.q.errors = [SONS]
    form.name.errors = [SCRIPT, SONS]
    form.status.errors = [lazy_gettext("Select your GP practice")]
    form.dob_day.errors = [f"{SCRIPT} {SONS}"]
    return form


# Every way our templates call the helpers.
HELPER_CALLS = [
    "error_summary(form)",
    'text_field(form.email, type="email", autocomplete="username", spellcheck=false)',
    'text_field(form.email, type="email", autocomplete="email", spellcheck=false)',
    'text_field(form.password, type="password", autocomplete="current-password")',
    'text_field(form.code, autocomplete="one-time-code", inputmode="text", width=10, '
    'spellcheck=false, is_page_heading=true, value="")',
    'text_field(form.code, autocomplete="one-time-code", inputmode="numeric", width=5, '
    'spellcheck=false, value="")',
    'text_field(form.q, type="search", width=20, spellcheck=false)',
    'text_field(form.name, width=10, inputmode="numeric", spellcheck=false)',
    'text_field(form.name, autocomplete="given-name", spellcheck=false, classes="extra")',
    "select_field(form.status)",
    'date_field(_("Date of birth"), _("For example, 15 3 1984"), form.dob_day, form.dob_month, '
    "form.dob_year)",
    'submit(_("Sign in"))',
    "submit(button_text, secondary=true)",
    'submit(_("Close the review"), warning=true)',
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("filled", [False, True], ids=["empty", "sent back with errors"])
@pytest.mark.parametrize("call", HELPER_CALLS)
def test_form_helpers_give_the_markup_they_gave_with_the_nhsuk_macros(app, call, filled, language):
    with app.test_request_context("/"), force_locale(language):
        context = {"form": example_form(filled), "button_text": f"{SONS} {SCRIPT}"}
        name = call.split("(", 1)[0]
        ours = app.jinja_env.from_string(
            f'{{% from "macros/forms.html" import {name} %}}{{{{ {call} }}}}'
        ).render(**context)
        theirs = app.jinja_env.from_string(f"{NHSUK_HELPERS}{{{{ {call} }}}}").render(**context)
    assert element_tree(ours) == element_tree(theirs)
    if filled and name != "submit":
        assert "nhsuk-error" in ours  # the errors are shown


def test_form_helpers_import_no_nhsuk_macro(app):
    """Every page with a form imports forms.html: an import of a macro costs time on each."""
    source, _path, _uptodate = app.jinja_env.loader.get_source(app.jinja_env, "macros/forms.html")
    assert "nhsuk/" not in source
