"""Support phases and the group supervision schedule (program settings that change over
time): which phase a day falls in, and the six-weekly dates the schedule proposes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from tongban.registry.models import Program

from .models import SupportPhase, SupportSettings, default_phases


@dataclass(frozen=True)
class Phase:
    kind: str
    starts_on: date
    ends_on: date | None  # the day before the next phase starts; None: open
    guidance_every_session: bool
    group_every_days: int

    def covers(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@transaction.atomic
def support_phases_ensure(*, program: Program) -> None:
    """Give a program the model's phases and settings if it has none yet (idempotent)."""
    SupportSettings.objects.get_or_create(program=program)
    if SupportPhase.objects.filter(program=program).exists():
        return
    for kind, starts_on, guidance, every in default_phases(program):
        SupportPhase.objects.create(
            program=program,
            kind=kind,
            starts_on=starts_on,
            guidance_every_session=guidance,
            group_every_days=every,
        )


def settings_for(program: Program) -> SupportSettings:
    """The program's settings (the defaults, unsaved, when none are stored yet)."""
    found = SupportSettings.objects.filter(program=program).first()
    return found or SupportSettings(program=program)


def phases(program: Program) -> list[Phase]:
    """The program's phases in date order, each with its last day: one query. A program
    without stored phases has the model's defaults (not written here: reads never write)."""
    rows = list(
        SupportPhase.objects.filter(program=program)
        .order_by("starts_on")
        .values_list("kind", "starts_on", "guidance_every_session", "group_every_days")
    )
    if not rows:
        rows = default_phases(program)
    result = []
    for index, (kind, starts_on, guidance, every) in enumerate(rows):
        following = rows[index + 1][1] if index + 1 < len(rows) else None
        ends_on = following - timedelta(days=1) if following else program.ended_on
        result.append(Phase(kind, starts_on, ends_on, guidance, every))
    return result


def phase_on(program: Program, day: date, *, known: list[Phase] | None = None) -> Phase | None:
    """The phase in force on `day` (None before the program's first phase)."""
    for phase in known if known is not None else phases(program):
        if phase.covers(day):
            return phase
    return None


def guidance_due(program: Program, day: date, *, known: list[Phase] | None = None) -> bool:
    """Is guidance before and after every session expected for a session on `day`?"""
    phase = phase_on(program, day, known=known)
    return bool(phase and phase.guidance_every_session)


def group_dates(
    program: Program, *, until: date, since: date | None = None, known: list[Phase] | None = None
) -> list[date]:
    """The group supervision dates the schedule proposes up to `until` (and from `since`):
    within each phase with group supervision, its first day and then every
    `group_every_days` (the paper's "beginning in July 2014 ... every six weeks"). Moving a
    meeting does not move the later proposals: the rhythm stays the program's."""
    dates: list[date] = []
    for phase in known if known is not None else phases(program):
        if phase.group_every_days <= 0:
            continue
        step = timedelta(days=phase.group_every_days)
        day = phase.starts_on
        last = min(d for d in (until, phase.ends_on) if d is not None)
        while day <= last:
            if since is None or day >= since:
                dates.append(day)
            day += step
    return dates
