"""The program report's charts as inline SVG: Fig. 1 (sessions per community per
six-month period, grouped bars) and Fig. 2 (share of each content category).

Why matplotlib with ``svg.fonttype = "none"`` rather than SVG drawn from templates:
matplotlib does the axis work (nice tick steps, scaling, label placement, hatching
patterns, a legend) that a template would have to reimplement and test, and with
fonttype "none" it writes every label as a ``<text>`` element instead of glyph
outlines. The server has no CJK fonts, so outlines would be empty boxes; ``<text>`` is
drawn by the viewer's browser with its own CJK fonts (the stack in ``FONT_STACK``).
Layout is measured with DejaVu Sans, which ships with matplotlib, on every machine, so
the SVG is the same everywhere; DejaVu lacks CJK glyphs and matplotlib measures each as
about 1.1 em (its fallback glyph), a little wider than the real 1 em, so Chinese labels
never get too little room. Labels are anchored (start/middle/end) rather than placed by
measured width, so the browser's real widths line up.

Rendering uses the object API (``matplotlib.figure.Figure``, no pyplot, no global
figure manager). ``rcParams`` are global, so the ``rc_context`` is held under a lock.
The site's CSP allows no inline styles, so matplotlib's style attributes become SVG
presentation attributes. Bars carry stable ids (``<chart>-bar-<series>-<period>``).

Each chart is a plain function of plain data (``sessions_by_period_svg``,
``categories_svg``); ``report_charts`` picks the data out of the report dict (keys in
docs/report-json.md). No data, no chart: the key is absent and the page says so.
"""

from __future__ import annotations

import functools
import io
import math
import re
import textwrap
import threading
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from matplotlib.figure import Figure

from . import statistics
from .templatetags.report_format import period_label

matplotlib.use("Agg")  # no display on the server; Figure.savefig needs no pyplot

FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", sans-serif'
)
# Okabe–Ito: safe for the common colour-vision deficiencies. Hatches tell the bars
# apart on a greyscale print, where blue/green and orange/pink come out alike.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Line hatches only: matplotlib draws dots and circles as one path each (a 150 KB pattern).
HATCHES = ("", "///", "\\\\\\", "xxx", "---", "|||", "+++", "//")
EDGE = "#333333"
TEXT = "#1d2327"
GRID = "#d0d4d0"
BAR_ID = "bar"  # every bar's gid: {chart}-bar-{series}-{period}; the tests count them

RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "tongban",  # stable ids: the same data gives the same SVG
    "font.family": "DejaVu Sans",  # measured with; the SVG names FONT_STACK instead
    "font.size": 10,
    "text.parse_math": False,  # a "$" in a community's name is text, not TeX
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": "#888888",
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "hatch.linewidth": 0.8,
}
_LOCK = threading.Lock()
# Only the expected one: CJK is absent from DejaVu Sans, the browser draws it.
_MISSING_GLYPH = r"Glyph \d+ .* missing from font\(s\) DejaVu Sans"


# The browser draws CJK with taller line boxes (Noto Sans CJK: 1.45 em) than DejaVu's,
# which the layout measures: more room round the edges and between ticks and axis labels.
EDGE_PAD_INCHES = 0.09
LABEL_PAD = 7.0


# --- Rendering helpers ----------------------------------------------------------------


def _figure(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    fig.get_layout_engine().set(w_pad=EDGE_PAD_INCHES, h_pad=EDGE_PAD_INCHES)
    return fig


def _render(fig: Figure, *, name: str, title: str) -> SafeString:
    """The figure as inline SVG: no XML prolog, no fixed size (the viewBox scales to the
    CSS width), ids prefixed with the chart's name (two charts on one page), presentation
    attributes instead of style attributes, the CJK font stack instead of the measuring
    font, and a <title> for screen readers."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_MISSING_GLYPH, category=UserWarning)
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)
    # matplotlib's <style> says "*{...}": inline, it would reach the whole page.
    svg = re.sub(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", svg, count=1, flags=re.S)

    def tag(match: re.Match[str]) -> str:
        # Inside tags only: a label's text (matplotlib escapes its < and &) stays as typed.
        text = match.group(0)
        text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
        text = re.sub(r"url\(#([^)]+)\)", rf"url(#{name}-\1)", text)
        text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{name}-\1"', text)
        return re.sub(r'\sstyle="([^"]*)"', _presentation_attributes, text)

    svg = re.sub(r"<[^>]+>", tag, svg)

    def root(match: re.Match[str]) -> str:
        attrs = re.sub(r'\s(width|height)="[^"]*"', "", match.group(1))
        return (
            f'<svg{attrs} class="chart-svg" role="img" aria-labelledby="{name}-title" '
            f"font-family='{FONT_STACK}'>"
            f'<title id="{name}-title">{_escape(title)}</title>'
        )

    svg = re.sub(r"<svg([^>]*)>", root, svg, count=1)
    return mark_safe(svg)  # noqa: S308 - matplotlib escapes every label it writes


def _presentation_attributes(match: re.Match[str]) -> str:
    """style="fill: #fff; stroke: #333" as fill="#fff" stroke="#333": the site's CSP
    (style-src 'self') blocks inline style attributes, not SVG presentation attributes.
    The measuring font's family goes; the <svg> names FONT_STACK once."""
    out = []
    for declaration in match.group(1).split(";"):
        prop, _sep, value = declaration.partition(":")
        prop, value = prop.strip(), value.strip()
        if prop and value and prop != "font-family":
            out.append(f' {prop}="{value}"')
    return "".join(out)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(label: str, width: int) -> str:
    """Break long labels onto lines: CJK characters count double (they are 1 em)."""
    if sum(2 if ord(ch) > 0x2E80 else 1 for ch in label) <= width:
        return label
    if any(ord(ch) > 0x2E80 for ch in label) and " " not in label:
        step = max(1, width // 2)
        return "\n".join(label[i : i + step] for i in range(0, len(label), step))
    return "\n".join(textwrap.wrap(label, width)) or label


def _style_axes(ax: Any, *, value_axis: str) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis=value_axis, color=GRID, linewidth=0.6)
    ax.tick_params(length=3)


# --- The charts -----------------------------------------------------------------------


def sessions_by_period_svg(
    *,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    title: str = "",
    name: str = "sessions_by_period",
) -> SafeString | None:
    """Fig. 1: a group of bars per period (x; labels as given, "\\n" breaks a line), one
    bar per community (`series`: its name and one count per period). None when there is
    nothing to draw."""
    if not periods or not series or not any(any(counts) for _, counts in series):
        return None
    n_series = len(series)
    width = 0.8 / n_series
    with _LOCK, matplotlib.rc_context(RC):
        fig = _figure(5.6, 3.4)
        ax = fig.add_subplot()
        for i, (label, counts) in enumerate(series):
            offset = (i - (n_series - 1) / 2) * width
            bars = ax.bar(
                [p + offset for p in range(len(periods))],
                list(counts),
                width=width,
                label=label,
                color=PALETTE[i % len(PALETTE)],
                hatch=HATCHES[i % len(HATCHES)],
                edgecolor=EDGE,
                linewidth=0.5,
            )
            for p, bar in enumerate(bars):
                bar.set_gid(f"{BAR_ID}-{i}-{p}")
        ax.set_xticks(range(len(periods)), list(periods), fontsize=9)
        for label in ax.get_xticklabels():
            # CJK fonts' line boxes are taller than DejaVu's, which the layout measures.
            label.set_linespacing(1.45)
        ax.set_ylabel(_("Sessions"), labelpad=LABEL_PAD)
        ax.yaxis.get_major_locator().set_params(integer=True)
        _style_axes(ax, value_axis="y")
        # Two rows from four communities on, from the left: on a phone the chart scrolls
        # sideways and the whole legend stays on the first screen.
        fig.legend(
            loc="outside upper left",
            ncols=n_series if n_series <= 3 else math.ceil(n_series / 2),
            frameon=False,
            handlelength=1.6,
            columnspacing=1.4,
        )
        return _render(fig, name=name, title=title or _("Sessions per community per six months"))


def categories_svg(
    *,
    items: Sequence[tuple[str, int, float | None]],
    title: str = "",
    name: str = "categories",
) -> SafeString | None:
    """Fig. 2: one horizontal bar per category (label, sessions, share in %), largest
    first from the top, each labelled with its share; a category without sessions keeps
    its place at the bottom (0.0%), as in the table beside it. None when no session."""
    rows = sorted(items, key=lambda item: -item[1])  # stable: the report's order breaks ties
    if not rows or rows[0][1] <= 0:
        return None
    total = sum(count for _, count, _ in rows)
    shares = [share if share is not None else 100.0 * count / total for _, count, share in rows]
    with _LOCK, matplotlib.rc_context(RC):
        fig = _figure(4.8, 0.4 * len(rows) + 0.7)
        ax = fig.add_subplot()
        positions = list(range(len(rows)))[::-1]  # largest at the top
        bars = ax.barh(
            positions,
            shares,
            height=0.62,
            color=PALETTE[0],
            edgecolor=EDGE,
            linewidth=0.5,
        )
        for k, bar in enumerate(bars):
            bar.set_gid(f"{BAR_ID}-0-{k}")
        # A touch larger than Fig. 1: this chart is narrow enough not to scroll on a phone.
        ax.set_yticks(positions, [_wrap(label, 30) for label, _, _ in rows], fontsize=11)
        for position, share in zip(positions, shares, strict=True):
            ax.annotate(
                f"{statistics.format_percent(share)}%",
                (share, position),
                xytext=(4, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                fontsize=10,
            )
        ax.set_xlim(0, max(shares) * 1.18)
        ax.set_xlabel(_("Share of sessions (%)"), labelpad=LABEL_PAD)
        ax.tick_params(axis="y", length=0)
        _style_axes(ax, value_axis="x")
        return _render(fig, name=name, title=title or _("Share of each content category"))


# --- From the report ------------------------------------------------------------------


def report_charts(report: dict[str, Any]) -> dict[str, str]:
    """The report's charts by name; a chart without data is left out."""
    charts: dict[str, str] = {}
    process = report.get("service_process") or {}
    periods = process.get("periods") or {}
    communities = (report.get("meta") or {}).get("communities") or []
    names = {community["code"]: community["display_name"] for community in communities}
    language = get_language() or ""
    svg = _cached_sessions_by_period(
        # One line per end of the period: six of them fit under the chart in either language.
        tuple(
            period_label(column).replace(" – ", " –\n") for column in periods.get("columns") or []
        ),
        tuple(
            (names.get(row["community"], row["community"]), tuple(row["counts"]))
            for row in periods.get("rows") or []
        ),
        language,
    )
    if svg is not None:
        charts["sessions_by_period"] = svg
    content = report.get("service_content") or {}
    svg = _cached_categories(
        tuple(
            (category["label"], category["sessions"], category["percent"])
            for category in content.get("categories") or []
        ),
        language,
    )
    if svg is not None:
        charts["categories"] = svg
    return charts


# A chart takes some 150 ms to lay out and write; the same report asked again (the
# page, then its print, a colleague's look) reuses it. The language is part of the key:
# the axis labels are translated inside.
@functools.lru_cache(maxsize=64)
def _cached_sessions_by_period(
    periods: tuple[str, ...], series: tuple[tuple[str, tuple[int, ...]], ...], language: str
) -> SafeString | None:
    return sessions_by_period_svg(periods=periods, series=series)


@functools.lru_cache(maxsize=64)
def _cached_categories(
    items: tuple[tuple[str, int, float | None], ...], language: str
) -> SafeString | None:
    return categories_svg(items=items)
