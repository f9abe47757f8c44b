"""Cycle arithmetic: boundaries, due and overdue days, a community's first cycle."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tongban.submissions import cycles
from tongban.submissions.cycles import CYCLE_DAYS, DUE_DAYS, State

START = date(2013, 7, 1)


def test_first_cycles_of_the_paper_program():
    first = cycles.cycle(START, 1)
    assert (first.starts_on, first.ends_on) == (date(2013, 7, 1), date(2013, 8, 11))
    assert first.due_on == date(2013, 8, 18)
    second = cycles.cycle(START, 2)
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
    assert cycles.cycle_number(START, day) == number
    assert cycles.cycle(START, number).contains(day)


def test_no_cycle_before_the_program_or_below_one():
    with pytest.raises(ValueError):
        cycles.cycle_number(START, date(2013, 6, 30))
    with pytest.raises(ValueError):
        cycles.cycle(START, 0)
    assert list(cycles.numbers_for(START, None, date(2013, 6, 30))) == []


def test_submit_from_the_last_day_due_a_week_later_then_overdue():
    first = cycles.cycle(START, 1)
    assert not first.can_submit(date(2013, 8, 10))
    assert first.can_submit(date(2013, 8, 11))
    assert not first.has_ended(date(2013, 8, 11))
    assert first.has_ended(date(2013, 8, 12))
    assert not first.is_overdue(date(2013, 8, 18))
    assert first.is_overdue(date(2013, 8, 19))


def test_states_through_a_cycle():
    first = cycles.cycle(START, 1)
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
    assert cycles.first_number(START, None) == 1
    assert cycles.first_number(START, date(2013, 5, 1)) == 1  # before the program: cycle 1
    assert cycles.first_number(START, date(2015, 8, 1)) == 19
    assert list(cycles.numbers_for(START, date(2015, 8, 1), date(2015, 9, 7))) == [19, 20]
    # A community starting later than today has no cycle yet.
    assert list(cycles.numbers_for(START, date(2016, 1, 1), date(2015, 9, 7))) == []


program_starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
offsets = st.integers(min_value=0, max_value=20 * 365)


@given(program_starts, offsets)
def test_every_day_falls_in_exactly_one_cycle(program_start, offset):
    day = program_start + timedelta(days=offset)
    number = cycles.cycle_number(program_start, day)
    found = cycles.cycle(program_start, number)
    assert found.contains(day)
    assert (found.ends_on - found.starts_on).days == CYCLE_DAYS - 1
    # Neighbours do not contain it, and they touch without gap or overlap.
    if number > 1:
        before = cycles.cycle(program_start, number - 1)
        assert not before.contains(day)
        assert before.ends_on + timedelta(days=1) == found.starts_on
    after = cycles.cycle(program_start, number + 1)
    assert not after.contains(day)
    assert found.ends_on + timedelta(days=1) == after.starts_on
    assert cycles.numbers_for(program_start, None, day)[-1] == number


@given(program_starts, st.integers(min_value=1, max_value=200), st.integers(-60, 60))
def test_overdue_exactly_after_the_due_days(program_start, number, offset):
    cycle = cycles.cycle(program_start, number)
    today = cycle.ends_on + timedelta(days=offset)
    assert cycle.is_overdue(today) == (offset > DUE_DAYS)
    assert cycle.can_submit(today) == (offset >= 0)
    state = cycles.state(cycle, today, None)
    expected = State.OPEN if offset < 0 else State.DUE if offset <= DUE_DAYS else State.OVERDUE
    assert state == expected
    assert cycles.is_overdue(cycle, today, None) == (state == State.OVERDUE)
    assert cycles.is_overdue(cycle, today, "returned") == (offset > DUE_DAYS)
    assert not cycles.is_overdue(cycle, today, "accepted")


@given(program_starts, offsets, offsets)
def test_cycle_numbers_never_go_backwards(program_start, a, b):
    first, second = sorted((a, b))
    day1 = program_start + timedelta(days=first)
    day2 = program_start + timedelta(days=second)
    assert cycles.cycle_number(program_start, day1) <= cycles.cycle_number(program_start, day2)


def test_an_ended_program_owes_nothing_after_its_last_cycle():
    start, end = date(2013, 7, 1), date(2016, 6, 30)
    last = cycles.cycle_number(start, end)
    assert cycles.numbers_for(start, None, date(2026, 11, 28), end) == range(1, last + 1)
    # Before the end, the end date changes nothing.
    assert cycles.numbers_for(start, None, date(2014, 1, 1), end) == cycles.numbers_for(
        start, None, date(2014, 1, 1)
    )
