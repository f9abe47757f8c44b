"""Query shapes that must not grow with the city (issue 14).

(a) On any database: `scope.people` shows exactly the people a straightforward reference
computed here in Python says, for every role (it is the access rule: a row too many is a
leak, a row too few a missing record).

(b) On PostgreSQL: with 20 communities of 1,000 enrolled people each and 2,000
caregivers (built once for the module with multi-row INSERTs, in a transaction rolled back
at the end), the people list's queries are planned below PostgreSQL's default
jit_above_cost, so the JIT compiler never starts for a 10 ms query; communities_overview
for a user of one community reads that community's enrolments only; and the app's
connections run with jit off.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_person, make_user
from tests.plans import analyze, explain, insert_rows, postgresql_only, rows_read
from tongban.accounts.models import Role, User
from tongban.core import scope
from tongban.registry import selectors
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Enrolment,
    EnrolmentStatusChange,
    Person,
    Program,
)
from tongban.screening.models import Candidate

# One worker builds the module's data set once (pytest -n 2 --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("registry-query-shapes")]

# PostgreSQL's default: a plan estimated above this cost is compiled by the JIT.
JIT_ABOVE_COST = 100_000

Status = EnrolmentStatusChange.Status


# (a) The same rows as the rule says ------------------------------------------------------


def _reference(user: User) -> set[int]:
    """Who `user` may see, computed the plain way: from all rows, in Python."""
    current = scope.program(user)
    if current is None:
        return set()
    if user.is_program_wide:
        return set(Person.objects.filter(program=current).values_list("pk", flat=True))
    enrolments = list(Enrolment.objects.select_related("community"))
    latest: dict[int, str] = {}
    for change in EnrolmentStatusChange.objects.order_by("effective_on", "pk"):
        latest[change.enrolment_id] = change.status
    if user.is_peer:
        mine = {
            e.community_id
            for e in enrolments
            if e.person_id == user.person_id
            and e.role == Enrolment.Role.PEER
            and e.voided_at is None
            and latest.get(e.pk) != Status.WITHDRAWN
        }
    else:
        mine = set(user.communities.values_list("pk", flat=True))
    mine = {pk for pk in mine if Community.objects.get(pk=pk).program_id == current.pk}
    enrolled = {e.person_id for e in enrolments if e.community_id in mine and e.voided_at is None}
    if user.is_peer:
        return enrolled | {user.person_id}
    caregivers = {
        link.caregiver_id for link in CaregiverLink.objects.all() if link.cared_for_id in enrolled
    }
    candidates = {c.person_id for c in Candidate.objects.all() if c.community_id in mine}
    return enrolled | caregivers | candidates


@pytest.fixture
def small_world(users, community_a, community_b):
    """Everyone `people` decides about: in A and in B, voided, withdrawn, caregivers of
    each, candidates of each, and another program's people."""
    doctor = users["doctor"]
    consumer_a = make_person("甲服务对象", community=community_a)
    consumer_b = make_person("乙服务对象", community=community_b)
    withdrawn_a = make_person("甲退出", community=community_a)
    Enrolment.objects.get(person=withdrawn_a).status_changes.create(
        status=Status.WITHDRAWN, effective_on=date(2015, 1, 1), reason="moved"
    )
    voided_a = make_person("甲作废", community=community_a)
    Enrolment.objects.get(person=voided_a).void(by=doctor, reason="mistake")
    both = make_person("两地", community=community_b)
    Enrolment.objects.create(
        person=both, community=community_a, role="consumer", started_on=date(2014, 3, 1)
    )
    peer_b = make_person("乙同伴", community=community_b, role="peer")
    for name, cared_for in [
        ("甲家属", consumer_a),
        ("乙家属", consumer_b),
        ("退出家属", withdrawn_a),
        ("作废家属", voided_a),
        ("同伴家属", users["peer"].person),
    ]:
        caregiver = make_person(name, program=community_a.program)
        CaregiverLink.objects.create(
            caregiver=caregiver, cared_for=cared_for, relationship="parent"
        )
    for name, community in [("甲候选", community_a), ("乙候选", community_b)]:
        Candidate.objects.create(
            person=make_person(name, program=community.program),
            community=community,
            role="consumer",
            source="doctor",
            recommended_on=date(2016, 1, 1),
            created_by=doctor,
        )
    other = Program.objects.create(
        name="他项目", slug="other", started_on=date(2014, 1, 1), ended_on=None
    )
    elsewhere = Community.objects.create(program=other, code="gamma", name="丙社区")
    make_person("丙服务对象", community=elsewhere)
    # A peer withdrawn from service sees themself only; one in two communities both.
    gone = make_person("退出同伴", community=community_a, role="peer")
    Enrolment.objects.get(person=gone).status_changes.create(
        status=Status.WITHDRAWN, effective_on=date(2015, 1, 1), reason="moved"
    )
    Enrolment.objects.create(
        person=peer_b, community=community_a, role="peer", started_on=date(2014, 3, 1)
    ).status_changes.create(status=Status.ACTIVE, effective_on=date(2014, 3, 1))
    return {
        **users,
        "withdrawn peer": make_user("gone", Role.PEER, person=gone),
        "peer of two": make_user("two", Role.PEER, person=peer_b),
        "doctor of two": make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a, community_b]),
        "doctor elsewhere": make_user("doctor3", Role.COMMUNITY_DOCTOR, [elsewhere]),
    }


ROLES = [
    "manager",
    "psychiatrist",
    "doctor",
    "psychologist",
    "socialworker",
    "research",
    "peer",
    "withdrawn peer",
    "peer of two",
    "doctor of two",
    "doctor elsewhere",
]


@pytest.mark.parametrize("who", ROLES)
def test_people_are_who_the_rule_says(small_world, who):
    user = small_world[who]
    seen = set(scope.people(user).values_list("pk", flat=True))
    expected = _reference(user)
    assert seen == expected
    # And through the list the page shows (filters, annotations, order).
    listed = [p.pk for p in selectors.people_list(user)]
    assert sorted(listed) == sorted(expected) and len(listed) == len(set(listed))


def test_the_reference_tells_roles_apart(small_world):
    """The reference itself is not trivially everyone: it sees what the rule hides."""
    doctor, peer = _reference(small_world["doctor"]), _reference(small_world["peer"])
    names = dict(Person.objects.values_list("pk", "name"))
    assert "乙服务对象" not in {names[pk] for pk in doctor}
    assert {"甲家属", "甲候选", "甲退出"} <= {names[pk] for pk in doctor}
    assert {"甲作废", "作废家属", "乙家属", "乙候选"}.isdisjoint({names[pk] for pk in doctor})
    assert "甲家属" not in {names[pk] for pk in peer}
    assert {names[pk] for pk in _reference(small_world["withdrawn peer"])} == {"退出同伴"}


# (b) At scale, on PostgreSQL ---------------------------------------------------------------

COMMUNITIES = 20
PER_COMMUNITY = 1_000  # 50 peers and 950 consumers
PEERS = 50
CAREGIVERS = 2_000


def _build_city() -> dict:
    program = Program.objects.create(
        name="城市项目", name_en="City", slug="city", started_on=date(2013, 7, 1)
    )
    communities = [
        Community.objects.create(
            program=program, code=f"c{n}", name=f"社区{n}", started_on=date(2013, 7, 1)
        )
        for n in range(COMMUNITIES)
    ]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    person_columns = (
        "program_id",
        "name",
        "sex",
        "date_of_birth",
        "education",
        "marital_status",
        "working_status",
        "diagnosis",
        "phone",
        "address",
        "created_at",
    )

    def person(name: str) -> tuple:
        return (program.pk, name, "female", date(1970, 1, 1), "", "", "", "", "", "", now)

    total = COMMUNITIES * PER_COMMUNITY
    people = insert_rows(
        "registry_person",
        person_columns,
        [person(f"人{k:05d}") for k in range(total)],
        returning=True,
    )
    enrolments = []
    for k, person_id in enumerate(people):
        community = communities[k // PER_COMMUNITY]
        role = "peer" if k % PER_COMMUNITY < PEERS else "consumer"
        voided = now if k % 97 == 96 else None
        enrolments.append((person_id, community.pk, role, date(2014, 1, 1), True, voided, None, ""))
    enrolment_ids = insert_rows(
        "registry_enrolment",
        (
            "person_id",
            "community_id",
            "role",
            "started_on",
            "before_screening",
            "voided_at",
            "voided_by_id",
            "void_reason",
        ),
        enrolments,
        returning=True,
    )
    changes = []
    for k, pk in enumerate(enrolment_ids):
        changes.append((pk, "active", date(2014, 1, 1), ""))
        if k % 10 == 3:
            changes.append((pk, "on_leave", date(2015, 1, 1), "leave"))
        if k % 7 == 5:
            changes.append((pk, "withdrawn", date(2016, 1, 1), "moved"))
    insert_rows(
        "registry_enrolmentstatuschange",
        ("enrolment_id", "status", "effective_on", "reason"),
        changes,
    )
    # Caregivers: of consumers spread over every community.
    caregivers = insert_rows(
        "registry_person",
        person_columns,
        [person(f"家属{k:05d}") for k in range(CAREGIVERS)],
        returning=True,
    )
    links = [
        # 100 consumers of each community have a caregiver.
        (
            caregiver,
            people[(k % COMMUNITIES) * PER_COMMUNITY + PEERS + k // COMMUNITIES],
            "parent",
            None,
        )
        for k, caregiver in enumerate(caregivers)
    ]
    insert_rows(
        "registry_caregiverlink",
        ("caregiver_id", "cared_for_id", "relationship", "started_on"),
        links,
    )
    first = communities[0]
    peer_person = Person.objects.get(pk=people[0])
    users = {
        "doctor": make_user("city-doctor", Role.COMMUNITY_DOCTOR, [first]),
        "peer": make_user("city-peer", Role.PEER, person=peer_person),
        "manager": make_user("city-manager", Role.PROJECT_MANAGER, programs=[program]),
    }
    analyze()
    return {"program": program, "communities": communities, **users}


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner")
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_city()
        transaction.set_rollback(True)


def _page_queries(user: User, url: str) -> tuple[str, list[str]]:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and '"registry_' in q["sql"]
    ]


@postgresql_only
@pytest.mark.parametrize("who", ["doctor", "peer", "manager"])
@pytest.mark.parametrize("query", ["", "?role=consumer", "?q=人0001"])
def test_the_people_list_is_planned_below_the_jit_threshold(city, who, query):
    body, queries = _page_queries(city[who], reverse("registry:person_list") + query)
    assert "人00" in body
    costs = {sql: explain(sql)["Plan"]["Total Cost"] for sql in queries}
    assert queries and max(costs.values()) < JIT_ABOVE_COST, max(
        costs.items(), key=lambda item: item[1]
    )


@postgresql_only
@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_the_people_list_shows_one_community(city, who):
    """The list at scale is still the community's: its 1,000 enrolled people less the
    voided, and (for the doctor) its caregivers."""
    user = city[who]
    first = city["communities"][0]
    enrolled = set(
        Enrolment.objects.current().filter(community=first).values_list("person_id", flat=True)
    )
    cares = set(
        CaregiverLink.objects.filter(cared_for__in=enrolled).values_list("caregiver_id", flat=True)
    )
    expected = enrolled | (set() if who == "peer" else cares) | {user.person_id} - {None}
    assert set(scope.people(user).values_list("pk", flat=True)) == expected


def _overview_sql(user: User) -> str:
    scope.forget_program(user)
    scope.program(user)
    with CaptureQueriesContext(connection) as queries:
        rows = list(selectors.communities_overview(user))
    (sql,) = [q["sql"] for q in queries.captured_queries]
    return rows, sql


@postgresql_only
def test_the_overview_of_one_community_reads_its_enrolments_only(city):
    rows, sql = _overview_sql(city["doctor"])
    first = city["communities"][0]
    ((community, peers, consumers),) = [(r.pk, r.peers, r.consumers) for r in rows]
    assert community == first.pk
    in_service = (
        Enrolment.objects.in_service().filter(community=first).values_list("role", flat=True)
    )
    assert (peers, consumers) == (
        sum(1 for r in in_service if r == "peer"),
        sum(1 for r in in_service if r == "consumer"),
    )
    plan = explain(sql, analyze=True)
    mine = Enrolment.objects.filter(community=first).count()
    read = rows_read(plan, "registry_enrolment")
    assert read <= 3 * mine, (read, mine)
    changes = EnrolmentStatusChange.objects.filter(enrolment__community=first).count()
    assert rows_read(plan, "registry_enrolmentstatuschange") <= 3 * changes


@postgresql_only
def test_the_overview_counts_every_community_for_the_manager(city):
    rows, _sql = _overview_sql(city["manager"])
    counts = {r.pk: (r.peers, r.consumers) for r in rows}
    assert len(counts) == COMMUNITIES
    for community in city["communities"]:
        roles = list(
            Enrolment.objects.in_service()
            .filter(community=community)
            .values_list("role", flat=True)
        )
        assert counts[community.pk] == (roles.count("peer"), roles.count("consumer"))


@postgresql_only
def test_the_app_runs_without_jit(db):
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_sqlite_takes_no_postgresql_options():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        assert "jit=off" in settings.DATABASES["default"]["OPTIONS"]["options"]
    else:
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})
