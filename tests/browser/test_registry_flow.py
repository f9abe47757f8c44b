"""A community doctor on a phone adds a consumer, then puts the enrolment on leave."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.registry.models import Enrolment, EnrolmentStatusChange, Person

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

NEW_NAME = "浏览器测试对象"
NEW_PHONE = "13655556666"
LEAVE_REASON = "回老家照顾母亲两个月"


def test_doctor_adds_consumer_and_puts_enrolment_on_leave(
    live_server, phone, users, community_a, community_b
):
    today = timezone.localdate()
    started = today - timedelta(days=30)
    people_before = Person.objects.count()

    login(phone, live_server, "doctor")
    assert path_of(phone) == "/"
    phone.goto(url(live_server, "/people/new/"))
    assert html_lang(phone) == "zh-hans"
    # The doctor can enrol only into their own community.
    community_values = phone.eval_on_selector_all(
        "select[name=community] option", "options => options.map(o => o.value).filter(Boolean)"
    )
    assert community_values == [str(community_a.pk)]
    shoot(phone, "registry-01-new-person-empty")

    # Everything but the name: the error sits next to the name field and nothing is saved.
    phone.select_option("select[name=role]", "consumer")
    phone.select_option("select[name=community]", str(community_a.pk))
    phone.fill("input[name=started_on]", started.isoformat())
    phone.select_option("select[name=sex]", "male")
    phone.fill("input[name=date_of_birth]", "1980-02-03")
    phone.select_option("select[name=diagnosis]", "bipolar")
    phone.fill("input[name=phone]", NEW_PHONE)
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")

    assert path_of(phone) == "/people/new/"
    assert Person.objects.count() == people_before
    name_field = phone.locator("#field-name")
    assert "has-error" in (name_field.get_attribute("class") or "")
    assert name_field.locator(".error").count() == 1
    assert name_field.locator(".error").is_visible()
    # The message is right under the input, not somewhere else on the page.
    input_box = name_field.locator("input[name=name]").bounding_box()
    error_box = name_field.locator(".error").bounding_box()
    assert 0 <= error_box["y"] - (input_box["y"] + input_box["height"]) < 40
    assert phone.locator(".field.has-error").count() == 1
    assert name_field.locator("input[name=name]").get_attribute("aria-invalid") == "true"
    # What was typed is kept.
    assert phone.input_value("input[name=phone]") == NEW_PHONE
    assert phone.input_value("select[name=diagnosis]") == "bipolar"
    assert phone.input_value("input[name=started_on]") == started.isoformat()
    name_field.scroll_into_view_if_needed()
    shoot(phone, "registry-02-new-person-error")

    # Now with the name.
    phone.fill("input[name=name]", NEW_NAME)
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")

    assert Person.objects.count() == people_before + 1
    person = Person.objects.get(name=NEW_NAME)
    assert person.phone == NEW_PHONE
    enrolment = Enrolment.objects.get(person=person)
    assert (enrolment.community, enrolment.role, enrolment.started_on) == (
        community_a,
        "consumer",
        started,
    )
    assert path_of(phone) == f"/people/{person.pk}/"
    assert phone.locator("h1").inner_text().startswith(NEW_NAME)
    assert phone.locator(".messages li").count() == 1
    assert phone.locator(f"a[href='tel:{NEW_PHONE}']").is_visible()
    assert_tappable(phone, "main a.button, header button")
    shoot(phone, "registry-03-person-created")

    # Change the enrolment's status to on leave, with a reason.
    status_link = phone.locator(f"a[href='/enrolments/{enrolment.pk}/status/']")
    with phone.expect_navigation():
        status_link.click()
    assert path_of(phone) == f"/enrolments/{enrolment.pk}/status/"
    phone.select_option("select[name=status]", "on_leave")
    phone.fill("input[name=effective_on]", today.isoformat())
    phone.fill("textarea[name=reason]", LEAVE_REASON)
    shoot(phone, "registry-04-status-form")
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")

    assert path_of(phone) == f"/people/{person.pk}/"
    change = EnrolmentStatusChange.objects.filter(enrolment=enrolment).latest("pk")
    assert (change.status, change.effective_on, change.reason) == (
        "on_leave",
        today,
        LEAVE_REASON,
    )
    assert phone.locator(".card .badge.status-on_leave").count() == 1
    assert LEAVE_REASON in phone.locator(".card .timeline").inner_text()

    # The change history on the page lists the status change with its reason.
    history = phone.locator("section.history")
    history_text = history.inner_text()
    assert LEAVE_REASON in history_text
    assert today.isoformat() in history_text
    assert history.locator("ol.entries > li").count() >= 2
    history.scroll_into_view_if_needed()
    shoot(phone, "registry-05-person-on-leave")
