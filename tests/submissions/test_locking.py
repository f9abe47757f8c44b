"""Accepted cycles lock their days: a change then needs a reason (locking.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.submissions import locking
from tongban.submissions.models import Submission

from .conftest import CYCLE_1_END, CYCLE_2_START


def submission(community, user, status: str, cycle: int = 1) -> Submission:
    return Submission.objects.create(
        community=community,
        cycle=cycle,
        status=status,
        submitted_by=user,
        submitted_at=timezone.now(),
    )


def test_nothing_is_locked_without_an_accepted_submission(community_a):
    assert not locking.is_locked(community=community_a, day=date(2013, 7, 1))
    day = date(2013, 7, 1)
    assert locking.require_reason_if_locked(community=community_a, day=day, reason="") == ""


@pytest.mark.parametrize("status", ["submitted", "returned"])
def test_submitted_or_returned_cycles_are_not_locked(community_a, users, status):
    submission(community_a, users["peer"], status)
    assert not locking.is_locked(community=community_a, day=date(2013, 7, 15))


def test_accepted_cycle_locks_exactly_its_days(community_a, community_b, users):
    submission(community_a, users["peer"], "accepted")
    for day in (date(2013, 7, 1), date(2013, 7, 20), CYCLE_1_END):
        assert locking.is_locked(community=community_a, day=day)
    assert not locking.is_locked(community=community_a, day=CYCLE_2_START)
    assert not locking.is_locked(community=community_a, day=date(2013, 6, 30))
    # Another community's days stay open.
    assert not locking.is_locked(community=community_b, day=date(2013, 7, 20))


def test_a_change_to_a_locked_day_needs_a_reason(community_a, users):
    submission(community_a, users["peer"], "accepted")
    with pytest.raises(ValidationError) as refused:
        locking.require_reason_if_locked(community=community_a, day=date(2013, 7, 2), reason="  ")
    assert "change_reason" in refused.value.error_dict
    reason = locking.require_reason_if_locked(
        community=community_a, day=date(2013, 7, 2), reason=" 日期写错了 "
    )
    assert reason == "日期写错了"
    # An open day takes any reason, or none.
    assert (
        locking.require_reason_if_locked(community=community_a, day=CYCLE_2_START, reason="") == ""
    )
