"""On phones in Chinese: a peer asks the group a question, is warned about a phone number
and rewrites it; the community doctor sees it waiting and answers; the answer appears on
the peer's open page without reloading; the peer marks it answered."""

from __future__ import annotations

import pytest

from tongban.discussion.models import Message, Topic

from .conftest import (
    ARTIFACTS,
    assert_assets_loaded,
    assert_fits_phone,
    assert_tappable,
    html_lang,
    login,
    path_of,
    shoot,
    url,
)

pytestmark = pytest.mark.browser


def test_a_peer_asks_and_the_doctor_answers_in_the_group(
    live_server, new_phone, users, community_a
):
    space = community_a.space
    peer = new_phone()
    login(peer, live_server, "peer")
    peer.goto(url(live_server, "/"))
    with peer.expect_navigation():
        peer.click("nav.mainnav a[href='/group/']")
    assert html_lang(peer) == "zh-hans"
    with peer.expect_navigation():
        peer.click(f"#space-{space.pk} a")
    with peer.expect_navigation():
        peer.click(f"a[href='/group/spaces/{space.pk}/new/']")
    peer.fill("input[name=title]", "组员在活动中一直玩手机")
    peer.fill("textarea[name=text]", "怎么办？她说有事可以打 138 1234 5678 找她家人")
    peer.check("input[name=is_question]")
    assert_tappable(peer, "#topic-form button.primary")
    with peer.expect_navigation():
        peer.click("#topic-form button.primary")
    # The privacy warning: which part, and why; nothing is posted yet.
    warning = peer.locator("#privacy-warning")
    assert warning.is_visible() and "138 1234 5678" in warning.inner_text()
    assert not Message.objects.exists()
    shoot(peer, "group-01-privacy-warning")
    peer.fill("textarea[name=text]", "怎么办？她一直在玩手机，不参加讨论。")
    with peer.expect_navigation():
        peer.click("#topic-form button.primary")
    topic = Topic.objects.get()
    assert path_of(peer) == f"/group/topics/{topic.pk}/"
    assert topic.is_question and Message.objects.get().posted_despite == []
    assert_fits_phone(peer)
    shoot(peer, "group-02-question")

    # The doctor: the question is waiting, first in the list.
    doctor = new_phone()
    login(doctor, live_server, "doctor")
    doctor.goto(url(live_server, "/group/"))
    assert doctor.locator(f"#space-{space.pk} .badge").inner_text() == "1"
    with doctor.expect_navigation():
        doctor.click(f"#space-{space.pk} a")
    first = doctor.locator(".group-topics li").first
    assert first.get_attribute("id") == f"topic-{topic.pk}" and "flags" in first.get_attribute(
        "class"
    )
    shoot(doctor, "group-03-waiting")
    with doctor.expect_navigation():
        doctor.click(f"#topic-{topic.pk} a")
    doctor.fill("#reply-form textarea[name=text]", "先私下问问她是不是有什么担心，再请她帮忙记录。")
    with doctor.expect_navigation():
        doctor.click("#reply-form button.primary")
    assert doctor.locator(".message").count() == 2
    shoot(doctor, "group-04-answered")

    # The peer's page shows the answer without a reload (HTMX polls every few seconds).
    peer.locator(".message", has_text="先私下问问她").wait_for(timeout=15_000)
    with peer.expect_navigation():
        peer.click(f"form[action='/group/topics/{topic.pk}/answered/'] button")
    topic.refresh_from_db()
    assert topic.answered_by == users["peer"]
    assert_fits_phone(peer)
    shoot(peer, "group-05-marked-answered")


def test_moderators_mentions_search_and_the_desktop_layout(
    live_server, new_phone, users, community_a
):
    """The manager names the social worker a moderator; on a phone the doctor mentions the
    peer with one tap; the peer finds the thread by search; on a desktop the spaces and
    the space's topics sit beside the chat."""
    from tongban.discussion import services
    from tongban.notifications.models import Notification

    space = community_a.space
    topic = services.topic_start(
        space=space, by=users["peer"], title="活动场地换了吗", text="下周的活动还在老地方吗？"
    )
    manager = new_phone()
    login(manager, live_server, "manager")
    manager.goto(url(live_server, f"/group/spaces/{space.pk}/"))
    with manager.expect_navigation():
        manager.click(f"a[href='/group/spaces/{space.pk}/moderators/']")
    manager.select_option("select[name=user]", str(users["socialworker"].pk))
    manager.fill("input[name=reason]", "晚上常在线")
    with manager.expect_navigation():
        manager.click("form.form button.primary")
    assert manager.locator(f"#moderator-{users['socialworker'].pk}").is_visible()
    assert_fits_phone(manager)
    shoot(manager, "group-06-moderators")
    assert list(space.moderators.all()) == [users["socialworker"]]

    doctor = new_phone()
    login(doctor, live_server, "doctor")
    doctor.goto(url(live_server, f"/group/topics/{topic.pk}/"))
    doctor.click(".mention-help summary")
    doctor.click("button[data-mention='peer']")
    doctor.type("#reply-form textarea[name=text]", "还在老地方，我会提前到。")
    assert doctor.input_value("#reply-form textarea[name=text]").startswith("@peer ")
    with doctor.expect_navigation():
        doctor.click("#reply-form button.primary")
    assert doctor.locator(".message .mention", has_text="@peer").is_visible()
    assert Notification.objects.filter(
        recipient=users["peer"], kind=Notification.Kind.DISCUSSION_MENTION
    ).exists()
    assert_fits_phone(doctor)
    shoot(doctor, "group-07-mention")

    peer = new_phone()
    login(peer, live_server, "peer")
    peer.goto(url(live_server, "/group/"))
    peer.fill("input[name=q]", "老地方")
    with peer.expect_navigation():
        peer.click("form.group-search button")
    results = peer.locator(".search-results li")
    assert results.count() == 2
    assert_fits_phone(peer)
    shoot(peer, "group-08-search")

    # A desktop: the sidebar with the spaces and this space's topics beside the chat.
    peer.set_viewport_size({"width": 1280, "height": 900})
    peer.goto(url(live_server, f"/group/topics/{topic.pk}/"))
    side = peer.locator(".group-side")
    chat = peer.locator(".chat-log")
    assert side.is_visible()
    side_box, chat_box = side.bounding_box(), chat.bounding_box()
    assert side_box["x"] + side_box["width"] <= chat_box["x"]
    assert side.locator("[aria-current=page]", has_text="活动场地换了吗").is_visible()
    peer.screenshot(path=str(ARTIFACTS / "group-09-desktop.png"), full_page=True)
    assert_assets_loaded(peer)
