"""The group's pages: lists, posting with the privacy warning, polling, moderation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.discussion import services
from tongban.discussion.models import Message, ModerationEntry, Space

pytestmark = pytest.mark.django_db


@pytest.fixture
def space_a(community_a, users):
    return community_a.space


def test_the_group_lists_the_users_spaces_with_unread_counts(client_for, users, space_a):
    services.topic_start(space=space_a, by=users["peer"], title="话题", text="你好")
    body = client_for(users["doctor"]).get("/group/").content.decode()
    assert f'id="space-{space_a.pk}"' in body and "乙社区" not in body
    assert '<span class="badge unread"' in body
    assert client_for(users["research"]).get("/group/").status_code == 403


def test_a_peer_starts_a_question_after_the_privacy_warning(client_for, users, space_a):
    client = client_for(users["peer"])
    url = f"/group/spaces/{space_a.pk}/new/"
    data = {"title": "组员不说话", "text": "他的电话是 13812345678", "is_question": "on"}
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200 and 'id="privacy-warning"' in body
    assert "13812345678" in body and not Message.objects.exists()
    response = client.post(url, {**data, "post_anyway": "on"})
    message = Message.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/group/topics/{message.topic_id}/"
    )
    assert message.posted_despite == ["mobile"] and message.topic.is_question


def test_errors_are_shown_next_to_the_fields(client_for, users, space_a):
    response = client_for(users["peer"]).post(f"/group/spaces/{space_a.pk}/new/", {})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "text"}


def test_the_topic_page_reads_like_a_chat_and_polls_for_new_messages(client_for, users, space_a):
    topic = services.topic_start(space=space_a, by=users["peer"], title="话题", text="第一条")
    first = topic.messages.get()
    client = client_for(users["doctor"])
    body = client.get(f"/group/topics/{topic.pk}/").content.decode()
    assert "第一条" in body and f'?after={first.pk}"' in body and 'hx-trigger="every 5s"' in body
    services.message_post(topic=topic, by=users["peer"], text="第二条")
    polled = client.get(f"/group/topics/{topic.pk}/messages/?after={first.pk}").content.decode()
    assert "第二条" in polled and "第一条" not in polled
    # Nothing new: only the poller comes back.
    last = Message.objects.latest("pk").pk
    again = client.get(f"/group/topics/{topic.pk}/messages/?after={last}").content.decode()
    assert 'id="poller"' in again and "第二条" not in again


def test_a_reply_and_the_read_mark(client_for, users, space_a):
    topic = services.topic_start(space=space_a, by=users["peer"], title="话题", text="问")
    client = client_for(users["doctor"])
    response = client.post(f"/group/topics/{topic.pk}/reply/", {"text": "答"})
    reply = Message.objects.latest("pk")
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{reply.pk}")
    assert reply.author == users["doctor"]
    client.get(f"/group/topics/{topic.pk}/")
    from tongban.discussion import selectors

    assert selectors.unread_total(users["doctor"]) == 0


def test_only_moderators_hide_and_readers_see_it_hidden(client_for, users, space_a):
    topic = services.topic_start(space=space_a, by=users["peer"], title="话题", text="写错了")
    message = topic.messages.get()
    assert client_for(users["doctor"]).get(f"/group/messages/{message.pk}/hide/").status_code == 403
    manager = client_for(users["manager"])
    response = manager.post(f"/group/messages/{message.pk}/hide/", {"reason": "含有姓名"})
    assert response.status_code == 302
    entry = ModerationEntry.objects.get(action="hide")
    assert entry.moderator == users["manager"] and entry.reason == "含有姓名"
    reader = client_for(users["doctor"]).get(f"/group/topics/{topic.pk}/").content.decode()
    assert "写错了" not in reader
    log = client_for(users["manager"]).get("/group/moderation/").content.decode()
    assert "含有姓名" in log
    assert client_for(users["peer"]).get("/group/moderation/").status_code == 403


def test_the_asker_marks_the_question_answered(client_for, users, space_a):
    topic = services.topic_start(
        space=space_a, by=users["peer"], title="话题", text="问", is_question=True
    )
    client_for(users["peer"]).post(f"/group/topics/{topic.pk}/answered/")
    topic.refresh_from_db()
    assert topic.answered_by == users["peer"]


def test_a_topic_page_costs_the_same_queries_however_long(client_for, users, space_a):
    topic = services.topic_start(space=space_a, by=users["peer"], title="话题", text="0")
    client = client_for(users["doctor"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/group/topics/{topic.pk}/").status_code == 200
        return len(context.captured_queries)

    client.get(f"/group/topics/{topic.pk}/")
    before = count()
    for i in range(10):
        services.message_post(topic=topic, by=users["peer"], text=f"消息{i}")
        services.message_post(topic=topic, by=users["psychologist"], text=f"回复{i}")
    client.get(f"/group/topics/{topic.pk}/")
    assert count() == before


def test_the_space_list_costs_the_same_queries_however_many_topics(client_for, users, space_a):
    client = client_for(users["doctor"])

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/group/spaces/{space_a.pk}/").status_code == 200
        return len(context.captured_queries)

    services.topic_start(space=space_a, by=users["peer"], title="话题", text="0")
    before = count()
    for i in range(8):
        services.topic_start(space=space_a, by=users["peer"], title=f"话题{i}", text="x")
    assert count() == before
    assert Space.objects.count() == 3


def test_the_header_shows_the_groups_unread_count_in_the_same_query(client_for, users, space_a):
    client = client_for(users["doctor"])

    def home() -> tuple[str, int]:
        with CaptureQueriesContext(connection) as context:
            body = client.get("/").content.decode()
        return body, len(context.captured_queries)

    body, before = home()
    assert "badge unread" not in body.split("</nav>")[0]
    services.topic_start(space=space_a, by=users["peer"], title="话题", text="你好")
    body, after = home()
    nav = body.split('class="mainnav"')[1].split("</nav>")[0]
    assert 'href="/group/">' in nav and '<span class="badge unread"' in nav and ">1</span>" in nav
    assert after == before


def test_the_author_edits_with_the_privacy_check_and_others_cannot(client_for, users, space_a):
    topic = services.topic_start(space=space_a, by=users["peer"], title="话题", text="初稿")
    message = topic.messages.get()
    url = f"/group/messages/{message.pk}/edit/"
    assert client_for(users["doctor"]).get(url).status_code == 403
    client = client_for(users["peer"])
    response = client.post(url, {"text": "打 13812345678"})
    assert 'id="privacy-warning"' in response.content.decode()
    assert client.post(url, {"text": "改好了"}).status_code == 302
    message.refresh_from_db()
    assert message.text == "改好了" and message.history.count() == 2


def test_a_reply_quotes_a_message_and_a_topic_can_be_muted(client_for, users, space_a):
    topic = services.topic_start(space=space_a, by=users["peer"], title="话题", text="原话")
    first = topic.messages.get()
    client = client_for(users["doctor"])
    page = client.get(f"/group/topics/{topic.pk}/?quote={first.pk}").content.decode()
    assert f'name="quote" value="{first.pk}"' in page
    client.post(f"/group/topics/{topic.pk}/reply/", {"text": "引用回复", "quote": first.pk})
    assert Message.objects.latest("pk").quote == first
    services.message_post(topic=topic, by=users["peer"], text="新消息")
    from tongban.discussion import selectors

    assert selectors.unread_total(users["doctor"]) == 1
    client.post(f"/group/topics/{topic.pk}/mute/", {"muted": "on"})
    assert selectors.unread_total(users["doctor"]) == 0
    # Muted: the page offers to unmute (the form no longer sends muted=on).
    page = client.get(f"/group/topics/{topic.pk}/").content.decode()
    assert 'name="muted" value="on"' not in page
