"""On phones in Chinese: a peer asks the community doctor for supervision about a session,
is told who was notified; the doctor finds it first in the list (urgent, waiting) and
answers; the peer reads the answer and the agreed action."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.supervision.request_fixtures import make_session
from tongban.notifications.context_processors import ESCALATION_KEY, REMINDERS_KEY
from tongban.notifications.models import Notification
from tongban.supervision.models import SupervisionAction, SupervisionRequest

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

SESSION_DAY = date(2016, 6, 28)


def test_a_peer_asks_and_the_doctor_answers(
    live_server, new_phone, users, community_a, peer_person_a
):
    cache.delete(REMINDERS_KEY)
    cache.delete(ESCALATION_KEY)
    session = make_session(
        community_a, users["peer"], day=SESSION_DAY, lead=peer_person_a, held=True
    )
    doctor_name = users["doctor"].display_name

    # The peer, from the session's page.
    peer = new_phone()
    login(peer, live_server, "peer")
    assert html_lang(peer) == "zh-hans"
    peer.goto(url(live_server, f"/sessions/{session.pk}/"))
    with peer.expect_navigation():
        peer.click(f"main a[href='/supervision/requests/new/?session={session.pk}']")
    # The only doctor is chosen already, and the session too.
    assert peer.input_value("select[name=doctor]") == str(users["doctor"].pk)
    assert peer.input_value("select[name=session]") == str(session.pk)
    assert_tappable(peer, "form.form button[type=submit]")
    shoot(peer, "supervision-request-01-form")

    # Sent without a topic: the error is at the top and next to the field.
    peer.check("input[name=urgency][value=urgent]")
    with peer.expect_navigation():
        peer.click("form.form button[type=submit]")
    assert peer.locator("#error-summary").is_visible()
    assert peer.locator("#field-topic .error").count() == 1
    shoot(peer, "supervision-request-02-error")

    peer.fill("input[name=topic]", "组员在活动中争吵")
    peer.fill("textarea[name=details]", "两位服务对象为座位吵起来，我不知道怎么劝")
    with peer.expect_navigation():
        peer.click("form.form button[type=submit]")
    request = SupervisionRequest.objects.get()
    assert path_of(peer) == f"/supervision/requests/{request.pk}/"
    assert request.urgency == "urgent" and request.session == session
    message = peer.locator(".messages li").inner_text()
    assert doctor_name in message
    assert Notification.objects.filter(recipient=users["doctor"]).count() == 1
    shoot(peer, "supervision-request-03-sent")

    # The doctor: the request first in the list, urgent, with how long it has waited.
    doctor = new_phone()
    login(doctor, live_server, "doctor")
    # On the home page first: waiting, urgent.
    assert "组员在活动中争吵" in doctor.locator("section.home-requests").inner_text()
    shoot(doctor, "supervision-request-04-doctor-home")
    doctor.goto(url(live_server, "/supervision/requests/"))
    first = doctor.locator("ul.requests li.card").first
    assert "组员在活动中争吵" in first.inner_text()
    assert first.locator(".waiting").count() == 1
    shoot(doctor, "supervision-request-05-list")
    with doctor.expect_navigation():
        first.locator("a").first.click()
    with doctor.expect_navigation():
        doctor.click(f"main a[href='/supervision/requests/{request.pk}/answer/']")
    doctor.fill("textarea[name=answer]", "先把两人分开坐，活动后分别聊聊；下次活动前我们再通个电话")
    doctor.check("input[name=answered_how][value=phone]")
    doctor.fill("textarea[name=action_text]", "下次活动前和医生通电话")
    assert doctor.input_value("select[name=action_owner]") == str(users["peer"].pk)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    doctor.fill("input[name=action_due_on]", due)
    assert_tappable(doctor, "form.form button[type=submit]")
    shoot(doctor, "supervision-request-06-answer")
    with doctor.expect_navigation():
        doctor.click("form.form button[type=submit]")
    assert path_of(doctor) == f"/supervision/requests/{request.pk}/"
    request.refresh_from_db()
    assert request.answered_by == users["doctor"]
    assert SupervisionAction.objects.get().owner == users["peer"]
    shoot(doctor, "supervision-request-07-answered")

    # The peer reads the answer and the action.
    peer.goto(url(live_server, f"/supervision/requests/{request.pk}/"))
    answer = peer.locator("section.answer").inner_text()
    assert "先把两人分开坐" in answer and doctor_name in answer
    assert "下次活动前和医生通电话" in peer.locator("ul.actions-agreed").inner_text()
    assert Notification.objects.filter(
        recipient=users["peer"], kind=Notification.Kind.SUPERVISION_ANSWERED
    ).exists()
    shoot(peer, "supervision-request-08-peer-reads")
    peer.goto(url(live_server, "/"))
    assert "组员在活动中争吵" in peer.locator("section.home-my-requests").inner_text()
    shoot(peer, "supervision-request-09-peer-home")
