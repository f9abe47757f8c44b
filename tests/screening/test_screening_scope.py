"""Scoping of the candidate, assessment and criteria pages: staff of another community get
404 for every object; peers get 403 on every screening page."""

from __future__ import annotations

import pytest

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.screening import services
from tongban.screening.models import Assessment, Criteria

from .conftest import new_candidate, screen
from .test_assessment_pages import form_data


@pytest.fixture
def screened(users, community_a):
    candidate = new_candidate("甲社区候选人", community=community_a, by=users["doctor"])
    assessment = screen(candidate, psychiatrist=users["psychiatrist"], note="甲社区评估备注")
    return candidate, assessment


def object_urls(candidate, assessment) -> list[str]:
    return [
        f"/screening/candidates/{candidate.pk}/",
        f"/screening/candidates/{candidate.pk}/enrol/",
        f"/screening/candidates/{candidate.pk}/close/",
        f"/screening/candidates/{candidate.pk}/assess/",
        f"/screening/assessments/{assessment.pk}/",
        f"/screening/assessments/{assessment.pk}/edit/",
        f"/screening/assessments/{assessment.pk}/void/",
    ]


@pytest.mark.parametrize(
    "role", [Role.COMMUNITY_DOCTOR, Role.RESEARCH_ASSISTANT, Role.CLINICAL_PSYCHOLOGIST]
)
def test_staff_of_another_community_get_404(client_for, users, community_b, screened, role):
    candidate, assessment = screened
    client = client_for(make_user("b-staff", role, [community_b]))
    for url in object_urls(candidate, assessment):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            # 403 is for a role refused whatever the record (the psychologist closing).
            assert response.status_code in (403, 404), f"{method} {url}"
            assert "甲社区候选人" not in response.content.decode()
    # Their own lists show nothing of community A, nor count it.
    listing = client.get("/screening/candidates/")
    assert "甲社区候选人" not in listing.content.decode()
    assert listing.context["figures"].total == 0
    candidate.refresh_from_db()
    assert candidate.closed_on is None and candidate.enrolment is None
    assessment.refresh_from_db()
    assert not assessment.is_voided


def test_the_doctor_of_community_b_gets_404_on_the_candidate(
    client_for, users, community_b, screened
):
    candidate, assessment = screened
    client = client_for(make_user("b-doctor", Role.COMMUNITY_DOCTOR, [community_b]))
    assert client.get(f"/screening/candidates/{candidate.pk}/").status_code == 404
    assert client.get(f"/screening/assessments/{assessment.pk}/").status_code == 404


def test_peers_get_403_on_every_screening_page(client_for, users, community_a, screened):
    candidate, assessment = screened
    criteria = Criteria.objects.get(role="consumer")
    client = client_for(users["peer"])
    urls = [
        "/screening/candidates/",
        "/screening/candidates/new/",
        "/screening/criteria/",
        f"/screening/criteria/{criteria.pk}/",
        "/screening/criteria/peer/edit/",
        *object_urls(candidate, assessment),
    ]
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, form_data())
            assert response.status_code == 403, f"{method} {url}"
            assert "甲社区评估备注" not in response.content.decode()


def test_the_peer_sees_no_screening_link(client_for, users):
    body = client_for(users["peer"]).get("/").content.decode()
    assert "/screening/candidates/" not in body
    staff = client_for(users["socialworker"]).get("/").content.decode()
    assert 'href="/screening/candidates/"' in staff


def test_staff_of_the_community_and_program_wide_roles_read(client_for, users, screened):
    candidate, assessment = screened
    for name in ("doctor", "psychologist", "socialworker", "research", "manager", "psychiatrist"):
        client = client_for(users[name])
        assert client.get(f"/screening/candidates/{candidate.pk}/").status_code == 200
        assert client.get(f"/screening/assessments/{assessment.pk}/").status_code == 200
        # The candidate's person is in their scope: the person's page opens too.
        assert client.get(f"/people/{candidate.person.pk}/").status_code == 200


def test_a_candidate_of_another_program_is_404_for_the_psychiatrist(
    client_for, users, community_a, screened
):
    from tests.registry import other_program

    program_b = other_program.build(community_a.program)
    candidate = new_candidate(
        "乙项目候选人", community=program_b.community, by=program_b.users["doctor"]
    )
    services.criteria_current(program=program_b.program, role="consumer")
    client = client_for(users["psychiatrist"])
    assert client.get(f"/screening/candidates/{candidate.pk}/").status_code == 404
    assert client.get(f"/screening/candidates/{candidate.pk}/assess/").status_code == 404
    assert "乙项目候选人" not in client.get("/screening/candidates/").content.decode()


ODD = ["²", "٣", "9" * 20, "-1", "1e5"]


def test_odd_input_is_a_form_error_never_a_500(client_for, users, community_a, screened):
    """Every field of the psychiatrist's and the manager's forms, with values that are not
    what a page sends: the form says so, nothing is written."""
    candidate, assessment = screened
    from django.test import Client

    client = client_for(users["psychiatrist"])
    client.raise_request_exception = False
    manager = Client(raise_request_exception=False)  # a second browser
    manager.force_login(users["manager"])
    pages = [
        (client, f"/screening/candidates/{candidate.pk}/assess/", ["form"]),
        (client, f"/screening/assessments/{assessment.pk}/edit/", ["form"]),
        (client, "/screening/candidates/new/", ["form", "person_form"]),
        (client, f"/screening/candidates/{candidate.pk}/close/", ["form"]),
        (manager, "/screening/criteria/peer/edit/", ["form"]),
    ]
    for who, url, names in pages:
        page = who.get(url)
        assert page.status_code == 200, (url, page.status_code)
        fields = {name for key in names for name in page.context[key].fields}
        for value in ODD:
            response = who.post(url, dict.fromkeys(fields, value))
            assert response.status_code == 200, f"{url} {value!r}: {response.status_code}"
    for value in ODD:
        url = f"/screening/candidates/{candidate.pk}/enrol/"
        assert client.post(url, {"started_on": value}).status_code == 200
        query = dict.fromkeys(["q", "stage", "role", "community", "page"], value)
        assert client.get("/screening/candidates/", query).status_code == 200
    assert not Criteria.objects.filter(version__gt=1).exists()
    assessment.refresh_from_db()
    assert assessment.stable_months == 12
    candidate.refresh_from_db()
    assert candidate.closed_on is None and candidate.enrolment is None
    assert Assessment.objects.count() == 1
