"""A change to an accepted cycle's forms tells the project managers (issue 7, item 11)."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.activities.conftest import DAY, plan_fields, record_fields
from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.activities import services
from tongban.notifications.models import Notification
from tongban.submissions import locking
from tongban.submissions.cycles import for_program
from tongban.submissions.models import Submission

KIND = Notification.Kind.ACCEPTED_FORMS_CHANGED


@pytest.fixture
def accepted(users, community_a, peer_person_a):
    helper = make_person("甲同伴二", community=community_a, role="peer")
    with time_machine.travel(date(2016, 4, 30), tick=False):
        plan = services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(community_a.venues.get(), peer_person_a),
            assisting_peers=[helper],
        )
        services.record_save(plan=plan, by=users["peer"], fields=record_fields())
        number = for_program(community_a.program).number(DAY)
        Submission.objects.create(
            community=community_a,
            cycle=number,
            status=Submission.Status.ACCEPTED,
            submitted_by=users["peer"],
            submitted_at=timezone.now(),
            reviewed_by=users["manager"],
            reviewed_at=timezone.now(),
        )
    return plan, number


def test_a_change_with_its_reason_notifies_every_manager_but_the_changer(
    users, community_a, accepted
):
    plan, number = accepted
    other = make_user("manager2", Role.PROJECT_MANAGER)
    away = make_user("manager3", Role.PROJECT_MANAGER)
    away.is_active = False
    away.save()
    with time_machine.travel(date(2016, 5, 10), tick=False):
        services.record_save(
            plan=plan,
            by=users["peer"],
            fields=record_fields(summary="补记"),
            change_reason="漏写总结",
        )
    sent = Notification.objects.filter(kind=KIND)
    assert {n.recipient for n in sent} == {users["manager"], other}
    notice = sent.first()
    assert notice.subject.startswith(f"甲社区 第 {number} 期")
    assert notice.url == f"/submissions/{community_a.pk}/{number}/"


def test_the_changer_is_not_told_of_their_own_change(users, community_a, accepted):
    plan, _number = accepted
    with time_machine.travel(date(2016, 5, 10), tick=False):
        locking.require_reason_if_locked(
            community=community_a, day=DAY, reason="改日期", by=users["manager"]
        )
    assert not Notification.objects.filter(kind=KIND).exists()


def test_the_request_user_counts_as_the_changer_when_by_is_not_given(
    client_for, users, community_a, accepted
):
    plan, number = accepted
    other = make_user("manager2", Role.PROJECT_MANAGER)
    with time_machine.travel(date(2016, 5, 10), tick=False):
        client = client_for(users["manager"])
        response = client.post(f"/sessions/{plan.pk}/void/", {"reason": "重复录入"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.is_voided
    recipients = {n.recipient for n in Notification.objects.filter(kind=KIND)}
    assert recipients == {other}


def test_unread_notice_is_not_repeated_and_a_refused_change_sends_nothing(
    users, community_a, accepted
):
    plan, _number = accepted
    with time_machine.travel(date(2016, 5, 10), tick=False):
        with pytest.raises(ValidationError):
            services.record_save(plan=plan, by=users["peer"], fields=record_fields(summary="x"))
        assert not Notification.objects.filter(kind=KIND).exists()
        for summary in ("一", "二"):
            services.record_save(
                plan=plan,
                by=users["peer"],
                fields=record_fields(summary=summary),
                change_reason="补",
            )
    assert Notification.objects.filter(kind=KIND, recipient=users["manager"]).count() == 1
    Notification.objects.filter(kind=KIND).update(read_at=timezone.now())
    with time_machine.travel(date(2016, 5, 11), tick=False):
        services.record_save(
            plan=plan, by=users["peer"], fields=record_fields(summary="三"), change_reason="补"
        )
    assert Notification.objects.filter(kind=KIND, recipient=users["manager"]).count() == 2


def test_open_cycles_notify_nobody(users, community_a):
    assert locking.require_reason_if_locked(community=community_a, day=DAY, reason="x") == "x"
    assert not Notification.objects.filter(kind=KIND).exists()


def test_a_form_refused_for_another_error_notifies_nobody(client_for, users, accepted):
    """The form checks the reason too (one round of errors); only the write notifies."""
    plan, _number = accepted
    with time_machine.travel(date(2016, 5, 10), tick=False):
        client = client_for(users["peer"])
        page = client.get(f"/sessions/{plan.pk}/record/")
        data = {
            key: value
            for key, value in page.context["form"].initial.items()
            if value is not None and not isinstance(value, list)
        }
        data.update(
            {
                "held_on": DAY.isoformat(),
                "started_at": "15:00",
                "ended_at": "14:00",  # before the start: refused
                "format": "group_discussion",
                "theme": "一起唱歌",
                "change_reason": "补记",
            }
        )
        response = client.post(f"/sessions/{plan.pk}/record/", data)
    assert response.status_code == 200
    assert "ended_at" in response.context["form"].errors
    assert not Notification.objects.filter(kind=KIND).exists()
