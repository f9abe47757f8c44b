"""As-needed supervision requests: asking, answering, agreed actions, voiding, who is
notified, history (the services)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.core.concurrency import EditConflict, current_version
from tongban.notifications.models import Notification
from tongban.supervision import request_services as services
from tongban.supervision.models import SupervisionAction, SupervisionRequest

from .request_fixtures import ask, kinds_for, make_session

Kind = Notification.Kind


def answer(request, by, **overrides):
    fields = {
        "answer": "下次活动前先和她单独聊聊",
        "answered_how": services.AnsweredHow.PHONE,
        "version": current_version(request),
    }
    fields.update(overrides)
    return services.supervision_request_answer(request=request, by=by, **fields)


def test_a_peer_asks_and_the_chosen_doctor_is_notified(users, community_a, peer_person_a):
    request = ask(users, community_a, urgency=SupervisionRequest.Urgency.URGENT)
    assert request.peer == peer_person_a
    assert request.asked_by == users["peer"]
    assert request.notified == [users["doctor"]]
    notification = Notification.objects.get(recipient=users["doctor"])
    assert notification.kind == Kind.SUPERVISION_ASKED
    # The community, never the topic: e-mail leaves the system.
    assert notification.subject == community_a.name
    assert notification.url == f"/supervision/requests/{request.pk}/"
    assert kinds_for(users["psychologist"]) == []


def test_only_the_chosen_doctor_of_several_is_notified(users, community_a):
    second = make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    request = ask(users, community_a, doctor=second)
    assert request.notified == [second]
    assert kinds_for(users["doctor"]) == []


def test_every_error_at_once(users, community_a, community_b, peer_person_a):
    foreign_doctor = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [community_b])
    lead_b = make_person("乙同伴", community=community_b, role="peer")
    session_b = make_session(community_b, users["manager"], day=date(2016, 1, 6), lead=lead_b)
    with pytest.raises(ValidationError) as caught:
        ask(
            users, community_a, topic="  ", urgency="soon", doctor=foreign_doctor, session=session_b
        )
    assert set(caught.value.message_dict) == {"topic", "urgency", "doctor", "session"}
    assert not SupervisionRequest.objects.exists()
    assert not Notification.objects.exists()


def test_a_voided_session_is_refused(users, community_a, peer_person_a):
    session = make_session(community_a, users["peer"], day=date(2016, 1, 6), lead=peer_person_a)
    session.void(by=users["manager"], reason="重复")
    with pytest.raises(ValidationError) as caught:
        ask(users, community_a, session=session)
    assert set(caught.value.message_dict) == {"session"}


def test_staff_and_peers_of_other_communities_cannot_ask(users, community_a, community_b):
    with pytest.raises(PermissionDenied):
        services.supervision_request_ask(
            by=users["doctor"],
            community=community_a,
            topic="x",
            details="",
            urgency="routine",
            doctor=users["doctor"],
        )
    with pytest.raises(PermissionDenied):
        services.supervision_request_ask(
            by=users["peer"],
            community=community_b,
            topic="x",
            details="",
            urgency="routine",
            doctor=users["doctor"],
        )


def test_without_a_doctor_the_psychologist_answers(users, community_a):
    users["doctor"].is_active = False
    users["doctor"].save()
    found = services.answerers(community_a)
    assert found.users == [users["psychologist"]] and not found.are_doctors
    request = ask(users, community_a, doctor=users["psychologist"])
    assert request.notified == [users["psychologist"]]
    # And the inactive doctor cannot be chosen.
    with pytest.raises(ValidationError) as caught:
        ask(users, community_a, doctor=users["doctor"])
    assert set(caught.value.message_dict) == {"doctor"}


def test_nobody_to_ask_says_so(users, community_a):
    for name in ("doctor", "psychologist", "psychiatrist"):
        users[name].is_active = False
        users[name].save()
    with pytest.raises(ValidationError) as caught:
        ask(users, community_a, doctor=None)
    assert "__all__" in caught.value.message_dict


def test_the_doctor_answers_and_the_peer_hears(users, community_a):
    request = ask(users, community_a)
    answered = answer(request, users["doctor"])
    request.refresh_from_db()
    assert request.is_answered and request.answered_by == users["doctor"]
    assert request.answered_how == "phone"
    assert answered.notified == [users["peer"]]
    assert kinds_for(users["peer"]) == [Kind.SUPERVISION_ANSWERED]
    # The doctor's own notice about it is read now.
    assert not Notification.objects.filter(recipient=users["doctor"], read_at__isnull=True)


def test_an_agreed_action_is_assigned(users, community_a):
    request = ask(users, community_a)
    due = timezone.localdate() + timedelta(days=7)
    answer(
        request,
        users["doctor"],
        action_text="准备一个轻松的热身游戏",
        action_owner=users["peer"],
        action_due_on=due,
    )
    action = SupervisionAction.objects.get()
    assert action.request == request and action.community == community_a
    assert action.owner == users["peer"] and action.due_on == due
    assert action.created_by == users["doctor"]
    assert kinds_for(users["peer"]) == [Kind.ACTION_ASSIGNED, Kind.SUPERVISION_ANSWERED]


def test_an_action_needs_who_and_when_and_all_errors_show_at_once(users, community_a):
    request = ask(users, community_a)
    with pytest.raises(ValidationError) as caught:
        answer(
            request,
            users["doctor"],
            answer=" ",
            answered_how="carrier pigeon",
            action_text="做点什么",
            action_owner=users["research"],
            action_due_on=timezone.localdate() - timedelta(days=1),
        )
    assert set(caught.value.message_dict) == {
        "answer",
        "answered_how",
        "action_owner",
        "action_due_on",
    }
    request.refresh_from_db()
    assert not request.is_answered and not SupervisionAction.objects.exists()


def test_a_preselected_owner_alone_is_no_action(users, community_a):
    request = ask(users, community_a)
    answer(request, users["doctor"], action_owner=users["peer"])
    assert not SupervisionAction.objects.exists()


def test_corrections_keep_every_version_and_refuse_a_stale_form(users, community_a):
    request = ask(users, community_a)
    answer(request, users["doctor"], answer="第一次回答")
    opened = current_version(request)
    answer(request, users["psychologist"], answer="更正后的回答", version=opened)
    request.refresh_from_db()
    assert request.answer == "更正后的回答"
    # The first answerer stays the answerer; the history has both texts.
    assert request.answered_by == users["doctor"]
    # (Who saved each version is the request middleware's: see the page tests.)
    answers = list(request.history.order_by("history_id").values_list("answer", flat=True))
    assert answers == ["", "第一次回答", "更正后的回答"]
    with pytest.raises(EditConflict):
        answer(request, users["doctor"], answer="旧表单", version=opened)
    request.refresh_from_db()
    assert request.answer == "更正后的回答"
    # Only the first answer notifies the peer.
    assert kinds_for(users["peer"]) == [Kind.SUPERVISION_ANSWERED]


def test_two_first_answers_at_once_the_second_is_a_conflict(users, community_a):
    request = ask(users, community_a)
    opened = current_version(request)
    answer(request, users["doctor"], version=opened)
    with pytest.raises(EditConflict):
        answer(request, users["psychologist"], answer="另一个回答", version=opened)


def test_a_reminder_meanwhile_is_no_conflict(users, community_a):
    request = ask(users, community_a, urgency="urgent")
    opened = current_version(request)
    services.supervision_requests_remind(now=request.asked_at + timedelta(hours=3))
    answer(request, users["doctor"], version=opened)
    request.refresh_from_db()
    assert request.is_answered


def test_peers_and_readers_cannot_answer(users, community_a):
    request = ask(users, community_a)
    for name in ("peer", "socialworker", "manager", "research"):
        with pytest.raises(PermissionDenied):
            answer(request, users[name])


def test_void_with_a_reason(users, community_a):
    request = ask(users, community_a)
    with pytest.raises(ValidationError) as caught:
        services.supervision_request_void(request=request, by=users["doctor"], reason=" ")
    assert set(caught.value.message_dict) == {"reason"}
    services.supervision_request_void(request=request, by=users["doctor"], reason="发了两次")
    request.refresh_from_db()
    assert request.is_voided and request.void_reason == "发了两次"
    assert request.history.latest("history_id").history_change_reason == "发了两次"
    # The doctor's notice about it is moot.
    assert not Notification.objects.filter(recipient=users["doctor"], read_at__isnull=True)
    with pytest.raises(ValidationError):
        answer(request, users["doctor"])
    with pytest.raises(ValidationError):
        services.supervision_request_void(request=request, by=users["doctor"], reason="again")


def test_the_peer_voids_their_own_request_until_it_is_answered(users, community_a):
    first = ask(users, community_a)
    services.supervision_request_void(request=first, by=users["peer"], reason="问错了")
    second = ask(users, community_a)
    answer(second, users["doctor"])
    second.refresh_from_db()
    assert not services.can_void(users["peer"], second)
    with pytest.raises(ValidationError):
        services.supervision_request_void(request=second, by=users["peer"], reason="x")


def test_another_action_on_an_answered_request(users, community_a):
    request = ask(users, community_a)
    answer(request, users["doctor"])
    due = timezone.localdate() + timedelta(days=3)
    services.supervision_request_action_add(
        request=request,
        by=users["doctor"],
        text="医生下周来看活动",
        owner=users["doctor"],
        due_on=due,
    )
    action = SupervisionAction.objects.get()
    assert action.owner == users["doctor"]
    # Nobody is told of an action they gave themselves.
    assert Kind.ACTION_ASSIGNED not in kinds_for(users["doctor"])
    with pytest.raises(ValidationError) as caught:
        services.supervision_request_action_add(
            request=request, by=users["doctor"], text="", owner=None, due_on=None
        )
    assert "action_text" in caught.value.message_dict


def test_audit_rows_name_who_did_what(users, community_a):
    request = ask(users, community_a)
    answer(request, users["doctor"])
    services.supervision_request_void(request=request, by=users["doctor"], reason="重复")
    rows = list(request.history.order_by("history_id"))
    assert [row.history_type for row in rows] == ["+", "~", "~"]
    # The first row's user is set by the request middleware in pages; here the fields say
    # who: asked_by, answered_by, voided_by.
    assert rows[1].answered_by_id == users["doctor"].pk
    assert rows[2].voided_by_id == users["doctor"].pk and rows[2].void_reason == "重复"
