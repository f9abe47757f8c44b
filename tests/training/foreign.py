"""Objects of community B for the URL-walking access test (tests/test_access_walk.py).

Also used for program B (tests/registry/other_program.py)."""

from __future__ import annotations

from datetime import date

from tests.conftest import make_person
from tongban.registry.models import Program
from tongban.training.models import (
    TrainingAttendance,
    TrainingRound,
    TrainingSession,
    Workshop,
)
from tongban.training.readiness import required_workshops

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = [
    "乙社区培训轮次哨兵",
    "Beta training round sentinel",
    "乙社区继续培训哨兵",
    "乙社区培训主题哨兵",
    "乙社区受训同伴哨兵",
    "乙社区培训备注哨兵",
    "别项目工作坊哨兵",
    "Elsewhere workshop sentinel",
]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B."""
    program = community_b.program
    by = users["manager"]
    peer = make_person(
        "乙社区受训同伴哨兵", community=community_b, role="peer", started_on=date(2015, 8, 1)
    )
    pre_service = TrainingRound.objects.create(
        program=program,
        kind=TrainingRound.Kind.PRE_SERVICE,
        name="乙社区培训轮次哨兵",
        name_en="Beta training round sentinel",
        starts_on=date(2015, 6, 1),
        ends_on=date(2015, 6, 5),
        notes="乙社区培训备注哨兵",
        created_by=by,
    )
    pre_service.communities.set([community_b])
    session = TrainingSession.objects.create(
        round=pre_service,
        workshop=required_workshops(program).first(),
        held_on=date(2015, 6, 1),
        created_by=by,
    )
    TrainingAttendance.objects.create(session=session, person=peer, recorded_by=by)
    continuing = TrainingRound.objects.create(
        program=program,
        kind=TrainingRound.Kind.CONTINUING,
        name="乙社区继续培训哨兵",
        starts_on=date(2016, 3, 1),
        ends_on=date(2016, 3, 1),
        created_by=by,
    )
    continuing.communities.set([community_b])
    topic_session = TrainingSession.objects.create(
        round=continuing, topic="乙社区培训主题哨兵", held_on=date(2016, 3, 1), created_by=by
    )
    TrainingAttendance.objects.create(session=topic_session, person=peer, recorded_by=by)
    # Workshops belong to a program, not to a community: every user of the program reads
    # the curriculum. The only workshop a user must not reach is another program's.
    elsewhere = Program.objects.create(
        name="别项目培训",
        name_en="Elsewhere training",
        slug=f"training-walk-{community_b.code}",
        started_on=date(2012, 1, 1),
    )
    workshop = Workshop.objects.create(
        program=elsewhere,
        code="elsewhere",
        name="别项目工作坊哨兵",
        name_en="Elsewhere workshop sentinel",
        planned_minutes=60,
    )
    return {
        "training:round_detail": pre_service.pk,
        "training:round_edit": pre_service.pk,
        "training:session_create": pre_service.pk,
        "training:session_detail": session.pk,
        "training:session_edit": session.pk,
        "training:session_void": session.pk,
        "training:workshop_edit": workshop.pk,
    }
