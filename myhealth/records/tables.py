"""The tables of the record pages: one row builder per section, and the trend table.

Split from ``display`` (words, dates, values and units), which these rows are built from.
``nhs_rows`` turns a table's rows into the cells of the NHS.UK table macro
(templates/components/table.html), here rather than in a template loop, where it is cheaper.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from flask import url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from myhealth import components
from myhealth.i18n import gettext as _
from myhealth.i18n import ngettext
from myhealth.records import formatting
from myhealth.records.display import (
    ALLERGY_CATEGORIES,
    CRITICALITY,
    DOCUMENT_KINDS,
    IMMUNISATION_STATUS,
    Cell,
    Table,
    _concept_text,
    _concepts_text,
    _date_cell,
    _fhir_date,
    _quantity_text,
    interpretation,
    name,
    number,
    reference_range,
    result_value,
    status_cell,
    value_and_unit,
    when,
)
from myhealth.records.flags import flag_words, result_flag
from myhealth.records.models import ClinicalResource
from myhealth.records.services import SECTIONS


def _condition_row(row: ClinicalResource) -> list[Cell]:
    ended = _fhir_date(row.content.get("abatementDateTime")) or (
        _fhir_date((row.content.get("abatementPeriod") or {}).get("end"))
    )
    return [Cell(name(row)), _date_cell(when(row)), status_cell(row.status), _date_cell(ended)]


def reactions(content: dict) -> str:
    texts = []
    for reaction in content.get("reaction") or []:
        for manifestation in reaction.get("manifestation") or []:
            text = _concept_text(manifestation)
            if text and text not in texts:
                texts.append(text)
    return ", ".join(texts)


def _allergy_row(row: ClinicalResource) -> list[Cell]:
    content = row.content
    categories = formatting.labels(ALLERGY_CATEGORIES)
    kinds = ", ".join(str(categories.get(c, c)) for c in content.get("category") or [])
    risk = formatting.labels(CRITICALITY).get(content.get("criticality"), "")
    return [
        Cell(name(row)),
        Cell(reactions(content) or "–"),
        Cell(kinds or "–"),
        Cell(risk or "–"),
        _date_cell(when(row)),
        status_cell(row.status),
    ]


def dosage(content: dict) -> str:
    texts = []
    for instruction in content.get("dosageInstruction") or content.get("dosage") or []:
        if instruction.get("text"):
            texts.append(str(instruction["text"]))
            continue
        timing = (instruction.get("timing") or {}).get("repeat") or {}
        dose = (instruction.get("doseAndRate") or [{}])[0].get("doseQuantity") or {}
        parts = []
        if dose.get("value") is not None:
            parts.append(_("Take %(dose)s", dose=_quantity_text(dose)))
        if timing.get("frequency") and timing.get("period") and timing.get("periodUnit"):
            parts.append(_frequency(timing))
        if instruction.get("asNeededBoolean"):
            parts.append(_("when needed"))
        if parts:
            texts.append(" ".join(parts))
    return "; ".join(texts)


_PERIODS = {
    "h": (_l("an hour"), _l("hours")),
    "d": (_l("a day"), _l("days")),
    "wk": (_l("a week"), _l("weeks")),
    "mo": (_l("a month"), _l("months")),
    "a": (_l("a year"), _l("years")),
}


def _frequency(timing: dict) -> str:
    times, period, unit = timing["frequency"], timing["period"], timing["periodUnit"]
    one, many = _PERIODS.get(unit, (unit, unit))
    if period == 1:
        if times == 1:
            return _("once %(period)s", period=one)
        return _("%(times)s times %(period)s", times=times, period=one)
    return _(
        "%(times)s times every %(num)s %(periods)s", times=times, num=number(period), periods=many
    )


def _medicine_row(row: ClinicalResource) -> list[Cell]:
    kind = Cell(formatting.labels(DOCUMENT_KINDS).get(row.resource_type, ""))
    return [
        Cell(name(row)),
        Cell(dosage(row.content) or "–"),
        kind,
        _date_cell(when(row)),
        status_cell(row.status),
    ]


def _immunisation_row(row: ClinicalResource) -> list[Cell]:
    label = formatting.labels(IMMUNISATION_STATUS).get(row.status or "")
    status = (
        Cell(label, tag="green" if row.status == "completed" else "grey")
        if label
        else status_cell(row.status)
    )
    return [Cell(name(row)), _date_cell(when(row)), status]


def _value_cell(content: dict, value: str) -> Cell:
    """A result's value, marked High or Low (in words, as an NHS tag) when it is outside the
    normal range; other interpretations the laboratory gave follow in brackets."""
    flag = result_flag(content)
    if flag is not None and value:
        return Cell(value, flag=flag_words(flag))
    words = interpretation(content)
    return Cell(f"{value} ({words})" if words and value else value or "–")


def _result_row(row: ClinicalResource) -> list[Cell]:
    value = result_value(row.content)
    trend = (row.code, row.code_system) if row.code else None
    return [
        Cell(name(row), trend=trend),
        _value_cell(row.content, value),
        Cell(reference_range(row.content) or "–"),
        _date_cell(when(row)),
    ]


def _encounter_row(row: ClinicalResource) -> list[Cell]:
    content = row.content
    reason = _concepts_text(content.get("reasonCode"))
    provider = (content.get("serviceProvider") or {}).get("display") or ""
    return [
        _date_cell(when(row)),
        Cell(name(row)),
        Cell(reason or "–"),
        Cell(provider or "–"),
        status_cell(row.status),
    ]


def _procedure_row(row: ClinicalResource) -> list[Cell]:
    return [Cell(name(row)), _date_cell(when(row)), status_cell(row.status)]


def _care_plan_row(row: ClinicalResource) -> list[Cell]:
    status = row.status or row.content.get("lifecycleStatus")
    return [
        Cell(name(row)),
        Cell(formatting.labels(DOCUMENT_KINDS).get(row.resource_type, "")),
        _date_cell(when(row)),
        status_cell(status),
    ]


def _document_row(row: ClinicalResource) -> list[Cell]:
    detail = ""
    if row.resource_type == "DiagnosticReport":
        count = len(row.content.get("result") or [])
        detail = ngettext("%(num)s result", "%(num)s results", count)
        if row.content.get("conclusion"):
            detail = str(row.content["conclusion"])
    else:  # imaging studies and documents say what they are in a description
        detail = str(row.content.get("description") or "")
    return [
        Cell(name(row)),
        Cell(formatting.labels(DOCUMENT_KINDS).get(row.resource_type, "")),
        Cell(detail or "–"),
        _date_cell(when(row)),
        status_cell(row.status),
    ]


_ROWS = {
    "conditions": ((_l("Condition"), _l("Started"), _l("Status"), _l("Ended")), _condition_row),
    "allergies": (
        (_l("Allergy to"), _l("Reaction"), _l("Type"), _l("Risk"), _l("Recorded"), _l("Status")),
        _allergy_row,
    ),
    "medicines": (
        (_l("Medicine"), _l("How to take it"), _l("Type"), _l("Date"), _l("Status")),
        _medicine_row,
    ),
    "immunisations": ((_l("Vaccine"), _l("Date"), _l("Status")), _immunisation_row),
    "results": ((_l("Test"), _l("Result"), _l("Normal range"), _l("Date")), _result_row),
    "encounters": (
        (_l("Date"), _l("Type"), _l("Reason"), _l("Where"), _l("Status")),
        _encounter_row,
    ),
    "procedures": ((_l("Procedure"), _l("Date"), _l("Status")), _procedure_row),
    "care-plans": ((_l("Plan or goal"), _l("Type"), _l("Started"), _l("Status")), _care_plan_row),
    "documents": (
        (_l("Document"), _l("Type"), _l("Details"), _l("Date"), _l("Status")),
        _document_row,
    ),
}
assert set(_ROWS) == set(SECTIONS)  # every section the service offers has a table


def table(section: str, items: list[ClinicalResource]) -> Table:
    """The section's table: plain-English headers and one row of cells per resource."""
    headers, make_row = _ROWS[section]
    with formatting.one_language():  # the language is read once for every row's dates
        return Table(formatting.texts(headers), [make_row(row) for row in items])


_TREND_HEADERS = (_l("Date"), _l("Result"), _l("Unit"), _l("Normal range"))


def trend_table(points: list[ClinicalResource]) -> Table:
    """One test over time (given oldest first), newest first: date, value, unit, range."""
    with formatting.one_language():
        rows = [_trend_row(row) for row in reversed(points)]
    return Table(formatting.texts(_TREND_HEADERS), rows)


def _trend_row(row: ClinicalResource) -> list[Cell]:
    value, unit = value_and_unit(row.content)
    return [
        _date_cell(when(row)),
        _value_cell(row.content, value),
        Cell(unit or "–"),
        Cell(reference_range(row.content) or "–"),
    ]


# --- NHS.UK table cells --------------------------------------------------------------------

TrendLink = Callable[[str, str | None], str]


def tag_html(text: str, colour: str) -> Markup:
    """An NHS.UK tag of this colour (text escaped)."""
    return components.tag({"text": text, "colour": colour})


def trend_links(patient_id: uuid.UUID) -> TrendLink:
    """Links from a result to its trend page, for ``nhs_rows``."""

    def link(code: str, system: str | None) -> str:
        return url_for("records.result_trend", patient_id=patient_id, code=code, system=system)

    return link


def _nhs_cell(cell: Cell, trend_link: TrendLink | None) -> dict:
    # Every key present: a template reads a missing one through two exceptions.
    html = href = classes = None
    if cell.tag:
        html = tag_html(cell.text, cell.tag)
    elif cell.flag:  # the value, then High or Low in words
        html = Markup("{} {}").format(cell.text, tag_html(*cell.flag))
    elif cell.trend and trend_link is not None:
        href = trend_link(*cell.trend)
    elif cell.nowrap:
        classes = "myhealth-nowrap"
    return {"text": cell.text, "html": html, "href": href, "classes": classes}


def nhs_rows(table: Table, trend_link: TrendLink | None = None) -> list[list[dict]]:
    """The table's rows as NHS.UK table cells: statuses and out-of-range flags as tags, dates
    kept on one line, and each result linking to its trend when ``trend_link`` is given."""
    return [[_nhs_cell(cell, trend_link) for cell in row] for row in table.rows]
