"""Peers do not read staff-written reasons on cycle pages; they read peers' own
(issue 7, item 20). Return comments are for the peers and stay."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace

import time_machine
from simple_history.models import HistoricalRecords

from tests.activities.conftest import record_fields
from tongban.activities import services

from .test_changes_after_acceptance import accepted_cycle, second_peer_a, venue_a  # noqa: F401


@contextmanager
def acting_as(user):
    """As in a request: simple-history records `user` as the author of each version."""
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def test_staff_reasons_are_hidden_from_peers_and_their_own_shown(
    client_for,
    users,
    accepted_cycle,  # noqa: F811
):
    plan, url = accepted_cycle
    with time_machine.travel(date(2016, 5, 10), tick=False):
        with acting_as(users["peer"]):
            services.record_save(
                plan=plan,
                by=users["peer"],
                fields=record_fields(summary="补记"),
                change_reason="同伴补记总结",
            )
        with acting_as(users["manager"]):
            services.session_void(plan=plan, by=users["manager"], reason="经理作废：重复录入")
        peer_page = client_for(users["peer"]).get(url).content.decode()
        manager_page = client_for(users["manager"]).get(url).content.decode()
    assert "经理作废：重复录入" in manager_page and "同伴补记总结" in manager_page
    assert "经理作废：重复录入" not in peer_page
    assert "同伴补记总结" in peer_page


def test_return_comments_stay_visible_to_peers(client_for, users, community_a, frozen):
    from tongban.submissions import services as submission_services

    frozen(date(2013, 8, 20))
    submission_services.submission_submit(community=community_a, cycle_number=1, by=users["peer"])
    submission_services.submission_return(
        community=community_a, cycle_number=1, by=users["manager"], comments="请补上签到时间。"
    )
    page = client_for(users["peer"]).get(f"/submissions/{community_a.pk}/1/").content.decode()
    assert "请补上签到时间。" in page
