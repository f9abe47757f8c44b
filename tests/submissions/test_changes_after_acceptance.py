"""Changes to an accepted cycle's forms are listed on its page, voids and walk-ins too."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.utils import timezone

from tests.activities.conftest import DAY, plan_fields, record_fields
from tests.conftest import make_person
from tongban.activities import services
from tongban.submissions.cycles import for_program
from tongban.submissions.models import Submission


@pytest.fixture
def accepted_cycle(users, community_a, venue_a, peer_person_a, second_peer_a):
    with time_machine.travel(date(2016, 4, 30), tick=False):
        plan = services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a),
            assisting_peers=[second_peer_a],
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
    return plan, f"/submissions/{community_a.pk}/{number}/"


@pytest.fixture
def second_peer_a(community_a):
    return make_person("甲同伴二", community=community_a, role="peer")


@pytest.fixture
def venue_a(community_a):
    return community_a.venues.get()


def test_a_walk_in_added_later_is_listed(client_for, users, accepted_cycle):
    plan, url = accepted_cycle
    with time_machine.travel(date(2016, 5, 10), tick=False):
        services.record_save(
            plan=plan,
            by=users["peer"],
            fields=record_fields(),
            walk_in={"name": "外来者", "community": "乙社区", "note": "随家人来"},
            change_reason="漏登了一位来访者",
        )
        page = client_for(users["manager"]).get(url).content.decode()
    assert "外来者" in page and "漏登了一位来访者" in page


def test_a_voided_session_is_listed(client_for, users, accepted_cycle):
    plan, url = accepted_cycle
    with time_machine.travel(date(2016, 5, 10), tick=False):
        services.session_void(plan=plan, by=users["manager"], reason="重复录入的活动")
        page = client_for(users["manager"]).get(url).content.decode()
    assert "重复录入的活动" in page
