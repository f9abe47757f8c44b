"""Shared fixtures: a small program with two communities and one user per role."""

from __future__ import annotations

import functools
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from tongban.accounts.models import Role, User
from tongban.registry import services
from tongban.registry.models import Community, Person, Program, Venue

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(autouse=True)
def _default_language():
    """The language middleware activates the user's language for the thread and leaves
    it: a request as an English-speaking user must not change the next test's language."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def program(db) -> Program:
    return Program.objects.create(
        name="测试项目", name_en="Test program", slug="test", started_on=date(2013, 7, 1)
    )


@pytest.fixture
def community_a(program) -> Community:
    community = Community.objects.create(
        program=program, code="alpha", name="甲社区", name_en="Alpha", started_on=date(2013, 7, 1)
    )
    Venue.objects.create(
        community=community, name="甲温馨家园", kind=Venue.Kind.REHABILITATION_CENTRE
    )
    return community


@pytest.fixture
def community_b(program) -> Community:
    return Community.objects.create(
        program=program, code="beta", name="乙社区", name_en="Beta", started_on=date(2015, 8, 1)
    )


def make_person(
    name: str,
    *,
    community: Community | None = None,
    role: str = "consumer",
    started_on: date = date(2014, 3, 1),
    program: Program | None = None,
    **fields,
) -> Person:
    """A person of `community`'s program (else of `program`, else the oldest program)."""
    defaults = {
        "sex": "female",
        "date_of_birth": date(1970, 5, 6),
        "diagnosis": "schizophrenia",
        "phone": "13800000000",
        "education": "senior_high",
    }
    defaults.update(fields)
    if program is None:
        program = community.program if community else Program.objects.order_by("pk").first()
    person = Person.objects.create(name=name, program=program, **defaults)
    if community is not None:
        # Fixtures of tests that are not about screening: enrolled as before screening
        # was recorded (tests/screening make people through the gate).
        services.enrolment_create(
            person=person,
            community=community,
            role=role,
            started_on=started_on,
            before_screening=True,
        )
    return person


@functools.cache
def _password_hash() -> str:
    """PASSWORD hashed once per test process with the real (Argon2) hasher: hashing it for
    every user of every test cost about a second a test; a stored hash of the same
    password logs in exactly the same."""
    return make_password(PASSWORD)


def count_queries(client, url: str) -> int:
    """The queries one GET of `url` costs (it must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def make_user(
    username: str, role: str, communities=(), person: Person | None = None, programs=None
) -> User:
    """Program-wide roles belong to `programs` (default: the oldest program)."""
    user = User(username=username, role=role, first_name=username, person=person)
    user.password = _password_hash()
    user.save()
    user.communities.set(communities)
    if programs is None and role in (Role.PROJECT_MANAGER, Role.PSYCHIATRIST):
        programs = Program.objects.order_by("pk")[:1]
    user.programs.set(programs or ())
    return user


@pytest.fixture
def peer_person_a(community_a) -> Person:
    return make_person("甲同伴", community=community_a, role="peer", sex="male")


@pytest.fixture
def consumer_a(community_a) -> Person:
    return make_person("甲服务对象", community=community_a, phone="13911112222")


@pytest.fixture
def consumer_b(community_b) -> Person:
    return make_person("乙服务对象", community=community_b, phone="13733334444")


@pytest.fixture
def users(community_a, community_b, peer_person_a) -> dict[str, User]:
    """One user per role; the non-program-wide staff and the peer belong to community A."""
    return {
        "manager": make_user("manager", Role.PROJECT_MANAGER),
        "psychiatrist": make_user("psychiatrist", Role.PSYCHIATRIST),
        "doctor": make_user("doctor", Role.COMMUNITY_DOCTOR, [community_a]),
        "psychologist": make_user("psychologist", Role.CLINICAL_PSYCHOLOGIST, [community_a]),
        "socialworker": make_user("socialworker", Role.SOCIAL_WORKER, [community_a]),
        "research": make_user("research", Role.RESEARCH_ASSISTANT, [community_a]),
        "peer": make_user("peer", Role.PEER, person=peer_person_a),
    }


@pytest.fixture
def client_for(client):
    def login(user: User):
        client.force_login(user)
        return client

    return login


def complete_training(person: Person, *, community: Community, on: date | None = None):
    """Record `person` at every required pre-service workshop of the community's program,
    in one round held on `on` (default: the day before the program starts): the training
    readiness rule (tongban.training.readiness) then lets them lead."""
    from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession
    from tongban.training.readiness import required_workshops

    program = community.program
    day = on or program.started_on
    training_round, _created = TrainingRound.objects.get_or_create(
        program=program,
        kind=TrainingRound.Kind.PRE_SERVICE,
        name=f"测试培训 {day.isoformat()}",
        defaults={"starts_on": day, "ends_on": day},
    )
    training_round.communities.add(community)
    for workshop in required_workshops(program):
        session, _created = TrainingSession.objects.get_or_create(
            round=training_round, workshop=workshop, held_on=day
        )
        TrainingAttendance.objects.get_or_create(session=session, person=person)
    return training_round
