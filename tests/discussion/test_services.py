"""The online group's foundation: spaces follow the scope; posting, the privacy warning,
mentions, edits, withdrawal, moderation, questions, read marks and mutes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.core import scope
from tongban.discussion import selectors, services
from tongban.discussion.models import Message, ModerationEntry, Space
from tongban.notifications.models import Notification
from tongban.registry.models import Community

pytestmark = pytest.mark.django_db


def post(space, by, text="你好", **kwargs):
    return services.topic_start(space=space, by=by, title="话题", text=text, **kwargs)


def test_every_program_and_community_has_its_space(program, community_a, community_b):
    assert Space.objects.filter(program=program).count() == 3
    later = Community.objects.create(
        program=program, code="gamma", name="丙社区", started_on=date(2016, 1, 1)
    )
    assert later.space.program == program


def test_spaces_follow_the_scope(users, spaces):
    def ids(username):
        return set(scope.discussion_spaces(users[username]).values_list("pk", flat=True))

    own = {spaces["program"].pk, spaces["a"].pk}
    assert ids("peer") == own and ids("doctor") == own and ids("socialworker") == own
    assert ids("manager") == ids("psychiatrist") == own | {spaces["b"].pk}
    assert ids("research") == set()  # evaluators are not in the supervision group


def test_a_user_removed_from_a_community_loses_its_space(users, spaces, community_a):
    doctor = users["doctor"]
    doctor.communities.remove(community_a)
    assert not scope.discussion_spaces(doctor).filter(pk=spaces["a"].pk).exists()


def test_posting_in_another_communitys_space_is_refused(users, spaces):
    with pytest.raises(PermissionDenied):
        post(spaces["b"], users["peer"])
    assert not Message.objects.exists()


def test_a_topic_and_its_first_message(users, spaces):
    topic = post(spaces["a"], users["peer"], "组员今天好像很无聊", is_question=True)
    message = topic.messages.get()
    assert message.author == users["peer"] and topic.last_message_id == message.pk
    assert topic.is_question and topic.answered_at is None


def test_the_privacy_warning_stops_a_phone_number_until_posted_anyway(users, spaces):
    with pytest.raises(services.PrivacyWarning) as caught:
        post(spaces["a"], users["peer"], "请打给她 13812345678")
    assert [f.kind for f in caught.value.findings] == ["mobile"]
    assert not Message.objects.exists()  # nothing half-saved: no topic either
    topic = post(spaces["a"], users["peer"], "请打给她 13812345678", post_anyway=True)
    message = topic.messages.get()
    assert message.posted_despite == ["mobile"]
    entry = ModerationEntry.objects.get()
    assert entry.action == "posted_despite" and entry.message == message


def test_a_consumers_full_name_is_caught_for_the_writers_communities(
    users, spaces, consumer_a, consumer_b
):
    with pytest.raises(services.PrivacyWarning) as caught:
        post(spaces["a"], users["peer"], f"{consumer_a.name}今天没来")
    assert [f.kind for f in caught.value.findings] == ["name"]
    # A consumer of another community is not the writer's to know: not looked for.
    post(spaces["a"], users["peer"], f"{consumer_b.name}今天没来")


def test_mentions_notify_only_members_of_the_space(users, spaces, community_b):
    outsider = make_user("b.doctor", Role.COMMUNITY_DOCTOR, [community_b])
    topic = post(spaces["a"], users["peer"], "@doctor 请帮忙看看 @b.doctor")
    message = topic.messages.get()
    assert list(message.mentions.all()) == [users["doctor"]]
    notes = Notification.objects.filter(kind="discussion_mention")
    assert [n.recipient for n in notes] == [users["doctor"]]
    assert outsider not in message.mentions.all()
    assert "无聊" not in notes.get().subject


def test_a_quote_must_be_of_the_same_topic(users, spaces):
    first = post(spaces["a"], users["peer"]).messages.get()
    other = post(spaces["a"], users["doctor"])
    with pytest.raises(ValidationError):
        services.message_post(topic=other, by=users["doctor"], text="回复", quote=first)


def test_an_edit_keeps_the_earlier_text_for_moderators(users, spaces):
    message = post(spaces["a"], users["peer"], "第一稿").messages.get()
    with pytest.raises(PermissionDenied):
        services.message_edit(message=message, by=users["doctor"], text="别人改")
    services.message_edit(message=message, by=users["peer"], text="第二稿")
    message.refresh_from_db()
    assert message.text == "第二稿" and message.edited_at is not None
    assert [h.text for h in message.history.order_by("history_date")] == ["第一稿", "第二稿"]


def test_withdrawn_messages_stay_and_cannot_change(users, spaces):
    message = post(spaces["a"], users["peer"]).messages.get()
    services.message_withdraw(message=message, by=users["peer"])
    message.refresh_from_db()
    assert message.withdrawn_at is not None and Message.objects.filter(pk=message.pk).exists()
    with pytest.raises(ValidationError):
        services.message_edit(message=message, by=users["peer"], text="再改")


@pytest.mark.parametrize("username", ["manager", "psychiatrist"])
def test_the_psychiatrist_and_the_manager_hide_with_a_reason(users, spaces, username):
    message = post(spaces["a"], users["peer"]).messages.get()
    with pytest.raises(ValidationError):
        services.message_hide(message=message, by=users[username], reason=" ")
    services.message_hide(message=message, by=users[username], reason="写了服务对象的全名")
    message.refresh_from_db()
    assert message.hidden_at and message.hidden_by == users[username]
    services.message_show(message=message, by=users[username], reason="已改为首字母")
    actions = list(ModerationEntry.objects.order_by("pk").values_list("action", "reason"))
    assert actions == [("hide", "写了服务对象的全名"), ("show", "已改为首字母")]


def test_others_moderate_only_where_named(users, spaces):
    message = post(spaces["a"], users["peer"]).messages.get()
    with pytest.raises(PermissionDenied):
        services.message_hide(message=message, by=users["doctor"], reason="x")
    spaces["a"].moderators.add(users["doctor"])
    services.message_hide(message=message, by=users["doctor"], reason="x")


def test_a_question_is_marked_answered_by_the_asker_or_a_professional(users, spaces, community_a):
    from tests.conftest import make_person

    other_peer = make_user(
        "peer2", Role.PEER, person=make_person("甲同伴二", community=community_a, role="peer")
    )
    topic = post(spaces["a"], users["peer"], is_question=True)
    with pytest.raises(PermissionDenied):
        services.topic_mark_answered(topic=topic, by=other_peer)
    services.topic_mark_answered(topic=topic, by=users["psychologist"])
    topic.refresh_from_db()
    assert topic.answered_by == users["psychologist"]


def test_unread_counts_read_marks_and_mutes(users, spaces):
    doctor, peer = users["doctor"], users["peer"]
    topic = post(spaces["a"], peer)
    services.message_post(topic=topic, by=peer, text="还有一句")
    other = post(spaces["program"], peer)
    assert selectors.unread_by_space(doctor) == {spaces["a"].pk: 2, spaces["program"].pk: 1}
    assert selectors.unread_by_space(peer) == {}  # one's own messages are read
    topic.refresh_from_db()
    services.topic_mark_read(topic=topic, by=doctor, upto=topic.last_message_id)
    assert selectors.unread_by_space(doctor) == {spaces["program"].pk: 1}
    services.topic_mute(topic=other, by=doctor, muted=True)
    assert selectors.unread_total(doctor) == 0


def test_unread_counts_take_one_query_whatever_the_topics(users, spaces):
    doctor = users["doctor"]

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            selectors.unread_by_space(doctor)
        return len(context.captured_queries)

    post(spaces["a"], users["peer"])
    selectors.unread_by_space(doctor)  # the user's program, looked up once per request
    before = count()
    for _ in range(5):
        post(spaces["a"], users["peer"])
        post(spaces["program"], users["peer"])
    assert count() == before == 1


def test_messages_page_backwards_by_cursor_in_constant_queries(users, spaces, monkeypatch):
    monkeypatch.setattr(selectors, "PAGE", 3)
    topic = post(spaces["a"], users["peer"], "m0")
    for i in range(1, 8):
        services.message_post(topic=topic, by=users["peer"], text=f"m{i}")
    selectors.messages_page(users["doctor"], topic)  # the user's program, looked up once
    with CaptureQueriesContext(connection) as context:
        page, more = selectors.messages_page(users["doctor"], topic)
    assert [m.text for m in page] == ["m5", "m6", "m7"] and more
    queries = len(context.captured_queries)
    page, more = selectors.messages_page(users["doctor"], topic, before=page[0].pk)
    assert [m.text for m in page] == ["m2", "m3", "m4"] and more
    with CaptureQueriesContext(connection) as context:
        page, more = selectors.messages_page(users["doctor"], topic, before=page[0].pk)
    assert [m.text for m in page] == ["m0", "m1"] and not more
    assert len(context.captured_queries) == queries


def test_topics_list_waiting_questions_first(users, spaces):
    question = post(spaces["a"], users["peer"], is_question=True)
    post(spaces["a"], users["doctor"])
    listed = list(selectors.topics(users["doctor"], spaces["a"]))
    assert listed[0] == question and listed[0].waiting
    services.topic_mark_answered(topic=question, by=users["doctor"])
    assert list(selectors.topics(users["doctor"], spaces["a"]))[0] != question


def test_a_waiting_question_tells_the_community_doctor_once(users, spaces, program):
    from datetime import timedelta

    from django.utils import timezone

    from tongban.supervision.models import SupportSettings

    question = post(spaces["a"], users["peer"], is_question=True)
    chat = post(spaces["a"], users["peer"])  # not a question: never reminded
    asked = question.created_at
    assert services.discussion_questions_remind(now=asked + timedelta(hours=3)) == []
    assert services.discussion_questions_remind(now=asked + timedelta(hours=4)) == [question]
    note = Notification.objects.get(kind="discussion_waiting")
    assert note.recipient == users["doctor"] and note.url == f"/group/topics/{question.pk}/"
    assert services.discussion_questions_remind(now=asked + timedelta(hours=9)) == []
    # The program's setting, and answered questions are left alone.
    SupportSettings.objects.create(program=program, group_question_hours=1)
    answered = post(spaces["program"], users["peer"], is_question=True)
    services.topic_mark_answered(topic=answered, by=users["peer"])
    later = post(spaces["program"], users["peer"], is_question=True)
    reminded = services.discussion_questions_remind(now=timezone.now() + timedelta(hours=1))
    assert reminded == [later]  # the program's space: the asker's community's doctor
    assert Notification.objects.filter(kind="discussion_waiting").count() == 2
    assert chat.reminded_at is None
