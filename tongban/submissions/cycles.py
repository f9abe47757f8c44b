"""Reporting cycles, computed from the program's start date and its settings.

Cycle 1 starts on the program's start date; each lasts the program's `cycle_days` (the
model's six weeks: 42). A cycle can be submitted from its last day on; the submission is
due the program's `submission_due_days` after the cycle ends, and overdue after that. A
community has cycles from the one containing its own start date, and a program that has
ended owes nothing after the cycle containing its end date.

Every number and date comes from `for_program(program)`: there is no default cycle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Cycle:
    number: int
    starts_on: date
    ends_on: date  # inclusive
    due_days: int  # the program's days to hand in after the cycle's end

    @property
    def due_on(self) -> date:
        return self.ends_on + timedelta(days=self.due_days)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def has_ended(self, today: date) -> bool:
        return today > self.ends_on

    def can_submit(self, today: date) -> bool:
        """Peers hand in their forms on the cycle's last day at the earliest."""
        return today >= self.ends_on

    def is_overdue(self, today: date) -> bool:
        return today > self.due_on


@dataclass(frozen=True)
class Calendar:
    """One program's cycles: its dates and its settings, nothing read from elsewhere."""

    started_on: date
    cycle_days: int
    due_days: int
    ended_on: date | None = None

    def __post_init__(self) -> None:
        if self.cycle_days < 1 or self.due_days < 0:
            raise ValueError("a cycle lasts at least a day and is due no earlier than its end")

    def number(self, day: date) -> int:
        """The cycle a day falls in; days before the program start have none."""
        if day < self.started_on:
            raise ValueError("the day is before the program started")
        return (day - self.started_on).days // self.cycle_days + 1

    def cycle(self, number: int) -> Cycle:
        if number < 1:
            raise ValueError("cycles are numbered from 1")
        starts_on = self.started_on + timedelta(days=self.cycle_days * (number - 1))
        ends_on = starts_on + timedelta(days=self.cycle_days - 1)
        return Cycle(number, starts_on, ends_on, self.due_days)

    def cycle_of(self, day: date) -> Cycle:
        return self.cycle(self.number(day))

    def first_number(self, community_start: date | None) -> int:
        """A community's first cycle: the one containing its start date (else the program's)."""
        return self.number(max(community_start or self.started_on, self.started_on))

    def last_day(self, today: date) -> date:
        """The day whose cycle is the latest owed: today, or an ended program's end date."""
        return min(today, self.ended_on) if self.ended_on is not None else today

    def current(self, today: date) -> Cycle | None:
        """The program's cycle today (an ended program's last one); None before it starts."""
        on = self.last_day(today)
        if on < self.started_on:
            return None
        return self.cycle_of(on)

    def numbers_for(self, community_start: date | None, today: date) -> range:
        """Numbers of a community's cycles up to the current one (empty before it starts)."""
        on = self.last_day(today)
        if on < self.started_on:
            return range(0)
        return range(self.first_number(community_start), self.number(on) + 1)


def for_program(program) -> Calendar:
    """The calendar of a program (a `registry.Program`)."""
    return Calendar(
        started_on=program.started_on,
        cycle_days=program.cycle_days,
        due_days=program.submission_due_days,
        ended_on=program.ended_on,
    )


class State(models.TextChoices):
    """Where a community's cycle stands; the last three are a Submission's status."""

    OPEN = "open", _("open")
    DUE = "due", _("due")
    OVERDUE = "overdue", _("overdue")
    SUBMITTED = "submitted", _("submitted")
    RETURNED = "returned", _("returned for correction")
    ACCEPTED = "accepted", _("accepted")


def state(cycle: Cycle, today: date, submission_status: str | None) -> State:
    """The state shown for a cycle, given its submission's status (None: nothing yet)."""
    if submission_status:
        return State(submission_status)
    if not cycle.can_submit(today):
        return State.OPEN
    return State.OVERDUE if cycle.is_overdue(today) else State.DUE


def is_overdue(cycle: Cycle, today: date, submission_status: str | None) -> bool:
    """Past the due date with nothing submitted, or returned and not yet resubmitted."""
    return cycle.is_overdue(today) and submission_status in (None, "", State.RETURNED)


def is_missing(cycle: Cycle, today: date, submission_status: str | None) -> bool:
    """The cycle has ended and nothing was ever submitted."""
    return cycle.has_ended(today) and not submission_status
