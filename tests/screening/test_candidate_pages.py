"""The candidate pages: the list with its figures, intake, the candidate's page, enrolment
through the gate and closing by hand."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.registry.models import Enrolment, Person
from tongban.screening import services
from tongban.screening.models import Candidate, Stage

from .conftest import consent_all, new_candidate, screen
from .helpers import in_english

LIST = "/screening/candidates/"
NEW = "/screening/candidates/new/"


def detail(candidate) -> str:
    return f"/screening/candidates/{candidate.pk}/"


# --- The list --------------------------------------------------------------------------------


def add_candidates(users, community, n: int, offset: int = 0) -> None:
    """n candidates at various stages, assessed ones with an overridden failure among them."""
    for k in range(offset, offset + n):
        role = "peer" if k % 3 == 0 else "consumer"
        candidate = new_candidate(f"候选{k}", community=community, by=users["doctor"], role=role)
        if k % 2:
            screen(candidate, psychiatrist=users["psychiatrist"])
        elif k % 4 == 0:
            services.assessment_record(
                candidate=candidate,
                by=users["psychiatrist"],
                assessed_on=date(2014, 1, 10),
                fields={"diagnosis": "schizophrenia", "stable_months": 1},
                overridden=True,
                override_justification="病情稳定期虽短，但家属支持良好",
            )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_list_costs_the_same_queries_at_any_size(client_for, users, community_a):
    client = client_for(users["doctor"])
    add_candidates(users, community_a, 3)
    few = queries(client, LIST)
    add_candidates(users, community_a, 12, offset=3)
    assert Candidate.objects.count() == 15
    assert queries(client, LIST) == few
    assert queries(client, f"{LIST}?stage=screened_out&role=consumer") <= few


def test_figures_count_the_filtered_set_by_stage_and_role(client_for, users, community_a):
    add_candidates(users, community_a, 8)
    client = client_for(users["manager"])
    figures = client.get(LIST).context["figures"]
    by_stage = {row.stage: (row.peer, row.consumer) for row in figures.rows}
    for stage in Stage.values:
        for role in ("peer", "consumer"):
            index = 0 if role == "peer" else 1
            expected = Candidate.objects.filter(stage=stage, role=role).count()
            assert by_stage[stage][index] == expected, (stage, role)
    assert figures.total == 8
    assert figures.overrides == 2  # candidates 0 and 4
    only_peers = client.get(f"{LIST}?role=peer").context["figures"]
    assert only_peers.total == Candidate.objects.filter(role="peer").count()
    assert only_peers.consumer == 0


def test_each_row_shows_the_stage_the_reason_and_the_latest_result(client_for, users, community_a):
    old = new_candidate("老候选", community=community_a, by=users["doctor"], born=date(1950, 1, 1))
    screen(old, psychiatrist=users["psychiatrist"])
    fine = new_candidate("合格候选", community=community_a, by=users["doctor"])
    screen(fine, psychiatrist=users["psychiatrist"])
    client = client_for(in_english(users["research"]))
    body = client.get(LIST).content.decode()
    old.refresh_from_db()
    assert old.stage == Stage.SCREENED_OUT
    assert old.screened_out_reason in body
    assert "64 岁，超过 60 岁上限" in old.screened_out_reason
    assert f'href="/screening/candidates/{fine.pk}/"' in body
    assert "2014-01-10" in body
    assert "result-eligible" in body and "result-not_eligible" in body


def test_filters_and_search(client_for, users, community_a):
    new_candidate("张三", community=community_a, by=users["doctor"])
    new_candidate("李四", community=community_a, by=users["doctor"], role="peer")
    client = client_for(users["doctor"])
    names = lambda url: [c.person.name for c in client.get(url).context["page"]]  # noqa: E731
    assert sorted(names(LIST)) == ["张三", "李四"]
    assert names(f"{LIST}?q=张") == ["张三"]
    assert names(f"{LIST}?role=peer") == ["李四"]
    assert names(f"{LIST}?stage=eligible") == []
    assert names(f"{LIST}?community={community_a.pk}") != []
    # A filter that is not a choice is ignored, not a 500.
    assert client.get(f"{LIST}?stage=nonsense&community=abc").status_code == 200


def test_the_list_pages(client_for, users, community_a, settings):
    settings.PAGE_SIZE = 2
    add_candidates(users, community_a, 5)
    client = client_for(users["doctor"])
    response = client.get(f"{LIST}?role=consumer&page=2")
    assert response.status_code == 200
    assert "role=consumer&amp;page=" in response.content.decode()


# --- Intake ----------------------------------------------------------------------------------


def intake(**changes) -> dict:
    data = {
        "name": "新候选人",
        "sex": "male",
        "date_of_birth": "1980-02-03",
        "diagnosis": "schizophrenia",
        "phone": "",
        "address": "",
        "role": "consumer",
        "source": "doctor",
        "recommended_on": "2014-01-06",
        "reason": "病情稳定，愿意参加",
        "practical_skills": "",
    }
    data.update(changes)
    return data


def test_a_doctor_adds_a_new_person_as_a_candidate(client_for, users, community_a):
    client = client_for(users["doctor"])
    page = client.get(NEW)
    assert page.status_code == 200
    form = page.context["form"]
    # The doctor is the default recommender; a single community is chosen already.
    assert form.initial["recommended_by"] == users["doctor"].pk
    assert form.initial["community"] == community_a.pk
    data = intake(community=community_a.pk, recommended_by=users["doctor"].pk)
    response = client.post(NEW, data)
    candidate = Candidate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(candidate)
    assert candidate.person.name == "新候选人"
    assert candidate.person.date_of_birth == date(1980, 2, 3)
    assert (candidate.role, candidate.source, candidate.recommended_by) == (
        "consumer",
        "doctor",
        users["doctor"],
    )
    assert candidate.stage == Stage.RECOMMENDED
    assert candidate.created_by == users["doctor"]
    assert not Enrolment.objects.filter(person=candidate.person).exists()


def test_role_is_preselected_from_the_link(client_for, users, community_a):
    client = client_for(users["research"])
    for role in ("peer", "consumer"):
        form = client.get(f"{NEW}?role={role}").context["form"]
        assert form["role"].value() == role
    assert client.get(f"{NEW}?role=caregiver").context["form"]["role"].value() is None


def test_a_poster_consumer_needs_no_doctor(client_for, users, community_a):
    client = client_for(users["research"])
    data = intake(community=community_a.pk, source="poster")
    assert client.post(NEW, data).status_code == 302
    candidate = Candidate.objects.get()
    assert (candidate.source, candidate.recommended_by) == ("poster", None)


def test_every_error_in_one_round_and_nothing_saved(client_for, users, community_a):
    client = client_for(in_english(users["research"]))
    data = intake(name=" ", role="peer", source="poster", community="", date_of_birth="2999-01-01")
    response = client.post(NEW, data)
    assert response.status_code == 200
    person_form, form = response.context["person_form"], response.context["form"]
    assert set(person_form.errors) == {"name", "date_of_birth"}
    assert "community" in form.errors
    body = response.content.decode()
    assert "error-summary" in body
    assert not Person.objects.filter(name__startswith="新").exists()
    assert not Candidate.objects.exists()
    # With a community chosen: a peer comes only by a doctor's recommendation, and the
    # recommending doctor must work in the chosen community.
    other_doctor = make_user("doctor-b", Role.COMMUNITY_DOCTOR, [])
    data = intake(role="peer", source="poster", community=community_a.pk)
    response = client.post(NEW, data)
    assert "Peers are recommended by a community doctor." in response.content.decode()
    data = intake(community=community_a.pk, recommended_by=other_doctor.pk)
    response = client.post(NEW, data)
    assert "recommended_by" in response.context["form"].errors
    data = intake(community=community_a.pk)  # doctor's recommendation without a doctor
    response = client.post(NEW, data)
    assert "recommended_by" in response.context["form"].errors
    assert not Candidate.objects.exists()


def test_an_existing_person_comes_again(client_for, users, community_a):
    first = new_candidate("再次", community=community_a, by=users["doctor"], born=date(1950, 1, 1))
    screen(first, psychiatrist=users["psychiatrist"])  # too old: screened out
    client = client_for(users["doctor"])
    url = f"{NEW}?person={first.person.pk}&role=consumer"
    page = client.get(url)
    assert page.context["person_form"] is None
    assert "再次" in page.content.decode()
    data = intake(community=community_a.pk, recommended_by=users["doctor"].pk)
    assert client.post(url, data).status_code == 302
    assert Candidate.objects.filter(person=first.person).count() == 2
    assert Person.objects.filter(name="再次").count() == 1
    # An open candidacy for the same role and community is refused.
    response = client.post(url, data)
    assert "role" in response.context["form"].errors
    assert Candidate.objects.filter(person=first.person).count() == 2


def test_a_person_out_of_scope_or_an_odd_id_is_404(client_for, users, community_b):
    stranger = make_person("外人", community=community_b)
    client = client_for(users["doctor"])
    assert client.get(f"{NEW}?person={stranger.pk}").status_code == 404
    assert client.get(f"{NEW}?person=٣").status_code == 404


def test_who_may_add_candidates(client_for, users):
    assert client_for(users["psychologist"]).get(NEW).status_code == 403
    assert client_for(users["socialworker"]).get(NEW).status_code == 403
    assert client_for(users["peer"]).get(NEW).status_code == 403
    for name in ("doctor", "research", "manager", "psychiatrist"):
        assert client_for(users[name]).get(NEW).status_code == 200


# --- The candidate's page --------------------------------------------------------------------


def test_the_page_shows_the_person_the_intake_and_every_assessment(client_for, users, community_a):
    candidate = new_candidate(
        "详情", community=community_a, by=users["doctor"], diagnosis="bipolar", role="peer"
    )
    first = screen(candidate, psychiatrist=users["psychiatrist"], stable_months=4)
    services.assessment_void(assessment=first, by=users["psychiatrist"], reason="录错了人")
    screen(candidate, psychiatrist=users["psychiatrist"], on=date(2014, 2, 10))
    client = client_for(in_english(users["socialworker"]))
    response = client.get(detail(candidate))
    body = response.content.decode()
    age = candidate.person.age_on(timezone.localdate())
    assert f"{age} years old" in body
    assert "bipolar disorder" in body
    assert "recommended or referred by a community doctor" in body
    assert len(response.context["assessments"]) == 2
    assert "录错了人" in body and "status-voided" in body
    assert "stable 4 months, fewer than the 6 required" in body
    assert "criteria for peer, version 1" in body
    # The social worker reads; they neither assess nor close.
    assert f"/screening/candidates/{candidate.pk}/assess/" not in body
    assert f"/screening/candidates/{candidate.pk}/close/" not in body


def test_actions_by_role(client_for, users, community_a):
    candidate = new_candidate("动作", community=community_a, by=users["doctor"])
    assess = f"{detail(candidate)}assess/"
    enrol = f"{detail(candidate)}enrol/"
    psychiatrist = client_for(users["psychiatrist"]).get(detail(candidate)).content.decode()
    assert assess in psychiatrist
    manager = client_for(users["manager"])
    body = manager.get(detail(candidate)).content.decode()
    assert assess not in body
    assert enrol not in body  # offered once the candidate is found eligible
    screen(candidate, psychiatrist=users["psychiatrist"])
    assert enrol in manager.get(detail(candidate)).content.decode()


# --- Enrolment through the gate --------------------------------------------------------------


def test_enrol_lists_what_is_missing_and_changes_nothing(client_for, users, community_a, documents):
    candidate = new_candidate("入组", community=community_a, by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"])
    client = client_for(in_english(users["manager"]))
    response = client.post(f"{detail(candidate)}enrol/", {"started_on": "2014-02-01"})
    assert response.status_code == 200
    errors = response.context["enrol_form"].errors["started_on"]
    assert len(errors) == 1
    assert "informed consent" in errors[0]
    assert "service and group activity agreement" in errors[0]
    assert "eligibility assessment" not in errors[0]
    body = response.content.decode()
    assert 'id="field-started_on"' in body and "error-summary" in body
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ELIGIBLE and candidate.enrolment is None
    assert not Enrolment.objects.filter(person=candidate.person).exists()

    consent_all(candidate.person, "consumer", by=users["research"])
    response = client.post(f"{detail(candidate)}enrol/", {"started_on": "2014-02-01"})
    assert response.status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == Stage.ENROLLED
    assert candidate.enrolment.started_on == date(2014, 2, 1)
    body = client.get(detail(candidate)).content.decode()
    assert "stage-enrolled" in body
    assert f"{detail(candidate)}enrol/" not in body


def test_enrol_before_the_consents_were_signed_is_refused(
    client_for, users, community_a, documents
):
    candidate = new_candidate("早入组", community=community_a, by=users["doctor"])
    screen(candidate, psychiatrist=users["psychiatrist"])
    consent_all(candidate.person, "consumer", by=users["research"], on=date(2014, 1, 20))
    client = client_for(users["doctor"])
    response = client.post(f"{detail(candidate)}enrol/", {"started_on": "2014-01-15"})
    assert response.status_code == 200
    assert "started_on" in response.context["enrol_form"].errors
    candidate.refresh_from_db()
    assert candidate.enrolment is None


def test_enrol_a_bad_date(client_for, users, community_a):
    candidate = new_candidate("日期", community=community_a, by=users["doctor"])
    client = client_for(users["doctor"])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    for value in ("", "2014-02-30", future):
        response = client.post(f"{detail(candidate)}enrol/", {"started_on": value})
        assert response.status_code == 200
        assert "started_on" in response.context["enrol_form"].errors
    assert client.get(f"{detail(candidate)}enrol/").status_code == 302


# --- Closing by hand, and coming again -------------------------------------------------------


def test_close_with_a_reason_then_consider_again(client_for, users, community_a):
    candidate = new_candidate("关闭", community=community_a, by=users["doctor"])
    client = client_for(users["research"])
    url = f"{detail(candidate)}close/"
    response = client.post(url, {"on": "2014-02-01", "reason": " "})
    assert "reason" in response.context["form"].errors
    candidate.refresh_from_db()
    assert candidate.closed_on is None
    assert client.post(url, {"on": "2014-02-01", "reason": "本人不愿参加"}).status_code == 302
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.screened_out_reason) == (Stage.SCREENED_OUT, "本人不愿参加")
    body = client.get(detail(candidate)).content.decode()
    assert "本人不愿参加" in body
    assert f"?person={candidate.person.pk}&amp;role=consumer" in body
    # A closed candidacy is not assessed or closed again.
    assert client.get(url).status_code == 302
    psychiatrist = client_for(users["psychiatrist"])
    assert psychiatrist.get(f"{detail(candidate)}assess/").status_code == 302


@pytest.mark.parametrize("name", ["psychologist", "socialworker"])
def test_who_may_close(client_for, users, community_a, name):
    candidate = new_candidate("不可关闭", community=community_a, by=users["doctor"])
    response = client_for(users[name]).post(
        f"{detail(candidate)}close/", {"on": "2014-02-01", "reason": "x"}
    )
    assert response.status_code == 403
