"""A message's text as shown (escaped, links, mentions) and its link to a session or a
supervision request; the space's topics by cursor; the desktop sidebar."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tongban.activities.models import ActivityPlan, Category, Format
from tongban.discussion import selectors, services
from tongban.discussion.models import Message, Topic
from tongban.registry.models import Venue

pytestmark = pytest.mark.django_db


def plan_in(community, lead, by, *, days_from_today=0) -> ActivityPlan:
    venue = community.venues.first() or Venue.objects.create(
        community=community, name="场地", kind=Venue.Kind.REHABILITATION_CENTRE
    )
    return ActivityPlan.objects.create(
        community=community, venue=venue,
        planned_on=timezone.localdate() + timedelta(days=days_from_today),
        planned_start=time(14), planned_end=time(15), category=Category.ENTERTAINMENT,
        theme="一起唱歌", aim="放松", format=Format.GROUP_DISCUSSION, lead_peer=lead, created_by=by,
    )  # fmt: skip


def test_the_text_is_escaped_with_links_line_breaks_and_mentions(client_for, users, community_a):
    topic = services.topic_start(
        space=community_a.space, by=users["doctor"], title="话题",
        text="<script>alert(1)</script>\n请看 https://example.org/a?b=1 @peer @nobody",
    )  # fmt: skip
    body = client_for(users["peer"]).get(f"/group/topics/{topic.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert '<a href="https://example.org/a?b=1" rel="nofollow">' in body
    assert "&lt;/script&gt;<br>请看" in body
    # The mentioned member is marked, with no link; an unknown name stays plain text.
    assert f'<span class="mention" title="{users["peer"].display_name}">@peer</span>' in body
    assert "@nobody" in body and 'class="mention" title="">' not in body


def test_a_reply_links_a_session_the_writer_may_see(
    client_for, users, community_a, community_b, peer_person_a
):
    topic = services.topic_start(space=community_a.space, by=users["peer"], title="话题", text="问")
    mine = plan_in(community_a, peer_person_a, users["manager"])
    other = plan_in(community_b, peer_person_a, users["manager"])
    client = client_for(users["peer"])
    page = client.get(f"/group/topics/{topic.pk}/").content.decode()
    assert f'<option value="{mine.pk}">' in page and f'<option value="{other.pk}">' not in page
    response = client.post(f"/group/topics/{topic.pk}/reply/", {"text": "见", "session": other.pk})
    assert response.status_code == 200 and "session" in response.context["form"].errors
    assert topic.messages.count() == 1
    response = client.post(f"/group/topics/{topic.pk}/reply/", {"text": "见", "session": mine.pk})
    assert response.status_code == 302
    assert Message.objects.latest("pk").session == mine
    page = client.get(f"/group/topics/{topic.pk}/").content.decode()
    assert (
        f'<p class="link-to"><a href="{reverse("activities:session_detail", args=[mine.pk])}">'
        in page
    )


def test_sessions_far_from_today_are_not_offered(client_for, users, community_a, peer_person_a):
    topic = services.topic_start(
        space=community_a.space, by=users["doctor"], title="话题", text="问"
    )
    old = plan_in(community_a, peer_person_a, users["manager"], days_from_today=-400)
    response = client_for(users["doctor"]).post(
        f"/group/topics/{topic.pk}/reply/", {"text": "见", "session": old.pk}
    )
    assert "session" in response.context["form"].errors


def test_the_space_pages_its_topics_by_cursor_waiting_questions_first(
    client_for, users, community_a
):
    space = community_a.space
    question = services.topic_start(
        space=space, by=users["peer"], title="等回答", text="问", is_question=True
    )
    count = selectors.TOPICS_PAGE + 7
    for i in range(count):
        services.topic_start(space=space, by=users["doctor"], title=f"话题{i}", text="文")
    client = client_for(users["doctor"])
    with CaptureQueriesContext(connection) as first_queries:
        first = client.get(f"/group/spaces/{space.pk}/")
    assert [t.pk for t in first.context["waiting"]] == [question.pk]
    assert len(first.context["topics"]) == selectors.TOPICS_PAGE
    following = first.context["following"]
    assert f"?before={following}" in first.content.decode()
    with CaptureQueriesContext(connection) as second_queries:
        second = client.get(f"/group/spaces/{space.pk}/", {"before": following})
    assert second.context["waiting"] == [] and second.context["following"] is None
    listed = [t.pk for t in first.context["topics"]] + [t.pk for t in second.context["topics"]]
    expected = list(
        Topic.objects.filter(space=space).exclude(pk=question.pk).order_by("-last_message_id")
        .values_list("pk", flat=True)
    )  # fmt: skip
    assert listed == expected and len(listed) == count
    assert len(second_queries) <= len(first_queries)


def test_the_desktop_sidebar_lists_spaces_and_the_spaces_topics(client_for, users, community_a):
    topic = services.topic_start(
        space=community_a.space, by=users["peer"], title="侧栏话题", text="文"
    )
    body = client_for(users["doctor"]).get(f"/group/topics/{topic.pk}/").content.decode()
    assert 'class="group-side"' in body and 'aria-current="page">侧栏话题' in body
    assert "乙社区" not in body


def test_the_sidebar_counts_after_the_page_is_read(client_for, users, community_a):
    topic = services.topic_start(space=community_a.space, by=users["peer"], title="侧栏", text="文")
    response = client_for(users["doctor"]).get(f"/group/topics/{topic.pk}/")
    assert [t.unread for t in response.context["side_topics"]] == [0]
    assert all(space.unread == 0 for space in response.context["spaces"])


def test_moderators_see_every_earlier_version_of_an_edited_message(client_for, users, community_a):
    topic = services.topic_start(
        space=community_a.space, by=users["peer"], title="话题", text="第一稿"
    )
    message = topic.messages.get()
    services.message_edit(message=message, by=users["peer"], text="第二稿")
    services.message_edit(message=message, by=users["peer"], text="第三稿")
    body = client_for(users["psychiatrist"]).get(f"/group/topics/{topic.pk}/").content.decode()
    assert "第三稿" in body and body.index("第一稿") < body.index("第二稿")
    assert 'class="versions"' in body
    for reader in ("doctor", "peer"):
        body = client_for(users[reader]).get(f"/group/topics/{topic.pk}/").content.decode()
        assert "第三稿" in body and "第一稿" not in body and "第二稿" not in body


def test_the_link_section_shows_only_when_there_is_something_to_link(
    client_for, users, community_a, peer_person_a
):
    client = client_for(users["peer"])
    url = f"/group/spaces/{community_a.space.pk}/new/"
    assert 'name="session"' not in client.get(url).content.decode()
    plan = plan_in(community_a, peer_person_a, users["manager"])
    assert f'<option value="{plan.pk}">' in client.get(url).content.decode()
