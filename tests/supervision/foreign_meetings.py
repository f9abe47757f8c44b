"""Objects of community B for the URL walk: this part of the supervision pages (support
phases, social workers, group supervision meetings, agreed actions).

Also used for program B (tests/registry/other_program.py): there the phase belongs to
program B, so even its manager-only pages answer 404 to program A's manager."""

from __future__ import annotations

from datetime import date

from tongban.accounts.models import Role
from tongban.supervision.models import (
    SocialWorkerAssignment,
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
    SupportPhase,
)

SENTINELS: list[str] = ["督导会地点哨兵", "督导纪要哨兵", "督导议题哨兵", "督导行动哨兵"]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    from tests.conftest import make_user

    program = community_b.program
    code = community_b.code
    social_worker = make_user(f"sw-{code}", Role.SOCIAL_WORKER, [community_b])
    owner = make_user(f"owner-{code}", Role.COMMUNITY_DOCTOR, [community_b])
    assignment = SocialWorkerAssignment.objects.create(
        community=community_b, user=social_worker, starts_on=date(2016, 3, 1)
    )
    phase, _created = SupportPhase.objects.get_or_create(
        program=program,
        starts_on=date(2016, 3, 1),
        defaults={"kind": SupportPhase.Kind.LATER, "group_every_days": 42},
    )
    meeting = SupervisionMeeting.objects.create(
        program=program,
        proposed_on=date(2016, 3, 1),
        held_on=date(2016, 3, 1),
        status=SupervisionMeeting.Status.HELD,
        place="督导会地点哨兵",
        summary="督导纪要哨兵",
    )
    meeting.communities.set([community_b])
    SupervisionIssue.objects.create(meeting=meeting, category="safety", text="督导议题哨兵")
    action = SupervisionAction.objects.create(
        meeting=meeting,
        community=community_b,
        text="督导行动哨兵",
        owner=owner,
        due_on=date(2016, 4, 1),
    )
    return {
        "supervision:phase_edit": phase.pk,
        "supervision:phase_delete": phase.pk,
        "supervision:social_worker_end": assignment.pk,
        "supervision:meeting_detail": meeting.pk,
        "supervision:meeting_move": meeting.pk,
        "supervision:meeting_cancel": meeting.pk,
        "supervision:meeting_record": meeting.pk,
        "supervision:meeting_void": meeting.pk,
        "supervision:action_done": action.pk,
        "supervision:action_cancel": action.pk,
    }
