"""Objects of community B for the URL-walking access test (tests/test_access_walk.py)."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from tests.conftest import make_person
from tongban.submissions import cycles
from tongban.submissions.models import Submission, SubmissionEvent

from .conftest import make_plan

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = ["乙社区六周活动", "乙社区退回意见"]


def objects(community_b, users) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B."""
    # Community B starts on 2015-08-01, in cycle 19; its first cycle has a session and a
    # submission returned with comments.
    calendar = cycles.for_program(community_b.program)
    number = calendar.first_number(community_b.started_on)
    cycle = calendar.cycle(number)
    lead = make_person(
        "乙社区六周组长", community=community_b, role="peer", started_on=date(2015, 8, 1)
    )
    make_plan(community_b, cycle.starts_on, lead=lead, by=users["manager"], theme="乙社区六周活动")
    submission = Submission.objects.create(
        community=community_b,
        cycle=number,
        status=Submission.Status.RETURNED,
        submitted_by=users["manager"],
        submitted_at=timezone.now(),
        reviewed_by=users["manager"],
        reviewed_at=timezone.now(),
        comments="乙社区退回意见",
    )
    SubmissionEvent.objects.create(
        submission=submission, status="returned", by=users["manager"], comments="乙社区退回意见"
    )
    params = {"community": community_b.pk, "cycle": number}
    return {
        "submissions:cycle_detail": params,
        "submissions:submission_submit": params,
        "submissions:submission_return": params,
        "submissions:submission_accept": params,
    }
