"""Activity Plan Form: who may lead, the two-peer rule, validation, editing."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.activities.conftest import DAY, plan_fields
from tests.conftest import make_person
from tongban.activities import rules, services
from tongban.activities.models import ActivityPlan, Category, Topic
from tongban.registry import services as registry_services
from tongban.registry.models import Venue


def test_plan_saves_with_two_peers(plan, peer_person_a, second_peer_a):
    assert plan.lead_peer == peer_person_a
    assert list(plan.assisting_peers.all()) == [second_peer_a]
    assert ActivityPlan.objects.with_counts().get(pk=plan.pk).planned_peers == 2


def test_one_peer_is_allowed_and_counted(users, community_a, venue_a, peer_person_a):
    plan = services.plan_create(
        by=users["peer"], community=community_a, fields=plan_fields(venue_a, peer_person_a)
    )
    assert ActivityPlan.objects.with_counts().get(pk=plan.pk).planned_peers == 1


def test_one_peer_plan_warns_on_the_page(client_for, users, community_a, venue_a, peer_person_a):
    client = client_for(users["peer"])
    response = client.post(reverse("activities:plan_create"), form_data(venue_a, peer_person_a))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Only one peer is planned" in page or "只安排了一名同伴" in page


def form_data(venue, lead, **overrides) -> dict:
    data = {
        "planned_on": DAY.isoformat(),
        "planned_start": "14:00",
        "planned_end": "15:30",
        "venue": venue.pk,
        "category": Category.ENTERTAINMENT,
        "theme": "一起唱歌",
        "aim": "放松",
        "format": "group_discussion",
        "lead_peer": lead.pk,
    }
    data.update(overrides)
    return data


def test_only_peers_in_service_may_lead(users, community_a, venue_a, peer_person_a):
    enrolment = peer_person_a.enrolments.get()
    registry_services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=date(2016, 1, 1), reason="家事"
    )
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["manager"], community=community_a, fields=plan_fields(venue_a, peer_person_a)
        )
    assert "lead_peer" in error.value.error_dict
    # Before the leave the same peer could lead: the rule looks at the session's date.
    services.plan_create(
        by=users["manager"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, planned_on=date(2015, 12, 1)),
    )


def test_a_consumer_cannot_lead(users, community_a, venue_a, consumer_a):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"], community=community_a, fields=plan_fields(venue_a, consumer_a)
        )
    assert "lead_peer" in error.value.error_dict


def test_ready_to_lead_is_one_rule(community_a, peer_person_a, consumer_a):
    ready = rules.peers_ready_to_lead(community_a, DAY)
    assert list(ready) == [peer_person_a]
    assert consumer_a not in ready


def test_lead_cannot_also_assist(users, community_a, venue_a, peer_person_a):
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a),
            assisting_peers=[peer_person_a],
        )
    assert "assisting_peers" in error.value.error_dict


def test_assisting_peer_of_another_community_is_refused(
    users, community_a, community_b, venue_a, peer_person_a
):
    other = make_person("乙同伴", community=community_b, role="peer")
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a),
            assisting_peers=[other],
        )
    assert "assisting_peers" in error.value.error_dict


def test_venue_must_belong_to_the_community(users, community_a, community_b, peer_person_a):
    venue_b = Venue.objects.create(community=community_b, name="乙家园", kind="outdoors")
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"], community=community_a, fields=plan_fields(venue_b, peer_person_a)
        )
    assert "venue" in error.value.error_dict


def test_end_before_start_is_refused_next_to_the_field(
    client_for, users, community_a, venue_a, peer_person_a
):
    client = client_for(users["peer"])
    response = client.post(
        reverse("activities:plan_create"),
        form_data(venue_a, peer_person_a, planned_start="15:00", planned_end="14:00"),
    )
    assert response.status_code == 200
    assert 'id="field-planned_end"' in response.content.decode()
    assert response.context["form"].errors["planned_end"]
    assert not ActivityPlan.objects.exists()


def test_topic_must_match_the_category(users, community_a, venue_a, peer_person_a):
    cooking = Topic.objects.get(name_en="Cooking")
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, topic=cooking),
        )
    assert "topic" in error.value.error_dict


def test_library_topic_fills_an_empty_topic(client_for, users, venue_a, peer_person_a):
    cooking = Topic.objects.get(name_en="Cooking")
    client = client_for(users["peer"])
    response = client.post(
        reverse("activities:plan_create"),
        form_data(venue_a, peer_person_a, theme="", topic=cooking.pk, category="daily_life_skills"),
    )
    assert response.status_code == 302
    assert ActivityPlan.objects.get().theme == "烹饪"


def test_peer_plans_for_their_own_community_only(client_for, users, community_b):
    client = client_for(users["peer"])
    url = reverse("activities:plan_create") + f"?community={community_b.pk}"
    assert client.get(url).status_code == 404


def test_staff_with_two_communities_choose_first(client_for, users, community_a, community_b):
    doctor = users["doctor"]
    doctor.communities.add(community_b)
    response = client_for(doctor).get(reverse("activities:plan_create"))
    assert response.status_code == 200
    assert "activities/choose_community.html" in [t.name for t in response.templates]


def test_supervisors_read_but_do_not_write(client_for, users, plan):
    for username in ("psychologist", "psychiatrist"):
        client = client_for(users[username])
        assert client.get(reverse("activities:session_detail", args=[plan.pk])).status_code == 200
        assert client.get(reverse("activities:plan_edit", args=[plan.pk])).status_code == 403


def test_editing_the_plan_is_versioned(users, plan, venue_a, peer_person_a, second_peer_a):
    services.plan_update(
        plan=plan,
        by=users["peer"],
        fields=plan_fields(venue_a, peer_person_a, theme="唱红歌", planned_start=time(14, 30)),
        assisting_peers=[second_peer_a],
    )
    plan.refresh_from_db()
    assert plan.theme == "唱红歌"
    assert plan.history.count() >= 2


def test_void_needs_a_reason_and_keeps_the_plan(client_for, users, plan):
    client = client_for(users["peer"])
    url = reverse("activities:session_void", args=[plan.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert client.post(url, {"reason": "重复录入"}).status_code == 302
    plan.refresh_from_db()
    assert plan.is_voided and plan.void_reason == "重复录入"
    with pytest.raises(TypeError):
        plan.delete()


def test_no_session_after_the_program_ended(users, program, community_a, venue_a, peer_person_a):
    program.ended_on = date(2016, 6, 30)
    program.save()
    community_a.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 7, 1)),
        )
    assert "2016-06-30" in str(error.value.error_dict["planned_on"])
    services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 6, 30)),
    )


def test_a_double_submit_plans_once(client_for, users, venue_a, peer_person_a):
    client = client_for(users["peer"])
    data = form_data(venue_a, peer_person_a)
    first = client.post(reverse("activities:plan_create"), data)
    second = client.post(reverse("activities:plan_create"), data)
    plan = ActivityPlan.objects.get()
    assert first["Location"] == second["Location"] == f"/sessions/{plan.pk}/"


def test_a_retired_topic_does_not_block_editing(client_for, users, venue_a, peer_person_a):
    singing = Topic.objects.get(name_en="Singing")
    client = client_for(users["peer"])
    client.post(
        reverse("activities:plan_create"),
        form_data(venue_a, peer_person_a, topic=singing.pk, theme="唱歌"),
    )
    plan = ActivityPlan.objects.get()
    Topic.objects.filter(pk=singing.pk).update(is_active=False)
    data = form_data(venue_a, peer_person_a, topic=singing.pk, theme="唱新歌")
    response = client.post(reverse("activities:plan_edit", args=[plan.pk]), data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.theme == "唱新歌"
