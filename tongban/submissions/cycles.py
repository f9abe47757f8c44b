"""Six-weekly reporting cycles, computed from the program's start date.

Cycle 1 starts on the program's start date; each lasts CYCLE_DAYS days. A cycle's
submission is due DUE_DAYS after it ends, and overdue after that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

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

    def is_overdue(self, today: date) -> bool:
        return today > self.due_on


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


def cycle_of(program_start: date, day: date) -> Cycle:
    return cycle(program_start, cycle_number(program_start, day))


def cycles_until(program_start: date, today: date) -> list[Cycle]:
    """Every cycle from the first to the one containing today."""
    if today < program_start:
        return []
    return [cycle(program_start, n) for n in range(1, cycle_number(program_start, today) + 1)]
