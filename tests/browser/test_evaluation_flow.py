"""On a phone in Chinese: the research assistant opens the round, records one interview
(after one refused submission) and marks one person not assessed."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_person
from tongban.evaluation import services
from tongban.evaluation.models import Interview
from tongban.evaluation.standard import ensure_standard_questions
from tongban.registry import services as registry
from tongban.screening import services as screening
from tongban.screening.models import ConsentDocument

from .conftest import assert_tappable, html_lang, login, path_of, shoot, url

pytestmark = pytest.mark.browser


def test_research_assistant_records_interviews(live_server, phone, users, community_a, consumer_a):
    ensure_standard_questions()  # a live-server test may follow one that flushed them
    peer_person = users["peer"].person
    caregiver = make_person("甲照料者")
    registry.caregiver_link_create(caregiver=caregiver, cared_for=consumer_a, relationship="parent")
    # The caregiver agreed to be contacted for the evaluation (a consent record).
    screening.consent_documents_ensure(program=community_a.program)
    screening.consent_record(
        person=caregiver,
        document=ConsentDocument.objects.get(
            program=community_a.program, kind="caregiver_contact", version=1
        ),
        signed_on=date(2014, 3, 1),
        witness="王护士",
        by=users["research"],
    )
    evaluation_round = services.evaluation_round_create(
        program=community_a.program,
        by=users["manager"],
        name="2014年12月满意度与获益评估",
        starts_on=date(2014, 12, 1),
        ends_on=date(2014, 12, 31),
        communities=[community_a],
    )
    research = users["research"]

    login(phone, live_server, "research")
    assert html_lang(phone) == "zh-hans"
    nav = phone.locator("nav.mainnav a[href='/evaluation/']")
    if nav.count():  # the header's link (base.html)
        with phone.expect_navigation():
            nav.first.click()
    else:
        phone.goto(url(live_server, "/evaluation/"))
    assert path_of(phone) == "/evaluation/"
    shoot(phone, "evaluation-01-round-list")

    with phone.expect_navigation():
        phone.click(f"main a[href='/evaluation/{evaluation_round.pk}/']")
    shoot(phone, "evaluation-02-round-pending")
    rows = phone.locator("ul.roster li.entry")
    assert rows.count() == 3  # the consumer, the peer, the caregiver
    assert_tappable(phone, "main a.button")

    # Record the consumer's interview.
    consumer_row = phone.locator(f"#entry-consumer-{consumer_a.pk}")
    with phone.expect_navigation():
        consumer_row.locator("a.button.primary").click()
    assert (
        path_of(phone) == f"/evaluation/{evaluation_round.pk}/interview/{consumer_a.pk}/consumer/"
    )
    # With the script, only the part of the chosen outcome shows.
    assert phone.locator("#interviewed-part").is_visible()
    assert not phone.locator("#not-assessed-part").is_visible()
    assert phone.input_value("input[name=interviewed_on]") == "2014-12-31"
    assert_tappable(phone, "main button, main fieldset.choices label")
    shoot(phone, "evaluation-03-interview-form")

    # Saved without any answer: one summary at the top, nothing written.
    phone.fill("input[name=interviewed_on]", "2014-12-10")
    with phone.expect_navigation():
        phone.click("form.interview-form button[type=submit]")
    assert not Interview.objects.exists()
    assert phone.locator(".error-summary").is_visible()
    assert phone.input_value("input[name=interviewed_on]") == "2014-12-10"
    shoot(phone, "evaluation-04-interview-errors")

    phone.check("input[name=q_consumer_satisfied_with_peers][value=yes]")
    phone.check("input[name=q_consumer_wants_to_continue][value=yes]")
    phone.check("input[name=q_consumer_better_social_skills][value=no]")
    with phone.expect_navigation():
        phone.click("form.interview-form button[type=submit]")
    interview = Interview.objects.get()
    assert (interview.person, interview.interviewed_on, interview.interviewer) == (
        consumer_a,
        date(2014, 12, 10),
        research,
    )
    assert dict(interview.answers.values_list("question__code", "value")) == {
        "consumer_satisfied_with_peers": "yes",
        "consumer_wants_to_continue": "yes",
        "consumer_better_social_skills": "no",
    }
    assert path_of(phone).split("#")[0] == f"/evaluation/{evaluation_round.pk}/"
    assert phone.locator(".messages li").count() == 1
    assert "2014-12-10" in phone.locator(f"#entry-consumer-{consumer_a.pk}").inner_text()
    shoot(phone, "evaluation-05-round-one-done")

    # The peer is in hospital: not assessed, with the reason.
    with phone.expect_navigation():
        phone.locator(f"#entry-peer-{peer_person.pk} a.button.primary").click()
    phone.check("input[name=outcome][value=not_assessed]")
    assert not phone.locator("#interviewed-part").is_visible()
    assert phone.locator("#not-assessed-part").is_visible()
    phone.check("input[name=not_assessed_reason][value=in_hospital]")
    phone.fill("textarea[name=note]", "十二月住院，出院后再约")
    shoot(phone, "evaluation-06-not-assessed-form")
    with phone.expect_navigation():
        phone.click("form.interview-form button[type=submit]")
    peer_interview = Interview.objects.get(person=peer_person)
    assert (peer_interview.outcome, peer_interview.not_assessed_reason) == (
        "not_assessed",
        "in_hospital",
    )
    assert path_of(phone).split("#")[0] == f"/evaluation/{evaluation_round.pk}/"
    shoot(phone, "evaluation-07-round-after")

    # Pending only: the caregiver is left.
    with phone.expect_navigation():
        phone.click("nav.state-filter a[href='?state=pending']")
    assert phone.locator("ul.roster li.entry").count() == 1
    assert phone.locator(f"#entry-caregiver-{caregiver.pk}").is_visible()
    shoot(phone, "evaluation-08-round-pending-only")

    phone.goto(url(live_server, f"/evaluation/interview/{interview.pk}/"))
    assert "您对同伴满意吗？" in phone.locator("main").inner_text()
    shoot(phone, "evaluation-09-interview-detail")
