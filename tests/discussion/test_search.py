"""Searching the group finds only what the user may read, by cursor, in constant queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tongban.discussion import selectors, services
from tongban.discussion.models import Message

pytestmark = pytest.mark.django_db


@pytest.fixture
def topics(community_a, community_b, users):
    a = services.topic_start(
        space=community_a.space, by=users["peer"], title="组员没精神", text="他今天很无聊"
    )
    b = services.topic_start(
        space=community_b.space, by=users["manager"], title="乙社区的事", text="乙社区也很无聊"
    )
    return a, b


def test_search_finds_only_the_users_spaces(client_for, users, topics):
    a, b = topics
    body = client_for(users["peer"]).get("/group/search/", {"q": "无聊"}).content.decode()
    assert f'id="result-{a.messages.get().pk}"' in body
    assert f'id="result-{b.messages.get().pk}"' not in body and "乙社区也很无聊" not in body
    # The manager sees the whole program.
    body = client_for(users["manager"]).get("/group/search/", {"q": "无聊"}).content.decode()
    assert f'id="result-{b.messages.get().pk}"' in body
    # Evaluators are not in the group.
    assert client_for(users["research"]).get("/group/search/", {"q": "无聊"}).status_code == 403


def test_search_matches_titles_and_skips_withdrawn_and_hidden(users, topics):
    a, _ = topics
    found = selectors.search(users["doctor"], "没精神")[0]
    assert [m.pk for m in found] == [a.messages.get().pk]
    hidden = services.message_post(topic=a, by=users["peer"], text="无聊的第二条")
    services.message_hide(message=hidden, by=users["manager"], reason="测试")
    withdrawn = services.message_post(topic=a, by=users["peer"], text="无聊的第三条")
    services.message_withdraw(message=withdrawn, by=users["peer"])
    found = {m.pk for m in selectors.search(users["doctor"], "无聊")[0]}
    assert found == {a.messages.order_by("pk").first().pk}


def test_a_short_query_gets_a_message_next_to_the_field(client_for, users, topics):
    response = client_for(users["peer"]).get("/group/search/", {"q": "无"})
    assert response.status_code == 200 and "q" in response.context["form"].errors
    assert 'class="errorbox' in response.content.decode()


def test_search_pages_backwards_by_cursor_in_constant_queries(client_for, users, topics):
    a, _ = topics
    extra = selectors.SEARCH_PAGE + 5
    Message.objects.bulk_create(
        Message(topic=a, author=users["doctor"], text=f"无聊 {i}") for i in range(extra)
    )
    client = client_for(users["doctor"])
    with CaptureQueriesContext(connection) as first_page:
        response = client.get("/group/search/", {"q": "无聊"})
    first = response.context["results"]
    assert len(first) == selectors.SEARCH_PAGE and response.context["following"] == first[-1].pk
    with CaptureQueriesContext(connection) as second_page:
        response = client.get("/group/search/", {"q": "无聊", "before": first[-1].pk})
    second = response.context["results"]
    ids = [m.pk for m in first + second]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == extra + 1
    assert response.context["following"] is None
    assert len(first_page) == len(second_page)
