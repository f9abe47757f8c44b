"""The request pages: asking on a phone, the doctor's list and answer, scoping, errors,
query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.core.concurrency import current_version
from tongban.notifications.context_processors import ESCALATION_KEY, REMINDERS_KEY
from tongban.notifications.models import Notification
from tongban.supervision.models import SupervisionAction, SupervisionRequest

from .request_fixtures import ask, make_session

NEW = "/supervision/requests/new/"
LIST = "/supervision/requests/"


@pytest.fixture(autouse=True)
def quiet_jobs():
    """No lazy job runs in the middle of a counted page."""
    cache.set(REMINDERS_KEY, 1, 600)
    cache.set(ESCALATION_KEY, 1, 600)
    yield
    cache.delete(REMINDERS_KEY)
    cache.delete(ESCALATION_KEY)


def detail(request) -> str:
    return f"/supervision/requests/{request.pk}/"


def test_the_peer_form_preselects_the_only_doctor(users, client_for):
    response = client_for(users["peer"]).get(NEW)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["doctor"] == users["doctor"].pk
    assert list(form.fields["doctor"].queryset) == [users["doctor"]]


def test_two_doctors_none_preselected(users, community_a, client_for):
    make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    form = client_for(users["peer"]).get(NEW).context["form"]
    assert "doctor" not in form.initial
    assert form.fields["doctor"].queryset.count() == 2


def test_a_peer_asks_and_is_told_who_was_notified(users, client_for):
    client = client_for(users["peer"])
    with translation.override("en"):
        response = client.post(
            NEW,
            {
                "topic": "组员吵架",
                "details": "两位服务对象吵起来了",
                "urgency": "urgent",
                "doctor": users["doctor"].pk,
            },
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )
    request = SupervisionRequest.objects.get()
    assert response.redirect_chain[-1][0] == detail(request)
    message = [str(m) for m in response.context["messages"]][0]
    assert users["doctor"].display_name in message
    assert Notification.objects.filter(recipient=users["doctor"]).count() == 1


def test_from_a_session_page(users, community_a, peer_person_a, client_for):
    session = make_session(community_a, users["peer"], day=date(2016, 6, 1), lead=peer_person_a)
    client = client_for(users["peer"])
    page = client.get(f"/sessions/{session.pk}/").content.decode()
    assert f"{NEW}?session={session.pk}" in page
    form = client.get(f"{NEW}?session={session.pk}").context["form"]
    assert form.initial["session"] == session.pk
    client.post(
        f"{NEW}?session={session.pk}",
        {
            "topic": "活动冷场",
            "urgency": "routine",
            "doctor": users["doctor"].pk,
            "session": session.pk,
        },
    )
    assert SupervisionRequest.objects.get().session == session


def test_every_error_at_once_and_no_500_on_junk(users, client_for):
    client = client_for(users["peer"])
    response = client.post(
        NEW, {"topic": "", "urgency": "never", "doctor": "²", "session": "9" * 20}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"topic", "urgency", "doctor", "session"} <= set(errors)
    assert not SupervisionRequest.objects.exists()
    for query in ("?session=٣", "?community=²", f"?session={'9' * 20}"):
        assert client.get(NEW + query).status_code == 404


def test_staff_cannot_ask_and_research_reads_nothing(users, client_for):
    assert client_for(users["doctor"]).get(NEW).status_code == 403
    assert client_for(users["research"]).get(LIST).status_code == 403


def test_the_doctors_list_unanswered_and_urgent_first(users, community_a, client_for):
    old_routine = ask(users, community_a, topic="老的常规问题")
    answered = ask(users, community_a, topic="已回答的问题")
    urgent = ask(users, community_a, topic="紧急问题", urgency="urgent")
    SupervisionRequest.objects.filter(pk=old_routine.pk).update(
        asked_at=timezone.now() - timedelta(days=2)
    )
    answered.answer, answered.answered_at, answered.answered_by = (
        "好",
        timezone.now(),
        users["doctor"],
    )
    answered.save()
    response = client_for(users["doctor"]).get(LIST)
    rows = list(response.context["page"])
    assert [row.pk for row in rows] == [urgent.pk, old_routine.pk, answered.pk]
    page = response.content.decode()
    assert "waiting" in page or "等待" in page or "已等待" in page
    assert page.index("紧急问题") < page.index("老的常规问题") < page.index("已回答的问题")


def test_the_list_filters(users, community_a, client_for):
    ask(users, community_a, topic="未回答")
    gone = ask(users, community_a, topic="作废的")
    gone.void(by=users["doctor"], reason="x")
    client = client_for(users["doctor"])
    assert [r.topic for r in client.get(LIST + "?status=open").context["page"]] == ["未回答"]
    assert [r.topic for r in client.get(LIST + "?status=voided").context["page"]] == ["作废的"]
    assert [r.topic for r in client.get(LIST).context["page"]] == ["未回答"]
    # Junk filters are dropped, never a 500.
    assert client.get(LIST + "?status=zzz&community=²&page=x").status_code == 200


def test_a_peer_sees_only_their_own(users, community_a, client_for):
    mine = ask(users, community_a, topic="我的问题")
    other_person = make_person("另一位同伴", community=community_a, role="peer")
    other = make_user("peer2", Role.PEER, person=other_person)
    theirs = SupervisionRequest.objects.create(
        community=community_a,
        peer=other_person,
        topic="别人的问题",
        urgency="routine",
        doctor=users["doctor"],
        asked_by=other,
    )
    client = client_for(users["peer"])
    page = client.get(LIST).content.decode()
    assert "我的问题" in page and "别人的问题" not in page
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(detail(theirs) + "void/").status_code == 404


def test_a_doctor_of_another_community_gets_404(users, community_a, community_b, client_for):
    request = ask(users, community_a)
    other = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    client = client_for(other)
    for suffix in ("", "answer/", "void/", "actions/new/"):
        assert client.get(detail(request) + suffix).status_code == 404
        assert client.post(detail(request) + suffix).status_code == 404
    assert "服务对象不愿参加" not in client.get(LIST).content.decode()
    # The doctor of A reads it.
    assert client_for(users["doctor"]).get(detail(request)).status_code == 200


def test_the_doctor_answers_and_the_peer_reads_it(users, community_a, client_for):
    request = ask(users, community_a)
    client = client_for(users["doctor"])
    assert client.get(detail(request) + "answer/").status_code == 200
    due = (timezone.localdate() + timedelta(days=5)).isoformat()
    response = client.post(
        detail(request) + "answer/",
        {
            "answer": "先肯定她，再邀请她分享",
            "answered_how": "in_person",
            "version": current_version(request),
            "action_text": "下次活动请她发言",
            "action_owner": users["peer"].pk,
            "action_due_on": due,
        },
    )
    assert response.status_code == 302 and response["Location"] == detail(request)
    request.refresh_from_db()
    assert request.answered_by == users["doctor"] and request.answered_how == "in_person"
    assert SupervisionAction.objects.get().owner == users["peer"]
    # The history names who saved it.
    assert request.history.latest("history_id").history_user == users["doctor"]
    page = client_for(users["peer"]).get(detail(request)).content.decode()
    assert "先肯定她，再邀请她分享" in page and "下次活动请她发言" in page


def test_answer_errors_at_once_and_junk(users, community_a, client_for):
    request = ask(users, community_a)
    response = client_for(users["doctor"]).post(
        detail(request) + "answer/",
        {
            "answer": "",
            "answered_how": "fax",
            "version": "9" * 25,
            "action_text": "做",
            "action_owner": "٣",
            "action_due_on": "2026-02-31",
        },
    )
    assert response.status_code == 200
    assert {"answer", "answered_how", "action_owner", "action_due_on"} <= set(
        response.context["form"].errors
    )
    request.refresh_from_db()
    assert not request.is_answered


def test_a_stale_correction_shows_the_conflict(users, community_a, client_for):
    request = ask(users, community_a)
    client = client_for(users["doctor"])
    client.post(
        detail(request) + "answer/",
        {"answer": "第一版", "answered_how": "phone", "version": current_version(request)},
    )
    request.refresh_from_db()
    opened = current_version(request)
    client_for(users["psychologist"]).post(
        detail(request) + "answer/",
        {"answer": "心理师的更正", "answered_how": "phone", "version": opened},
    )
    client = client_for(users["doctor"])
    response = client.post(
        detail(request) + "answer/",
        {"answer": "医生的旧表单", "answered_how": "phone", "version": opened},
    )
    assert response.status_code == 200 and response.context["conflict"]
    request.refresh_from_db()
    assert request.answer == "心理师的更正"


def test_add_another_action_on_the_page(users, community_a, client_for):
    request = ask(users, community_a)
    client = client_for(users["doctor"])
    client.post(
        detail(request) + "answer/",
        {"answer": "好", "answered_how": "written", "version": current_version(request)},
    )
    response = client.post(
        detail(request) + "actions/new/",
        {"action_text": "", "action_owner": "", "action_due_on": "x"},
    )
    assert response.status_code == 200
    assert {"action_text", "action_due_on"} <= set(response.context["action_form"].errors)
    due = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post(
        detail(request) + "actions/new/",
        {"action_text": "打电话回访", "action_owner": users["doctor"].pk, "action_due_on": due},
    )
    assert response.status_code == 302
    assert SupervisionAction.objects.get().text == "打电话回访"


def test_void_page(users, community_a, client_for):
    request = ask(users, community_a)
    client = client_for(users["doctor"])
    assert client.get(detail(request) + "void/").status_code == 200
    response = client.post(detail(request) + "void/", {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(detail(request) + "void/", {"reason": "重复发送"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.is_voided
    # Answering a voided request goes back to it.
    assert client.get(detail(request) + "answer/").status_code == 302


def test_the_list_costs_the_same_queries_whatever_the_rows(users, community_a, client_for):
    ask(users, community_a)
    client = client_for(users["doctor"])

    def count(url) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    before = count(LIST)
    for index in range(6):
        request = ask(users, community_a, topic=f"问题{index}", urgency="urgent")
        SupervisionAction.objects.create(
            request=request,
            community=community_a,
            text="x",
            owner=users["peer"],
            due_on=date(2027, 1, 1),
        )
    assert count(LIST) == before
    peer = client_for(users["peer"])
    with CaptureQueriesContext(connection) as context:
        assert peer.get(LIST).status_code == 200
    assert len(context.captured_queries) <= before + 2
