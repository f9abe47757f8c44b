"""On a phone in Chinese: the psychiatrist opens a candidate peer, fills in the eligibility
assessment (after one refused submission) and sees the verdict; a first try to enrol
lists the missing consents; once they are signed the manager enrols the candidate from
the candidate's page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from tongban.registry.models import Enrolment
from tongban.screening import services
from tongban.screening.models import (
    REQUIRED_CONSENTS,
    Assessment,
    AssessmentResult,
    ConsentDocument,
    Stage,
)

from .conftest import assert_tappable, html_lang, login, logout, path_of, shoot, url

pytestmark = pytest.mark.browser

NAME = "筛查测试同伴"


def test_psychiatrist_screens_and_manager_enrols(live_server, new_phone, users, community_a):
    today = timezone.localdate()
    services.consent_documents_ensure(program=community_a.program)
    candidate = services.candidate_create_with_person(
        fields={"name": NAME, "sex": "female", "date_of_birth": date(1978, 4, 2)},
        community=community_a,
        role="peer",
        by=users["doctor"],
        source="doctor",
        recommended_by=users["doctor"],
        recommended_on=today - timedelta(days=5),
        reason="病情稳定两年，乐于助人",
        practical_skills="剪纸",
    )
    detail = f"/screening/candidates/{candidate.pk}/"

    phone = new_phone()
    login(phone, live_server, "psychiatrist")
    assert html_lang(phone) == "zh-hans"
    with phone.expect_navigation():
        phone.click("nav.mainnav a[href='/screening/candidates/']")
    assert path_of(phone) == "/screening/candidates/"
    assert phone.locator(f"#candidate-{candidate.pk}").is_visible()
    shoot(phone, "screening-01-candidate-list")

    with phone.expect_navigation():
        phone.click(f"#candidate-{candidate.pk} a[href='{detail}']")
    assert phone.locator("#candidate-stage").get_attribute("class").endswith("stage-recommended")
    assert_tappable(phone, "main a.button")
    shoot(phone, "screening-02-candidate-recommended")

    with phone.expect_navigation():
        phone.click(f"a.button.primary[href='{detail}assess/']")
    assert path_of(phone) == f"{detail}assess/"
    age = candidate.person.age_on(today)
    assert phone.locator("#age-value").inner_text() == str(age)
    assert phone.input_value("input[name=practical_skills]") == "剪纸"
    assert_tappable(phone, "main button, main fieldset.choices label")
    shoot(phone, "screening-03-assessment-form")

    # A PSP score out of range: the summary at the top, the message by the field, nothing saved.
    phone.check("input[name=diagnosis][value=schizophrenia]")
    phone.fill("input[name=medical_record]", "社区卫生服务中心 王医生")
    phone.fill("input[name=stable_months]", "24")
    phone.check("input[name=adherence_patient][value=yes]")
    phone.check("input[name=adherence_family][value=yes]")
    phone.check("input[name=insight][value=yes]")
    phone.check("input[name=substance_abuse][value=no]")
    phone.check("input[name=severe_medical_illness][value=no]")
    phone.fill("input[name=psp_score]", "168")
    phone.check("input[name=compassionate]")
    with phone.expect_navigation():
        phone.click("form.assessment-form button[type=submit]")
    assert not Assessment.objects.exists()
    assert phone.locator(".error-summary").is_visible()
    assert phone.locator("#field-psp_score .error").is_visible()
    assert phone.input_value("input[name=stable_months]") == "24"
    shoot(phone, "screening-04-assessment-errors")

    phone.fill("input[name=psp_score]", "68")
    with phone.expect_navigation():
        phone.click("form.assessment-form button[type=submit]")
    assessment = Assessment.objects.get()
    assert assessment.result == AssessmentResult.ELIGIBLE
    assert (assessment.psp_score, assessment.compassionate, assessment.assessed_on) == (
        68,
        True,
        today,
    )
    assert path_of(phone) == detail
    assert phone.locator(".messages li").count() == 1
    card = phone.locator(f"#assessment-{assessment.pk}")
    assert card.locator(".result-eligible").is_visible()
    assert card.locator(".verdict-pass").count() == 8
    assert card.locator(".verdict-fail").count() == 0
    assert phone.locator("#candidate-stage").get_attribute("class").endswith("stage-eligible")
    shoot(phone, "screening-05-verdict-eligible")
    logout(phone)

    # The manager tries to enrol before the consents: the missing ones are listed.
    manager = new_phone()
    login(manager, live_server, "manager")
    manager.goto(url(live_server, detail))
    assert manager.input_value("input[name=started_on]") == today.isoformat()
    with manager.expect_navigation():
        manager.click("form.enrol-form button[type=submit]")
    error = manager.locator("#field-started_on .error")
    assert error.is_visible()
    assert NAME in error.inner_text()
    assert not Enrolment.objects.filter(person=candidate.person).exists()
    manager.locator("#field-started_on").scroll_into_view_if_needed()
    shoot(manager, "screening-06-enrol-refused")

    # The research assistant's consent records (through the service here).
    documents = {d.kind: d for d in ConsentDocument.objects.filter(program=community_a.program)}
    for kind in REQUIRED_CONSENTS["peer"]:
        services.consent_record(
            person=candidate.person,
            document=documents[kind],
            signed_on=today - timedelta(days=1),
            witness="李护士",
            by=users["research"],
        )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.CONSENTED

    manager.goto(url(live_server, detail))
    assert manager.locator("#candidate-stage").get_attribute("class").endswith("stage-consented")
    with manager.expect_navigation():
        manager.click("form.enrol-form button[type=submit]")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ENROLLED
    assert candidate.enrolment.started_on == today
    assert manager.locator("#candidate-stage").get_attribute("class").endswith("stage-enrolled")
    assert manager.locator("form.enrol-form").count() == 0
    shoot(manager, "screening-07-enrolled")


def test_manager_raises_the_upper_age_on_a_phone(live_server, phone, users, community_a):
    from tongban.screening.models import Criteria

    login(phone, live_server, "manager")
    phone.goto(url(live_server, "/screening/criteria/"))
    assert html_lang(phone) == "zh-hans"
    shoot(phone, "screening-08-criteria-list")
    with phone.expect_navigation():
        phone.click("a.button[href='/screening/criteria/consumer/edit/']")
    assert phone.input_value("input[name=max_age]") == "60"
    assert_tappable(phone, "main button")
    shoot(phone, "screening-09-criteria-form")
    phone.fill("input[name=max_age]", "65")
    phone.fill("input[name=extra_code_0]", "lives_nearby")
    phone.fill("input[name=extra_label_0]", "住在社区附近")
    phone.fill("textarea[name=note]", "本项目服务老年患者，年龄上限提高到65岁")
    with phone.expect_navigation():
        phone.click("form.criteria-form button[type=submit]")
    new = Criteria.objects.get(program=community_a.program, role="consumer", version=2)
    assert new.max_age == 65 and new.extra[0]["code"] == "lives_nearby"
    assert path_of(phone) == f"/screening/criteria/{new.pk}/"
    shoot(phone, "screening-10-criteria-version-2")
