"""The online supervision group in the demo (issue 13, item 8): threads from 2014-2016 in
the paper's program-wide space and each community's space, a question answered, a reply
naming a consumer hidden with its moderation log entry; in the living program an answered
question and a peer's question asked on the load day, waiting.

The demo is loaded once for the package with the clock frozen on MOMENT (conftest.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tongban.demo import discussion as demo_discussion
from tongban.discussion import privacy
from tongban.discussion.models import Message, ModerationEntry, ReadMark, Space, Topic
from tongban.registry.models import Enrolment, Person, Program

from .conftest import MOMENT

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def paper(loaded, db) -> Program:
    return Program.objects.get(slug="chaoyang-2013")


@pytest.fixture
def living(loaded, db) -> Program:
    return Program.objects.get(slug="living")


def _local(moment) -> date:
    return timezone.localtime(moment, SHANGHAI).date()


def test_the_papers_spaces_each_hold_threads_from_2014_to_2016(paper):
    spaces = Space.objects.filter(program=paper)
    assert {s.community.code if s.community_id else "" for s in spaces} == {
        "",
        "tuanjiehu",
        "maizidian",
        "xiangheyuan",
        "jinsong",
    }
    for space in spaces:
        assert Topic.objects.filter(space=space).exists(), space
    messages = Message.objects.filter(topic__space__program=paper)
    assert messages.count() >= 15
    stamps = [m.created_at for m in messages]
    stamps += [t.created_at for t in Topic.objects.filter(space__program=paper)]
    stamps += [t.last_message_at for t in Topic.objects.filter(space__program=paper)]
    assert all(date(2014, 1, 1) <= _local(s) <= date(2016, 6, 30) for s in stamps)
    # The topic's dates follow its messages.
    for topic in Topic.objects.filter(space__program=paper):
        first, last = topic.messages.order_by("pk").first(), topic.messages.order_by("pk").last()
        assert topic.created_at == first.created_at
        assert (topic.last_message_at, topic.last_message_id) == (last.created_at, last.pk)
        stamps = list(topic.messages.order_by("pk").values_list("created_at", flat=True))
        assert stamps == sorted(stamps)
        # And so does the audit trail of each message.
        for message in topic.messages.all():
            assert message.history.earliest().history_date == message.created_at


def test_a_peers_question_about_a_bored_consumer_answered_and_encouraged(paper):
    topic = Topic.objects.get(space__program=paper, space__community=None, title__contains="无聊")
    assert topic.is_question
    assert topic.started_by.username == "peer1"
    authors = list(topic.messages.order_by("pk").values_list("author__username", flat=True))
    assert authors[:3] == ["peer1", "doctor", "peer2"]
    assert topic.answered_by.username == "peer1"
    assert topic.answered_at > topic.messages.order_by("pk")[1].created_at
    assert date(2014, 1, 1) <= _local(topic.answered_at) <= date(2016, 6, 30)


def test_a_frustrated_peer_answered_by_the_psychologist_in_a_community_space(paper):
    topic = Topic.objects.get(space__program=paper, title__contains="沮丧")
    assert topic.space.community.code == "tuanjiehu"
    assert topic.is_question and topic.started_by.is_peer
    assert topic.messages.filter(author__username="psychologist").exists()
    assert topic.answered_by.username == "psychologist"


def test_a_reply_naming_a_consumer_hidden_by_the_psychiatrist_and_logged(paper):
    full, short = demo_discussion.named_consumer()
    consumer = Person.objects.get(program=paper, name=full)
    assert Enrolment.objects.current().filter(
        person=consumer, role=Enrolment.Role.CONSUMER, community__code="tuanjiehu"
    )
    hidden = Message.objects.get(topic__space__program=paper, hidden_at__isnull=False)
    assert full in hidden.text
    assert hidden.posted_despite == [privacy.NAME]
    assert hidden.hidden_by.username == "psychiatrist"
    assert "某" in hidden.hidden_reason
    assert hidden.hidden_at > hidden.created_at
    assert _local(hidden.hidden_at) == _local(hidden.created_at)
    log = {e.action: e for e in ModerationEntry.objects.filter(message=hidden)}
    assert set(log) == {ModerationEntry.Action.POSTED_DESPITE, ModerationEntry.Action.HIDE}
    hide = log[ModerationEntry.Action.HIDE]
    assert (hide.moderator, hide.reason, hide.at) == (
        hidden.hidden_by,
        hidden.hidden_reason,
        hidden.hidden_at,
    )
    assert log[ModerationEntry.Action.POSTED_DESPITE].at == hidden.created_at
    # The peer wrote it again with the surname and 某.
    again = hidden.topic.messages.filter(pk__gt=hidden.pk, author=hidden.author).first()
    assert short in again.text and full not in again.text


@pytest.mark.parametrize("slug", ["chaoyang-2013", "living"])
def test_no_consumers_full_name_in_a_visible_message(loaded, db, slug):
    consumers = Enrolment.objects.filter(
        community__program__slug=slug, role=Enrolment.Role.CONSUMER
    )
    names = list(Person.objects.filter(pk__in=consumers.values("person_id")).values_list("name"))
    names = [name for (name,) in names]
    assert len(names) >= 16
    visible = Message.objects.filter(
        topic__space__program__slug=slug, hidden_at__isnull=True, withdrawn_at__isnull=True
    )
    assert visible.exists()
    for message in visible:
        assert privacy.find_private(message.text, names=names) == [], message.text
    for topic in Topic.objects.filter(space__program__slug=slug):
        assert privacy.find_private(topic.title, names=names) == [], topic.title
    # The check finds a name when there is one (the scan is not blind).
    assert privacy.find_private(f"今天{names[0]}没来", names=names)


def test_a_living_question_asked_today_waits_for_an_answer(living):
    waiting = Topic.objects.get(space__program=living, is_question=True, answered_at__isnull=True)
    assert waiting.space.community.code == "hepingjie"
    assert waiting.started_by.username == "peer3"
    assert waiting.created_at == MOMENT
    assert waiting.messages.count() == 1
    assert waiting.reminded_at is None


def test_an_older_living_question_answered(living):
    answered = Topic.objects.get(space__program=living, answered_at__isnull=False)
    assert answered.space.community.code == "balizhuang"
    assert answered.started_by.is_peer
    assert _local(answered.created_at) == MOMENT.date() + timedelta(
        days=demo_discussion.LIVING_ANSWERED_DAYS
    )
    assert answered.messages.exclude(author=answered.started_by).exists()
    assert answered.answered_at < MOMENT


def test_the_living_thread_links_a_session_mentions_and_has_a_named_moderator(living):
    answered = Topic.objects.get(space__program=living, answered_at__isnull=False)
    first = answered.messages.order_by("pk").first()
    assert first.session is not None
    assert first.session.community == answered.space.community
    assert first.session.planned_on <= _local(first.created_at)
    mention = answered.messages.get(mentions__username="socialworker")
    assert mention.author.username == "psychologist"
    assert [u.username for u in answered.space.moderators.all()] == ["socialworker"]
    named = ModerationEntry.objects.get(space=answered.space, action="name_moderator")
    assert named.moderator.username == "manager" and named.subject.username == "socialworker"


def counts() -> list[int]:
    tables = [Space, Topic, Message, ModerationEntry, ReadMark]
    tables += [Topic.history.model, Message.history.model]
    return [table.objects.count() for table in tables]


def test_loading_again_adds_nothing_the_same_day_or_a_month_later(living):
    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before
    with time_machine.travel(MOMENT + timedelta(days=30), tick=False):
        call_command("demo", stdout=StringIO())
    assert counts() == before


def test_staff_accounts_keep_the_living_program_as_their_choice(living):
    from tongban.accounts.models import User

    for username in ("doctor", "psychologist", "psychiatrist", "manager"):
        assert User.objects.get(username=username).current_program == living
