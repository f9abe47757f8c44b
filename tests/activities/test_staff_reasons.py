"""Peers do not see reasons staff wrote; an attendance change after acceptance shows its reason."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.activities.conftest import DAY, record_fields
from tongban.activities import services
from tongban.submissions.cycles import for_program
from tongban.submissions.models import Submission


@pytest.fixture
def accepted(plan, users, community_a, consumer_a):
    with time_machine.travel(date(2016, 4, 30), tick=False):
        services.record_save(
            plan=plan, by=users["peer"], fields=record_fields(), consumers=[consumer_a]
        )
    return Submission.objects.create(
        community=community_a,
        cycle=for_program(community_a.program).number(DAY),
        status=Submission.Status.ACCEPTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
        reviewed_by=users["manager"],
        reviewed_at=timezone.now(),
    )


def page_of(client, plan) -> str:
    return client.get(reverse("activities:session_detail", args=[plan.pk])).content.decode()


def test_a_staff_void_reason_is_hidden_from_peers(client_for, users, plan):
    services.session_void(plan=plan, by=users["manager"], reason="经理写的作废原因：病情")
    peer_page = page_of(client_for(users["peer"]), plan)
    assert "经理写的作废原因" not in peer_page
    assert "status-voided" in peer_page  # the peer still sees that it was voided
    assert "经理写的作废原因" in page_of(client_for(users["doctor"]), plan)


def test_a_peers_own_void_reason_is_shown_to_peers(client_for, users, plan):
    services.session_void(plan=plan, by=users["peer"], reason="同伴自己录重复了")
    assert "同伴自己录重复了" in page_of(client_for(users["peer"]), plan)


def test_a_staff_change_reason_is_hidden_from_peers(client_for, users, plan, accepted):
    with time_machine.travel(date(2016, 5, 10), tick=False):
        services.record_save(
            plan=plan,
            by=users["manager"],
            fields=record_fields(summary="经理改"),
            consumers=[],
            change_reason="经理的更正原因",
        )
    peer_page = page_of(client_for(users["peer"]), plan)
    assert "经理的更正原因" not in peer_page
    assert "经理改" in peer_page  # the change itself is shown
    manager_page = page_of(client_for(users["manager"]), plan)
    assert manager_page.count("经理的更正原因") >= 2  # history and the participant list


def test_an_attendance_change_after_acceptance_shows_its_reason(
    client_for, users, plan, accepted, consumer_a, community_a
):
    from tests.conftest import make_person

    late = make_person("补登者", community=community_a, started_on=date(2015, 1, 1))
    with time_machine.travel(date(2016, 5, 10), tick=False):
        services.record_save(
            plan=plan,
            by=users["peer"],
            fields=record_fields(),
            consumers=[late],
            change_reason="纸质签到表上漏登",
        )
    page = page_of(client_for(users["peer"]), plan)
    section = page[page.index('class="attendance-changes"') :]
    section = section[: section.index("</ul>")]
    assert "补登者" in section and "甲服务对象" in section
    assert section.count("纸质签到表上漏登") == 2  # one added, one removed
