"""The report's charts (tongban.reports.charts), its number filters (report_format) and the
page template that embeds them, on hand-typed report dicts shaped as docs/report-json.md.

The reference numbers are the paper's: Fig. 1's sessions per community per six months are
the demo's counts (214 in all, χ²(15) = 48.75), typed in here; Fig. 2's shares are counts of
214. Nothing here calls report.build: the charts are checked against the numbers given.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from tongban.registry.models import Community
from tongban.reports import charts
from tongban.reports.forms import ReportFilterForm
from tongban.reports.templatetags import report_format

SVG = "{http://www.w3.org/2000/svg}"
COMMUNITIES = [
    ("tuanjiehu", "团结湖", "Tuanjiehu"),
    ("maizidian", "麦子店", "Maizidian"),
    ("xiangheyuan", "香河园", "Xiangheyuan"),
    ("jinsong", "劲松", "Jinsong"),
]
# Fig. 1, Jul 2013 – Jun 2016, six periods.
COUNTS = {
    "tuanjiehu": [4, 13, 13, 0, 11, 38],
    "maizidian": [3, 6, 13, 10, 29, 28],
    "xiangheyuan": [0, 0, 0, 0, 11, 13],
    "jinsong": [0, 0, 0, 0, 9, 13],
}
PERIODS = [
    ("2013-07-01", "2013-12-31"),
    ("2014-01-01", "2014-06-30"),
    ("2014-07-01", "2014-12-31"),
    ("2015-01-01", "2015-06-30"),
    ("2015-07-01", "2015-12-31"),
    ("2016-01-01", "2016-06-30"),
]
# Fig. 2, in the categories' order (not by size: the chart sorts).
CATEGORIES = [
    ("daily_life_skills", "日常生活技能", 34),
    ("social_skills", "社交（人际）技能", 27),
    ("knowledge", "精神疾病知识", 23),
    ("entertainment", "娱乐", 24),
    ("fine_motor_exercise", "精细动作练习与锻炼", 41),
    ("personal_perceptions", "自我认知", 14),
    ("healthy_lifestyle", "健康生活方式", 19),
    ("emotional_support", "情感支持", 32),
]


def _test(printed: str, printed_test: str = "pearson_chi_square") -> dict:
    return {
        "test": "pearson_chi_square",
        "label": "Pearson chi-square",
        "computed": True,
        "statistic": 1.0,
        "df": 1.0,
        "df2": None,
        "p": 0.5,
        "reason": None,
        "message": "",
        "printed": printed,
        "printed_test": printed_test,
    }


def paper_report(*, peer_view: bool = False) -> dict:
    """A report dict in the documented shape, with the paper's numbers where it has them."""
    total = sum(sum(counts) for counts in COUNTS.values())
    report = {
        "schema": 1,
        "meta": {
            "program": {"slug": "paper", "display_name": "朝阳区社区同伴支持服务"},
            "date_from": "2013-07-01",
            "date_to": "2016-06-30",
            "communities": [
                {"code": code, "name": name, "name_en": en, "display_name": name}
                for code, name, en in COMMUNITIES
            ],
            "peer_view": peer_view,
            "sections": ["service_process", "service_content"],
            "language": "zh-hans",
            "generated_at": "2016-07-01T02:00:00+00:00",
        },
        "service_process": {
            "sessions": total,
            "periods": {
                "months": 6,
                "columns": [
                    {
                        "key": f"P{i}",
                        "index": i,
                        "starts_on": start,
                        "ends_on": end,
                        "months_in_range": 6,
                        "label": f"{start[:7]} – {end[:7]}",
                    }
                    for i, (start, end) in enumerate(PERIODS)
                ],
                "rows": [
                    {"community": code, "counts": list(counts), "total": sum(counts)}
                    for code, counts in COUNTS.items()
                ],
                "totals": [sum(column) for column in zip(*COUNTS.values(), strict=True)],
                "test": _test("χ²(15) = 48.75, p < 0.001"),
            },
            "frequency": {
                "basis": "first_to_last_session_month",
                "communities": [
                    {
                        "community": code,
                        "sessions": sum(counts),
                        "first_held_on": "2013-08-05",
                        "last_held_on": "2016-06-29",
                        "months": 35,
                        "per_month": sum(counts) / 35,
                    }
                    for code, counts in COUNTS.items()
                ],
                "per_month": total / 36,
            },
            "duration": {
                "unit": "minutes",
                "n": total,
                "minimum": 40,
                "maximum": 120,
                "mean": 74.6,
                "sd": 16.6,
                "printed": "74.6 ± 16.6",
            },
            "formats": [{"key": "lecture", "label": "讲座", "sessions": total, "percent": 100.0}],
            "venue_kinds": [
                {"key": "outdoors", "label": "户外", "sessions": total, "percent": 100.0}
            ],
            "peers": {"minimum": 2, "fewer_than_minimum": 0, "percent": 0.0},
            "attendance": {
                "attendances": 1443,
                "mean_per_session": 1443 / total,
                "consumers_reached": 50,
                "walk_ins": 0,
            },
            "adverse_events": {"events": 0, "per_100_sessions": 0.0, "kinds": []},
        },
        "service_content": {
            "sessions": total,
            "categories": sorted(
                (
                    {"key": key, "label": label, "sessions": n, "percent": 100 * n / total}
                    for key, label, n in CATEGORIES
                ),
                key=lambda c: -c["sessions"],
            ),
        },
    }
    if not peer_view:
        report["meta"]["sections"] += ["participants", "training_supervision", "evaluation"]
        report["participants"] = {
            "enrolment": {
                "years": [2013, 2014, 2015, 2016],
                "counted_on": ["2013-12-31", "2014-12-31", "2015-12-31", "2016-06-30"],
                "peer": {
                    "rows": [
                        {"community": "tuanjiehu", "counts": [5, 5, 4, 4]},
                        {"community": "maizidian", "counts": [2, 2, 2, 2]},
                    ],
                    "totals": [7, 7, 6, 6],
                    "test": _test("χ²(9) = 10.30, p = 0.326"),
                },
                "consumer": {
                    "rows": [{"community": "tuanjiehu", "counts": [10, 11, 14, 14]}],
                    "totals": [10, 11, 14, 14],
                    "test": _test("χ²(9) = 27.73, p = 0.001"),
                },
            },
            "demographics": {
                "as_of": "2016-06-30",
                "groups": ["peer", "consumer"],
                "group_labels": {"peer": "同伴", "consumer": "服务对象"},
                "n": {"peer": 12, "consumer": 50},
                "age": {
                    "unit": "years",
                    "peer": {"n": 12, "mean": 40.17, "sd": 8.94, "printed": "40.2 ± 8.9"},
                    "consumer": {"n": 50, "mean": 48.26, "sd": 8.25, "printed": "48.3 ± 8.2"},
                    "missing": {"peer": 0, "consumer": 0},
                    "normality": {
                        "peer": {"label": "Shapiro–Wilk", "printed": "W = 0.91, p = 0.214"},
                        "consumer": {"label": "Shapiro–Wilk", "printed": "W = 0.93, p = 0.008"},
                    },
                    "test": {
                        **_test("t = −2.99, p = 0.004", ""),
                        "welch": {"label": "Welch", "printed": "t = −2.86, p = 0.012"},
                        "levene": {"label": "Levene", "printed": "F = 0.12, p = 0.733"},
                    },
                },
                "variables": [
                    {
                        "key": "working_status",
                        "label": "就业状况",
                        "categories": [
                            {
                                "key": "yes",
                                "label": "有工作",
                                "peer": 4,
                                "peer_percent": 100 * 4 / 12,
                                "consumer": 4,
                                "consumer_percent": 8.0,
                            },
                            {
                                "key": "no",
                                "label": "无工作",
                                "peer": 8,
                                "peer_percent": 100 * 8 / 12,
                                "consumer": 46,
                                "consumer_percent": 92.0,
                            },
                        ],
                        "missing": {"peer": 0, "consumer": 0},
                        "test": _test("χ²(1) = 5.53, p = 0.039", "fisher_exact"),
                    }
                ],
            },
        }
        report["training_supervision"] = {
            "available": False,
            "message": "No training or supervision records are kept yet.",
            "workshops": None,
            "supervision": None,
            "issues": [],
            "actions": None,
        }
        reasons = [{"key": "personal_issues", "label": "个人原因", "count": 3}]
        report["evaluation"] = {
            "rounds": [
                {
                    "display_name": "2014年12月评估",
                    "starts_on": "2014-12-01",
                    "ends_on": "2014-12-31",
                    "communities": ["tuanjiehu", "maizidian"],
                }
            ],
            "respondents": [
                {
                    "key": "consumer",
                    "label": "服务对象",
                    "respondents": 24,
                    "interviewed": 21,
                    "not_assessed": 3,
                    "reasons": reasons,
                }
            ],
            "questions": [
                {
                    "code": "consumer_better_social_skills",
                    "respondent": "consumer",
                    "respondent_label": "服务对象",
                    "domain": "benefit",
                    "domain_label": "获益",
                    "display_wording": "社交沟通能力有提高吗？",
                    "respondents": 24,
                    "not_assessed": 3,
                    "reasons": reasons,
                    "interviewed": 21,
                    "yes": 10,
                    "no": 11,
                    "answered": 21,
                    "unanswered": 0,
                    "yes_percent": 100 * 10 / 24,
                    "yes_percent_answered": 100 * 10 / 21,
                    "test": _test("χ²(1) = 0.05, p = 0.827", ""),
                },
                {
                    "code": "consumer_satisfied_with_peers",
                    "respondent": "consumer",
                    "respondent_label": "服务对象",
                    "domain": "satisfaction",
                    "domain_label": "满意度",
                    "display_wording": "您对同伴满意吗？",
                    "respondents": 24,
                    "not_assessed": 3,
                    "reasons": reasons,
                    "interviewed": 21,
                    "yes": 19,
                    "no": 2,
                    "answered": 21,
                    "unanswered": 0,
                    "yes_percent": 100 * 19 / 24,
                    "yes_percent_answered": 100 * 19 / 21,
                    "test": _test("χ²(1) = 13.76, p < 0.001", ""),
                },
            ],
        }
    return report


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _bars(root: ET.Element, chart: str) -> dict[tuple[int, int], ET.Element]:
    pattern = re.compile(rf"^{chart}-bar-(\d+)-(\d+)$")
    out = {}
    for g in root.iter(f"{SVG}g"):
        match = pattern.match(g.get("id", ""))
        if match:
            out[(int(match[1]), int(match[2]))] = g.find(f"{SVG}path")
    return out


def _box(path: ET.Element) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 of a bar's rectangle path ("M x y L x y L x y L x y z")."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.fixture
def zh():
    with translation.override("zh-hans"):
        yield


# --- Fig. 1 ---------------------------------------------------------------------------


def test_sessions_chart_is_scalable_xml_with_chinese_text(zh):
    svg = charts.report_charts(paper_report())["sessions_by_period"]
    root = _parse(svg)  # well-formed XML, embeddable inline
    assert root.tag == f"{SVG}svg"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox"))
    assert root.get("width") is None and root.get("height") is None
    assert "Noto Sans CJK SC" in root.get("font-family")
    texts = _texts(root)
    for _code, name, _en in COMMUNITIES:
        assert name in texts  # the legend, as text the browser draws, not glyph outlines
    # Each period's label is two lines (two <text>s), its first and its last month.
    for start, end in PERIODS:
        assert f"{report_format.year_month(start)} –" in texts
        assert report_format.year_month(end) in texts
    # No glyph outlines anywhere: fonttype "none" writes no font paths or <use> of glyphs.
    assert not [e for e in root.iter() if "DejaVu" in (e.get("id") or "")]
    hrefs = [u.get("{http://www.w3.org/1999/xlink}href") for u in root.iter(f"{SVG}use")]
    assert hrefs and not [h for h in hrefs if "DejaVu" in h]  # <use>: tick marks only


def test_one_bar_per_period_and_community_with_heights_in_proportion(zh):
    root = _parse(charts.report_charts(paper_report())["sessions_by_period"])
    bars = _bars(root, "sessions_by_period")
    assert len(bars) == len(COUNTS) * len(PERIODS) == 24
    # Height per session is the same for every bar (the y axis starts at 0).
    scale = {}
    for (series, period), path in bars.items():
        count = list(COUNTS.values())[series][period]
        x0, y0, x1, y1 = _box(path)
        if count:
            scale[(series, period)] = (y1 - y0) / count
        else:
            assert y1 - y0 == pytest.approx(0, abs=1e-6)
    assert max(scale.values()) == pytest.approx(min(scale.values()), rel=1e-4)
    # Within a period the communities stand left to right in the report's order.
    for period in range(len(PERIODS)):
        lefts = [_box(bars[(series, period)])[0] for series in range(len(COUNTS))]
        assert lefts == sorted(lefts)


def test_communities_differ_in_fill_and_hatch_for_a_greyscale_print(zh):
    root = _parse(charts.report_charts(paper_report())["sessions_by_period"])
    bars = _bars(root, "sessions_by_period")
    fills = [bars[(series, 0)].get("fill") for series in range(len(COUNTS))]
    assert len(set(fills)) == len(COUNTS)
    patterns = [f for f in fills if f.startswith("url(#")]
    assert len(patterns) >= len(COUNTS) - 1  # all but the first are hatched
    # Okabe–Ito colours: no red–green pair, every one distinct in lightness too.
    lightness = []
    for colour in charts.PALETTE[: len(COUNTS)]:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        lightness.append(0.299 * r + 0.587 * g + 0.114 * b)
    assert len({round(x / 10) for x in lightness}) == len(lightness)


def test_labels_are_escaped_and_never_mathtext(zh):
    odd = ["<b>甲&乙</b>", "$x^2$", 'id="x" style="fill: red" url(#y)']
    svg = charts.sessions_by_period_svg(periods=["a"], series=[(name, [1]) for name in odd])
    texts = _texts(_parse(svg))
    for name in odd:
        assert name in texts  # as typed: not markup, not TeX, not rewritten
    assert "<b>" not in svg


def test_inline_svg_survives_the_sites_csp_and_its_neighbours(zh):
    """style-src 'self' blocks style attributes and <style>; two charts share no id."""
    found = charts.report_charts(paper_report())
    ids: list[str] = []
    for svg in found.values():
        root = _parse(svg)
        assert not [e for e in root.iter() if e.get("style") is not None]
        assert not list(root.iter(f"{SVG}style"))
        ids += [e.get("id") for e in root.iter() if e.get("id")]
        refs = re.findall(r"url\(#([^)]+)\)", svg)
        assert set(refs) <= set(ids)
    assert len(ids) == len(set(ids))


# --- Fig. 2 ---------------------------------------------------------------------------


def test_categories_largest_first_labelled_with_their_share(zh):
    report = paper_report()
    report["service_content"]["categories"].reverse()  # the chart must sort, not trust
    root = _parse(charts.report_charts(report)["categories"])
    bars = _bars(root, "categories")
    assert len(bars) == len(CATEGORIES)
    tops = [_box(bars[(0, k)])[1] for k in range(len(CATEGORIES))]
    assert tops == sorted(tops)  # bar 0 (the largest) at the top
    widths = [_box(bars[(0, k)])[2] - _box(bars[(0, k)])[0] for k in range(len(CATEGORIES))]
    assert widths == sorted(widths, reverse=True)
    texts = _texts(root)
    by_size = sorted(CATEGORIES, key=lambda c: -c[2])
    labels = [t for t in texts if t in {label for _, label, _ in CATEGORIES}]
    assert labels == [label for _, label, _ in by_size]
    assert "19.2%" in texts  # 41 of 214, Fig. 2's 19 %
    assert "6.5%" in texts  # 14 of 214


def test_a_category_without_sessions_stays_at_the_bottom_with_no_bar(zh):
    items = [(label, n, 100 * n / 200) for _, label, n in CATEGORIES]
    items[0] = ("日常生活技能", 0, 0.0)
    root = _parse(charts.categories_svg(items=items))
    bars = _bars(root, "categories")
    assert len(bars) == len(CATEGORIES)
    x0, _y0, x1, _y1 = _box(bars[(0, len(CATEGORIES) - 1)])
    assert x1 - x0 == pytest.approx(0, abs=1e-6)
    assert "0.0%" in _texts(root)


def test_english_report_gets_english_axis_labels():
    with translation.override("en"):
        found = charts.report_charts(paper_report())
        texts = _texts(_parse(found["sessions_by_period"]))
        assert "Sessions" in texts
        assert "Jul 2013 –" in texts and "Dec 2013" in texts


# --- No data, no chart ----------------------------------------------------------------


def test_no_sessions_no_chart(zh):
    report = paper_report()
    for row in report["service_process"]["periods"]["rows"]:
        row["counts"] = [0] * len(PERIODS)
    for category in report["service_content"]["categories"]:
        category["sessions"], category["percent"] = 0, None
    assert charts.report_charts(report) == {}
    assert charts.report_charts({"schema": 1, "meta": {"communities": []}}) == {}
    assert charts.sessions_by_period_svg(periods=[], series=[]) is None
    assert charts.categories_svg(items=[]) is None


def test_fast_enough_for_the_demo(zh):
    charts._cached_sessions_by_period.cache_clear()
    charts._cached_categories.cache_clear()
    report = paper_report()
    started = time.perf_counter()
    found = charts.report_charts(report)
    assert time.perf_counter() - started < 1.0
    assert set(found) == {"sessions_by_period", "categories"}


def test_the_same_report_reuses_its_charts_per_language(zh):
    first = charts.report_charts(paper_report())
    again = charts.report_charts(paper_report())
    assert again["sessions_by_period"] is first["sessions_by_period"]
    with translation.override("en"):
        english = charts.report_charts(paper_report())
    assert english["sessions_by_period"] != first["sessions_by_period"]
    changed = paper_report()
    changed["service_process"]["periods"]["rows"][0]["counts"][0] += 1
    assert charts.report_charts(changed)["sessions_by_period"] != first["sessions_by_period"]


# --- Number filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(79.16666666666667, "79.2"), (0.0, "0.0"), (None, "–"), (float("nan"), "–"), (100, "100.0")],
)
def test_pct(value, expected):
    assert report_format.pct(value) == expected


def test_decimals_and_whole():
    assert report_format.decimals(2.2571428, 1) == "2.3"
    assert report_format.decimals(-2.99, 2) == "−2.99"
    assert report_format.decimals(-0.01, 1) == "0.0"
    assert report_format.decimals(None) == "–"
    assert report_format.whole(40.0) == "40"
    assert report_format.whole(None) == "–"


def test_period_label_in_both_languages():
    column = {"starts_on": "2013-07-01", "ends_on": "2013-12-31", "label": "x"}
    with translation.override("en"):
        assert report_format.period_label(column) == "Jul 2013 – Dec 2013"
    assert report_format.period_label({"label": "2013-07 – 2013-12"}) == "2013-07 – 2013-12"


def test_by_domain_puts_satisfaction_first_and_keeps_order():
    questions = paper_report()["evaluation"]["questions"]
    groups = report_format.by_domain(questions)
    assert [g["key"] for g in groups] == ["satisfaction", "benefit"]
    assert [q["code"] for q in groups[1]["questions"]] == ["consumer_better_social_skills"]


# --- The page template ----------------------------------------------------------------


def _page(report: dict | None, *, charts_for: dict | None = None, query=None) -> str:
    request = RequestFactory().get("/reports/program/", query or {"date_from": "2013-07-01"})
    request.user = AnonymousUser()
    # Unbound unless asked: the form's defaults need a program, the template does not.
    form = ReportFilterForm(
        request.GET if query else None, communities=Community.objects.none(), program=None
    )
    context = {
        "form": form,
        "report": report,
        "charts": charts.report_charts(report) if report and charts_for is None else charts_for,
    }
    return render_to_string("reports/program_report.html", context, request=request)


@pytest.mark.django_db
def test_page_shows_every_section_with_tables_charts_and_printed_tests(zh):
    html = _page(paper_report())
    for section in (
        "service-process",
        "service-content",
        "participants",
        "training-supervision",
        "evaluation",
    ):
        assert f'id="{section}"' in html
    assert html.count("<svg") == 2
    assert "χ²(15) = 48.75, p &lt; 0.001" in html or "χ²(15) = 48.75, p < 0.001" in html
    assert "χ²(9) = 10.30, p = 0.326" in html
    assert "χ²(1) = 5.53, p = 0.039" in html and 'class="fisher"' in html  # Fisher's p
    assert "40.2 ± 8.9" in html
    assert ">79.2<" in html and ">90.5<" in html  # 19 of 24 and 19 of 21
    assert ">19.2<" in html  # Fig. 2's table
    # Satisfaction before benefit, whatever the questions' order.
    assert html.index("您对同伴满意吗") < html.index("社交沟通能力有提高吗")
    assert "?date_from=2013-07-01" in html  # the JSON link keeps the parameters


@pytest.mark.django_db
def test_peer_page_has_only_process_and_content(zh):
    html = _page(paper_report(peer_view=True))
    assert 'id="service-process"' in html and 'id="service-content"' in html
    for section in ("participants", "training-supervision", "evaluation"):
        assert f'id="{section}"' not in html


@pytest.mark.django_db
def test_page_without_data_says_so_instead_of_a_chart(zh):
    html = _page(paper_report(), charts_for={})
    assert "<svg" not in html
    assert html.count('class="chart-empty') == 2


@pytest.mark.django_db
def test_page_with_invalid_form_shows_no_report_and_the_error_by_its_field(zh):
    html = _page(None, charts_for={}, query={"date_from": "2013-13-45"})
    assert 'id="service-process"' not in html
    assert 'id="error-summary"' in html
    field = html[html.index('id="field-date_from"') :]
    assert 'class="error"' in field[: field.index("</div>")]
