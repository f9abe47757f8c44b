"""Six-weekly reporting cycles, computed from the program's start date.

Cycle 1 starts on the program's start date; each lasts CYCLE_DAYS days. A cycle can be
submitted from its last day on; the submission is due DUE_DAYS after the cycle ends, and
overdue after that. A community has cycles from the one containing its own start date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

CYCLE_DAYS = 42
DUE_DAYS = 7


@dataclass(frozen=True)
class Cycle:
    number: int
    starts_on: date
    ends_on: date  # inclusive

    @property
    def due_on(self) -> date:
        return self.ends_on + timedelta(days=DUE_DAYS)

    def contains(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def has_ended(self, today: date) -> bool:
        return today > self.ends_on

    def can_submit(self, today: date) -> bool:
        """Peers hand in their forms on the cycle's last day at the earliest."""
        return today >= self.ends_on

    def is_overdue(self, today: date) -> bool:
        return today > self.due_on


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


def cycle_number(program_start: date, day: date) -> int:
    """The cycle a day falls in; days before the program start have none."""
    if day < program_start:
        raise ValueError("the day is before the program started")
    return (day - program_start).days // CYCLE_DAYS + 1


def cycle(program_start: date, number: int) -> Cycle:
    if number < 1:
        raise ValueError("cycles are numbered from 1")
    starts_on = program_start + timedelta(days=CYCLE_DAYS * (number - 1))
    return Cycle(number, starts_on, starts_on + timedelta(days=CYCLE_DAYS - 1))


def first_number(program_start: date, community_start: date | None) -> int:
    """A community's first cycle: the one containing its start date (else the program's)."""
    return cycle_number(program_start, max(community_start or program_start, program_start))


def numbers_for(
    program_start: date,
    community_start: date | None,
    today: date,
    program_end: date | None = None,
) -> range:
    """Numbers of a community's cycles up to the current one (empty before it starts).

    A program that has ended owes nothing after the cycle containing its end date.
    """
    if program_end is not None:
        today = min(today, program_end)
    if today < program_start:
        return range(0)
    return range(
        first_number(program_start, community_start), cycle_number(program_start, today) + 1
    )
