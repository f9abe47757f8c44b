"""The Activity Plan Form shows what the community's interviewed consumers asked for, beside
the topic library: counts per category, most asked first, one query, and never who asked
or what they said (peers read it)."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.activities.conftest import plan_fields
from tests.conftest import make_person
from tongban.activities import services as activity_services
from tongban.registry import services as registry_services
from tongban.screening import services
from tongban.screening.needs_selectors import consumer_needs

DAY = date(2014, 6, 2)
NOTE = "想学怎么用微信跟女儿视频"


def interview(person, community, by, categories, *, respondent="consumer", note=""):
    return services.needs_interview_record(
        person=person,
        community=community,
        respondent=respondent,
        interviewed_on=DAY,
        by=by,
        categories=list(categories),
        note=note,
    )


@pytest.fixture
def asked(users, community_a, community_b, peer_person_a):
    """Community A's consumers: c1 daily life skills and knowledge, c2 daily life skills and
    entertainment, c3 daily life skills; c4 voided (social skills). Not consumers of A,
    not counted: the peer, a caregiver, and a consumer of B."""
    by = users["research"]
    c1 = make_person("甲一", community=community_a)
    c2 = make_person("甲二", community=community_a)
    c3 = make_person("甲三", community=community_a)
    c4 = make_person("甲四", community=community_a)
    carer = make_person("甲一的母亲", program=community_a.program)
    registry_services.caregiver_link_create(caregiver=carer, cared_for=c1, relationship="parent")
    interview(c1, community_a, by, ["daily_life_skills", "knowledge"], note=NOTE)
    interview(c2, community_a, by, ["daily_life_skills", "entertainment"])
    interview(c3, community_a, by, ["daily_life_skills"])
    voided = interview(c4, community_a, by, ["social_skills"])
    services.needs_interview_void(interview=voided, by=by, reason="录错了人")
    interview(peer_person_a, community_a, by, ["healthy_lifestyle"], respondent="peer")
    interview(carer, community_a, by, ["healthy_lifestyle"], respondent="caregiver")
    interview(make_person("乙一", community=community_b), community_b, by, ["emotional_support"])


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_counts_most_asked_first(asked, community_a):
    with CaptureQueriesContext(connection) as context:
        needs = consumer_needs(community_a)
    assert len(context) == 1
    assert needs.interviewed == 3
    assert [(a.category, a.count) for a in needs.asked] == [
        ("daily_life_skills", 3),
        # Equal counts keep the categories' own order.
        ("knowledge", 1),
        ("entertainment", 1),
        ("social_skills", 0),
        ("fine_motor_exercise", 0),
        ("personal_perceptions", 0),
        ("healthy_lifestyle", 0),
        ("emotional_support", 0),
    ]


def test_a_peer_sees_the_counts_and_no_one_s_name_or_words(client_for, users, asked):
    client = english(client_for(users["peer"]))
    response = client.get(reverse("activities:plan_create"))
    assert response.status_code == 200
    assert response.context["needs"].interviewed == 3
    page = response.content.decode()
    panel = page.split('class="card needs-panel"')[1].split("</details>")[0]
    assert "3 consumers of this community" in panel
    assert panel.index("daily life skills") < panel.index("knowledge of mental disorders")
    assert panel.index("knowledge of mental disorders") < panel.index("entertainment")
    assert '<meter min="0" max="3" value="3">' in panel
    assert "3 asked" in panel
    # Privacy: counts only.
    for private in ("甲一", "甲二", "甲三", "甲四", "甲一的母亲", NOTE, "录错了人"):
        assert private not in page
    # The peer still gets no needs page of their own.
    assert client.get(reverse("screening:needs_list")).status_code == 403


def test_the_edit_form_shows_the_panel_too(client_for, users, asked, community_a, peer_person_a):
    plan = activity_services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(community_a.venues.get(), peer_person_a),
    )
    response = client_for(users["peer"]).get(reverse("activities:plan_edit", args=[plan.pk]))
    assert response.status_code == 200
    assert response.context["needs"].interviewed == 3
    assert "needs-panel" in response.content.decode()


def test_a_community_without_interviews_says_so(client_for, users, community_a):
    client = english(client_for(users["peer"]))
    response = client.get(reverse("activities:plan_create"))
    assert response.context["needs"].interviewed == 0
    page = response.content.decode()
    assert "No consumer of this community has had a pre-service interview yet" in page
    assert "<meter" not in page


def test_the_panel_is_the_session_community_s(client_for, users, asked, community_b):
    """Community B's plan form counts B's consumer only."""
    client = english(client_for(users["manager"]))
    response = client.get(reverse("activities:plan_create"), {"community": community_b.pk})
    needs = response.context["needs"]
    assert needs.interviewed == 1
    assert needs.asked[0].category == "emotional_support"
    assert needs.asked[0].count == 1
