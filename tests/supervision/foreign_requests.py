"""Objects of community B for the URL walk: supervision requests and guidance notes."""

from __future__ import annotations

from datetime import date, time

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.activities.models import ActivityPlan, Category, Format
from tongban.registry.models import Venue
from tongban.supervision.models import GuidanceNote, SupervisionAction, SupervisionRequest

# Texts only these objects hold: no page of a user of community A (or program A) may show
# them.
SENTINELS: list[str] = [
    "乙社区督导请求哨兵",
    "乙社区督导详情哨兵",
    "乙社区督导回答哨兵",
    "乙社区指导记录哨兵",
    "乙社区商定行动哨兵",
]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    # Built twice per walk (community B of program A, and program B): names stay unique.
    code = community_b.code
    peer = make_person(
        f"督导请求同伴-{code}", community=community_b, role="peer", started_on=date(2015, 8, 1)
    )
    peer_account = make_user(f"req-peer-{code}", Role.PEER, person=peer)
    doctor = make_user(f"req-doctor-{code}", Role.COMMUNITY_DOCTOR, [community_b])
    venue = Venue.objects.create(community=community_b, name="督导场地", kind=Venue.Kind.OTHER)
    session = ActivityPlan.objects.create(
        community=community_b,
        venue=venue,
        planned_on=date(2016, 1, 6),
        planned_start=time(14, 0),
        planned_end=time(15, 0),
        category=Category.ENTERTAINMENT,
        theme="督导活动",
        aim="aim",
        format=Format.LECTURE,
        lead_peer=peer,
        created_by=peer_account,
    )
    # Straight through the ORM: asking would notify, and the walk wants the bare records.
    request = SupervisionRequest.objects.create(
        community=community_b,
        peer=peer,
        topic="乙社区督导请求哨兵",
        details="乙社区督导详情哨兵",
        urgency=SupervisionRequest.Urgency.URGENT,
        doctor=doctor,
        session=session,
        asked_by=peer_account,
        answer="乙社区督导回答哨兵",
    )
    SupervisionAction.objects.create(
        request=request,
        community=community_b,
        text="乙社区商定行动哨兵",
        owner=peer_account,
        due_on=date(2016, 2, 1),
        created_by=doctor,
    )
    note = GuidanceNote.objects.create(
        session=session,
        when=GuidanceNote.When.BEFORE,
        given_on=date(2016, 1, 5),
        text="乙社区指导记录哨兵",
        given_by=doctor,
    )
    return {
        "supervision:request_detail": request.pk,
        "supervision:request_answer": request.pk,
        "supervision:request_action_add": request.pk,
        "supervision:request_void": request.pk,
        "supervision:guidance_create": {"session_pk": session.pk},
        "supervision:guidance_void": note.pk,
    }
