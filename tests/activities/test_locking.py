"""A session in an accepted six-weekly submission is locked: changes need a reason."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.activities.conftest import DAY, plan_fields, record_fields
from tongban.activities import selectors, services
from tongban.submissions.cycles import for_program
from tongban.submissions.models import Submission


@pytest.fixture
def accepted(plan, users, community_a):
    with time_machine.travel(date(2016, 4, 30), tick=False):
        services.record_save(plan=plan, by=users["peer"], fields=record_fields())
    return Submission.objects.create(
        community=community_a,
        cycle=for_program(community_a.program).number(DAY),
        status=Submission.Status.ACCEPTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
        reviewed_by=users["manager"],
        reviewed_at=timezone.now(),
    )


def test_change_without_a_reason_is_refused(accepted, plan, users, venue_a, peer_person_a):
    with pytest.raises(ValidationError) as error:
        services.plan_update(
            plan=plan, by=users["peer"], fields=plan_fields(venue_a, peer_person_a, theme="改")
        )
    assert "change_reason" in error.value.error_dict
    with pytest.raises(ValidationError):
        services.record_save(plan=plan, by=users["peer"], fields=record_fields(feedback="改了"))


def test_change_with_a_reason_is_saved_and_audited(accepted, plan, users, venue_a, peer_person_a):
    services.plan_update(
        plan=plan,
        by=users["peer"],
        fields=plan_fields(venue_a, peer_person_a, theme="改正的主题"),
        change_reason="纸质表格抄错了",
    )
    plan.refresh_from_db()
    assert plan.theme == "改正的主题"
    assert plan.history.first().history_change_reason == "纸质表格抄错了"
    reasons = [entry.reason for entry in selectors.session_history(plan)]
    assert "纸质表格抄错了" in reasons


def test_moving_a_session_into_an_accepted_cycle_needs_a_reason(
    accepted, users, community_a, venue_a, peer_person_a
):
    later = services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 6, 20)),
    )
    with pytest.raises(ValidationError):
        services.plan_update(
            plan=later, by=users["peer"], fields=plan_fields(venue_a, peer_person_a)
        )


def test_voiding_a_locked_session_keeps_its_reason(accepted, plan, users):
    services.session_void(plan=plan, by=users["manager"], reason="重复录入")
    plan.refresh_from_db()
    assert plan.is_voided


def test_an_unaccepted_cycle_is_not_locked(plan, users, venue_a, peer_person_a):
    services.plan_update(
        plan=plan, by=users["peer"], fields=plan_fields(venue_a, peer_person_a, theme="改")
    )


def test_a_long_reason_is_kept_whole(accepted, plan, users, venue_a, peer_person_a):
    reason = "纸质表格与录入不一致，" * 30  # 330 characters: more than simple-history's default
    services.plan_update(
        plan=plan,
        by=users["peer"],
        fields=plan_fields(venue_a, peer_person_a, theme="改正"),
        change_reason=reason,
    )
    assert plan.history.first().history_change_reason == reason.strip()


def test_a_first_process_form_cannot_leave_an_accepted_cycle_silently(
    users, community_a, venue_a, peer_person_a, accepted
):
    unrecorded = services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, theme="未记录"),
        change_reason="补录",
    )
    with time_machine.travel(date(2016, 8, 1), tick=False), pytest.raises(ValidationError) as error:
        services.record_save(
            plan=unrecorded, by=users["peer"], fields=record_fields(held_on=date(2016, 7, 20))
        )
    assert "change_reason" in error.value.error_dict


def test_a_new_session_in_an_accepted_cycle_needs_a_reason(
    accepted, users, community_a, venue_a, peer_person_a
):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, theme="补录的活动"),
        )
    assert "change_reason" in error.value.error_dict


def test_the_page_asks_for_the_reason_when_moving_into_an_accepted_cycle(
    client_for, accepted, users, community_a, venue_a, peer_person_a
):
    from django.urls import reverse

    later = services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 6, 20)),
    )
    client = client_for(users["peer"])
    url = reverse("activities:record_edit", args=[later.pk])
    data = {
        "held_on": DAY.isoformat(),
        "started_at": "14:00",
        "ended_at": "15:30",
        "format": "lecture",
        "theme": "挪到早一期",
    }
    with time_machine.travel(date(2016, 7, 1), tick=False):
        response = client.post(url, data)
        assert response.status_code == 200
        assert 'type="text" name="change_reason"' in response.content.decode()
        response = client.post(url, {**data, "change_reason": "实际提前举行"})
    assert response.status_code == 302
