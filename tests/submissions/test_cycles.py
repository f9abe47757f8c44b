"""Cycle arithmetic: boundaries, due and overdue days, a community's first cycle, for
the model's 42-day cycles (due 7 days later) and for a program's own settings."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.registry.models import Program
from tongban.submissions import cycles
from tongban.submissions.cycles import Calendar, State

START = date(2013, 7, 1)
PAPER = Calendar(started_on=START, cycle_days=42, due_days=7)


def calendar(start: date = START, end: date | None = None) -> Calendar:
    return Calendar(started_on=start, cycle_days=42, due_days=7, ended_on=end)


def test_first_cycles_of_the_paper_program():
    first = PAPER.cycle(1)
    assert (first.starts_on, first.ends_on) == (date(2013, 7, 1), date(2013, 8, 11))
    assert first.due_on == date(2013, 8, 18)
    second = PAPER.cycle(2)
    assert (second.starts_on, second.ends_on) == (date(2013, 8, 12), date(2013, 9, 22))


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (date(2013, 7, 1), 1),
        (date(2013, 8, 11), 1),
        (date(2013, 8, 12), 2),
        (date(2013, 9, 22), 2),
        (date(2013, 9, 23), 3),
        (date(2015, 8, 1), 19),
    ],
)
def test_days_on_the_boundaries(day, number):
    assert PAPER.number(day) == number
    assert PAPER.cycle(number).contains(day)


def test_no_cycle_before_the_program_or_below_one():
    with pytest.raises(ValueError):
        PAPER.number(date(2013, 6, 30))
    with pytest.raises(ValueError):
        PAPER.cycle(0)
    assert list(PAPER.numbers_for(None, date(2013, 6, 30))) == []


def test_submit_from_the_last_day_due_a_week_later_then_overdue():
    first = PAPER.cycle(1)
    assert not first.can_submit(date(2013, 8, 10))
    assert first.can_submit(date(2013, 8, 11))
    assert not first.has_ended(date(2013, 8, 11))
    assert first.has_ended(date(2013, 8, 12))
    assert not first.is_overdue(date(2013, 8, 18))
    assert first.is_overdue(date(2013, 8, 19))


def test_states_through_a_cycle():
    first = PAPER.cycle(1)
    assert cycles.state(first, date(2013, 8, 10), None) == State.OPEN
    assert cycles.state(first, date(2013, 8, 11), None) == State.DUE
    assert cycles.state(first, date(2013, 8, 18), None) == State.DUE
    assert cycles.state(first, date(2013, 8, 19), None) == State.OVERDUE
    assert cycles.state(first, date(2013, 8, 19), "submitted") == State.SUBMITTED
    assert cycles.state(first, date(2013, 8, 19), "returned") == State.RETURNED
    # Returned and not resubmitted counts as overdue; submitted or accepted never does.
    assert cycles.is_overdue(first, date(2013, 8, 19), "returned")
    assert not cycles.is_overdue(first, date(2013, 8, 19), "submitted")
    assert not cycles.is_overdue(first, date(2013, 8, 19), "accepted")
    # Missing: ended with nothing submitted (due or overdue).
    assert not cycles.is_missing(first, date(2013, 8, 11), None)
    assert cycles.is_missing(first, date(2013, 8, 12), None)
    assert not cycles.is_missing(first, date(2013, 9, 1), "returned")


def test_a_community_starts_with_the_cycle_of_its_start_date():
    assert PAPER.first_number(None) == 1
    assert PAPER.first_number(date(2013, 5, 1)) == 1  # before the program: cycle 1
    assert PAPER.first_number(date(2015, 8, 1)) == 19
    assert list(PAPER.numbers_for(date(2015, 8, 1), date(2015, 9, 7))) == [19, 20]
    # A community starting later than today has no cycle yet.
    assert list(PAPER.numbers_for(date(2016, 1, 1), date(2015, 9, 7))) == []


program_starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
offsets = st.integers(min_value=0, max_value=20 * 365)
# Any calendar a program may set (Program.cycle_days 7-183, submission_due_days 0-60).
calendars = st.builds(
    Calendar,
    started_on=program_starts,
    cycle_days=st.integers(min_value=7, max_value=183),
    due_days=st.integers(min_value=0, max_value=60),
)


@given(calendars, offsets)
def test_every_day_falls_in_exactly_one_cycle(cal, offset):
    day = cal.started_on + timedelta(days=offset)
    number = cal.number(day)
    found = cal.cycle(number)
    assert found.contains(day)
    assert (found.ends_on - found.starts_on).days == cal.cycle_days - 1
    # Neighbours do not contain it, and they touch without gap or overlap.
    if number > 1:
        before = cal.cycle(number - 1)
        assert not before.contains(day)
        assert before.ends_on + timedelta(days=1) == found.starts_on
    after = cal.cycle(number + 1)
    assert not after.contains(day)
    assert found.ends_on + timedelta(days=1) == after.starts_on
    assert cal.numbers_for(None, day)[-1] == number
    assert cal.current(day) == found


@given(calendars, st.integers(min_value=1, max_value=200), st.integers(-60, 80))
def test_overdue_exactly_after_the_due_days(cal, number, offset):
    cycle = cal.cycle(number)
    today = cycle.ends_on + timedelta(days=offset)
    due = cal.due_days
    assert cycle.due_on == cycle.ends_on + timedelta(days=due)
    assert cycle.is_overdue(today) == (offset > due)
    assert cycle.can_submit(today) == (offset >= 0)
    state = cycles.state(cycle, today, None)
    expected = State.OPEN if offset < 0 else State.DUE if offset <= due else State.OVERDUE
    assert state == expected
    assert cycles.is_overdue(cycle, today, None) == (state == State.OVERDUE)
    assert cycles.is_overdue(cycle, today, "returned") == (offset > due)
    assert not cycles.is_overdue(cycle, today, "accepted")


@given(calendars, offsets, offsets)
def test_cycle_numbers_never_go_backwards(cal, a, b):
    first, second = sorted((a, b))
    day1 = cal.started_on + timedelta(days=first)
    day2 = cal.started_on + timedelta(days=second)
    assert cal.number(day1) <= cal.number(day2)


def test_an_ended_program_owes_nothing_after_its_last_cycle():
    start, end = date(2013, 7, 1), date(2016, 6, 30)
    ended = calendar(start, end)
    last = ended.number(end)
    assert ended.numbers_for(None, date(2026, 11, 28)) == range(1, last + 1)
    assert ended.current(date(2026, 11, 28)) == ended.cycle(last)
    # Before the end, the end date changes nothing.
    assert ended.numbers_for(None, date(2014, 1, 1)) == calendar(start).numbers_for(
        None, date(2014, 1, 1)
    )
    assert ended.current(date(2013, 6, 30)) is None


# A program of four-week cycles, due three days after each ends.
FOUR_WEEKS = Calendar(started_on=START, cycle_days=28, due_days=3)


@pytest.mark.parametrize(
    ("day", "number"),
    [
        (date(2013, 7, 1), 1),
        (date(2013, 7, 28), 1),
        (date(2013, 7, 29), 2),
        (date(2013, 8, 25), 2),
        (date(2013, 8, 26), 3),
        (date(2015, 8, 1), 28),
    ],
)
def test_four_week_cycles_have_their_own_boundaries(day, number):
    assert FOUR_WEEKS.number(day) == number
    assert FOUR_WEEKS.cycle(number).contains(day)


def test_four_week_cycles_are_due_three_days_after_their_end():
    first = FOUR_WEEKS.cycle(1)
    assert (first.starts_on, first.ends_on, first.due_on) == (
        date(2013, 7, 1),
        date(2013, 7, 28),
        date(2013, 7, 31),
    )
    assert cycles.state(first, date(2013, 7, 27), None) == State.OPEN
    assert cycles.state(first, date(2013, 7, 28), None) == State.DUE
    assert cycles.state(first, date(2013, 7, 31), None) == State.DUE
    assert cycles.state(first, date(2013, 8, 1), None) == State.OVERDUE
    # In the model's 42-day calendar cycle 1 is still under way then: the setting counts.
    assert cycles.state(PAPER.cycle(1), date(2013, 8, 1), None) == State.OPEN
    assert FOUR_WEEKS.first_number(date(2015, 8, 1)) == 28
    assert list(FOUR_WEEKS.numbers_for(date(2015, 8, 1), date(2015, 9, 7))) == [28, 29]


def test_a_calendar_is_the_programs_settings():
    program = Program(
        name="四周项目",
        slug="four",
        started_on=date(2020, 3, 2),
        ended_on=date(2021, 3, 1),
        cycle_days=28,
        submission_due_days=3,
    )
    assert cycles.for_program(program) == Calendar(
        started_on=date(2020, 3, 2), cycle_days=28, due_days=3, ended_on=date(2021, 3, 1)
    )
    with pytest.raises(ValueError):
        Calendar(started_on=START, cycle_days=0, due_days=7)
