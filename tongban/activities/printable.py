"""Printable blank forms (A4) for communities that work on paper.

Every label and every tick box comes from the models (verbose_name, choices), so a paper
form cannot drift from the database form: tests/activities/test_printable.py fails when a
model gains a field that is neither laid out below nor listed in NOT_ON_PAPER.

The pages hold no records at all, so every signed-in user may print them (the login
middleware turns anonymous visitors away).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from tongban.emergencies.models import EmergencyEvent

from .models import ActivityPlan, ActivityRecord, Attendance

_VOIDING = frozenset({"voided_at", "voided_by", "void_reason"})

# Fields a paper form does not ask for; everything else of the model must be on paper.
NOT_ON_PAPER: dict[type[models.Model], frozenset[str]] = {
    # Set by Tongban when the form is typed in.
    ActivityPlan: _VOIDING | {"id", "created_by", "created_at"},
    # The duration is computed from the start and end times.
    ActivityRecord: _VOIDING | {"id", "created_by", "created_at", "duration_minutes"},
    Attendance: _VOIDING | {"id"},
    # Escalation to the psychiatrist is done by Tongban, never by hand.
    EmergencyEvent: _VOIDING | {"id", "escalated_at"},
}

# Rows on the Participant List: about as many as a session has consumers.
PARTICIPANT_ROWS = 15
# Writing lines drawn in a box: more than the tallest box holds (the rest is clipped).
RULES_PER_BOX = range(16)


@dataclass(frozen=True)
class Blank:
    """One labelled space to fill in by hand."""

    label: str
    kind: str  # line | date | time | datetime | box | ticks | yesno
    choices: tuple[str, ...] = ()
    hint: str = ""
    grow: int = 0  # share of the page's free height (writing boxes)
    span: int = 1  # share of the row's width
    number: str = ""  # the part of the three-part session template

    @property
    def is_when(self) -> bool:
        return self.kind in {"date", "time", "datetime"}


@dataclass(frozen=True)
class Row:
    cells: tuple[Blank, ...]
    heading: str = ""  # a heading printed above the row

    @property
    def grow(self) -> int:
        return max(cell.grow for cell in self.cells)

    @property
    def columns(self) -> int:
        return sum(cell.span for cell in self.cells)

    @property
    def stacked(self) -> bool:
        """Side by side, a label goes above its blanks so that neighbours line up."""
        return len(self.cells) > 1


def label(model: type[models.Model], name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _kind_of(model_field: models.Field) -> str:
    if model_field.choices:
        return "ticks"
    if isinstance(model_field, models.BooleanField):
        return "yesno"
    if isinstance(model_field, models.DateTimeField):  # before DateField: it is a subclass
        return "datetime"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, models.TimeField):
        return "time"
    if isinstance(model_field, models.TextField):
        return "box"
    return "line"


def blank(
    model: type[models.Model],
    name: str,
    *,
    hint: str = "",
    grow: int = 0,
    span: int = 1,
    number: str = "",
) -> Blank:
    """The paper twin of a model field: its label, its kind of blank, its choices."""
    model_field = model._meta.get_field(name)
    kind = _kind_of(model_field)
    choices = tuple(str(text) for _value, text in model_field.flatchoices)
    if kind == "box" and not grow:
        grow = 1
    return Blank(
        label=label(model, name),
        kind=kind,
        choices=choices,
        hint=hint,
        grow=grow,
        span=span,
        number=number,
    )


def row(*cells: Blank, heading: str = "") -> Row:
    return Row(cells=cells, heading=heading)


# Layouts. Built inside translation.override, so every string is in the printed language.


def plan_rows() -> list[Row]:
    plan = ActivityPlan
    return [
        row(blank(plan, "community"), blank(plan, "venue")),
        row(
            blank(plan, "planned_on", span=2),
            blank(plan, "planned_start"),
            blank(plan, "planned_end"),
        ),
        row(blank(plan, "lead_peer"), blank(plan, "assisting_peers")),
        row(blank(plan, "category")),
        row(
            blank(plan, "theme"),
            blank(plan, "topic", hint=_("if it is a topic of the library")),
        ),
        row(blank(plan, "format")),
        row(blank(plan, "aim", grow=2)),
        row(
            blank(plan, "warm_up_plan", grow=2, number="1", hint=warm_up_hint()),
            heading=_("The session in three parts"),
        ),
        row(blank(plan, "main_plan", grow=4, number="2", hint=main_hint())),
        row(blank(plan, "close_plan", grow=2, number="3", hint=close_hint())),
        row(blank(plan, "materials", grow=1)),
    ]


def process_rows() -> list[Row]:
    record = ActivityRecord
    return [
        row(blank(record, "plan", hint=_("community, date and topic of the plan"))),
        row(
            blank(record, "held_on", span=2),
            blank(record, "started_at"),
            blank(record, "ended_at"),
        ),
        row(blank(record, "format")),
        row(blank(record, "theme")),
        row(
            blank(record, "warm_up", grow=2, number="1", hint=warm_up_hint()),
            heading=_("What was done, part by part"),
        ),
        row(blank(record, "main_activity", grow=3, number="2", hint=main_hint())),
        row(blank(record, "close", grow=2, number="3", hint=close_hint())),
        row(blank(record, "feedback", grow=3)),
        row(blank(record, "summary", grow=2)),
    ]


def emergency_rows() -> list[Row]:
    event = EmergencyEvent
    return [
        row(
            blank(event, "community"),
            blank(event, "session", hint=_("date and topic, if it happened in a session")),
        ),
        row(blank(event, "kind")),
        row(blank(event, "occurred_at")),
        row(blank(event, "people_involved", hint=_("names"))),
        row(blank(event, "involved_note", grow=1, hint=_("anyone else, and how"))),
        row(blank(event, "description", grow=4)),
        row(blank(event, "actions_taken", grow=3)),
        row(blank(event, "emergency_services_called")),
        row(blank(event, "reported_by"), blank(event, "reported_at")),
        row(
            blank(event, "acknowledged_by"),
            blank(event, "acknowledged_at"),
            heading=_("For the community doctor"),
        ),
        row(blank(event, "closed_by"), blank(event, "closed_at")),
        row(blank(event, "closing_note", grow=1)),
    ]


def warm_up_hint() -> str:
    return _("an ice-breaking game or setting-up exercises")


def main_hint() -> str:
    return _("the activity on the topic")


def close_hint() -> str:
    return _("a peer or a consumer summarises, then a poem or a song together")


def participant_context() -> dict:
    return {
        "session_heading": label(Attendance, "record"),
        "header": row(
            blank(ActivityPlan, "community"),
            blank(ActivityRecord, "held_on"),
            blank(ActivityPlan, "theme", span=2),
        ),
        "columns": {
            "name": label(Attendance, "person"),
            "walk_in_name": label(Attendance, "walk_in_name"),
            "walk_in_community": label(Attendance, "walk_in_community"),
            "note": label(Attendance, "note"),
        },
        "numbers": range(1, PARTICIPANT_ROWS + 1),
        "present": [
            blank(ActivityRecord, "peers_present"),
            blank(ActivityRecord, "staff_present"),
        ],
    }


# Views.

# url name -> (title, instruction, layout); no layout: the Participant List's own template.
FORMS: dict[str, tuple[Promise, Promise, Callable[[], list[Row]] | None]] = {
    "blank_plan": (
        ActivityPlan._meta.verbose_name,
        gettext_lazy("Filled in by the lead peer before the session."),
        plan_rows,
    ),
    "blank_process": (
        ActivityRecord._meta.verbose_name,
        gettext_lazy("Filled in by the peers after the session."),
        process_rows,
    ),
    "blank_participants": (
        gettext_lazy("participant list"),
        gettext_lazy(
            "Each consumer writes their name and signs. "
            "A walk-in from another community also writes their community."
        ),
        None,
    ),
    "blank_emergency": (
        EmergencyEvent._meta.verbose_name,
        gettext_lazy(
            "Filled in by the peer whenever an adverse event or a behavioural emergency "
            "happens, and given to the community doctor at once."
        ),
        emergency_rows,
    ),
}


def printed_language(request: HttpRequest) -> str:
    """?lang=en / ?lang=zh-hans prints the other language without touching the setting."""
    wanted = request.GET.get("lang", "")
    supported = {code for code, _name in settings.LANGUAGES}
    return wanted if wanted in supported else translation.get_language()


def _sheet(request: HttpRequest, name: str) -> HttpResponse:
    language = printed_language(request)
    with translation.override(language):
        title, instruction, layout = FORMS[name]
        context = {
            "title": capfirst(str(title)),
            "instruction": instruction,
            "self_url": reverse(f"activities:{name}"),
            "rules": RULES_PER_BOX,
        }
        if layout is None:
            context.update(participant_context())
            template = "activities/printable/participants.html"
        else:
            context["rows"] = layout()
            template = "activities/printable/form.html"
        # Rendered inside the override: the response is complete when render() returns.
        return render(request, template, context)


@require_safe
def blank_forms(request: HttpRequest) -> HttpResponse:
    explanations = {
        "blank_plan": _(
            "Before a session: topic, category, aim, format, and the plan of the three parts "
            "(warm-up, main activity, close)."
        ),
        "blank_process": _(
            "After the session: when it was held, what was done in each part, and the "
            "consumers' feedback."
        ),
        "blank_participants": _(
            "At the session: consumers sign in; the peers and staff present are written at "
            "the bottom."
        ),
        "blank_emergency": _(
            "Whenever an adverse event or a behavioural emergency happens: filled in by the "
            "peer and given to the community doctor."
        ),
    }
    forms = [
        {
            "title": capfirst(str(FORMS[name][0])),
            "text": explanations[name],
            "url": reverse(f"activities:{name}"),
        }
        for name in FORMS
    ]
    return render(request, "activities/printable/index.html", {"forms": forms})


@require_safe
def blank_plan(request: HttpRequest) -> HttpResponse:
    return _sheet(request, "blank_plan")


@require_safe
def blank_process(request: HttpRequest) -> HttpResponse:
    return _sheet(request, "blank_process")


@require_safe
def blank_participants(request: HttpRequest) -> HttpResponse:
    return _sheet(request, "blank_participants")


@require_safe
def blank_emergency(request: HttpRequest) -> HttpResponse:
    return _sheet(request, "blank_emergency")
