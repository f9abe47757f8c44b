"""Withdrawn and on-leave peers are not offered; history shows them with their status."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.activities.conftest import DAY, plan_fields
from tests.conftest import make_person
from tongban.activities import services
from tongban.registry import services as registry_services


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def change_status(person, status, on):
    registry_services.enrolment_change_status(
        enrolment=person.enrolments.get(), status=status, effective_on=on, reason="测试"
    )


def offered(form, name) -> dict:
    field = form.fields[name]
    return {person.pk: field.label_from_instance(person) for person in field.offered}


@pytest.fixture
def left(community_a):
    person = make_person("已退出同伴", community=community_a, role="peer")
    change_status(person, "withdrawn", date(2015, 6, 1))
    return person


@pytest.fixture
def away(community_a):
    person = make_person("休假同伴", community=community_a, role="peer")
    change_status(person, "on_leave", date(2016, 1, 10))
    return person


def test_a_new_plan_offers_peers_in_service_only(
    english_client_for, users, left, away, peer_person_a, second_peer_a
):
    url = reverse("activities:plan_create") + f"?date={DAY.isoformat()}"
    form = english_client_for(users["peer"]).get(url).context["form"]
    for name in ("lead_peer", "assisting_peers"):
        choices = offered(form, name)
        assert peer_person_a.pk in choices and second_peer_a.pk in choices
        assert left.pk not in choices and away.pk not in choices


def test_an_old_plan_shows_its_peer_with_the_status(
    english_client_for, users, community_a, venue_a, peer_person_a, second_peer_a
):
    plan = services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a),
        assisting_peers=[second_peer_a],
    )
    change_status(second_peer_a, "withdrawn", date(2016, 3, 1))
    form = english_client_for(users["peer"]).get(reverse("activities:plan_edit", args=[plan.pk]))
    choices = offered(form.context["form"], "assisting_peers")
    assert choices[second_peer_a.pk] == "甲同伴二（withdrawn 2016-03-01）"


def test_record_form_does_not_offer_a_withdrawn_peer(english_client_for, users, plan, left, away):
    form = english_client_for(users["peer"]).get(reverse("activities:record_edit", args=[plan.pk]))
    choices = offered(form.context["form"], "peers_present")
    assert left.pk not in choices and away.pk not in choices


def test_back_entry_offers_every_peer_with_their_dates(english_client_for, users, left):
    form = english_client_for(users["research"]).get(reverse("activities:back_entry"))
    choices = offered(form.context["plan_form"], "lead_peer")
    assert choices[left.pk] == "已退出同伴（enrolled 2014-03-01, withdrawn 2015-06-01）"


def test_a_withdrawn_lead_is_told_the_true_reason(users, community_a, venue_a, left, away):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["manager"], community=community_a, fields=plan_fields(venue_a, left)
        )
    assert error.value.message_dict["lead_peer"] == ["已退出同伴 had withdrawn on 2015-06-01."]
    assert "not yet ready" not in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["manager"], community=community_a, fields=plan_fields(venue_a, away)
        )
    assert error.value.message_dict["lead_peer"] == [
        "休假同伴 was on leave on that day (since 2016-01-10)."
    ]


def test_assisting_peers_are_refused_by_name(users, community_a, venue_a, peer_person_a, left):
    stranger = make_person("别处同伴", community=None)
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["manager"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a),
            assisting_peers=[left, stranger],
        )
    assert error.value.message_dict["assisting_peers"] == [
        "已退出同伴 had withdrawn on 2015-06-01.",
        "别处同伴 is not a peer of this community.",
    ]


def test_old_paper_session_may_name_a_peer_who_left_since(
    users, community_a, venue_a, peer_person_a, left
):
    plan = services.plan_create(
        by=users["research"],
        community=community_a,
        fields=plan_fields(venue_a, left, planned_on=date(2015, 3, 4)),
    )
    assert plan.lead_peer == left
