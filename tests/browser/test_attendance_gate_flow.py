"""On a phone in Chinese: the Participant List offers only consumers the gate admits on the
session's day; the others are listed beside it, not tickable. A peer sees their names only;
the research assistant also sees what each one lacks."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_person
from tests.screening.conftest import consent_all, new_candidate, screen
from tongban.activities import services as activity_services
from tongban.activities.models import Attendance, Category, Format
from tongban.screening import services as screening_services

from .conftest import assert_tappable, login, logout, path_of, shoot, url

pytestmark = pytest.mark.browser


def test_the_checklist_offers_only_those_the_gate_admits(
    live_server, phone, users, community_a, peer_person_a, program
):
    today = timezone.localdate()
    screening_services.consent_documents_ensure(program=program)
    helper = make_person("甲同伴二", community=community_a, role="peer")
    came = new_candidate("王已同意", community=community_a, by=users["doctor"])
    screen(came, psychiatrist=users["psychiatrist"])
    consent_all(came.person, "consumer", by=users["research"])
    screening_services.candidate_enrol(
        candidate=came, started_on=date(2015, 1, 5), by=users["doctor"]
    )
    # Enrolled before screening was recorded (like the fixtures' peers).
    legacy = make_person("李老会员", community=community_a, started_on=date(2014, 3, 1))
    plan = activity_services.plan_create(
        by=users["peer"],
        community=community_a,
        fields={
            "venue": community_a.venues.get(),
            "planned_on": today,
            "planned_start": time(9, 0),
            "planned_end": time(10, 30),
            "category": Category.ENTERTAINMENT,
            "topic": None,
            "theme": "一起唱歌",
            "aim": "放松心情",
            "format": Format.GROUP_DISCUSSION,
            "lead_peer": peer_person_a,
            "materials": "",
            "warm_up_plan": "",
            "main_plan": "",
            "close_plan": "",
        },
        assisting_peers=[helper],
    )
    record_url = f"/sessions/{plan.pk}/record/"
    # Since it was planned, the program asks those enrolled before screening for records.
    program.screening_records_from = today - timedelta(days=7)
    program.save()

    login(phone, live_server, "research")
    phone.goto(url(live_server, record_url))
    checklist = phone.locator("fieldset.checklist")
    assert checklist.locator(f"input[value='{came.person.pk}']").count() == 1
    assert checklist.locator(f"input[value='{legacy.pk}']").count() == 0
    stopped = phone.locator(".not-admitted")
    assert stopped.is_visible()
    assert "李老会员" in stopped.inner_text()
    assert stopped.locator(".missing").count() == 1  # what they lack, for staff
    stopped.scroll_into_view_if_needed()
    shoot(phone, "attendance-gate-01-research-assistant")
    logout(phone)

    login(phone, live_server, "peer")
    phone.goto(url(live_server, record_url))
    stopped = phone.locator(".not-admitted")
    assert "李老会员" in stopped.inner_text()
    assert stopped.locator(".missing").count() == 0  # peers never see others' records
    phone.check(f"input[name=consumers][value='{came.person.pk}']")
    assert_tappable(phone, "fieldset.checklist label")
    stopped.scroll_into_view_if_needed()
    shoot(phone, "attendance-gate-02-peer")
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")
    assert path_of(phone) == f"/sessions/{plan.pk}/"
    assert list(Attendance.objects.values_list("person__name", flat=True)) == ["王已同意"]
