"""Our lean table, tag and summary list give the markup of the NHS.UK macros they replace.

The record pages render their tables with templates/components/table.html instead of
nhsuk-frontend-jinja's generic `table` macro (which costs about a millisecond a row). Here
both render the same realistic tables (the example record's, in both languages, and cells the
record pages make: tags, out-of-range flags, trend links, dates kept on one line, empty
cells, text that must be escaped) and must parse to the same element tree: tags, attributes
and text (whitespace aside, as a browser reads it).
"""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from myhealth.records import display, tables
from myhealth.records.display import Cell, Table
from myhealth.records.example import EXAMPLE_ID, example_rows
from myhealth.records.services import SECTIONS
from tests.html_tree import element_tree


def render(app, source: str, **context) -> str:
    return app.jinja_env.from_string(source).render(**context)


def nhsuk_table(app, params) -> str:
    source = '{% from "nhsuk/components/tables/macro.jinja" import table %}{{ table(params) }}'
    return render(app, source, params=params)


def lean_table(app, params) -> str:
    return render(
        app, '{% from "components/table.html" import table %}{{ table(params) }}', params=params
    )


def record_table_params(table: Table, *, caption="Current medicines", links=True, **extra):
    """The parameters records/_macros.html record_table passes."""
    return {
        "caption": caption,
        "captionClasses": "nhsuk-u-visually-hidden",
        "head": table.headers,
        "rows": tables.nhs_rows(table, tables.trend_links(EXAMPLE_ID) if links else None),
        "responsive": True,
        "classes": "myhealth-record-table",
        **extra,
    }


EDGE_CASES = Table(
    ["Test", "Result", "Normal range", "Date"],
    [
        [
            Cell("HbA1c <b>&</b> \"quoted\" 'text'", trend=("4548-4", "http://loinc.org")),
            Cell("52 mmol/mol", flag=("High", "red")),
            Cell("20 to 42 mmol/mol"),
            Cell("3 Mar 2024", nowrap=True),
        ],
        [
            Cell("Peak flow", trend=("19935-6", None)),
            Cell("310 L/min", flag=("Low", "orange")),
            Cell("–"),
            Cell(""),  # an empty cell
        ],
        [
            Cell("Smoking status"),
            Cell("Active", tag="green"),
            Cell("Entered in error", tag="red"),
            Cell("2019", nowrap=True),
        ],
    ],
)


def example_tables() -> list[tuple[str, Table]]:
    rows = example_rows()
    found = []
    for section, types in SECTIONS.items():
        items = [row for row in rows if row.resource_type in types]
        if items:
            found.append((section, tables.table(section, items)))
    found.append(("trend", tables.trend_table([r for r in rows if r.code == "4548-4"])))
    return found


@pytest.mark.parametrize("language", ["en", "cy"])
def test_record_tables_match_the_nhsuk_macro(app, language):
    with app.test_request_context("/"), force_locale(language):
        checked = 0
        for section, table in example_tables():
            for links in (True, False):
                params = record_table_params(table, caption=section, links=links)
                ours = lean_table(app, params)
                assert element_tree(ours) == element_tree(nhsuk_table(app, params)), section
                checked += 1
        assert checked >= 12
        # The example record has tags, out-of-range flags and trend links in its tables.
        results = dict(example_tables())["results"]
        html = lean_table(app, record_table_params(results))
        assert "nhsuk-tag--red" in html and "/results/" in html and "myhealth-nowrap" in html


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"captionClasses": "nhsuk-table__caption--m"},
        {"captionClasses": None},
        {"caption": None},
        {"classes": None},
        {"responsive": False},
        {"responsive": False, "caption": None, "classes": "nhsuk-u-font-size-16"},
    ],
)
def test_edge_cases_match_the_nhsuk_macro(app, extra):
    with app.test_request_context("/"):
        params = record_table_params(EDGE_CASES, **extra)
        ours = lean_table(app, params)
        assert element_tree(ours) == element_tree(nhsuk_table(app, params))
        assert "&lt;b&gt;&amp;&lt;/b&gt;" in ours  # text is escaped, never markup


def test_a_table_with_no_rows_or_no_head_matches_the_nhsuk_macro(app):
    with app.test_request_context("/"):
        for params in (
            {"caption": "Nothing", "head": ["A", "B"], "rows": [], "responsive": True},
            {"rows": [[{"text": "a", "html": None, "href": None, "classes": None}]]},
        ):
            assert element_tree(lean_table(app, params)) == element_tree(nhsuk_table(app, params))


@pytest.mark.parametrize(
    "params",
    [
        {"text": "Active", "classes": "nhsuk-tag--green"},
        {"text": "Off", "colour": "orange"},
        {"text": "<script>", "colour": "red"},
        {"text": "Plain"},
    ],
)
def test_the_tag_matches_the_nhsuk_macro(app, params):
    with app.test_request_context("/"):
        nhsuk = render(
            app, '{% from "nhsuk/components/tag/macro.jinja" import tag %}{{ tag(p) }}', p=params
        )
        ours = render(app, '{% from "components/tag.html" import tag %}{{ tag(p) }}', p=params)
        assert element_tree(ours) == element_tree(nhsuk)
        if "colour" in params:  # the tags table cells get, written in Python
            python = str(tables.tag_html(params["text"], params["colour"]))
            assert element_tree(python) == element_tree(nhsuk)


def test_the_summary_list_matches_the_nhsuk_macro(app):
    params = {
        "rows": [
            {"key": {"text": "Name"}, "value": {"text": "Siân O'Brien <b>"}},
            {"key": {"text": "NHS number"}, "value": {"text": "999 000 0077"}},
            {"key": {"text": "Address"}, "value": {"text": "–"}},
            {"key": {"text": "GP practice"}, "value": {"html": display_markup()}},
        ]
    }
    with app.test_request_context("/"):
        nhsuk = render(
            app,
            '{% from "nhsuk/components/summary-list/macro.jinja" import summaryList %}'
            "{{ summaryList(p) }}",
            p=params,
        )
        ours = render(
            app,
            '{% from "components/summary_list.html" import summaryList %}{{ summaryList(p) }}',
            p=params,
        )
        assert element_tree(ours) == element_tree(nhsuk)
        assert "&lt;b&gt;" in ours


def display_markup():
    return tables.tag_html(display.status_label("active"), "green")
