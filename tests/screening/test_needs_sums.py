"""The program page of the pre-service interviews: needs by category and community (and by
respondent type) against hand-counted interviews, who in service is still to be
interviewed, scoping, and a query count that does not grow with the data."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import make_person
from tongban.registry import services as registry_services
from tongban.registry.models import Enrolment
from tongban.screening import services

DAY = date(2014, 6, 2)
URL = reverse("screening:needs_list")


def interview(person, community, by, categories, *, respondent="consumer", on=DAY, note=""):
    return services.needs_interview_record(
        person=person,
        community=community,
        respondent=respondent,
        interviewed_on=on,
        by=by,
        categories=list(categories),
        note=note,
    )


@pytest.fixture
def counted(users, community_a, community_b, peer_person_a):
    """Hand-counted interviews.

    Community A: consumers c1 (daily life skills, knowledge; an earlier interview asked for
    healthy life style, which no longer counts), c2 (daily life skills, entertainment), c3
    (free text only), c4 (voided: not counted, and still to be interviewed); the peer
    (entertainment); c1's caregiver (knowledge). Community B: d1 (daily life skills), d2
    (knowledge, emotional support); d3 not interviewed.
    """
    by = users["research"]
    c1 = make_person("甲一", community=community_a)
    c2 = make_person("甲二", community=community_a)
    c3 = make_person("甲三", community=community_a)
    c4 = make_person("甲四", community=community_a)
    carer = make_person("甲一的母亲", program=community_a.program)
    registry_services.caregiver_link_create(caregiver=carer, cared_for=c1, relationship="parent")
    d1 = make_person("乙一", community=community_b)
    d2 = make_person("乙二", community=community_b)
    make_person("乙三", community=community_b)
    interview(c1, community_a, by, ["healthy_lifestyle"], on=date(2014, 5, 1))
    interview(c1, community_a, by, ["daily_life_skills", "knowledge"])
    interview(c2, community_a, by, ["daily_life_skills", "entertainment"])
    interview(c3, community_a, by, [], note="想多出门走走")
    voided = interview(c4, community_a, by, ["entertainment"])
    services.needs_interview_void(interview=voided, by=by, reason="录错了人")
    interview(peer_person_a, community_a, by, ["entertainment"], respondent="peer")
    interview(carer, community_a, by, ["knowledge"], respondent="caregiver")
    interview(d1, community_b, users["manager"], ["daily_life_skills"])
    interview(d2, community_b, users["manager"], ["knowledge", "emotional_support"])


def cells(table, category):
    row = next(r for r in table.rows if r.category == category)
    return [(c.count, c.share) for c in row.cells] + [(row.total.count, row.total.share)]


def test_sums_by_category_and_community(client_for, users, counted):
    response = client_for(users["manager"]).get(URL)
    table = response.context["sums"].by_community
    assert table.columns == ["甲社区", "乙社区"]
    assert table.interviewed == [5, 2]
    assert table.interviewed_total == 7
    assert cells(table, "daily_life_skills") == [(2, 40), (1, 50), (3, 43)]
    assert cells(table, "knowledge") == [(2, 40), (1, 50), (3, 43)]
    assert cells(table, "entertainment") == [(2, 40), (0, 0), (2, 29)]
    assert cells(table, "emotional_support") == [(0, 0), (1, 50), (1, 14)]
    # The earlier interview of c1 no longer counts.
    assert cells(table, "healthy_lifestyle") == [(0, 0), (0, 0), (0, 0)]
    assert cells(table, "social_skills") == [(0, 0), (0, 0), (0, 0)]
    page = response.content.decode()
    row = page.split('data-category="daily_life_skills"')[1].split("</tr>")[0]
    assert '<td>2<span class="share">40%</span></td>' in row
    assert '<td class="total">3<span class="share">43%</span></td>' in row


def test_sums_by_respondent_type(client_for, users, counted):
    table = client_for(users["manager"]).get(URL).context["sums"].by_respondent
    assert table.interviewed == [5, 1, 1]  # consumers, peers, caregivers
    assert cells(table, "daily_life_skills") == [(3, 60), (0, 0), (0, 0), (3, 43)]
    assert cells(table, "knowledge") == [(2, 40), (0, 0), (1, 100), (3, 43)]
    assert cells(table, "entertainment") == [(1, 20), (1, 100), (0, 0), (2, 29)]


def test_filters_narrow_the_sums(client_for, users, counted, community_b):
    client = client_for(users["manager"])
    consumers = client.get(URL, {"respondent": "consumer"}).context["sums"].by_community
    assert consumers.interviewed == [3, 2]
    assert cells(consumers, "daily_life_skills") == [(2, 67), (1, 50), (3, 60)]
    assert cells(consumers, "knowledge") == [(1, 33), (1, 50), (2, 40)]
    only_b = client.get(URL, {"community": community_b.pk}).context
    assert only_b["sums"].by_community.columns == ["乙社区"]
    assert only_b["sums"].by_community.interviewed == [2]
    assert [i.person.name for i in only_b["page"]] == ["乙二", "乙一"]


def test_staff_of_one_community_see_its_sums_only(client_for, users, counted):
    response = client_for(users["research"]).get(URL)
    table = response.context["sums"].by_community
    assert table.columns == ["甲社区"]
    assert table.interviewed == [5]
    assert cells(table, "daily_life_skills") == [(2, 40), (2, 40)]
    assert response.context["missing_count"] == 1
    page = response.content.decode()
    assert "乙" not in page


def test_who_in_service_has_no_interview_yet(client_for, users, counted, community_a):
    client = client_for(users["manager"])
    response = client.get(URL)
    # c4 (their interview voided) and d3; the peer, c1-c3 and d1-d2 were interviewed.
    assert response.context["missing_count"] == 2
    listing = client.get(URL, {"missing": "on"})
    shown = [(e.person.name, e.role) for e in listing.context["page"]]
    assert shown == [("甲四", "consumer"), ("乙三", "consumer")]
    page = listing.content.decode()
    person = listing.context["page"][0].person
    assert reverse("screening:needs_create", args=[person.pk]) in page
    # A withdrawn consumer is no longer waiting.
    enrolment = Enrolment.objects.get(person=person)
    registry_services.enrolment_change_status(
        enrolment=enrolment, status="withdrawn", effective_on=DAY, reason="搬走了"
    )
    assert client.get(URL).context["missing_count"] == 1
    # By community and role.
    assert client.get(URL, {"community": community_a.pk}).context["missing_count"] == 0
    assert client.get(URL, {"respondent": "peer"}).context["missing_count"] == 0


def test_the_list_shows_interviews_in_force_and_voided_apart(client_for, users, counted):
    client = client_for(users["research"])
    names = [i.person.name for i in client.get(URL).context["page"]]
    assert "甲四" not in names
    assert names.count("甲一") == 2  # both of c1's interviews are listed
    voided = [i.person.name for i in client.get(URL, {"voided": "on"}).context["page"]]
    assert voided == ["甲四"]


def test_odd_filter_values_are_ignored(client_for, users, counted):
    client = client_for(users["manager"])
    for value in ("²", "٣", "9" * 20, "x"):
        response = client.get(URL, {"community": value, "respondent": value, "page": value})
        assert response.status_code == 200
        assert response.context["sums"].by_community.interviewed_total == 7


# --- Query count -----------------------------------------------------------------------------


def add_interviews(users, community_a, community_b, n: int, offset: int) -> None:
    categories = ["daily_life_skills", "knowledge", "entertainment", "emotional_support"]
    for k in range(offset, offset + n):
        for community in (community_a, community_b):
            person = make_person(f"{community.code}-{k}", community=community)
            interview(person, community, users["manager"], categories[: 1 + k % 4])
            make_person(f"{community.code}-waiting-{k}", community=community)


def queries(client, params=None) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(URL, params or {}).status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "params", [{}, {"missing": "on"}, {"respondent": "consumer"}, {"voided": "on"}]
)
def test_the_page_costs_the_same_queries_at_any_size(
    client_for, users, community_a, community_b, params
):
    client = client_for(users["manager"])
    add_interviews(users, community_a, community_b, 2, 0)
    small = queries(client, params)
    add_interviews(users, community_a, community_b, 12, 2)
    assert queries(client, params) == small
    assert small <= 16
