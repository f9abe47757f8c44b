"""A peer on a phone, in Chinese, submits a record form with several errors at once: every
error shows in one round, in a summary at the top whose links jump to the fields."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.utils import timezone

from tests.conftest import make_person
from tongban.activities import services
from tongban.activities.models import ActivityRecord
from tongban.submissions.cycles import for_program
from tongban.submissions.models import Submission

from .conftest import PHONE, login, shoot, url

pytestmark = pytest.mark.browser

PLANNED = date(2016, 3, 9)
HELD_EARLIER = date(2016, 3, 2)  # same six-weekly cycle, before 于浩 was enrolled


def test_every_error_in_one_round_at_the_top(live_server, phone, users, community_a, peer_person_a):
    venue = community_a.venues.get()
    helper = make_person("甲同伴二", community=community_a, role="peer")
    late = make_person("于浩", community=community_a, started_on=date(2016, 3, 6))
    plan = services.plan_create(
        by=users["peer"],
        community=community_a,
        fields={
            "venue": venue,
            "planned_on": PLANNED,
            "planned_start": time(14, 0),
            "planned_end": time(15, 30),
            "category": "entertainment",
            "topic": None,
            "theme": "一起唱歌",
            "aim": "放松心情",
            "format": "group_discussion",
            "lead_peer": peer_person_a,
            "materials": "",
            "warm_up_plan": "破冰游戏",
            "main_plan": "学唱一首歌",
            "close_plan": "一起合唱",
        },
        assisting_peers=[helper],
    )
    services.record_save(
        plan=plan,
        by=users["peer"],
        fields={
            "held_on": PLANNED,
            "started_at": time(14, 0),
            "ended_at": time(15, 30),
            "format": "group_discussion",
            "theme": "一起唱歌",
            "warm_up": "",
            "main_activity": "",
            "close": "",
            "feedback": "",
            "summary": "",
        },
        peers_present=[peer_person_a, helper],
    )
    calendar = for_program(community_a.program)
    assert calendar.number(HELD_EARLIER) == calendar.number(PLANNED)
    Submission.objects.create(
        community=community_a,
        cycle=for_program(community_a.program).number(PLANNED),
        status=Submission.Status.ACCEPTED,
        submitted_by=users["peer"],
        submitted_at=timezone.now(),
        reviewed_by=users["manager"],
        reviewed_at=timezone.now(),
    )
    before = ActivityRecord.objects.get().history.count()

    login(phone, live_server, "peer")
    phone.goto(url(live_server, f"/sessions/{plan.pk}/record/"))
    # Four mistakes at once: an earlier day (于浩 was not enrolled yet), the end before the
    # start, no format, and no reason although the cycle was accepted.
    phone.fill("input[name=held_on]", HELD_EARLIER.isoformat())
    phone.fill("input[name=started_at]", "15:00")
    phone.fill("input[name=ended_at]", "14:00")
    phone.select_option("select[name=format]", "")
    phone.check(f"input[name=consumers][value='{late.pk}']")
    with phone.expect_navigation():
        phone.click("form.record-form button[type=submit]")
    shoot(phone, "session-errors-01-summary")

    summary = phone.locator("#error-summary")
    assert summary.is_visible()
    assert phone.evaluate("window.scrollY") == 0
    box = summary.bounding_box()
    assert box is not None and box["y"] < PHONE["viewport"]["height"], box
    # The summary's top and its first links are on the first screen, without scrolling.
    first_link = summary.locator("a").first.bounding_box()
    assert first_link["y"] + first_link["height"] <= PHONE["viewport"]["height"]
    shoot_viewport(phone, "session-errors-02-viewport")

    text = summary.inner_text()
    assert "于浩" in text and "2016-03-06" in text
    links = summary.locator("a")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for name in ("consumers", "ended_at", "format", "change_reason"):
        assert f"#field-{name}" in targets, (name, targets)
    # Nothing was saved.
    assert ActivityRecord.objects.get().history.count() == before

    # Each link jumps to its field: the field block comes into view.
    for name in ("change_reason", "format", "consumers"):
        phone.click(f"#error-summary a[href='#field-{name}']")
        phone.wait_for_function(f"location.hash === '#field-{name}'")
        top = phone.evaluate(f"document.getElementById('field-{name}').getBoundingClientRect().top")
        assert -1 <= top < PHONE["viewport"]["height"], (name, top)
        if name == "change_reason":
            shoot_viewport(phone, "session-errors-03-jumped-to-reason")


def shoot_viewport(page, name: str) -> None:
    from .conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
