"""The shapes of the session queries (issue 14, "city scale").

The session list, its summary line and the home page's "to record" and "coming up" blocks
must read what they show, not the program: the list counts and pages the plain filtered
plans and counts peers and consumers for the page's rows only; the summary is one
aggregate over the records the list's filters select; the status filters are plain
conditions on the planned day and the record (the (community, planned_on) index answers
them), not a CASE over a join.

First, on a small hand-made data set, the new selectors give exactly what the old ones
(copied below as `_old_sessions` and `_old_summary`) gave, for every status and filter.
Then, on PostgreSQL only, a city-like data set (20 communities, 20,000 plans, about
100,000 participant list rows, built once for the module with bulk inserts inside one
transaction rolled back at the end) is ANALYZEd and EXPLAIN ANALYZE checks what the
pages' queries read.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Avg, Case, Count, F, Q, Value, When
from django.db.models import CharField as CharFieldType
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.activities.conftest import plan_fields, record_fields
from tests.conftest import count_queries, make_person, make_user
from tests.plans import analyze, explain, insert_rows, plan_nodes, postgresql_only, rows_read
from tongban.accounts.models import Role, User
from tongban.activities import selectors, services
from tongban.activities.models import (
    PEERS_PER_SESSION,
    ActivityPlan,
    ActivityRecord,
    Attendance,
    Category,
    Format,
)
from tongban.activities.selectors import SessionStatus
from tongban.registry.models import Community, Program, Venue

# One worker builds the module's data set once (pytest -n 2 --dist loadgroup).
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("activities-query-shapes")]

STATUSES = ["", SessionStatus.PLANNED, SessionStatus.TO_RECORD, SessionStatus.RECORDED]


# The selectors as they were before issue 14: the reference for the results.


def _old_sessions(user, *, community=None, status: str = "", q: str = ""):
    today = timezone.localdate()
    plans = (
        ActivityPlan.objects.visible_to(user)
        .current()
        .select_related("community", "venue", "lead_peer", "record")
        .annotate(
            planned_peers=Count("assisting_peers", distinct=True) + 1,
            peers_present=Count("record__peers_present", distinct=True),
            consumers_present=Count(
                "record__attendances",
                filter=Q(record__attendances__voided_at__isnull=True),
                distinct=True,
            ),
        )
        .annotate(
            status=Case(
                When(record__isnull=False, then=Value(SessionStatus.RECORDED)),
                When(planned_on__lt=today, then=Value(SessionStatus.TO_RECORD)),
                default=Value(SessionStatus.PLANNED),
                output_field=CharFieldType(),
            )
        )
    )
    if community is not None:
        plans = plans.filter(community=community)
    if status:
        plans = plans.filter(status=status)
    if q.strip():
        plans = plans.filter(theme__icontains=q.strip())
    return plans.order_by(
        Case(When(planned_on__gte=today, then=Value(0)), default=Value(1)),
        Case(When(planned_on__gte=today, then=F("planned_on"))).asc(nulls_last=True),
        F("planned_on").desc(),
        "-planned_start",
        "-pk",
    )


def _old_summary(user, *, community=None) -> dict:
    records = ActivityRecord.objects.delivered().visible_to(user)
    if community is not None:
        records = records.filter(plan__community=community)
    summary = records.aggregate(delivered=Count("pk"), mean_minutes=Avg("duration_minutes"))
    summary["fewer_than_two_peers"] = (
        records.annotate(peers=Count("peers_present")).filter(peers__lt=PEERS_PER_SESSION).count()
    )
    return summary


def _rows(plans) -> list[tuple]:
    return [
        (
            plan.pk,
            plan.status,
            plan.planned_peers,
            plan.peers_present,
            plan.consumers_present,
            plan.record.pk if getattr(plan, "record", None) else None,
        )
        for plan in plans
    ]


# A small world: sessions of every kind in communities A and B.

TODAY = date(2016, 6, 30)


@pytest.fixture
def frozen():
    with time_machine.travel(datetime(2016, 6, 30, 4, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture
def small_world(frozen, users, community_a, community_b, venue_a, peer_person_a, second_peer_a):
    """Sessions in A: past and recorded (two peers, one peer, consumers some of them
    removed), past and not recorded, today, upcoming (with and without an assisting
    peer), voided; one in B. Themes differ so that the search filter selects some."""
    consumers = [make_person(f"小{i}", community=community_a) for i in range(4)]
    peer = users["peer"]

    def plan(day, theme, *, helpers=(second_peer_a,), **overrides):
        return services.plan_create(
            by=peer,
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, planned_on=day, theme=theme, **overrides),
            assisting_peers=list(helpers),
        )

    def record(plan_, day, *, peers, attending):
        services.record_save(
            plan=plan_,
            by=peer,
            fields=record_fields(held_on=day),
            peers_present=peers,
            consumers=attending,
        )

    both = [peer_person_a, second_peer_a]
    made = {}
    made["two_peers"] = plan(TODAY - timedelta(days=20), "唱歌")
    record(made["two_peers"], TODAY - timedelta(days=20), peers=both, attending=consumers)
    made["one_peer"] = plan(TODAY - timedelta(days=13), "画画", helpers=())
    record(made["one_peer"], TODAY - timedelta(days=13), peers=both[:1], attending=consumers[:2])
    # Two consumers taken off the list again: voided rows are not counted.
    record(made["one_peer"], TODAY - timedelta(days=13), peers=both[:1], attending=consumers[:1])
    made["no_peer"] = plan(TODAY - timedelta(days=6), "唱歌二")
    record(made["no_peer"], TODAY - timedelta(days=6), peers=[], attending=[])
    made["to_record"] = plan(TODAY - timedelta(days=1), "散步")
    made["to_record_too"] = plan(
        TODAY - timedelta(days=40), "唱歌三", planned_start=time(14, 0), planned_end=time(15, 0)
    )
    made["today"] = plan(TODAY, "今天唱歌")
    made["upcoming"] = plan(TODAY + timedelta(days=3), "下周", helpers=())
    made["later"] = plan(TODAY + timedelta(days=10), "下下周")
    made["voided"] = plan(TODAY - timedelta(days=3), "作废")
    record(made["voided"], TODAY - timedelta(days=3), peers=both, attending=consumers)
    services.session_void(plan=made["voided"], by=users["manager"], reason="录错了")
    lead_b = make_person("乙同伴", community=community_b, role="peer")
    venue_b = Venue.objects.create(
        community=community_b, name="乙家园", kind=Venue.Kind.REHABILITATION_CENTRE
    )
    made["in_b"] = services.plan_create(
        by=users["manager"],
        community=community_b,
        fields=plan_fields(venue_b, lead_b, planned_on=TODAY - timedelta(days=2), theme="乙唱歌"),
    )
    services.record_save(
        plan=made["in_b"],
        by=users["manager"],
        fields=record_fields(held_on=TODAY - timedelta(days=2)),
        peers_present=[lead_b],
    )
    return made


@pytest.mark.parametrize("who", ["manager", "doctor", "peer"])
@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("q", ["", "唱歌"])
def test_the_list_gives_what_it_gave(small_world, users, community_a, who, status, q):
    user = users[who]
    for community in (None, community_a):
        new = _rows(selectors.sessions(user, community=community, status=status, q=q))
        old = _rows(_old_sessions(user, community=community, status=status, q=q))
        assert new == old
    if who == "manager" and not status and not q:
        # The data set has every kind of row the list shows.
        assert {row[1] for row in new} == set(STATUSES) - {""}
        assert {row[3] for row in new if row[1] == SessionStatus.RECORDED} == {0, 1, 2}


def test_each_status_selects_its_own_sessions(small_world, users):
    """Not vacuous: the old and new lists agree on sessions of every status."""
    ids = {
        status: [row[0] for row in _rows(selectors.sessions(users["doctor"], status=status))]
        for status in STATUSES[1:]
    }
    made = small_world
    assert ids[SessionStatus.PLANNED] == [made["today"].pk, made["upcoming"].pk, made["later"].pk]
    assert ids[SessionStatus.TO_RECORD] == [made["to_record"].pk, made["to_record_too"].pk]
    assert ids[SessionStatus.RECORDED] == [
        made["no_peer"].pk,
        made["one_peer"].pk,
        made["two_peers"].pk,
    ]


def test_the_page_shows_the_old_counts(small_world, client_for, users):
    client = client_for(users["manager"])
    page = client.get(reverse("activities:session_list")).context["page"]
    assert _rows(page) == _rows(_old_sessions(users["manager"]))[: len(page)]


@pytest.mark.parametrize("who", ["manager", "doctor", "peer"])
def test_the_summary_gives_what_it_gave_without_filters(small_world, users, community_a, who):
    user = users[who]
    for community in (None, community_a):
        assert selectors.session_summary(user, community=community) == _old_summary(
            user, community=community
        )
    if who == "manager":
        summary = selectors.session_summary(user)
        assert summary["delivered"] == 4 and summary["fewer_than_two_peers"] == 3


def test_the_summary_follows_the_lists_filters(small_world, users, client_for):
    """Scoped to what the list shows: the search and the status filter narrow it."""
    user = users["doctor"]
    assert selectors.session_summary(user, q="唱歌") == {
        "delivered": 2,
        "mean_minutes": 90.0,
        "fewer_than_two_peers": 1,
    }
    assert selectors.session_summary(user, status=SessionStatus.RECORDED)["delivered"] == 3
    for status in (SessionStatus.PLANNED, SessionStatus.TO_RECORD):
        assert selectors.session_summary(user, status=status) == {
            "delivered": 0,
            "mean_minutes": None,
            "fewer_than_two_peers": 0,
        }
    response = client_for(user).get(reverse("activities:session_list"), {"q": "唱歌"})
    assert response.context["summary"]["delivered"] == 2


def test_home_blocks_give_what_they_gave(small_world, client_for, users):
    from tongban.core.home import SHOWN

    for who in ("doctor", "peer", "research"):
        context = client_for(users[who]).get("/").context
        for key, status in (
            ("to_record", SessionStatus.TO_RECORD),
            ("upcoming", SessionStatus.PLANNED),
        ):
            if key in context:
                expected = list(_old_sessions(users[who], status=status)[:SHOWN])
                assert [p.pk for p in context[key]] == [p.pk for p in expected]
                assert expected


# Query counts: the pages cost the same with 5 and with 50 sessions.


def _add(n, *, users, community, venue, lead, helper, consumers, start):
    for i in range(n):
        day = start + timedelta(days=i)
        plan = services.plan_create(
            by=users["peer"],
            community=community,
            fields=plan_fields(venue, lead, planned_on=day, theme=f"活动{i}"),
            assisting_peers=[helper],
        )
        if day < TODAY:
            services.record_save(
                plan=plan,
                by=users["peer"],
                fields=record_fields(held_on=day),
                peers_present=[lead, helper],
                consumers=consumers,
            )


@pytest.mark.parametrize("who", ["doctor", "peer", "manager"])
def test_list_and_home_cost_the_same_with_5_and_50_sessions(
    frozen, client_for, users, community_a, venue_a, peer_person_a, second_peer_a, who
):
    consumers = [make_person(f"数{i}", community=community_a) for i in range(3)]
    kwargs = dict(
        users=users,
        community=community_a,
        venue=venue_a,
        lead=peer_person_a,
        helper=second_peer_a,
        consumers=consumers,
    )
    client = client_for(users[who])
    urls = [reverse("activities:session_list"), "/", reverse("activities:session_list") + "?q=活动"]
    _add(5, **kwargs, start=TODAY - timedelta(days=3))
    few = [count_queries(client, url) for url in urls]
    _add(45, **kwargs, start=TODAY - timedelta(days=60))
    assert ActivityPlan.objects.count() == 50
    assert [count_queries(client, url) for url in urls] == few


# PostgreSQL: what the queries read in a city-like data set.

COMMUNITIES = 20
PLANS_PER_COMMUNITY = 1_000
FUTURE_PER_COMMUNITY = 60  # three a day for twenty days
UNRECORDED_EVERY = 20  # one past plan in twenty waits for its process form
VOIDED_EVERY = 50


def _build_city() -> dict:
    today = timezone.localdate()
    program = Program.objects.create(
        name="城市项目", name_en="City", slug="city", started_on=date(2010, 1, 1)
    )
    communities = [
        Community.objects.create(
            program=program, code=f"c{k}", name=f"社区{k}", started_on=date(2010, 1, 1)
        )
        for k in range(COMMUNITIES)
    ]
    venues = [
        Venue.objects.create(community=c, name=f"家园{k}", kind=Venue.Kind.REHABILITATION_CENTRE)
        for k, c in enumerate(communities)
    ]
    peers = [
        [make_person(f"城同伴{k}-{j}", community=c, role="peer", program=program) for j in range(3)]
        for k, c in enumerate(communities)
    ]
    doctor = make_user("city-doctor", Role.COMMUNITY_DOCTOR, [communities[0]], programs=[program])
    peer = make_user("city-peer", Role.PEER, person=peers[0][0], programs=[program])
    writer = make_user("city-writer", Role.RESEARCH_ASSISTANT, communities, programs=[program])
    now = timezone.now()
    plans, recorded = [], []
    for k, community in enumerate(communities):
        for i in range(PLANS_PER_COMMUNITY):
            day = today + timedelta(days=FUTURE_PER_COMMUNITY // 3 - 1 - i // 3)
            voided = i % VOIDED_EVERY == VOIDED_EVERY - 1
            plans.append(
                ActivityPlan(
                    community=community,
                    venue=venues[k],
                    planned_on=day,
                    planned_start=time(9 + i % 3 * 3, 0),
                    planned_end=time(10 + i % 3 * 3, 30),
                    category=Category.ENTERTAINMENT,
                    theme=f"活动 {k}-{i}",
                    aim="放松",
                    format=Format.GROUP_DISCUSSION,
                    lead_peer=peers[k][i % 3],
                    created_by=writer,
                    voided_at=now if voided else None,
                    voided_by=writer if voided else None,
                    void_reason="录错了" if voided else "",
                )
            )
            if day < today and i % UNRECORDED_EVERY != 0:
                recorded.append((len(plans) - 1, k, i, voided))
    plans = ActivityPlan.objects.bulk_create(plans, batch_size=2000)
    records = ActivityRecord.objects.bulk_create(
        (
            ActivityRecord(
                plan=plans[index],
                held_on=plans[index].planned_on,
                started_at=plans[index].planned_start,
                ended_at=plans[index].planned_end,
                duration_minutes=60 + i % 5 * 10,
                format=Format.GROUP_DISCUSSION,
                theme=plans[index].theme,
                created_by=writer,
                voided_at=now if voided else None,
                voided_by=writer if voided else None,
                void_reason="录错了" if voided else "",
            )
            for index, k, i, voided in recorded
        ),
        batch_size=2000,
    )
    helpers = [
        (plan.pk, peers[n // PLANS_PER_COMMUNITY][(n + 1) % 3].pk)
        for n, plan in enumerate(plans)
        if n % 9
    ]
    insert_rows(
        ActivityPlan.assisting_peers.through._meta.db_table,
        ("activityplan_id", "person_id"),
        helpers,
    )
    present, attendance = [], []
    stamp = connection.ops.adapt_datetimefield_value(now)
    for record, (_index, k, i, _voided) in zip(records, recorded, strict=True):
        present.append((record.pk, peers[k][i % 3].pk))
        if i % 7:  # one in seven has only its lead
            present.append((record.pk, peers[k][(i + 1) % 3].pk))
        for j in range(5 + i % 2):
            gone = (i + j) % 13 == 0
            attendance.append(
                (record.pk, f"来访者{j}", "", "", stamp if gone else None, "" if not gone else "x")
            )
    insert_rows(
        ActivityRecord.peers_present.through._meta.db_table,
        ("activityrecord_id", "person_id"),
        present,
    )
    insert_rows(
        Attendance._meta.db_table,
        ("record_id", "walk_in_name", "walk_in_community", "note", "voided_at", "void_reason"),
        attendance,
    )
    analyze()
    return {"doctor": doctor, "peer": peer, "community": communities[0], "program": program}


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    if connection.vendor != "postgresql":
        pytest.skip("EXPLAIN of PostgreSQL")
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build_city()
        transaction.set_rollback(True)


TABLES = (
    "activities_activityplan",
    "activities_activityrecord",
    "activities_attendance",
    "activities_activityplan_assisting_peers",
    "activities_activityrecord_peers_present",
)


def _captured(user: User, url: str) -> list[str]:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if "activities_" in q["sql"]]


def _report(name: str, sql: str) -> dict[str, int]:
    document = explain(sql, analyze=True)
    read = {table: rows_read(document, table) for table in TABLES}
    # A GROUP BY that makes more than one group per loop: the old counts grouped every
    # plan (a subquery's COUNT is one group, a plain Aggregate).
    grouped = [
        node.get("Actual Rows", 0)
        for node in plan_nodes(document["Plan"])
        if node["Node Type"] == "Aggregate"
        and node.get("Strategy") in ("Hashed", "Sorted", "Mixed")
        and node.get("Actual Rows", 0) > 1
    ]
    seq = [
        node["Relation Name"]
        for node in plan_nodes(document["Plan"])
        if node["Node Type"] == "Seq Scan" and node.get("Relation Name") in TABLES
    ]
    # Shown with -s: the figures for issue 14.
    ms = document["Execution Time"]
    print(f"\n{name}: {ms:.1f} ms, read {read}, grouped {grouped}, seq {seq}")
    return {"read": read, "grouped": grouped, "seq": seq, "ms": document["Execution Time"]}


@postgresql_only
def test_the_city_is_as_planned(city):
    assert ActivityPlan.objects.count() == COMMUNITIES * PLANS_PER_COMMUNITY
    assert Attendance.objects.count() > 95_000
    assert ActivityRecord.objects.count() > 15_000


# One community's sessions: what a community doctor's pages may read of each table.
BOUND = 3 * PLANS_PER_COMMUNITY
# What a page of plans may read of their peers and participant lists (25 rows).
PAGE_BOUND = 25 * 10


def _is_page(sql: str) -> bool:
    return '"planned_peers"' in sql and "COUNT(*)" not in sql


LIST_URLS = ["", "?status=recorded", "?status=to_record", "?status=planned", "?page=3", "?q=活动"]


def _bounded(name: str, sql: str, bound: int = BOUND) -> dict:
    shape = _report(name, sql)
    assert not shape["grouped"], (shape, sql)
    assert not shape["seq"], (shape, sql)
    assert all(rows <= bound for rows in shape["read"].values()), (shape, sql)
    return shape


@postgresql_only
@pytest.mark.parametrize("who", ["doctor", "peer"])
@pytest.mark.parametrize("query", LIST_URLS)
def test_the_session_list_reads_one_communitys_rows(city, who, query):
    """No GROUP BY of the plans, no scan of a table, and no more rows of any table than
    the community has plans (1,000 of 20,000); the page's counts read its own rows."""
    queries = _captured(city[who], reverse("activities:session_list") + query)
    # The count, the summary (none for planned sessions or those to record), the page.
    assert len(queries) == 2 if "planned" in query or "to_record" in query else 3
    for n, sql in enumerate(queries):
        shape = _bounded(f"session list {who} {query} #{n}", sql)
        if _is_page(sql):
            read = shape["read"]
            assert read["activities_attendance"] <= PAGE_BOUND, (shape, sql)
            assert read["activities_activityrecord_peers_present"] <= PAGE_BOUND, (shape, sql)
            assert read["activities_activityplan_assisting_peers"] <= PAGE_BOUND, (shape, sql)


@postgresql_only
def test_a_page_of_recorded_sessions_counts_its_own_participants(city):
    """The recorded sessions' page: its 25 plans' participant list rows are read (about
    140), not the 100,000 of the table."""
    queries = _captured(city["doctor"], reverse("activities:session_list") + "?status=recorded")
    (page,) = [sql for sql in queries if _is_page(sql)]
    read = _report("recorded page", page)["read"]
    assert 0 < read["activities_attendance"] <= PAGE_BOUND


@postgresql_only
def test_a_program_wide_page_counts_its_own_rows(city, django_user_model):
    """A manager's list sorts the program's plans, but counts peers and participants of
    the page's rows only."""
    manager = make_user("city-manager", Role.PROJECT_MANAGER, programs=[city["program"]])
    queries = _captured(manager, reverse("activities:session_list") + "?status=recorded")
    (page,) = [sql for sql in queries if _is_page(sql)]
    shape = _report("manager page", page)
    assert not shape["grouped"], shape
    assert 0 < shape["read"]["activities_attendance"] <= PAGE_BOUND, shape


@postgresql_only
@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_the_home_blocks_read_one_communitys_rows(city, who):
    """ "To record" and "coming up": plain conditions on the planned day and the record,
    answered from the (community, planned_on) index."""
    queries = [sql for sql in _captured(city[who], "/") if "activities_activityplan" in sql]
    assert len(queries) == 2
    for n, sql in enumerate(queries):
        _bounded(f"home {who} #{n}", sql)
