"""Trend charts drawn on the server as inline SVG: no JavaScript, no inline styles.

Colours and fonts come from CSS classes in static/css/myhealth.css (the CSP allows no
style attributes). The chart is one image to assistive technology (role="img" with a title
and a description of the trend); the page always shows the same data as a table.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from markupsafe import Markup, escape

from myhealth.i18n import gettext as _
from myhealth.i18n import ngettext
from myhealth.records import display, flags, formatting
from myhealth.records.models import ClinicalResource


@dataclass(frozen=True)
class Layout:
    """A chart's size in SVG units; CSS shows the wide one on larger screens."""

    name: str
    width: int
    height: int
    left: int = 64
    right: int = 24
    bottom: int = 56
    date_ticks: int = 6


WIDE = Layout("wide", 720, 360)
NARROW = Layout("narrow", 360, 320, left=52, right=14, date_ticks=3)
CHAR_WIDTH = 7.5  # average width of a 14px label character, to lay out the legend
MARKERS = ("circle", "square", "diamond")


@dataclass(frozen=True)
class Line:
    label: str
    points: list[tuple[datetime, float]]


def nice_step(span: float, count: int = 5) -> float:
    """1, 2, 2.5 or 5 times a power of ten, so that about `count` steps cover the span."""
    raw = span / max(count, 1)
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return factor * power
    return 10 * power


def value_ticks(low: float, high: float) -> list[float]:
    if high - low < 1e-9:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = nice_step(high - low)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    if len(ticks) < 2:
        ticks.append(ticks[-1] + step)
    return ticks


def time_ticks(first: datetime, last: datetime, most: int = 6) -> tuple[list[datetime], str]:
    """Dates to label on the time axis (at most `most`), and the Babel pattern for them."""
    span_days = (last - first).days
    if span_days < 1:
        return [first], "d MMM yyyy"
    if span_days > 3 * 365:
        step = max(1, math.ceil((last.year - first.year + 1) / most))
        years = range(
            first.year + (0 if (first.month, first.day) == (1, 1) else 1), last.year + 1, step
        )
        ticks = [datetime(y, 1, 1, tzinfo=UTC) for y in years]
        return ticks or [first], "yyyy"
    if span_days > 60:
        months = (last.year - first.year) * 12 + last.month - first.month
        step = max(1, math.ceil(months / most))
        ticks = []
        index = first.year * 12 + first.month  # the month after `first` (months from 0)
        while True:
            year, month = divmod(index, 12)
            tick = datetime(year, month + 1, 1, tzinfo=UTC)
            if tick > last:
                break
            ticks.append(tick)
            index += step
        return ticks or [first], "MMM yyyy"
    count = max(2, min(most - 1, span_days + 1))
    return [first + (last - first) * i / (count - 1) for i in range(count)], "d MMM"


def _as_utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _legend(layout: Layout, lines: list[Line], band: bool) -> tuple[list[str], int]:
    """Legend items laid out in rows across the top; returns the SVG and the rows' height."""
    items = (
        [
            (MARKERS[(n - 1) % len(MARKERS)], f"myhealth-chart__series--{n}", line.label)
            for n, line in enumerate(lines, start=1)
        ]
        if len(lines) > 1
        else []
    )
    if band:
        items.append(("band", "", _("Normal range")))
    out: list[str] = []
    x, row = float(layout.left), 0
    for kind, series, label in items:
        width = 22 + len(label) * CHAR_WIDTH + 20
        if x + width > layout.width - layout.right and x > layout.left:
            x, row = float(layout.left), row + 1
        y = 18 + row * 22
        if kind == "band":
            out.append(
                f'<rect class="myhealth-chart__range myhealth-chart__swatch" x="{x:.1f}" '
                f'y="{y - 11}" width="16" height="14"/>'
            )
        else:
            out.append(_marker(kind, x + 8, y - 4, series, label, legend=True))
        out.append(
            f'<text class="myhealth-chart__label" x="{x + 22:.1f}" y="{y + 1}">'
            f"{escape(label)}</text>"
        )
        x += width
    return out, (row + 1) * 22 if items else 0


def line_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    lines: list[Line],
    unit: str,
    band: tuple[float | None, float | None] | None = None,
    layout: Layout = WIDE,
) -> Markup:
    """An SVG line chart of values over time, with an optional shaded normal range."""
    points = [(_as_utc(t), v) for line in lines for t, v in line.points]
    times = [t for t, _v in points]
    values = [v for _t, v in points]
    band_values = [b for b in (band or ()) if b is not None]
    ticks = value_ticks(min(values + band_values), max(values + band_values))
    y_low, y_high = ticks[0], ticks[-1]
    first, last = min(times), max(times)
    legend, legend_height = _legend(layout, lines, bool(band_values))
    left, top = layout.left, legend_height + 36
    plot_w = layout.width - left - layout.right
    plot_h = layout.height - top - layout.bottom
    inset = 12  # keeps the first and last points off the axes

    def x(t: datetime) -> float:
        if last == first:
            return left + plot_w / 2
        return left + inset + (_as_utc(t) - first) / (last - first) * (plot_w - 2 * inset)

    def y(v: float) -> float:
        return top + plot_h - (v - y_low) / (y_high - y_low) * plot_h

    out: list[str] = [
        f'<svg class="myhealth-chart myhealth-chart--{layout.name}" id="{chart_id}" '
        f'viewBox="0 0 {layout.width} {layout.height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        *legend,
    ]
    if band_values:
        band_top = y(band[1]) if band[1] is not None else top
        band_bottom = y(band[0]) if band[0] is not None else top + plot_h
        out.append(
            f'<rect class="myhealth-chart__range" x="{left}" y="{band_top:.1f}" '
            f'width="{plot_w}" height="{max(band_bottom - band_top, 1):.1f}"/>'
        )
    for tick in ticks:
        ty = y(tick)
        out.append(
            f'<line class="myhealth-chart__grid" x1="{left}" x2="{left + plot_w}" '
            f'y1="{ty:.1f}" y2="{ty:.1f}"/>'
        )
        out.append(
            f'<text class="myhealth-chart__label" x="{left - 8}" y="{ty + 5:.1f}" '
            f'text-anchor="end">{escape(display.number(tick))}</text>'
        )
    date_ticks, pattern = time_ticks(first, last, layout.date_ticks)
    for tick in date_ticks:
        tx = x(tick)
        out.append(
            f'<line class="myhealth-chart__axis" x1="{tx:.1f}" x2="{tx:.1f}" '
            f'y1="{top + plot_h}" y2="{top + plot_h + 6}"/>'
        )
        out.append(
            f'<text class="myhealth-chart__label" x="{tx:.1f}" '
            f'y="{top + plot_h + 24}" text-anchor="middle">'
            f"{escape(formatting.date_text(tick, pattern))}</text>"
        )
    out.append(
        f'<line class="myhealth-chart__axis" x1="{left}" x2="{left}" y1="{top}" '
        f'y2="{top + plot_h}"/>'
    )
    out.append(
        f'<line class="myhealth-chart__axis" x1="{left}" x2="{left + plot_w}" '
        f'y1="{top + plot_h}" y2="{top + plot_h}"/>'
    )
    if unit:
        out.append(
            f'<text class="myhealth-chart__label myhealth-chart__unit" x="{left - 8}" '
            f'y="{top - 14}" text-anchor="start">{escape(unit)}</text>'
        )
    out.append(
        f'<text class="myhealth-chart__label myhealth-chart__unit" '
        f'x="{left + plot_w / 2:.1f}" y="{layout.height - 8}" text-anchor="middle">'
        f"{escape(_('Date'))}</text>"
    )
    for number, line in enumerate(lines, start=1):
        ordered = sorted(((_as_utc(t), v) for t, v in line.points), key=lambda p: p[0])
        series = f"myhealth-chart__series--{number}"
        if len(ordered) > 1:
            path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v in ordered)
            out.append(f'<polyline class="myhealth-chart__line {series}" points="{path}"/>')
        marker = MARKERS[(number - 1) % len(MARKERS)]
        for t, v in ordered:
            label = (
                f"{formatting.date_text(t, 'd MMM yyyy')}: {display.number(v, unit)} {unit}".strip()
            )
            if line.label:
                label = f"{line.label}, {label}"
            flag = _outside(v, band) if band_values else None
            words, _colour = flags.flag_words(flag)
            if words:
                label = f"{label} ({words})"
                # In words beside the point, not by colour alone.
                out.append(
                    f'<text class="myhealth-chart__flag" x="{x(t):.1f}" y="{y(v) - 10:.1f}" '
                    f'text-anchor="middle">{escape(words)}</text>'
                )
            out.append(_marker(marker, x(t), y(v), series, label))
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 - every text and attribute above is escaped


def _outside(value: float, band) -> str | None:
    low, high = band
    if high is not None and value > high:
        return "high"
    if low is not None and value < low:
        return "low"
    return None


def _marker(kind: str, cx: float, cy: float, series: str, label: str, legend=False) -> str:
    title = "" if legend else f"<title>{escape(label)}</title>"
    classes = f"myhealth-chart__point {series}" + (" myhealth-chart__legend" if legend else "")
    if kind == "circle":
        return f'<circle class="{classes}" cx="{cx:.1f}" cy="{cy:.1f}" r="5">{title}</circle>'
    if kind == "square":
        return (
            f'<rect class="{classes}" x="{cx - 4.5:.1f}" y="{cy - 4.5:.1f}" width="9" '
            f'height="9">{title}</rect>'
        )
    return (
        f'<polygon class="{classes}" points="{cx:.1f},{cy - 6:.1f} {cx + 6:.1f},{cy:.1f} '
        f'{cx:.1f},{cy + 6:.1f} {cx - 6:.1f},{cy:.1f}">{title}</polygon>'
    )


def results_chart(
    title: str, rows: list[ClinicalResource], chart_id: str = "trend-chart"
) -> Markup | None:
    """The trend of one test's results (one line per component), or None with no numbers."""
    lines: dict[str, Line] = {}
    unit = ""
    for row in rows:
        if row.effective_at is None:
            continue
        for reading in display.readings(row.content):
            line = lines.setdefault(reading.label, Line(reading.label, []))
            line.points.append((row.effective_at, reading.value))
            unit = unit or reading.unit
    if not lines:
        return None
    band = None
    for row in reversed(rows):  # the newest range the laboratory gave
        low, high = display.reference_bounds(row.content)
        if low is not None or high is not None:
            band = (low, high)
            break
    description = describe(title, list(lines.values()), unit, band)
    title = _("%(test)s over time", test=title)
    # Two drawings of the same chart: CSS shows the narrow one on small screens, so its
    # labels stay readable; the hidden one is hidden from assistive technology too.
    return Markup("").join(
        line_chart(
            chart_id=f"{chart_id}-{layout.name}",
            title=title,
            description=description,
            lines=list(lines.values()),
            unit=unit,
            band=band,
            layout=layout,
        )
        for layout in (WIDE, NARROW)
    )


def describe(
    title: str, lines: list[Line], unit: str, band: tuple[float | None, float | None] | None
) -> str:
    """The chart in words, for screen readers: the span, lowest, highest and latest."""
    sentences = []
    for line in lines:
        ordered = sorted(line.points, key=lambda p: _as_utc(p[0]))
        values = [v for _t, v in ordered]

        def amount(value: float) -> str:
            return f"{display.number(value, unit)} {unit}".strip()

        sentences.append(
            ngettext(
                "%(test)s: %(num)s result, on %(first)s: %(latest)s.",
                "%(test)s: %(num)s results from %(first)s to %(last)s. Lowest %(low)s, "
                "highest %(high)s, latest %(latest)s.",
                len(values),
                test=line.label or title,
                first=formatting.date_text(ordered[0][0], "d MMMM yyyy"),
                last=formatting.date_text(ordered[-1][0], "d MMMM yyyy"),
                low=amount(min(values)),
                high=amount(max(values)),
                latest=amount(values[-1]),
            )
        )
    if band:
        low, high = band
        if low is not None and high is not None:
            sentences.append(
                _(
                    "The shaded band is the normal range, %(low)s to %(high)s.",
                    low=display.number(low),
                    high=f"{display.number(high)} {unit}",
                )
            )
        elif high is not None:
            sentences.append(
                _(
                    "The shaded band is the normal range, up to %(high)s.",
                    high=f"{display.number(high)} {unit}",
                )
            )
        elif low is not None:
            sentences.append(
                _(
                    "The shaded band is the normal range, %(low)s or more.",
                    low=f"{display.number(low)} {unit}",
                )
            )
    return " ".join(sentences)
