"""A second program of the same installation, with one object for every URL parameter.

Program B has its own community, people, accounts and topic; the per-app
`tests/<app>/foreign.py` builders add its sessions, emergency, notification and
submission (they are given program B's community and program B's users). No user of
program A may reach any of it (404) or see any of its texts (`SENTINELS`).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import date

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role, User
from tongban.activities.models import Category, Topic
from tongban.registry import services
from tongban.registry.models import Community, Program, Venue

FOREIGN_APPS = (
    "activities",
    "emergencies",
    "notifications",
    "submissions",
    "evaluation",
    "reports",
    "screening",
    "training",
    "supervision",
    "discussion",
)

# Texts only program B's records hold (the foreign.py modules add theirs).
OWN_SENTINELS = [
    "乙项目哨兵",
    "Program B sentinel",
    "丙项目社区哨兵",
    "Gamma sentinel",
    "丙项目场地哨兵",
    "丙项目服务对象哨兵",
    "丙项目照料者哨兵",
    "丙项目同伴哨兵",
    "13655556666",
    "13677778888",
    "pb-manager",
    "pb-psychiatrist",
    "pb-doctor",
    "pb-peer",
    "丙项目话题哨兵",
]


@dataclass
class OtherProgram:
    program: Program
    community: Community
    users: dict[str, User]
    consumer: object
    topic: Topic
    objects: dict = field(default_factory=dict)
    sentinels: list[str] = field(default_factory=list)


def build(program_a: Program) -> OtherProgram:
    """Program B, started after program A (so that A stays the oldest program)."""
    assert program_a.pk is not None
    program = Program.objects.create(
        name="乙项目哨兵",
        name_en="Program B sentinel",
        slug="program-b",
        started_on=date(2014, 1, 1),
    )
    community = Community.objects.create(
        program=program,
        code="gamma-b",
        name="丙项目社区哨兵",
        name_en="Gamma sentinel",
        started_on=date(2015, 8, 1),
    )
    venue = Venue.objects.create(community=community, name="丙项目场地哨兵", kind=Venue.Kind.OTHER)
    peer_person = make_person(
        "丙项目同伴哨兵", community=community, role="peer", started_on=date(2015, 8, 1)
    )
    consumer = make_person(
        "丙项目服务对象哨兵", community=community, phone="13655556666", started_on=date(2015, 8, 1)
    )
    caregiver = make_person("丙项目照料者哨兵", program=program, phone="13677778888")
    services.caregiver_link_create(caregiver=caregiver, cared_for=consumer, relationship="parent")
    users = {
        "manager": make_user("pb-manager", Role.PROJECT_MANAGER, programs=[program]),
        "psychiatrist": make_user("pb-psychiatrist", Role.PSYCHIATRIST, programs=[program]),
        "doctor": make_user("pb-doctor", Role.COMMUNITY_DOCTOR, [community]),
        "peer": make_user("pb-peer", Role.PEER, person=peer_person),
    }
    topic = Topic.objects.create(
        program=program, category=Category.ENTERTAINMENT, name="丙项目话题哨兵"
    )
    enrolment = consumer.enrolments.get()
    objects: dict = {
        "registry:person_detail": consumer.pk,
        "registry:person_edit": consumer.pk,
        "registry:enrolment_create": consumer.pk,
        "registry:caregiver_link_create": caregiver.pk,
        "registry:enrolment_status": enrolment.pk,
        "registry:enrolment_void": enrolment.pk,
        "registry:community_detail": community.pk,
        "accounts:account_detail": users["doctor"].pk,
        "accounts:account_set_active": users["doctor"].pk,
        "accounts:account_password": users["doctor"].pk,
        "programs:community_detail": community.pk,
        "programs:community_edit": community.pk,
        "programs:community_close": community.pk,
        "programs:community_delete": community.pk,
        "programs:venue_create": community.pk,
        "programs:venue_edit": venue.pk,
        "programs:venue_in_use": venue.pk,
    }
    sentinels = list(OWN_SENTINELS)
    for app in FOREIGN_APPS:
        module = importlib.import_module(f"tests.{app}.foreign")
        extra = {"username": "pb-notified-doctor"} if app == "notifications" else {}
        objects.update(module.objects(community, users, **extra))
        sentinels.extend(module.SENTINELS)
    # A topic of program B's own library (the builder's is a shared one).
    objects["activities:topic_edit"] = topic.pk
    return OtherProgram(
        program=program,
        community=community,
        users=users,
        consumer=consumer,
        topic=topic,
        objects=objects,
        sentinels=sentinels,
    )
