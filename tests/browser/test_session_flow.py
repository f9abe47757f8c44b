"""A peer on a phone plans a session, then records it and ticks who attended."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.conftest import make_person
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance, Topic

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser


def test_peer_plans_records_and_takes_attendance(
    live_server, phone, users, community_a, community_b, peer_person_a
):
    # Live-server tests flush the database between tests, migration data included.
    Topic.objects.get_or_create(
        category="entertainment", name="唱歌", defaults={"name_en": "Singing", "for_starters": True}
    )
    helper = make_person("甲同伴二", community=community_a, role="peer")
    came = [make_person(name, community=community_a) for name in ("王一", "李二")]
    make_person("张三", community=community_a)  # on the list, did not come
    today = timezone.localdate().isoformat()

    login(phone, live_server, "peer")
    phone.goto(url(live_server, "/sessions/"))
    assert html_lang(phone) == "zh-hans"
    with phone.expect_navigation():
        phone.click("a[href='/sessions/plan/']")
    shoot(phone, "sessions-01-plan-empty")

    # Plan: a library topic fills the topic line; one assisting peer makes two.
    phone.fill("input[name=planned_on]", today)
    phone.fill("input[name=planned_start]", "09:00")
    phone.fill("input[name=planned_end]", "10:30")
    singing = phone.eval_on_selector(
        "select[name=topic]",
        "s => [...s.options].find(o => /唱歌|Singing/.test(o.text)).value",
    )
    phone.select_option("select[name=topic]", singing)
    phone.fill("textarea[name=aim]", "放松心情，互相认识")
    phone.select_option("select[name=format]", "group_discussion")
    # The peer leads by default, and the community's only venue is chosen.
    assert phone.input_value("select[name=lead_peer]") == str(peer_person_a.pk)
    phone.check(f"input[name=assisting_peers][value='{helper.pk}']")
    phone.fill("textarea[name=warm_up_plan]", "拍手游戏")
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")
    plan = ActivityPlan.objects.get()
    assert path_of(phone) == f"/sessions/{plan.pk}/"
    assert plan.theme == "唱歌" and plan.category == "entertainment"
    assert plan.assisting_peers.get() == helper
    shoot(phone, "sessions-02-planned")

    # After the session: the record page is pre-filled from the plan; tick two consumers.
    with phone.expect_navigation():
        phone.click(f"a[href='/sessions/{plan.pk}/record/']")
    assert phone.input_value("input[name=held_on]") == today
    assert phone.is_checked(f"input[name=peers_present][value='{helper.pk}']")
    assert_tappable(phone, "fieldset.checklist label", min_height=44)
    for person in came:
        phone.check(f"input[name=consumers][value='{person.pk}']")
    phone.fill("input[name=ended_at]", "09:20")  # 20 minutes: the form asks to confirm
    phone.fill("textarea[name=feedback]", "大家都说想再来")
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")
    assert not ActivityRecord.objects.exists()
    error = phone.locator("#field-ended_at .error")
    assert error.is_visible() and "20" in error.inner_text()
    shoot(phone, "sessions-03-confirm-duration")
    phone.check("input[name=duration_confirmed]")
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")

    assert path_of(phone) == f"/sessions/{plan.pk}/"
    record = ActivityRecord.objects.get()
    assert record.duration_minutes == 20
    assert set(Attendance.objects.values_list("person__name", flat=True)) == {"王一", "李二"}
    assert phone.locator(".roster li").count() == 2
    shoot(phone, "sessions-04-recorded")
