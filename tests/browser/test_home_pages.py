"""Home pages on a 360-px phone in Chinese: the doctor sees the open emergency first, the
manager what waits for review and which communities need attention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.emergencies.models import EmergencyEvent
from tongban.submissions.models import Submission

from .conftest import assert_tappable, html_lang, login, shoot

pytestmark = pytest.mark.browser


def _event(community, by, *, hours_ago: int) -> EmergencyEvent:
    event = EmergencyEvent.objects.create(
        community=community,
        kind=EmergencyEvent.Kind.SELF_HARM,
        occurred_at=timezone.now() - timedelta(hours=hours_ago),
        description="情绪激动",
        actions_taken="陪伴",
        emergency_services_called=False,
        reported_by=by,
    )
    EmergencyEvent.objects.filter(pk=event.pk).update(
        reported_at=timezone.now() - timedelta(hours=hours_ago)
    )
    return event


def test_doctor_sees_the_open_emergency_first(live_server, phone, users, community_a):
    event = _event(community_a, users["peer"], hours_ago=3)
    login(phone, live_server, "doctor")
    assert html_lang(phone) == "zh-hans"
    first = phone.locator("main section").first
    assert first.get_attribute("class") and "home-emergencies" in first.get_attribute("class")
    card = first.locator(f"a[href='/emergencies/{event.pk}/']")
    assert card.is_visible()
    box = card.bounding_box()
    assert box is not None and box["y"] < 400, "the emergency must be on the first screen"
    text = first.inner_text()
    assert "甲社区" in text
    assert "精神科医生" in text  # time left before it goes to the psychiatrist
    assert_tappable(phone, "main a.button")
    shoot(phone, "home-01-doctor")


def test_manager_home_on_a_phone(live_server, phone, users, community_a, community_b):
    Submission.objects.create(
        community=community_a,
        cycle=2,
        status=Submission.Status.SUBMITTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
    )
    _event(community_b, users["manager"], hours_ago=1)
    login(phone, live_server, "manager")
    review = phone.locator("section.home-review")
    assert "第 2 期" in review.inner_text()
    flags = phone.locator("ul.flags").inner_text()
    assert "乙社区" in flags
    shoot(phone, "home-02-manager")


def test_psychiatrist_home_on_a_phone(live_server, phone, users, community_a):
    _event(community_a, users["peer"], hours_ago=2)
    login(phone, live_server, "psychiatrist")
    assert phone.locator("section.home-figures").is_visible()
    assert phone.locator("a[href='/sessions/plan/']").count() == 0
    shoot(phone, "home-03-psychiatrist")
