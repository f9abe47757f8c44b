"""Break requests: asked, agreed (a leave in the enrolment) or declined, withdrawn; two
decisions from the same version make one leave."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tongban.core.concurrency import EditConflict, current_version
from tongban.notifications.models import Notification
from tongban.registry.models import EnrolmentStatusChange
from tongban.supervision import wellbeing_services as services
from tongban.supervision.models import BreakRequest

from .wellbeing_helpers import english

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def ask(user, community, *, starts_on=None, ends_on=None, reason="家里有事"):
    return services.break_request_create(
        peer=user.person,
        community=community,
        starts_on=starts_on or TODAY,
        ends_on=ends_on,
        reason=reason,
        by=user,
    )


def statuses(person):
    enrolment = person.enrolments.get()
    return list(
        EnrolmentStatusChange.objects.filter(enrolment=enrolment)
        .order_by("effective_on", "pk")
        .values_list("status", "effective_on")
    )


def test_asking_tells_the_supervisors(users, community_a):
    item = ask(users["peer"], community_a, ends_on=TODAY + timedelta(days=14))
    expected = {users[name] for name in ("doctor", "psychologist", "socialworker", "psychiatrist")}
    assert set(item.notified) == expected
    sent = Notification.objects.filter(kind=Notification.Kind.BREAK_ASKED)
    assert {n.recipient for n in sent} == expected
    assert sent.first().url == f"/supervision/breaks/{item.pk}/"
    assert (item.status, item.asked_by) == ("asked", users["peer"])


def test_every_error_at_once(users, community_a, community_b):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        ask(
            users["peer"],
            community_b,
            starts_on=TODAY - timedelta(days=40),
            ends_on=TODAY - timedelta(days=41),
        )
    assert set(caught.value.message_dict) == {"community", "starts_on", "ends_on"}
    ask(users["peer"], community_a)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        ask(users["peer"], community_a, starts_on=TODAY + timedelta(days=3))
    assert "already asked" in caught.value.message_dict["community"][0]


def test_agreed_becomes_a_leave_and_the_return(users, community_a):
    person = users["peer"].person
    item = ask(users["peer"], community_a, starts_on=TODAY - timedelta(days=10), ends_on=TODAY)
    decided = services.break_request_decide(
        request=item, agree=True, note="好好休息", by=users["doctor"], version=current_version(item)
    )
    assert (decided.status, decided.decided_by, decided.decision_note) == (
        "agreed",
        users["doctor"],
        "好好休息",
    )
    assert statuses(person) == [
        ("active", date(2014, 3, 1)),
        ("on_leave", TODAY - timedelta(days=10)),
        ("active", TODAY),
    ]
    notice = Notification.objects.get(kind=Notification.Kind.BREAK_AGREED)
    assert (notice.recipient, notice.url) == (users["peer"], f"/supervision/breaks/{item.pk}/")
    assert decided.notified == [users["peer"]]


def test_agreed_open_ended_break_leaves_the_peer_on_leave(users, community_a):
    person = users["peer"].person
    item = ask(users["peer"], community_a)
    services.break_request_decide(request=item, agree=True, by=users["psychologist"])
    assert statuses(person)[-1] == ("on_leave", TODAY)
    assert person.enrolments.with_status().get().current_status == "on_leave"


def test_declined_changes_nothing_and_says_why(users, community_a):
    person = users["peer"].person
    item = ask(users["peer"], community_a)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.break_request_decide(request=item, agree=False, note=" ", by=users["doctor"])
    assert "note" in caught.value.message_dict
    services.break_request_decide(
        request=item, agree=False, note="下周有培训，之后再休息", by=users["doctor"]
    )
    item.refresh_from_db()
    assert item.status == "declined"
    assert statuses(person) == [("active", date(2014, 3, 1))]
    assert (
        Notification.objects.get(kind=Notification.Kind.BREAK_DECLINED).recipient == users["peer"]
    )


def test_deciding_twice_from_the_same_version_is_a_conflict(users, community_a):
    person = users["peer"].person
    item = ask(users["peer"], community_a)
    version = current_version(item)
    services.break_request_decide(request=item, agree=True, by=users["doctor"], version=version)
    with pytest.raises(EditConflict):
        services.break_request_decide(
            request=item, agree=True, by=users["psychologist"], version=version
        )
    # Without a version (an old form), the status refuses it.
    with pytest.raises(ValidationError):
        services.break_request_decide(request=item, agree=False, note="x", by=users["psychologist"])
    assert [s for s, _day in statuses(person)].count("on_leave") == 1


def test_a_future_break_is_recorded_when_its_day_comes(users, community_a):
    person = users["peer"].person
    item = ask(users["peer"], community_a, starts_on=TODAY + timedelta(days=7))
    services.break_request_decide(request=item, agree=True, by=users["doctor"])
    assert statuses(person) == [("active", date(2014, 3, 1))]
    assert services.breaks_apply_due(today=TODAY) == []
    # The day came (moved here: the registry takes no date after the real today).
    BreakRequest.objects.filter(pk=item.pk).update(
        starts_on=TODAY - timedelta(days=3), ends_on=TODAY
    )
    written = services.breaks_apply_due(today=TODAY)
    assert [(c.status, c.effective_on) for c in written] == [
        ("on_leave", TODAY - timedelta(days=3)),
        ("active", TODAY),
    ]
    # Idempotent.
    assert services.breaks_apply_due(today=TODAY) == []
    assert len(statuses(person)) == 3


def test_a_break_over_an_enrolment_changed_meanwhile_is_left_alone(users, community_a):
    from tongban.registry import services as registry_services

    person = users["peer"].person
    item = ask(users["peer"], community_a, starts_on=TODAY + timedelta(days=7))
    services.break_request_decide(request=item, agree=True, by=users["doctor"])
    registry_services.enrolment_change_status(
        enrolment=person.enrolments.get(), status="withdrawn", effective_on=TODAY, reason="搬走了"
    )
    BreakRequest.objects.filter(pk=item.pk).update(starts_on=TODAY)
    assert services.breaks_apply_due(today=TODAY) == []


def test_the_registry_refusal_is_said_and_nothing_is_agreed(users, community_a):
    from tongban.registry import services as registry_services

    person = users["peer"].person
    item = ask(users["peer"], community_a, starts_on=TODAY - timedelta(days=5))
    registry_services.enrolment_change_status(
        enrolment=person.enrolments.get(), status="on_leave", effective_on=TODAY, reason="病假"
    )
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.break_request_decide(request=item, agree=True, by=users["doctor"])
    assert "could not be recorded" in caught.value.messages[0]
    item.refresh_from_db()
    assert item.status == "asked"


def test_the_peer_withdraws_a_request_still_asked(users, community_a):
    item = ask(users["peer"], community_a)
    with pytest.raises(PermissionDenied):
        services.break_request_withdraw(request=item, by=users["doctor"])
    services.break_request_withdraw(request=item, by=users["peer"], version=current_version(item))
    item.refresh_from_db()
    assert item.status == "withdrawn"
    with pytest.raises(ValidationError):
        services.break_request_withdraw(request=item, by=users["peer"])
    with pytest.raises(ValidationError):
        services.break_request_decide(request=item, agree=True, by=users["doctor"])


def test_only_supervisors_decide(users, community_a):
    item = ask(users["peer"], community_a)
    for name in ("manager", "research", "peer"):
        with pytest.raises(PermissionDenied):
            services.break_request_decide(request=item, agree=True, by=users[name])


# Pages ----------------------------------------------------------------------------------------


def test_ask_and_agree_through_the_pages(client_for, users, community_a):
    peer = client_for(users["peer"])
    response = peer.post(
        "/supervision/breaks/new/",
        {"starts_on": TODAY.isoformat(), "ends_on": "", "reason": "累了"},
    )
    item = BreakRequest.objects.get()
    assert response["Location"] == f"/supervision/breaks/{item.pk}/"
    page = peer.get(response["Location"])
    assert page.context["can_withdraw"] and not page.context["can_decide"]

    doctor = client_for(english(users["doctor"]))
    page = doctor.get(f"/supervision/breaks/{item.pk}/")
    assert page.context["can_decide"]
    version = page.context["decision_form"].initial["version"]
    response = doctor.post(
        f"/supervision/breaks/{item.pk}/decide/",
        {"decision": "agree", "note": "", "version": version},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "the leave is recorded" in shown and "The peer was notified" in shown
    # A second supervisor on the same old page: a conflict, not a second leave.
    psychologist = client_for(english(users["psychologist"]))
    response = psychologist.post(
        f"/supervision/breaks/{item.pk}/decide/",
        {"decision": "decline", "note": "不同意", "version": version},
        follow=True,
    )
    shown = " ".join(str(m) for m in response.context["messages"])
    assert "after you opened it" in shown
    item.refresh_from_db()
    assert (item.status, item.decided_by) == ("agreed", users["doctor"])
    assert [s for s, _day in statuses(users["peer"].person)].count("on_leave") == 1
    # The audit trail: asked by the peer, decided by the doctor; the leave by the doctor too.
    rows = BreakRequest.history.filter(id=item.pk).order_by("history_id")
    assert [(r.history_type, r.history_user, r.status) for r in rows] == [
        ("+", users["peer"], "asked"),
        ("~", users["doctor"], "agreed"),
    ]
    leave = EnrolmentStatusChange.history.filter(status="on_leave").get()
    assert leave.history_user == users["doctor"]
    assert page.context["history"]


def test_the_decision_form_shows_every_error(client_for, users, community_a):
    item = ask(users["peer"], community_a)
    doctor = client_for(users["doctor"])
    response = doctor.post(f"/supervision/breaks/{item.pk}/decide/", {"version": "x"})
    assert response.status_code == 200
    assert set(response.context["decision_form"].errors) == {"decision", "version"}
    response = doctor.post(
        f"/supervision/breaks/{item.pk}/decide/", {"decision": "decline", "note": ""}
    )
    assert set(response.context["decision_form"].errors) == {"note"}


def test_the_break_form_shows_every_error(client_for, users, community_a):
    peer = client_for(users["peer"])
    response = peer.post(
        "/supervision/breaks/new/",
        {"starts_on": (TODAY - timedelta(days=99)).isoformat(), "ends_on": "2000-13-01"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"starts_on", "ends_on"}
    response = peer.post("/supervision/breaks/new/", {"starts_on": "９９９９-01-01"})
    assert set(response.context["form"].errors) == {"starts_on"}
    assert not BreakRequest.objects.exists()


def test_withdraw_through_the_page(client_for, users, community_a):
    item = ask(users["peer"], community_a)
    peer = client_for(users["peer"])
    response = peer.post(
        f"/supervision/breaks/{item.pk}/withdraw/", {"version": current_version(item)}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "withdrawn"
    doctor = client_for(users["doctor"])
    assert doctor.post(f"/supervision/breaks/{item.pk}/withdraw/").status_code == 403
