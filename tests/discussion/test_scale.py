"""The group at scale: a space with 50,000 messages opens its newest topic page, pages back
by cursor, polls, lists its topics and counts what is unread with the same number of
queries as a space with a handful of messages; the unread counts are one query each.

The big space and a small one (another community of the same program: the same people
in the same roles, in the same state) are built once for the module with bulk inserts,
inside one transaction rolled back when the module is done; each test runs in its own
savepoint. Bulk inserts write no history rows, which nothing here reads.

On PostgreSQL, EXPLAIN checks what the queries read: the newest page walks the (topic, -id)
index, and the unread counts do not read a topic's messages up to the read mark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_person, make_user
from tests.plans import analyze, explain, insert_rows, postgresql_only, rows_read
from tongban.accounts.models import Role, User
from tongban.core import scope
from tongban.discussion import selectors
from tongban.discussion.models import Message, ReadMark, Space, Topic
from tongban.registry.models import Community, Program

# One worker builds the data once (`--dist loadgroup`), not one per worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("discussion-scale")]

MESSAGES = 50_000
TOPICS = 500
NEWEST_EVERY = 10  # every 10th message is in the newest topic: 5,000 of them
START = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
MESSAGE_ID = re.compile(r'id="message-(\d+)"')
BEFORE_LINK = re.compile(r'href="\?before=(\d+)"')
TOPIC_ID = re.compile(r'<li id="topic-(\d+)"')
OLDER_LINK = BEFORE_LINK  # the space page's "Older topics" has the same shape


@dataclass
class World:
    """One community's space, its people, and what was made in it (ids, in Python)."""

    space: Space
    doctor: User
    peer: User
    topics: list[Topic]  # oldest activity first; the last is the newest
    # Per topic id: its messages as (id, author id, visible), in id order.
    messages: dict[int, list[tuple[int, int, bool]]] = field(default_factory=dict)
    # Per (user id, topic id): (last read id, muted).
    marks: dict[tuple[int, int], tuple[int, bool]] = field(default_factory=dict)

    @property
    def newest(self) -> Topic:
        return self.topics[-1]

    def unread(self, user: User, topic_id: int) -> int:
        last_read, muted = self.marks.get((user.pk, topic_id), (0, False))
        if muted:
            return 0
        return sum(
            1
            for pk, author, visible in self.messages[topic_id]
            if pk > last_read and author != user.pk and visible
        )

    def unread_total(self, user: User) -> int:
        return sum(self.unread(user, topic_id) for topic_id in self.messages)


def _people(community: Community, tag: str) -> tuple[User, User, User]:
    peer_person = make_person(f"{tag}同伴", community=community, role="peer", sex="male")
    return (
        make_user(f"doctor-{tag}", Role.COMMUNITY_DOCTOR, [community]),
        make_user(f"peer-{tag}", Role.PEER, person=peer_person),
        make_user(f"socialworker-{tag}", Role.SOCIAL_WORKER, [community]),
    )


_COLUMNS = (
    "topic_id",
    "author_id",
    "text",
    "created_at",
    "posted_despite",
    "withdrawn_at",
    "hidden_at",
    "hidden_by_id",
    "hidden_reason",
)


def _build(
    community: Community,
    tag: str,
    plan: list[int],
    *,
    quote_last: int,
) -> World:
    """`plan[k]`: the topic index of the k-th message, in time order; the topic with the
    highest index must hold the last message (it is the newest). Authors take turns; a
    few messages are withdrawn or hidden, the last `quote_last` of the newest topic's
    messages quote the one before; the doctor has read some topics, some of them
    halfway, and muted a few; the peer has read one old topic."""
    doctor, peer, other = _people(community, tag)
    space = community.space
    authors = (peer, doctor, other)
    count = max(plan) + 1
    first_at: dict[int, datetime] = {}
    for k, index in enumerate(plan):
        first_at.setdefault(index, START + timedelta(minutes=k))
    created = Topic._meta.get_field("created_at")
    # auto_now_add would stamp every topic with the same moment; these have their own.
    with mock.patch.object(created, "auto_now_add", False):
        topics = Topic.objects.bulk_create(
            Topic(
                space=space,
                title=f"{tag} 话题 {index}",
                started_by=authors[index % 3],
                created_at=first_at[index],
                last_message_at=first_at[index],
            )
            for index in range(count)
        )
    # Plain INSERTs of many rows each: bulk_create spends seconds making 50,000 models.
    stamp = connection.ops.adapt_datetimefield_value
    rows = []
    for k, index in enumerate(plan):
        at = stamp(START + timedelta(minutes=k))
        withdrawn, hidden = k % 997 == 996, k % 1009 == 1008
        rows.append(
            (
                topics[index].pk,
                authors[k % 3].pk,
                f"第 {k} 条",
                at,
                "[]",
                at if withdrawn else None,
                at if hidden else None,
                doctor.pk if hidden else None,
                "测试" if hidden else "",
            )
        )
    insert_rows(Message._meta.db_table, _COLUMNS, rows)
    # Ids grow in insertion order (one transaction, nothing else writing): the k-th id
    # is the k-th message of the plan.
    made = list(
        Message.objects.filter(topic__space=space).order_by("pk").values_list("pk", flat=True)
    )
    assert len(made) == len(plan)
    world = World(space=space, doctor=doctor, peer=peer, topics=topics)
    for topic in topics:
        world.messages[topic.pk] = []
    for k, (pk, row) in enumerate(zip(made, rows, strict=True)):
        topic = topics[plan[k]]
        visible = row[5] is None and row[6] is None
        world.messages[topic.pk].append((pk, row[1], visible))
        # In time order: the last seen of a topic is its last message.
        topic.last_message_id, topic.last_message_at = pk, START + timedelta(minutes=k)
    Topic.objects.bulk_update(topics, ["last_message_id", "last_message_at"])
    newest = world.messages[topics[-1].pk]
    quoting = [
        Message(pk=pk, quote_id=newest[i - 1][0])
        for i, (pk, _a, _v) in enumerate(newest)
        if i >= len(newest) - quote_last
    ]
    Message.objects.bulk_update(quoting, ["quote"])
    marks = []
    for index, topic in enumerate(topics):
        ids = [pk for pk, _a, _v in world.messages[topic.pk]]
        if index == count - 1:
            # The newest topic: read halfway, not muted, in both worlds.
            upto, muted = ids[len(ids) // 2], False
        elif index % 3 == 0:
            upto, muted = ids[-1], False
        elif index % 3 == 1:
            upto, muted = ids[len(ids) // 2], index % 25 == 1
        else:
            continue
        marks.append(ReadMark(user=doctor, topic=topic, last_read_id=upto, muted=muted))
        world.marks[(doctor.pk, topic.pk)] = (upto, muted)
    first = topics[0]
    marks.append(ReadMark(user=peer, topic=first, last_read_id=world.messages[first.pk][0][0]))
    world.marks[(peer.pk, first.pk)] = (world.messages[first.pk][0][0], False)
    ReadMark.objects.bulk_create(marks)
    return world


def _big_plan() -> list[int]:
    """50,000 messages over 500 topics; the newest topic's 5,000 are spread through the
    whole time (so its rows are not contiguous on disk) and it has the last message."""
    newest = TOPICS - 1
    per_old = (MESSAGES - MESSAGES // NEWEST_EVERY) // (TOPICS - 1)  # 90
    plan, other = [], 0
    for k in range(MESSAGES):
        if k % NEWEST_EVERY == NEWEST_EVERY - 1:
            plan.append(newest)
        else:
            plan.append(min(other // per_old, newest - 1))
            other += 1
    return plan


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker) -> dict[str, World]:
    with django_db_blocker.unblock(), transaction.atomic():
        program = Program.objects.create(
            name="规模项目", name_en="Scale", slug="scale", started_on=date(2013, 7, 1)
        )
        big = Community.objects.create(
            program=program, code="big", name="大社区", started_on=date(2013, 7, 1)
        )
        small = Community.objects.create(
            program=program, code="small", name="小社区", started_on=date(2013, 7, 1)
        )
        built = {
            "big": _build(big, "big", _big_plan(), quote_last=20),
            # Three topics, the newest with three messages.
            "small": _build(small, "small", [0, 1, 0, 2, 1, 2, 2], quote_last=2),
        }
        if connection.vendor == "postgresql":
            analyze()
        yield built
        transaction.set_rollback(True)


def _get(user: User, url: str) -> tuple[int, str, list[dict]]:
    # A fresh client for every request: each is counted in the same state.
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, response.content.decode(), queries.captured_queries


def _ids(body: str) -> list[int]:
    return [int(pk) for pk in MESSAGE_ID.findall(body)]


def test_the_data_is_as_planned(worlds):
    big = worlds["big"]
    assert Message.objects.filter(topic__space=big.space).count() == MESSAGES
    assert Topic.objects.filter(space=big.space).count() == TOPICS
    newest = Topic.objects.filter(space=big.space).order_by("-last_message_at").first()
    assert newest == big.newest and len(big.messages[newest.pk]) == MESSAGES // NEWEST_EVERY
    assert newest.last_message_id == Message.objects.filter(topic=newest).latest("pk").pk


@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_the_newest_topic_page_costs_the_same_as_in_a_small_space(worlds, who):
    counts = {}
    for size, world in worlds.items():
        user = getattr(world, who)
        status, body, queries = _get(user, f"/group/topics/{world.newest.pk}/")
        assert status == 200
        ids = [pk for pk, _a, _v in world.messages[world.newest.pk]]
        # The newest PAGE messages, oldest first, chat-like.
        assert _ids(body) == ids[-selectors.PAGE :]
        counts[size] = len(queries)
    assert counts["big"] == counts["small"], counts


@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_earlier_messages_walk_back_by_cursor_at_the_same_cost(worlds, who):
    big, small = worlds["big"], worlds["small"]
    user = getattr(big, who)
    ids = [pk for pk, _a, _v in big.messages[big.newest.pk]]
    url = f"/group/topics/{big.newest.pk}/"
    _status, body, _queries = _get(user, url)
    seen = _ids(body)
    counts = []
    for _step in range(2):
        (before,) = BEFORE_LINK.findall(body)  # "Earlier messages": the page's oldest
        assert int(before) == seen[0]
        status, body, queries = _get(user, f"{url}?before={before}")
        assert status == 200
        page = _ids(body)
        assert len(page) == selectors.PAGE and page == sorted(page)
        assert page[-1] < seen[0]  # strictly older: no overlap
        seen = page + seen
        counts.append(len(queries))
    # No gaps: the three pages are the topic's newest 150 messages, each once.
    assert seen == ids[-3 * selectors.PAGE :]
    assert len(set(counts)) == 1, counts
    # The same as a small topic's earlier page (two messages before its last).
    last = small.messages[small.newest.pk][-1][0]
    status, body, queries = _get(
        getattr(small, who), f"/group/topics/{small.newest.pk}/?before={last}"
    )
    assert status == 200 and len(_ids(body)) == 2
    assert counts[0] == len(queries), (counts, len(queries))


@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_polling_for_new_messages_costs_the_same(worlds, who):
    counts = {}
    for size, world in worlds.items():
        ids = [pk for pk, _a, _v in world.messages[world.newest.pk]]
        # Twenty new messages in the big topic, two in the small one: a query per
        # message would show.
        new = 20 if size == "big" else 2
        url = f"/group/topics/{world.newest.pk}/messages/?after={ids[-new - 1]}"
        status, body, queries = _get(getattr(world, who), url)
        assert status == 200 and _ids(body) == ids[-new:]
        counts[size] = len(queries)
    assert counts["big"] == counts["small"], counts


@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_the_space_page_and_the_group_page_cost_the_same(worlds, who):
    space_counts, group_counts = {}, {}
    for size, world in worlds.items():
        user = getattr(world, who)
        status, body, queries = _get(user, f"/group/spaces/{world.space.pk}/")
        assert status == 200 and f'id="topic-{world.newest.pk}"' in body
        space_counts[size] = len(queries)
        status, body, queries = _get(user, "/group/")
        assert status == 200 and f'id="space-{world.space.pk}"' in body
        group_counts[size] = len(queries)
    assert space_counts["big"] == space_counts["small"], space_counts
    assert group_counts["big"] == group_counts["small"], group_counts


def test_the_space_page_shows_each_topics_unread_count(worlds):
    big = worlds["big"]
    client = Client()
    client.force_login(big.doctor)
    topics = client.get(f"/group/spaces/{big.space.pk}/").context["topics"]
    assert topics[0] == big.newest
    assert {t.pk: t.unread for t in topics} == {t.pk: big.unread(big.doctor, t.pk) for t in topics}


def test_every_topic_of_a_big_space_is_reached_by_cursor_at_the_same_cost(worlds):
    """The space page lists TOPICS_PAGE topics, newest activity first, and links the
    older ones by cursor: following the links reaches each of the 500 topics once, and
    every further page costs what the second does."""
    big = worlds["big"]
    url = f"/group/spaces/{big.space.pk}/"
    seen: list[int] = []
    counts = []
    while True:
        status, body, queries = _get(big.doctor, url)
        assert status == 200
        counts.append(len(queries))
        seen += [int(pk) for pk in TOPIC_ID.findall(body)]
        older = OLDER_LINK.findall(body)
        if not older:
            break
        url = f"/group/spaces/{big.space.pk}/?before={older[0]}"
    newest_first = sorted(big.topics, key=lambda topic: -topic.last_message_id)
    assert seen == [topic.pk for topic in newest_first]
    assert len(counts) == TOPICS // selectors.TOPICS_PAGE
    assert len(set(counts[1:])) == 1, counts


@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_unread_counts_are_one_query_and_right(worlds, who):
    for world in worlds.values():
        user = getattr(world, who)
        scope.program(user)  # cached on the user, as for a request
        with CaptureQueriesContext(connection) as by_space:
            counts = selectors.unread_by_space(user)
        with CaptureQueriesContext(connection) as total_queries:
            total = selectors.unread_total(user)
        assert len(by_space) == 1 and len(total_queries) == 1
        expected = world.unread_total(user)
        assert expected > 0
        # The program-wide space is empty: no entry for it.
        assert counts == {world.space.pk: expected}
        assert total == expected


def test_the_doctors_unread_count_skips_read_muted_own_and_hidden_messages(worlds):
    """The independent count is not trivially everything."""
    big = worlds["big"]
    everything = sum(len(rows) for rows in big.messages.values())
    assert 0 < big.unread_total(big.doctor) < everything
    muted = [t for (u, t), (_r, m) in big.marks.items() if u == big.doctor.pk and m]
    assert muted and all(big.unread(big.doctor, t) == 0 for t in muted)


@pytest.mark.parametrize("who", ["doctor", "peer"])
def test_the_header_badge_costs_the_same_whatever_the_number_of_topics(worlds, who):
    counts = {}
    for size, world in worlds.items():
        status, body, queries = _get(getattr(world, who), "/")
        assert status == 200
        counts[size] = len(queries)
    assert counts["big"] == counts["small"], counts
    # The group's unread count is part of the badge's one query, not a query of its own.
    big = worlds["big"]
    _status, _body, queries = _get(big.doctor, "/")
    badge = [q["sql"] for q in queries if "discussion_message" in q["sql"]]
    assert len(badge) == 1, badge


def _newest_page_query(queries: list[dict]) -> str:
    (sql,) = [
        query["sql"]
        for query in queries
        if 'FROM "discussion_message"' in query["sql"]
        and '"discussion_message"."id" DESC' in query["sql"]
        and "LIMIT" in query["sql"]
    ]
    return sql


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
@pytest.mark.parametrize("before", [False, True])
def test_the_newest_page_query_uses_an_index(worlds, before):
    """The page's query walks the (topic, -id) index: no scan of the table, and only the
    page's rows (PAGE + 1, and the messages they quote) read of the newest topic's
    5,000."""
    big = worlds["big"]
    url = f"/group/topics/{big.newest.pk}/"
    if before:
        url += f"?before={big.messages[big.newest.pk][-2 * selectors.PAGE][0]}"
    _status, _body, queries = _get(big.doctor, url)
    sql = _newest_page_query(queries)
    plan = _plan(sql)
    assert "Seq Scan on discussion_message" not in plan, plan
    assert "Index" in plan, plan
    read = rows_read(explain(sql, analyze=True), "discussion_message")
    assert read <= 2 * (selectors.PAGE + 1), (read, plan)


def _everything_read(world: World) -> None:
    ReadMark.objects.filter(user=world.doctor).delete()
    ReadMark.objects.bulk_create(
        ReadMark(user=world.doctor, topic=topic, last_read_id=topic.last_message_id)
        for topic in world.topics
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE discussion_readmark")


def _unread_query(world: World, which: str) -> str:
    """The SQL of one of the unread counts: the badge's, the spaces', the space page's."""
    user = world.doctor
    scope.program(user)
    with CaptureQueriesContext(connection) as queries:
        if which == "unread_total":
            assert selectors.unread_total(user) == 0
        elif which == "unread_by_space":
            assert selectors.unread_by_space(user) == {}
        elif which == "topics_page":
            _waiting, topics, _following = selectors.topics_page(user, world.space)
            assert topics and all(topic.unread == 0 for topic in topics)
    if which == "badge":
        _status, _body, captured = _get(user, "/")
    else:
        captured = queries.captured_queries
    # The space page's last query is its topics' (the first, the waiting questions').
    return [q["sql"] for q in captured if "discussion_message" in q["sql"]][-1]


@postgresql_only
@pytest.mark.parametrize("which", ["unread_total", "unread_by_space", "badge", "topics_page"])
def test_counting_nothing_unread_reads_few_messages(worlds, which):
    """A doctor who has read everything: the counts should not read the 50,000 messages
    to find that none is unread (an index on (topic, id) from the read mark on, or the
    topics' last_message_id against the read mark, answers without them)."""
    big = worlds["big"]
    _everything_read(big)
    sql = _unread_query(big, which)
    read = rows_read(explain(sql, analyze=True), "discussion_message")
    assert read <= 1000, (read, _plan(sql))
