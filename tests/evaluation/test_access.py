"""Who opens the evaluation pages: peers none; staff within their communities and program."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.evaluation import services
from tongban.evaluation.models import Interview
from tongban.registry.models import Community, Program

from .conftest import IN_ROUND, ROUND_END, ROUND_START, interview_url


@pytest.fixture
def recorded(users, evaluation_round, consumer_a) -> Interview:
    return services.interview_record(
        evaluation_round=evaluation_round,
        person=consumer_a,
        respondent="consumer",
        by=users["research"],
        outcome="interviewed",
        interviewed_on=IN_ROUND,
        interviewer=users["research"],
        answers={"consumer_satisfied_with_peers": "yes"},
    )


def pages(evaluation_round, person, interview) -> list[str]:
    return [
        "/evaluation/",
        "/evaluation/new/",
        f"/evaluation/{evaluation_round.pk}/",
        f"/evaluation/{evaluation_round.pk}/edit/",
        interview_url(evaluation_round, person),
        f"/evaluation/interview/{interview.pk}/",
        f"/evaluation/interview/{interview.pk}/edit/",
        f"/evaluation/interview/{interview.pk}/void/",
    ]


def test_peers_open_no_evaluation_page(
    client_for, users, evaluation_round, recorded, peer_person_a
):
    client = client_for(users["peer"])
    for url in pages(evaluation_round, peer_person_a, recorded):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"reason": "x", "outcome": "not_assessed"})
            assert response.status_code in (403, 404), f"{method} {url}"
    recorded.refresh_from_db()
    assert not recorded.is_voided


def test_read_only_staff_read_interviews(client_for, users, evaluation_round, recorded):
    client = client_for(users["doctor"])
    detail = client.get(f"/evaluation/interview/{recorded.pk}/")
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "/edit/" not in body.split("<main>")[1] and "/void/" not in body
    assert client.get(f"/evaluation/interview/{recorded.pk}/edit/").status_code == 403
    assert (
        client.post(f"/evaluation/interview/{recorded.pk}/void/", {"reason": "x"}).status_code
        == 403
    )
    round_page = client.get(f"/evaluation/{evaluation_round.pk}/").content.decode()
    assert "/interview/" in round_page  # a link to the recorded one
    assert "Record interview" not in round_page and "录入访谈" not in round_page


def test_another_community_answers_404(client_for, users, community_b, evaluation_round, recorded):
    """Research assistant of B: community A's round, people and interview are not theirs."""
    b_research = make_user("research-b", Role.RESEARCH_ASSISTANT, [community_b])
    make_person("乙社区某人", community=community_b)
    client = client_for(b_research)
    for url in pages(evaluation_round, recorded.person, recorded)[2:]:
        for method in ("get", "post"):
            assert getattr(client, method)(url).status_code == 404, f"{method} {url}"
    assert "2014年12月评估" not in client.get("/evaluation/").content.decode()


def test_a_person_of_another_community_on_a_shared_round_answers_404(
    client_for, users, community_a, community_b, evaluation_round
):
    """A round covering A and B: A's assistant cannot record B's consumer."""
    services.evaluation_round_update(
        evaluation_round=evaluation_round,
        version=None,
        name=evaluation_round.name,
        starts_on=ROUND_START,
        ends_on=ROUND_END,
        communities=[community_a, community_b],
    )
    b_consumer = make_person("乙社区服务对象", community=community_b)
    client = client_for(users["research"])
    url = interview_url(evaluation_round, b_consumer)
    assert client.get(url).status_code == 404
    data = {"outcome": "not_assessed", "not_assessed_reason": "refused"}
    assert client.post(url, data).status_code == 404
    assert client_for(users["manager"]).post(url, data).status_code == 302
    interview = Interview.objects.get()
    client = client_for(users["research"])
    assert client.get(f"/evaluation/interview/{interview.pk}/").status_code == 404


def test_another_program_answers_404(client_for, users, evaluation_round, recorded):
    other = Program.objects.create(name="另一项目", slug="other", started_on=date(2013, 1, 1))
    gamma = Community.objects.create(
        program=other, code="gamma", name="丙社区", started_on=date(2013, 1, 1)
    )
    other_manager = make_user("other-manager", Role.PROJECT_MANAGER, programs=[other])
    other_research = make_user("other-research", Role.RESEARCH_ASSISTANT, [gamma])
    for account in (other_manager, other_research):
        client = client_for(account)
        for url in pages(evaluation_round, recorded.person, recorded)[2:]:
            for method in ("get", "post"):
                assert getattr(client, method)(url).status_code == 404, f"{method} {url}"
        assert "2014年12月评估" not in client.get("/evaluation/").content.decode()
    # Nor is program A's manager an interviewer to choose in the other program.
    other_round = services.evaluation_round_create(
        program=other,
        by=other_manager,
        name="丙社区评估",
        starts_on=ROUND_START,
        ends_on=ROUND_END,
        communities=[gamma],
    )
    gamma_consumer = make_person("丙社区服务对象", community=gamma)
    page = client_for(other_manager).get(interview_url(other_round, gamma_consumer))
    choices = {str(user.pk) for user in page.context["form"].fields["interviewer"].queryset}
    assert choices == {str(other_manager.pk), str(other_research.pk)}
    # And program A's people are not on program B's rounds.
    url = interview_url(other_round, recorded.person)
    assert client_for(other_manager).get(url).status_code == 404
