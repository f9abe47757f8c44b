"""Numbers of the program report as the paper prints them.

The report dict (docs/report-json.md) holds raw floats; the page rounds them here, the same
way statistics.py rounds the printed tests: percentages and means to one decimal, a real
minus sign, "–" where there is no number (a share of nobody, no SD).
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django import template
from django.utils import dateformat, timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from tongban.reports import statistics

register = template.Library()

NONE = "–"  # en dash: no number, unlike 0


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


@register.filter
def decimals(value: Any, places: int = 1) -> str:
    """`{{ x|decimals }}` → "78.4"; `{{ x|decimals:2 }}` → "0.67"; "–" for none."""
    x = _number(value)
    if x is None:
        return NONE
    text = f"{x:.{int(places)}f}"
    if text.lstrip("-").strip("0.") == "":
        text = text.lstrip("-")  # −0.0 has no sign
    return text.replace("-", statistics.MINUS)


@register.filter
def pct(value: Any) -> str:
    """A percentage to one decimal, without the sign: 79.1666 → "79.2"; "–" for none."""
    return statistics.format_percent(_number(value)) or NONE


@register.filter
def whole(value: Any) -> str:
    """A count or a measured whole number (40.0 minutes → "40"); "–" for none."""
    x = _number(value)
    if x is None:
        return NONE
    return str(round(x)).replace("-", statistics.MINUS)


def _year_month(day: date) -> str:
    # A date format (PHP style, as Django's date filter) translated per language: "Jan 2014"
    # in English, "2014年1月" in Chinese. Short enough for six labels under a chart.
    return dateformat.format(day, pgettext("short month and year (Django date format)", "M Y"))


@register.filter
def year_month(value: Any) -> str:
    """An ISO date of the report as its month: "2014年1月", "Jan 2014"."""
    try:
        return _year_month(date.fromisoformat(str(value)))
    except ValueError:
        return NONE


@register.filter
def period_label(column: dict[str, Any]) -> str:
    """A six-month period of the report: "2013年7月 – 2013年12月", "Jul 2013 – Dec 2013"."""
    try:
        start = date.fromisoformat(column["starts_on"])
        end = date.fromisoformat(column["ends_on"])
    except (KeyError, TypeError, ValueError):
        return str(column.get("label", "")) if isinstance(column, dict) else ""
    return f"{_year_month(start)} – {_year_month(end)}"


@register.filter
def iso_date(value: Any) -> str:
    """An ISO date string of the report in the page's format."""
    try:
        return date_format(date.fromisoformat(str(value)))
    except ValueError:
        return NONE


@register.filter
def community_name(code: str, report: dict[str, Any]) -> str:
    """A community code of the report as its display name."""
    for community in (report or {}).get("meta", {}).get("communities", []):
        if community.get("code") == code:
            return community.get("display_name") or code
    return code


@register.filter
def get(mapping: Any, key: Any) -> Any:
    """`{{ n|get:"peer" }}`: a dict's value by a key held in a variable."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.filter
def iso_datetime(value: Any) -> str:
    """An ISO datetime of the report (UTC) in the page's time zone and format."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return NONE
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


@register.filter
def nonzero(items: Any, key: str = "count") -> list[dict[str, Any]]:
    """The items whose `key` is not 0: the reasons someone was not assessed, say."""
    return [item for item in items or () if item.get(key)]


@register.filter
def by_domain(questions: Any) -> list[dict[str, Any]]:
    """The evaluation's questions grouped by domain, satisfaction first (the paper's order),
    each group in the questions' order."""
    groups: dict[str, dict[str, Any]] = {}
    for question in questions or ():
        domain = question.get("domain", "")
        group = groups.setdefault(
            domain, {"key": domain, "label": question.get("domain_label", ""), "questions": []}
        )
        group["questions"].append(question)
    order = {"satisfaction": 0, "benefit": 1}
    return sorted(groups.values(), key=lambda group: order.get(group["key"], 2))
