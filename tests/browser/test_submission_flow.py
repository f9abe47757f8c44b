"""Six-weekly submission on phones, in Chinese: the peer submits, the manager returns it with a
comment, the peer reads the comment and submits again, the manager accepts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_person
from tests.submissions.conftest import make_emergency, make_plan
from tongban.notifications.models import Notification
from tongban.submissions import cycles, locking
from tongban.submissions.models import Submission

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

COMMENT = "5号的参与者名单缺少签到时间，请补上后重新提交。"
NOTE = "已补上签到时间。"


def test_manager_returns_peer_resubmits_manager_accepts(
    live_server, new_phone, users, community_a, community_b, peer_person_a, consumer_a
):
    today = timezone.localdate()
    calendar = cycles.for_program(community_a.program)
    # Community A began with the last cycle, which has ended and can be submitted.
    cycle = calendar.cycle(calendar.number(today) - 1)
    community_a.started_on = cycle.starts_on
    community_a.save()
    helper = make_person("甲同伴助手", community=community_a, role="peer")
    make_plan(
        community_a,
        cycle.starts_on + timedelta(days=4),
        lead=peer_person_a,
        by=users["peer"],
        theme="手工折纸",
        held_on=cycle.starts_on + timedelta(days=4),
        peers=[peer_person_a, helper],
        consumers=[consumer_a],
    )
    make_plan(
        community_a,
        cycle.starts_on + timedelta(days=20),
        lead=peer_person_a,
        by=users["peer"],
        theme="情绪管理小组",
    )
    make_emergency(community_a, cycle.starts_on + timedelta(days=4), by=users["peer"])
    detail = f"/submissions/{community_a.pk}/{cycle.number}/"

    # The peer sees the cycle waiting for its forms, with the unfinished session, and submits.
    peer = new_phone()
    login(peer, live_server, "peer")
    peer.goto(url(live_server, "/submissions/"))
    assert html_lang(peer) == "zh-hans"
    assert peer.locator("#to-submit").is_visible()
    shoot(peer, "submissions-01-peer-list")
    with peer.expect_navigation():
        peer.locator(f"#to-submit a[href='{detail}']").click()
    assert path_of(peer) == detail
    assert "情绪管理小组" in peer.locator("#unfinished").inner_text()
    assert peer.locator("#sessions").get_by_text("手工折纸").is_visible()
    assert_tappable(peer, "main button")
    shoot(peer, "submissions-02-peer-cycle-due")
    with peer.expect_navigation():
        peer.click("#submit-form button[type=submit]")
    assert Submission.objects.get().status == "submitted"
    assert peer.locator("#submit-form").count() == 0

    # The manager finds it waiting for review; returning without a comment is refused.
    manager = new_phone()
    login(manager, live_server, "manager")
    manager.goto(url(live_server, "/submissions/"))
    assert community_b.name in manager.locator("#overdue").inner_text()
    shoot(manager, "submissions-03-manager-overview")
    with manager.expect_navigation():
        manager.locator(f"#awaiting a[href='{detail}']").click()
    with manager.expect_navigation():
        manager.click("#return-form button[type=submit]")
    comment_field = manager.locator("#return-form #field-comments")
    assert "has-error" in (comment_field.get_attribute("class") or "")
    assert comment_field.locator(".error").is_visible()
    assert Submission.objects.get().status == "submitted"
    shoot(manager, "submissions-04-manager-return-needs-comment")
    manager.fill("#return-form textarea[name=comments]", COMMENT)
    with manager.expect_navigation():
        manager.click("#return-form button[type=submit]")
    assert Submission.objects.get().status == "returned"
    assert Notification.objects.filter(recipient=users["peer"], kind="submission_returned").exists()
    # The returned forms are the peers' to resubmit: the manager gets no resubmit form.
    assert manager.locator("#submit-form").count() == 0

    # The peer reads the comment, corrects, and submits again with a note.
    peer.goto(url(live_server, detail))
    assert COMMENT in peer.locator("#return-comments").inner_text()
    assert COMMENT in peer.locator("#conversation").inner_text()
    shoot(peer, "submissions-05-peer-returned")
    peer.fill("#submit-form textarea[name=note]", NOTE)
    with peer.expect_navigation():
        peer.click("#submit-form button[type=submit]")
    assert Submission.objects.get().status == "submitted"

    # The manager sees the note and accepts: the cycle's days are locked.
    manager.goto(url(live_server, detail))
    assert NOTE in manager.locator("#conversation").inner_text()
    assert_tappable(manager, "main button")
    shoot(manager, "submissions-06-manager-review")
    with manager.expect_navigation():
        manager.click("#accept-form button[type=submit]")
    # Accepting cannot be undone: a page says what it locks and asks to confirm.
    assert Submission.objects.get().status == "submitted"
    consequences = manager.locator("#accept-consequences").inner_text()
    assert "2" in consequences and "1" in consequences  # two sessions, one emergency
    assert_tappable(manager, "#confirm-accept")
    shoot(manager, "submissions-06b-manager-confirm-accept")
    with manager.expect_navigation():
        manager.click("#confirm-accept")
    assert Submission.objects.get().status == "accepted"
    assert locking.is_locked(community=community_a, day=cycle.starts_on)
    assert manager.locator("#review").count() == 0
    shoot(manager, "submissions-07-manager-accepted")

    peer.goto(url(live_server, "/submissions/"))
    assert peer.locator(f"a[href='{detail}']").first.is_visible()
    assert peer.locator("#to-submit").count() == 0
    shoot(peer, "submissions-08-peer-list-accepted")
