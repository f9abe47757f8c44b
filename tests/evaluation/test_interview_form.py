"""The one-page interview form: every error at once, nothing half-saved, edits, voiding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.core.concurrency import current_version
from tongban.evaluation import selectors
from tongban.evaluation.models import Interview, InterviewAnswer

from .conftest import IN_ROUND, interview_url

CONSUMER_QUESTIONS = (
    "consumer_satisfied_with_peers",
    "consumer_wants_to_continue",
    "consumer_better_social_skills",
)


def interviewed(person_answers: dict[str, str], **extra) -> dict[str, str]:
    data = {"outcome": "interviewed", "interviewed_on": IN_ROUND.isoformat(), **extra}
    data.update({f"q_{code}": value for code, value in person_answers.items()})
    return data


@pytest.fixture
def research(client_for, users):
    return client_for(users["research"])


def test_the_form_shows_the_program_wording_and_defaults(
    research, users, evaluation_round, consumer_a
):
    page = research.get(interview_url(evaluation_round, consumer_a)).content.decode()
    for question in selectors.questions(evaluation_round.program, "consumer"):
        assert question.wording in page
        assert f'name="q_{question.code}"' in page
    assert "peer_better_working_skills" not in page
    # The interviewer defaults to the one filling in the form; the date to the round's last
    # day (the round is over), since today would be outside it.
    assert f'<option value="{users["research"].pk}" selected>' in page
    assert 'value="2014-12-31"' in page
    # The interviewers: accounts of the program who may run evaluations, no one else.
    assert f'<option value="{users["manager"].pk}"' in page
    assert f'<option value="{users["doctor"].pk}"' not in page
    # Every reason to choose from.
    for reason in ("personal_issues", "refused", "unreachable", "in_hospital", "other"):
        assert f'name="not_assessed_reason" value="{reason}"' in page


def test_program_wording_is_used_not_the_catalogue(research, evaluation_round, consumer_a):
    question = selectors.questions(evaluation_round.program, "consumer").first()
    question.wording = "本项目自己的问法？"
    question.save()
    page = research.get(interview_url(evaluation_round, consumer_a)).content.decode()
    assert "本项目自己的问法？" in page


def test_every_error_in_one_round_and_nothing_saved(research, evaluation_round, consumer_a):
    future = timezone.localdate() + timedelta(days=1)
    response = research.post(
        interview_url(evaluation_round, consumer_a),
        {
            "outcome": "interviewed",
            "interviewed_on": future.isoformat(),
            "interviewer": "",
            "q_consumer_satisfied_with_peers": "maybe",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"interviewed_on", "interviewer", "q_consumer_satisfied_with_peers"}
    assert "future" in errors["interviewed_on"][0] or "晚于今天" in errors["interviewed_on"][0]
    page = response.content.decode()
    assert 'class="errorbox error-summary"' in page
    assert page.index("error-summary") < page.index('id="field-outcome"')
    assert not Interview.objects.exists() and not InterviewAnswer.objects.exists()


def test_no_answer_at_all_is_refused(research, evaluation_round, consumer_a):
    response = research.post(
        interview_url(evaluation_round, consumer_a), interviewed({}, interviewer="")
    )
    errors = response.context["form"].errors
    assert set(errors) == {"__all__", "interviewer"}
    assert not Interview.objects.exists()


def test_a_date_outside_the_round_is_refused(research, users, evaluation_round, consumer_a):
    data = interviewed(
        {"consumer_satisfied_with_peers": "yes"},
        interviewer=users["research"].pk,
        interviewed_on="2014-11-30",
    )
    response = research.post(interview_url(evaluation_round, consumer_a), data)
    assert set(response.context["form"].errors) == {"interviewed_on"}
    assert "2014-12-01" in response.context["form"].errors["interviewed_on"][0]
    assert not Interview.objects.exists()


def test_a_date_that_is_not_a_date_is_one_error(research, users, evaluation_round, consumer_a):
    data = interviewed(
        {"consumer_satisfied_with_peers": "yes"},
        interviewer=users["research"].pk,
        interviewed_on="2014-02-30",
    )
    response = research.post(interview_url(evaluation_round, consumer_a), data)
    assert [len(v) for v in response.context["form"].errors.values()] == [1]


def test_not_assessed_needs_a_reason(research, evaluation_round, consumer_a):
    url = interview_url(evaluation_round, consumer_a)
    response = research.post(url, {"outcome": "not_assessed", "interviewer": ""})
    assert set(response.context["form"].errors) == {"not_assessed_reason"}
    assert not Interview.objects.exists()

    response = research.post(
        url, {"outcome": "not_assessed", "not_assessed_reason": "refused", "note": "电话里拒绝"}
    )
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert (interview.outcome, interview.not_assessed_reason, interview.note) == (
        "not_assessed",
        "refused",
        "电话里拒绝",
    )
    # Answers and interview date are not kept for someone not assessed.
    assert interview.interviewed_on is None and interview.interviewer is None
    assert response["Location"].endswith(f"#entry-consumer-{consumer_a.pk}")


def test_answers_are_saved(research, users, evaluation_round, consumer_a):
    data = interviewed(
        {
            "consumer_satisfied_with_peers": "yes",
            "consumer_wants_to_continue": "no",
            "consumer_better_social_skills": "",
        },
        interviewer=users["manager"].pk,
        note="在家中访谈",
    )
    response = research.post(interview_url(evaluation_round, consumer_a), data)
    assert response.status_code == 302
    interview = Interview.objects.get()
    assert (interview.interviewed_on, interview.interviewer, interview.created_by) == (
        IN_ROUND,
        users["manager"],
        users["research"],
    )
    assert interview.community == consumer_a.enrolments.get().community
    saved = dict(interview.answers.values_list("question__code", "value"))
    assert saved == {"consumer_satisfied_with_peers": "yes", "consumer_wants_to_continue": "no"}
    # Opening the form again goes to the interview: no second record.
    again = research.get(interview_url(evaluation_round, consumer_a))
    assert again.status_code == 302
    assert again["Location"] == f"/evaluation/interview/{interview.pk}/"
    again = research.post(interview_url(evaluation_round, consumer_a), data)
    assert Interview.objects.count() == 1

    detail = research.get(f"/evaluation/interview/{interview.pk}/").content.decode()
    assert "在家中访谈" in detail
    answers = detail.split('class="texts answers"')[1].split("</dl>")[0]
    assert answers.count('class="answer answer-yes"') == 1
    assert answers.count('class="answer answer-no"') == 1
    assert answers.count('class="answer answer-none"') == 1


def test_an_interviewer_from_elsewhere_is_refused(
    research, community_b, evaluation_round, consumer_a
):
    outsider = make_user("other-program-ra", Role.RESEARCH_ASSISTANT, [])
    doctor = make_user("doc-b", Role.COMMUNITY_DOCTOR, [community_b])
    for account in (outsider, doctor, "²", "9" * 20):
        pk = account if isinstance(account, str) else account.pk
        data = interviewed({"consumer_satisfied_with_peers": "yes"}, interviewer=pk)
        response = research.post(interview_url(evaluation_round, consumer_a), data)
        assert set(response.context["form"].errors) == {"interviewer"}
    assert not Interview.objects.exists()


def record(research, users, evaluation_round, person, answers=None) -> Interview:
    data = interviewed(
        answers or {"consumer_satisfied_with_peers": "yes"}, interviewer=users["research"].pk
    )
    response = research.post(interview_url(evaluation_round, person), data)
    assert response.status_code == 302, response.context["form"].errors
    return Interview.objects.current().get(person=person)


def test_edit_and_an_edit_conflict(client_for, research, users, evaluation_round, consumer_a):
    interview = record(research, users, evaluation_round, consumer_a)
    url = f"/evaluation/interview/{interview.pk}/edit/"
    opened = research.get(url).context["form"]["version"].value()
    assert opened == current_version(interview)

    # The manager corrects one answer only: the interview's version moves on all the same.
    manager = client_for(users["manager"])
    manager_form = interviewed(
        {"consumer_satisfied_with_peers": "no"}, interviewer=users["research"].pk
    )
    manager_form["version"] = opened
    assert manager.post(url, manager_form).status_code == 302
    assert current_version(interview) != opened

    research = client_for(users["research"])
    stale = interviewed({"consumer_wants_to_continue": "yes"}, interviewer=users["research"].pk)
    stale["version"] = opened
    response = research.post(url, stale)
    assert response.status_code == 200
    assert response.context["conflict"]
    answers = dict(interview.answers.values_list("question__code", "value"))
    assert answers == {"consumer_satisfied_with_peers": "no"}
    # The form now shows the manager's version, with the new version to save from.
    form = response.context["form"]
    assert form["q_consumer_satisfied_with_peers"].value() == "no"
    assert form["version"].value() == current_version(interview)


def test_void_with_a_reason_then_pending_again(research, users, evaluation_round, consumer_a):
    interview = record(research, users, evaluation_round, consumer_a)
    url = f"/evaluation/interview/{interview.pk}/void/"
    response = research.post(url, {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    interview.refresh_from_db()
    assert not interview.is_voided

    response = research.post(url, {"reason": "录错了人"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.is_voided and interview.void_reason == "录错了人"
    assert interview.voided_by == users["research"]
    entry = selectors.expected_one(evaluation_round, person=consumer_a, respondent="consumer")
    assert entry.state == "pending"

    round_page = research.get(f"/evaluation/{evaluation_round.pk}/").content.decode()
    assert f"/evaluation/interview/{interview.pk}/" in round_page.split("voided-interviews")[1]
    detail = research.get(f"/evaluation/interview/{interview.pk}/").content.decode()
    assert "录错了人" in detail
    assert f"/evaluation/interview/{interview.pk}/edit/" not in detail
    # A voided interview is neither edited nor voided again; it is never deleted.
    assert research.get(f"/evaluation/interview/{interview.pk}/edit/").status_code == 302
    assert research.post(url, {"reason": "again"}).status_code == 302
    assert Interview.objects.filter(pk=interview.pk).exists()

    # The person can be interviewed again.
    second = record(research, users, evaluation_round, consumer_a)
    assert second.pk != interview.pk
    assert Interview.objects.count() == 2


def age_history(interview: Interview, hours: int = 1) -> None:
    """Move the rows written so far back in time: one save per step, as in real use (the
    audit trail folds rows by one user a moment apart into one save)."""
    rows = [
        *Interview.history.filter(id=interview.pk),
        *InterviewAnswer.history.filter(interview_id=interview.pk),
    ]
    for row in rows:
        row.history_date -= timedelta(hours=hours)
        row.save(update_fields=["history_date"])


def test_history_rows_exist(client_for, research, users, evaluation_round, consumer_a):
    interview = record(research, users, evaluation_round, consumer_a)
    age_history(interview)
    edit = interviewed(
        {"consumer_satisfied_with_peers": "no", "consumer_wants_to_continue": "yes"},
        interviewer=users["research"].pk,
        note="补充备注",
    )
    edit["version"] = current_version(interview)
    research.post(f"/evaluation/interview/{interview.pk}/edit/", edit)
    age_history(interview)
    research.post(f"/evaluation/interview/{interview.pk}/void/", {"reason": "重复录入"})
    assert interview.history.count() == 3  # created, note changed, voided
    assert InterviewAnswer.history.filter(interview_id=interview.pk).count() == 3

    entries = selectors.interview_history(interview)
    # Newest first, one entry a save: voided; the correction (note and answers together);
    # the interview created with its answer.
    assert len(entries) == 3
    voided, corrected, created = entries
    assert "作废" in voided.action or voided.action == "voided"
    changes = {change.label: (change.old, change.new) for change in corrected.changes}
    assert changes["您对同伴满意吗？"] == ("是", "否")
    assert changes["您愿意继续参加同伴支持服务吗？"] == ("", "是")
    assert changes["备注"] == ("—", "补充备注")
    assert {change.label: change.new for change in created.changes}["您对同伴满意吗？"] == "是"
    detail = research.get(f"/evaluation/interview/{interview.pk}/").content.decode()
    history = detail.split('class="history"')[1]
    assert "补充备注" in history and "重复录入" in history
    assert "您对同伴满意吗？" in history
    assert "<del>是</del>" in history or "<del>yes</del>" in history


@pytest.mark.parametrize(
    "path",
    [
        "{round}/interview/{person}/patient/",
        "{round}/interview/{person}/Consumer/",
        "{round}/interview/{person}/peer/",  # a consumer, not a peer
        "{round}/interview/99999999/consumer/",
        "{round}/interview/99999999999999999999/consumer/",
        "99999999999999999999/interview/{person}/consumer/",
        "interview/99999999999999999999/",
        "interview/99999999999999999999/edit/",
    ],
)
def test_bad_addresses_answer_404(research, evaluation_round, consumer_a, path):
    url = "/evaluation/" + path.format(round=evaluation_round.pk, person=consumer_a.pk)
    assert research.get(url).status_code == 404
    assert research.post(url, {"outcome": "not_assessed"}).status_code == 404


def test_a_person_not_on_the_list_answers_404(research, evaluation_round, community_a):
    from tests.conftest import make_person

    late = make_person("晚入组者", community=community_a, started_on=IN_ROUND)
    assert research.get(interview_url(evaluation_round, late)).status_code == 404
    url = interview_url(evaluation_round, late)
    assert (
        research.post(url, {"outcome": "not_assessed", "not_assessed_reason": "other"}).status_code
        == 404
    )
    assert not Interview.objects.exists()
