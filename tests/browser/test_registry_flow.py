"""A community doctor on a phone: "add" leads to the candidate page for a consumer; adds a
caregiver with their agreement to be contacted (after one refused try); puts a consumer's
enrolment on leave; and, once the program asks for records, cannot bring back someone
enrolled before screening was recorded without them: the page lists what is missing and
offers to start a candidacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tongban.registry.models import CaregiverLink, EnrolmentStatusChange, Person
from tongban.screening.models import Consent, ConsentKind

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser

NEW_NAME = "浏览器测试照料者"
NEW_PHONE = "13655556666"
WITNESS = "王护士"
LEAVE_REASON = "回老家照顾母亲两个月"


def submit(phone) -> None:
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")


def test_doctor_adds_a_caregiver_and_changes_an_enrolment_through_the_gate(
    live_server, phone, users, community_a, community_b, consumer_a, program
):
    today = timezone.localdate()
    agreed = today - timedelta(days=3)
    people_before = Person.objects.count()

    login(phone, live_server, "doctor")
    assert path_of(phone) == "/"
    phone.goto(url(live_server, "/people/"))
    assert html_lang(phone) == "zh-hans"
    assert_tappable(phone, "main .add-people a.button")
    shoot(phone, "registry-01-people-add-buttons")

    # A consumer comes in as a candidate: the people page's button leads there.
    with phone.expect_navigation():
        phone.click("a.button[href='/screening/candidates/new/?role=consumer']")
    assert path_of(phone) == "/screening/candidates/new/?role=consumer"
    assert phone.is_checked("input[name=role][value=consumer]")
    # The old "add a person" link for a consumer leads there too (the setup checklist's).
    phone.goto(url(live_server, "/people/new/?role=consumer"))
    assert path_of(phone) == "/screening/candidates/new/?role=consumer"

    # A caregiver, from the consumer's page: everything but the name.
    phone.goto(url(live_server, f"/people/{consumer_a.pk}/"))
    with phone.expect_navigation():
        phone.click(f"a.button[href='/people/new/?role=caregiver&cared_for={consumer_a.pk}']")
    assert phone.input_value("select[name=cared_for]") == str(consumer_a.pk)
    shoot(phone, "registry-02-new-caregiver-empty")
    phone.select_option("select[name=sex]", "male")
    phone.fill("input[name=phone]", NEW_PHONE)
    phone.select_option("select[name=relationship]", "spouse")
    phone.fill("input[name=contact_signed_on]", agreed.isoformat())
    # The script marks the witness required once a date is typed.
    assert "required" in (phone.get_attribute("#field-contact_witness", "class") or "")
    phone.fill("input[name=contact_witness]", WITNESS)
    submit(phone)

    assert path_of(phone).startswith("/people/new/")
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
    assert phone.input_value("select[name=relationship]") == "spouse"
    assert phone.input_value("input[name=contact_signed_on]") == agreed.isoformat()
    assert phone.input_value("input[name=contact_witness]") == WITNESS
    name_field.scroll_into_view_if_needed()
    shoot(phone, "registry-03-new-caregiver-error")

    phone.fill("input[name=name]", NEW_NAME)
    submit(phone)
    assert Person.objects.count() == people_before + 1
    caregiver = Person.objects.get(name=NEW_NAME)
    assert path_of(phone) == f"/people/{caregiver.pk}/"
    link = CaregiverLink.objects.get(caregiver=caregiver)
    assert (link.cared_for, link.relationship) == (consumer_a, "spouse")
    consent = Consent.objects.get(person=caregiver)
    assert consent.document.kind == ConsentKind.CAREGIVER_CONTACT
    assert (consent.signed_on, consent.witness, consent.recorded_by) == (
        agreed,
        WITNESS,
        users["doctor"],
    )
    assert phone.locator("h1").inner_text().startswith(NEW_NAME)
    assert phone.locator(".messages li").count() == 1
    assert agreed.isoformat() in phone.locator("#screening").inner_text()
    assert_tappable(phone, "main a.button, header button")
    shoot(phone, "registry-04-caregiver-created")

    # The consumer's enrolment goes on leave, with a reason.
    enrolment = consumer_a.enrolments.get()
    phone.goto(url(live_server, f"/people/{consumer_a.pk}/"))
    with phone.expect_navigation():
        phone.locator(f"a[href='/enrolments/{enrolment.pk}/status/']").click()
    assert path_of(phone) == f"/enrolments/{enrolment.pk}/status/"
    left_on = today - timedelta(days=20)
    phone.select_option("select[name=status]", "on_leave")
    phone.fill("input[name=effective_on]", left_on.isoformat())
    phone.fill("textarea[name=reason]", LEAVE_REASON)
    shoot(phone, "registry-05-status-form")
    submit(phone)

    assert path_of(phone) == f"/people/{consumer_a.pk}/"
    change = EnrolmentStatusChange.objects.filter(enrolment=enrolment).latest("pk")
    assert (change.status, change.effective_on, change.reason) == (
        "on_leave",
        left_on,
        LEAVE_REASON,
    )
    assert phone.locator(".card .badge.status-on_leave").count() == 1
    assert LEAVE_REASON in phone.locator(".card .timeline").inner_text()
    history = phone.locator("section.history")
    history_text = history.inner_text()
    assert LEAVE_REASON in history_text and left_on.isoformat() in history_text
    assert history.locator("ol.entries > li").count() >= 2
    history.scroll_into_view_if_needed()
    shoot(phone, "registry-06-person-on-leave")

    # The program now asks for the records of people enrolled before screening was
    # recorded: back to active is refused, with what is missing, and nothing changes.
    program.screening_records_from = today - timedelta(days=10)
    program.save()
    changes_before = enrolment.status_changes.count()
    phone.goto(url(live_server, f"/enrolments/{enrolment.pk}/status/"))
    phone.select_option("select[name=status]", "active")
    phone.fill("input[name=effective_on]", today.isoformat())
    submit(phone)
    assert path_of(phone) == f"/enrolments/{enrolment.pk}/status/"
    assert enrolment.status_changes.count() == changes_before
    status_field = phone.locator("#field-status")
    assert "has-error" in (status_field.get_attribute("class") or "")
    # The role's whole list: an assessment and two consents, each dated by that day.
    assert status_field.locator(".error").inner_text().count(today.isoformat()) == 4
    panel = phone.locator(".gate-refusal")
    assert panel.is_visible()
    start = f"/screening/candidates/new/?person={consumer_a.pk}&role=consumer"
    assert_tappable(phone, ".gate-refusal a.button")
    shoot(phone, "registry-07-return-refused")
    with phone.expect_navigation():
        panel.locator(f"a.button[href='{start}']").click()
    assert path_of(phone) == start
    assert consumer_a.name in phone.locator("main").inner_text()
    shoot(phone, "registry-08-candidacy-for-legacy")
