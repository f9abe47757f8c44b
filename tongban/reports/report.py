"""The program report (issue 9, item 4) as one JSON-ready dictionary.

`report_params(user, ...)` turns a user's request into the report's parameters within their
scope; `params_for(program, ...)` does the same for the whole program (the command line).
`build(params)` runs a fixed number of grouped queries (selectors.py) and the statistics, and
returns only str/int/float/None/list/dict. The keys are documented in docs/report-json.md:
change that file with them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import Any

from django.db.models import F, Q, TextChoices
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tongban.activities.models import PEERS_PER_SESSION, Category, Format
from tongban.core import scope
from tongban.core.models import bilingual
from tongban.emergencies.models import EmergencyEvent
from tongban.evaluation.models import Domain, Interview, NotAssessedReason, Respondent
from tongban.registry.models import (
    Community,
    Diagnosis,
    Education,
    Enrolment,
    MaritalStatus,
    Program,
    Sex,
    Venue,
    WorkingStatus,
)
from tongban.supervision.models import IssueCategory, SupportPhase
from tongban.supervision.phases import Phase
from tongban.supervision.phases import phases as support_phases

from . import selectors, statistics

SCHEMA = 1
SECTIONS = (
    "service_process",
    "service_content",
    "participants",
    "training_supervision",
    "evaluation",
)
PEER_SECTIONS = ("service_process", "service_content")
GROUPS = (Enrolment.Role.PEER.value, Enrolment.Role.CONSUMER.value)
FREQUENCY_BASIS = "first_to_last_session_month"
# The queries build() runs (tests/reports/test_report_queries.py): sessions grouped, sessions
# with two peers, attendance, adverse events; Table 1, Table 2's counts and ages; training
# sessions, the curriculum's size, peers trained, meetings by year, issues, actions, requests,
# their middle answer times, the support phases, guidance by phase; rounds, questions,
# interview outcomes, answers. A peer's report: the first four.
QUERIES = 21
PEER_QUERIES = 4


@dataclass(frozen=True)
class ReportParams:
    program: Program
    date_from: date
    date_to: date
    communities: tuple[Community, ...]
    peer_view: bool = False


def default_range(program: Program, today: date | None = None) -> tuple[date, date]:
    """The program's start to its end, or to today while it runs (or before it starts)."""
    today = today or timezone.localdate()
    end = program.ended_on or max(today, program.started_on)
    return program.started_on, end


# Dates a report may cover (the period arithmetic and the last day + 1 stay in range), and
# the longest range: Table 1 has a column per calendar year.
EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
MAX_YEARS = 50


def date_error(day: date) -> str:
    """Why `day` cannot bound a report; "" when it can."""
    if not EARLIEST <= day <= LATEST:
        return _("Choose a date between %(earliest)s and %(latest)s.") % {
            "earliest": EARLIEST.isoformat(),
            "latest": LATEST.isoformat(),
        }
    return ""


def range_error(date_from: date, date_to: date) -> str:
    """Why the range cannot be reported; "" when it can."""
    if date_from > date_to:
        return _("The end date must not be before the start date.")
    if date_to.year - date_from.year >= MAX_YEARS:
        return _("A report covers at most %(years)d calendar years.") % {"years": MAX_YEARS}
    return ""


def _in_order(communities) -> tuple[Community, ...]:
    """Order of service start (never started last), then creation: the paper's order."""
    return tuple(communities.order_by(F("started_on").asc(nulls_last=True), "pk"))


def params_for(
    program: Program,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    communities: Iterable[Community] | None = None,
    peer_view: bool = False,
) -> ReportParams:
    """Parameters for `program`; communities default to all of the program's."""
    default_from, default_to = default_range(program)
    date_from = date_from or default_from
    date_to = date_to or default_to
    error = date_error(date_from) or date_error(date_to) or range_error(date_from, date_to)
    if error:
        raise ValueError(error)
    chosen = program.communities.all()
    if communities is not None:
        chosen = chosen.filter(pk__in=[c.pk for c in communities])
    return ReportParams(
        program=program,
        date_from=date_from,
        date_to=date_to,
        communities=_in_order(chosen),
        peer_view=peer_view,
    )


def report_params(
    user,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    community_ids: Iterable[int] | None = None,
) -> ReportParams:
    """The report a user may see: their chosen program, their communities (those of
    `community_ids` among them, else all). A peer's communities are their own (where they
    are a peer), and they get only the service sections (`peer_view`). No program: 404."""
    program = scope.program(user)
    if program is None:
        raise Http404
    allowed = scope.communities(user)
    ids = list(community_ids or ())
    if ids:
        allowed = allowed.filter(pk__in=ids)
    return params_for(
        program,
        date_from=date_from,
        date_to=date_to,
        communities=list(allowed),
        peer_view=user.is_peer,
    )


# --- Shared shapes ------------------------------------------------------------------------


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def test_dict(result: statistics.Result) -> dict[str, Any]:
    """The report's test object (docs/report-json.md, "The test object")."""
    out = result.as_dict()
    out.update(label=result.label, computed=result.computed, message=result.message)
    return out


def crosstab_dict(
    table: Sequence[Sequence[int]], rows: Sequence[Any], columns: Sequence[Any]
) -> dict[str, Any]:
    """The cross-table test of `table` (rows × columns of counts), keys named."""
    result = statistics.crosstab(table)
    out = test_dict(result.pearson)
    out.update(
        pearson_p=result.pearson.p,
        fisher_p=result.fisher.p if result.fisher else None,
        yates=test_dict(result.yates) if result.yates else None,
        printed_p=result.printed_p,
        printed_test=result.printed_test,
        printed=result.printed(),
        rows=list(rows),
        columns=list(columns),
        kept_rows=[rows[i] for i in result.kept_rows],
        kept_columns=[columns[j] for j in result.kept_columns],
        table=[list(row) for row in result.table],
        expected=[list(row) for row in result.expected],
        min_expected=result.min_expected,
    )
    return out


def _shares(choices: type[TextChoices], counts: dict[str, int], total: int) -> list[dict[str, Any]]:
    """Every choice in its order with its sessions and share; values outside the choices
    (older data) after them, so that nothing counted goes missing."""
    keys = list(choices.values) + sorted(k for k in counts if k not in choices.values)
    labels = dict(choices.choices)
    return [
        {
            "key": key,
            "label": str(labels.get(key, key)),
            "sessions": counts.get(key, 0),
            "percent": statistics.percent(counts.get(key, 0), total),
        }
        for key in keys
    ]


def _community_dict(community: Community) -> dict[str, Any]:
    return {
        "code": community.code,
        "name": community.name,
        "name_en": community.name_en,
        "display_name": community.display_name,
        "started_on": _iso(community.started_on),
        "ended_on": _iso(community.ended_on),
    }


def _meta(params: ReportParams, sections: Sequence[str]) -> dict[str, Any]:
    program = params.program
    return {
        "program": {
            "slug": program.slug,
            "name": program.name,
            "name_en": program.name_en,
            "display_name": program.display_name,
            "started_on": _iso(program.started_on),
            "ended_on": _iso(program.ended_on),
        },
        "date_from": _iso(params.date_from),
        "date_to": _iso(params.date_to),
        "communities": [_community_dict(c) for c in params.communities],
        "peer_view": params.peer_view,
        "sections": list(sections),
        "language": get_language() or "",
        "generated_at": timezone.now().astimezone(UTC).isoformat(),
    }


# --- Service process ----------------------------------------------------------------------


def _month_start(number: int) -> date:
    """The first day of month `number` (selectors.month_number's count)."""
    return date((number - 1) // 12, (number - 1) % 12 + 1, 1)


def _month_end(number: int) -> date:
    return _month_start(number + 1) - timedelta(days=1)


def _period_of(day: date, start: date) -> int:
    # Python's // floors, as the database expression does with its offset.
    return (selectors.month_number(day) - selectors.month_number(start)) // selectors.PERIOD_MONTHS


def _periods(params: ReportParams) -> list[dict[str, Any]]:
    start = params.program.started_on
    first_month = selectors.month_number(params.date_from)
    last_month = selectors.month_number(params.date_to)
    columns = []
    for index in range(_period_of(params.date_from, start), _period_of(params.date_to, start) + 1):
        begins = selectors.month_number(start) + selectors.PERIOD_MONTHS * index
        ends = begins + selectors.PERIOD_MONTHS - 1
        starts_on, ends_on = _month_start(begins), _month_end(ends)
        columns.append(
            {
                "key": f"P{index}",
                "index": index,
                "starts_on": _iso(starts_on),
                "ends_on": _iso(ends_on),
                "months_in_range": max(0, min(ends, last_month) - max(begins, first_month) + 1),
                "label": f"{starts_on:%Y-%m} – {ends_on:%Y-%m}",
            }
        )
    return columns


def _months_between(first: date, last: date) -> int:
    return selectors.month_number(last) - selectors.month_number(first) + 1


def _duration(groups: list[dict]) -> statistics.Summary:
    """Mean and sample SD of every session's duration from the groups' integer sums: the
    variance is (n·Σx² − (Σx)²) / (n(n − 1)), exact in integers before the one division."""
    n = sum(g["sessions"] for g in groups)
    total = sum(g["duration_sum"] for g in groups)
    squares = sum(g["duration_squares"] for g in groups)
    mean = total / n if n else None
    sd = math.sqrt(max(0, n * squares - total * total) / (n * (n - 1))) if n >= 2 else None
    return statistics.Summary(
        n=n,
        mean=mean,
        sd=sd,
        minimum=min((g["duration_min"] for g in groups), default=None),
        maximum=max((g["duration_max"] for g in groups), default=None),
    )


def _service_process(params: ReportParams, groups: list[dict]) -> dict[str, Any]:
    total = sum(g["sessions"] for g in groups)
    columns = _periods(params)
    position = {column["index"]: j for j, column in enumerate(columns)}
    by_cell: dict[int, list[int]] = {c.pk: [0] * len(columns) for c in params.communities}
    first: dict[int, date] = {}
    last: dict[int, date] = {}
    for row in groups:
        community = row["community_id"]
        by_cell[community][position[row["period"]]] += row["sessions"]
        first[community] = min(first.get(community, row["first"]), row["first"])
        last[community] = max(last.get(community, row["last"]), row["last"])

    rows = []
    frequency = []
    for community in params.communities:
        counts = by_cell[community.pk]
        rows.append(
            {
                "community": community.code,
                "counts": counts,
                "total": sum(counts),
                "per_month": [
                    n / column["months_in_range"] if column["months_in_range"] else None
                    for n, column in zip(counts, columns, strict=True)
                ],
            }
        )
        begins, ends = first.get(community.pk), last.get(community.pk)
        months = _months_between(begins, ends) if begins else None
        frequency.append(
            {
                "community": community.code,
                "sessions": sum(counts),
                "first_held_on": _iso(begins),
                "last_held_on": _iso(ends),
                "months": months,
                "per_month": sum(counts) / months if months else None,
            }
        )
    overall_months = _months_between(min(first.values()), max(last.values())) if first else None

    formats: dict[str, int] = defaultdict(int)
    venues: dict[str, int] = defaultdict(int)
    for row in groups:
        formats[row["format"]] += row["sessions"]
        venues[row["venue_kind"]] += row["sessions"]

    duration = _duration(groups)
    fewer = total - selectors.sessions_with_peers(params, PEERS_PER_SESSION)
    attendance = selectors.attendance_summary(params)
    events = {row["kind"]: row["events"] for row in selectors.adverse_events_by_kind(params)}
    event_total = sum(events.values())
    kinds = [
        {"key": share["key"], "label": share["label"], "events": share["sessions"]}
        for share in _shares(EmergencyEvent.Kind, events, event_total)
    ]
    return {
        "sessions": total,
        "periods": {
            "months": selectors.PERIOD_MONTHS,
            "columns": columns,
            "rows": rows,
            "totals": [sum(row["counts"][j] for row in rows) for j in range(len(columns))],
            "test": crosstab_dict(
                [row["counts"] for row in rows],
                [c.code for c in params.communities],
                [column["key"] for column in columns],
            ),
        },
        "frequency": {
            "basis": FREQUENCY_BASIS,
            "communities": frequency,
            "per_month": total / overall_months if overall_months else None,
        },
        "duration": {"unit": "minutes", **duration.as_dict(), "printed": duration.printed(1)},
        "formats": _shares(Format, formats, total),
        "venue_kinds": _shares(Venue.Kind, venues, total),
        "peers": {
            "minimum": PEERS_PER_SESSION,
            "fewer_than_minimum": fewer,
            "percent": statistics.percent(fewer, total),
        },
        "attendance": {
            "attendances": attendance["attendances"],
            "mean_per_session": attendance["attendances"] / total if total else None,
            "consumers_reached": attendance["reached"],
            "walk_ins": attendance["walk_ins"],
        },
        "adverse_events": {
            "events": event_total,
            "per_100_sessions": 100 * event_total / total if total else None,
            "kinds": kinds,
        },
    }


def _service_content(groups: list[dict]) -> dict[str, Any]:
    total = sum(g["sessions"] for g in groups)
    counts: dict[str, int] = defaultdict(int)
    for row in groups:
        counts[row["category"]] += row["sessions"]
    categories = _shares(Category, counts, total)
    # Most sessions first; sorted() is stable, so ties keep the categories' order.
    return {"sessions": total, "categories": sorted(categories, key=lambda c: -c["sessions"])}


# --- Participants -------------------------------------------------------------------------


def _enrolment(params: ReportParams) -> dict[str, Any]:
    years = list(range(params.date_from.year, params.date_to.year + 1))
    days = [min(date(year, 12, 31), params.date_to) for year in years]
    found = {
        (row["role"], row["community_id"]): [row[f"n{i}"] for i in range(len(days))]
        for row in selectors.enrolment_by_year(params, days)
    }
    out: dict[str, Any] = {"years": years, "counted_on": [_iso(d) for d in days]}
    for role in GROUPS:
        rows = [
            {"community": c.code, "counts": found.get((role, c.pk), [0] * len(days))}
            for c in params.communities
        ]
        out[role] = {
            "rows": rows,
            "totals": [sum(row["counts"][i] for row in rows) for i in range(len(days))],
            "test": crosstab_dict(
                [row["counts"] for row in rows], [c.code for c in params.communities], years
            ),
        }
    return out


def _variables() -> list[tuple[str, str, list[tuple[str, str, Q]], Q]]:
    """Table 2's variables: key, label, categories (key, label, condition), missing."""

    def levels(field: str, choices: type[TextChoices]) -> list[tuple[str, str, Q]]:
        return [(value, str(label), Q(**{field: value})) for value, label in choices.choices]

    def missing(field: str, choices: type[TextChoices]) -> Q:
        return ~Q(**{f"{field}__in": list(choices.values)})

    working = [
        (
            "yes",
            _("working (part- or full-time)"),
            Q(working_status__in=[WorkingStatus.PART_TIME, WorkingStatus.FULL_TIME]),
        ),
        ("no", _("not working"), Q(working_status=WorkingStatus.NOT_WORKING)),
    ]
    return [
        ("sex", _("sex"), levels("sex", Sex), missing("sex", Sex)),
        ("education", _("education level"), levels("education", Education),
         missing("education", Education)),
        ("marital_status", _("marital status"), levels("marital_status", MaritalStatus),
         missing("marital_status", MaritalStatus)),
        ("working_status", _("working status"), working,
         missing("working_status", WorkingStatus)),
        ("diagnosis", _("diagnosis"), levels("diagnosis", Diagnosis),
         missing("diagnosis", Diagnosis)),
    ]  # fmt: skip


def _demographics(params: ReportParams) -> dict[str, Any]:
    variables = _variables()
    cells: dict[str, Q] = {}
    for key, _label, categories, missing in variables:
        for i, (_value, _name, condition) in enumerate(categories):
            cells[f"{key}_{i}"] = condition
        cells[f"{key}_missing"] = missing
    found = {row["group"]: row for row in selectors.demographic_counts(params, cells)}

    def count(group: str, name: str) -> int:
        return found.get(group, {}).get(name, 0)

    out_variables = []
    for key, label, categories, _missing in variables:
        known = {g: sum(count(g, f"{key}_{i}") for i in range(len(categories))) for g in GROUPS}
        table = [[count(g, f"{key}_{i}") for g in GROUPS] for i in range(len(categories))]
        rows = [value for value, _name, _condition in categories]
        shown = [
            {
                "key": value,
                "label": name,
                **{
                    field: value_
                    for g, n in zip(GROUPS, table[i], strict=True)
                    for field, value_ in ((g, n), (f"{g}_percent", statistics.percent(n, known[g])))
                },
            }
            for i, (value, name, _condition) in enumerate(categories)
            # "other" diagnoses only when someone has one (Table 2 has two).
            if not (key == "diagnosis" and value == Diagnosis.OTHER and not any(table[i]))
        ]
        out_variables.append(
            {
                "key": key,
                "label": label,
                "categories": shown,
                "missing": {g: count(g, f"{key}_missing") for g in GROUPS},
                "test": crosstab_dict(table, rows, list(GROUPS)),
            }
        )

    values: dict[str, list[int]] = {g: [] for g in GROUPS}
    no_birth_date = dict.fromkeys(GROUPS, 0)
    for row in selectors.ages(params):
        if row["age"] is None:
            no_birth_date[row["group"]] += row["n"]
        else:
            values[row["group"]].extend([int(row["age"])] * row["n"])
    summaries = {g: statistics.describe(values[g]) for g in GROUPS}
    ttest = statistics.t_test(values[GROUPS[0]], values[GROUPS[1]])
    test = test_dict(ttest.student)
    test.update(welch=test_dict(ttest.welch), levene=test_dict(ttest.levene))
    return {
        "as_of": _iso(params.date_to),
        "groups": list(GROUPS),
        "group_labels": {g: str(Enrolment.Role(g).label) for g in GROUPS},
        "n": {g: count(g, "n") for g in GROUPS},
        "age": {
            "unit": "years",
            **{g: {**summaries[g].as_dict(), "printed": summaries[g].printed(1)} for g in GROUPS},
            "missing": no_birth_date,
            "normality": {g: test_dict(statistics.shapiro_wilk(values[g])) for g in GROUPS},
            "test": test,
        },
        "variables": out_variables,
    }


# --- Training and supervision -------------------------------------------------------------


def _hours(waited: timedelta) -> float:
    return waited.total_seconds() / 3600


def _phase_bounds(params: ReportParams) -> list[tuple[Phase, date, date]]:
    """The program's support phases that overlap the range, each clipped to it."""
    clipped = []
    for phase in support_phases(params.program):
        first = max(phase.starts_on, params.date_from)
        last = min(phase.ends_on or params.date_to, params.date_to)
        if first <= last:
            clipped.append((phase, first, last))
    return clipped


def _guidance(params: ReportParams) -> dict[str, Any]:
    """Guidance given per session, phase by phase (issue 11, item 4)."""
    clipped = _phase_bounds(params)
    found = {
        row["phase"]: row
        for row in selectors.guidance_by_phase(params, [(a, b) for _p, a, b in clipped])
    }
    labels = dict(SupportPhase.Kind.choices)
    names = {SupportPhase.Kind.FIRST: _("first phase"), SupportPhase.Kind.LATER: _("later phase")}

    def row(key: str, name: str, label: str, found_row: dict | None, **extra) -> dict[str, Any]:
        found_row = found_row or {}
        n = found_row.get("n", 0)
        notes = found_row.get("notes") or 0
        out = {"key": key, "name": name, "label": label, **extra, "sessions": n}
        for name in ("with_before", "with_after", "with_both"):
            out[name] = found_row.get(name, 0)
            out[f"{name}_percent"] = statistics.percent(out[name], n)
        out["notes"] = notes
        out["notes_per_session"] = notes / n if n else None
        return out

    phases = [
        row(
            phase.kind,
            str(names.get(phase.kind, phase.kind)),
            str(labels.get(phase.kind, phase.kind)),
            found.get(index),
            starts_on=_iso(first),
            ends_on=_iso(last),
            guidance_every_session=phase.guidance_every_session,
        )
        for index, (phase, first, last) in enumerate(clipped)
    ]
    outside = found.get(None)
    return {
        "phases": phases,
        # Sessions before the program's first phase (none unless dates were typed wrong).
        "outside": (
            row("outside", _("outside any phase"), _("before the first phase"), outside)
            if outside
            else None
        ),
    }


def _training_supervision(params: ReportParams) -> dict[str, Any]:
    """Peer training and supervision (MODEL.md, "Evaluation": the third domain)."""
    training = selectors.training_sessions(params)
    required = selectors.required_workshops(params)
    peers = selectors.peers_trained(params, required)

    years = list(range(params.date_from.year, params.date_to.year + 1))
    by_year = {row["year"]: row for row in selectors.meetings_by_year(params)}
    meeting_years = [
        {
            "year": year,
            "held": by_year.get(year, {}).get("held", 0),
            "cancelled": by_year.get(year, {}).get("cancelled", 0),
        }
        for year in years
    ]

    issues = {row["category"]: row["n"] for row in selectors.issues_by_category(params)}
    issue_total = sum(issues.values())
    categories = [
        {key: share[key] for key in ("key", "label", "percent")} | {"count": share["sessions"]}
        for share in _shares(IssueCategory, issues, issue_total)
    ]

    requests = selectors.request_counts(params)
    middle = selectors.middle_answer_times(params, requests["answered"])
    median = _hours(sum(middle, timedelta()) / len(middle)) if middle else None

    return {
        "available": True,
        "message": "",
        "training": {
            "rounds": training["rounds"],
            "pre_service_rounds": training["pre_service_rounds"],
            "continuing_rounds": training["continuing_rounds"],
            "sessions": training["sessions"],
            "make_up_sessions": training["make_up_sessions"],
            "attendances": training["attendances"],
            "required_workshops": required,
            "peers_enrolled": peers["enrolled"],
            "peers_trained": peers["trained"],
            "peers_trained_percent": statistics.percent(peers["trained"], peers["enrolled"]),
            "peers_exempt": peers["exempt"],
        },
        "meetings": {
            "held": sum(row["held"] for row in meeting_years),
            "cancelled": sum(row["cancelled"] for row in meeting_years),
            "years": meeting_years,
        },
        # Most raised first; sorted() is stable, so ties keep the categories' order.
        "issues": {
            "total": issue_total,
            "categories": sorted(categories, key=lambda c: -c["count"]),
        },
        "actions": selectors.action_counts(params),
        "requests": {
            **requests,
            "unanswered": requests["asked"] - requests["answered"],
            "answered_percent": statistics.percent(requests["answered"], requests["asked"]),
            "median_hours_to_answer": median,
        },
        "guidance": _guidance(params),
    }


# --- Evaluation ---------------------------------------------------------------------------


def _evaluation(params: ReportParams) -> dict[str, Any]:
    rounds: dict[int, dict[str, Any]] = {}
    for row in selectors.rounds(params):
        entry = rounds.setdefault(
            row["pk"],
            {
                "name": row["name"],
                "name_en": row["name_en"],
                "display_name": bilingual(row["name"], row["name_en"]),
                "starts_on": _iso(row["starts_on"]),
                "ends_on": _iso(row["ends_on"]),
                "communities": [],
            },
        )
        entry["communities"].append(row["code"])

    reasons = list(NotAssessedReason.values)
    outcomes: dict[str, dict[str, Any]] = {
        r: {"interviewed": 0, "not_assessed": 0, "reasons": defaultdict(int)}
        for r in Respondent.values
    }
    for row in selectors.interview_outcomes(params):
        entry = outcomes.setdefault(
            row["respondent"], {"interviewed": 0, "not_assessed": 0, "reasons": defaultdict(int)}
        )
        if row["outcome"] == Interview.Outcome.INTERVIEWED:
            entry["interviewed"] += row["n"]
        else:
            entry["not_assessed"] += row["n"]
            entry["reasons"][row["not_assessed_reason"]] += row["n"]

    def reason_list(counts: dict[str, int]) -> list[dict[str, Any]]:
        labels = dict(NotAssessedReason.choices)
        keys = reasons + sorted(k for k in counts if k not in reasons)
        return [{"key": k, "label": str(labels.get(k, k)), "count": counts.get(k, 0)} for k in keys]

    respondents = [
        {
            "key": key,
            "label": str(Respondent(key).label),
            "respondents": outcomes[key]["interviewed"] + outcomes[key]["not_assessed"],
            "interviewed": outcomes[key]["interviewed"],
            "not_assessed": outcomes[key]["not_assessed"],
            "reasons": reason_list(outcomes[key]["reasons"]),
        }
        for key in Respondent.values
    ]
    by_key = {entry["key"]: entry for entry in respondents}

    answers: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in selectors.answer_counts(params):
        answers[row["question_id"]][row["value"]] += row["n"]

    order = {key: i for i, key in enumerate(Respondent.values)}
    asked = [
        q for q in selectors.questions(params) if q.is_active or q.pk in answers
    ]  # a question no longer asked still reports the answers it got
    asked.sort(key=lambda q: (order.get(q.respondent, len(order)), q.position, q.pk))
    questions = []
    for question in asked:
        group = by_key.get(question.respondent, {"respondents": 0, "interviewed": 0,
                                                 "not_assessed": 0, "reasons": []})  # fmt: skip
        yes = answers[question.pk].get("yes", 0)
        no = answers[question.pk].get("no", 0)
        questions.append(
            {
                "code": question.code,
                "respondent": question.respondent,
                "respondent_label": str(Respondent(question.respondent).label),
                "domain": question.domain,
                "domain_label": str(Domain(question.domain).label),
                "wording": question.wording,
                "wording_en": question.wording_en,
                "display_wording": question.display_wording,
                "position": question.position,
                "respondents": group["respondents"],
                "not_assessed": group["not_assessed"],
                "reasons": group["reasons"],
                "interviewed": group["interviewed"],
                "yes": yes,
                "no": no,
                "answered": yes + no,
                "unanswered": group["interviewed"] - yes - no,
                "yes_percent": statistics.percent(yes, group["respondents"]),
                "yes_percent_answered": statistics.percent(yes, yes + no),
                "test": test_dict(statistics.goodness_of_fit(yes, no)),
            }
        )
    return {"rounds": list(rounds.values()), "respondents": respondents, "questions": questions}


# --- The report ---------------------------------------------------------------------------


def build(params: ReportParams) -> dict[str, Any]:
    """The whole report (docs/report-json.md): a fixed number of queries, whatever the
    data (QUERIES; a peer's PEER_QUERIES)."""
    sections = PEER_SECTIONS if params.peer_view else SECTIONS
    groups = selectors.session_groups(params)
    report: dict[str, Any] = {
        "schema": SCHEMA,
        "meta": _meta(params, sections),
        "service_process": _service_process(params, groups),
        "service_content": _service_content(groups),
    }
    if not params.peer_view:
        report["participants"] = {
            "enrolment": _enrolment(params),
            "demographics": _demographics(params),
        }
        report["training_supervision"] = _training_supervision(params)
        report["evaluation"] = _evaluation(params)
    return report
