"""Sessions and topics in an installation of several programs (issue 8, item 3): the
shared library and each program's own topics, staff of a program, closed communities."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.activities.conftest import plan_fields
from tests.activities.test_plan import form_data
from tests.registry import other_program
from tongban.activities import rules, services
from tongban.activities.models import Category, Topic


@pytest.fixture
def program_b(program, users):
    return other_program.build(program)


@pytest.fixture
def own_topic(program):
    return Topic.objects.create(program=program, category=Category.ENTERTAINMENT, name="甲项目话题")


def test_a_managers_new_topic_belongs_to_the_chosen_program(client_for, users, program):
    client = client_for(users["manager"])
    data = {"category": "daily_life_skills", "name": "乘坐地铁", "name_en": "Taking the metro"}
    assert client.post(reverse("activities:topic_create"), data).status_code == 302
    assert Topic.objects.get(name="乘坐地铁").program == program


def test_the_library_shows_shared_and_own_topics_only(client_for, users, own_topic, program_b):
    for username in ("manager", "peer"):
        page = client_for(users[username]).get(reverse("activities:topic_list")).content.decode()
        assert "如何使用微信" in page and "甲项目话题" in page, username  # shared, own
        assert "丙项目话题哨兵" not in page, username
    page = client_for(program_b.users["manager"]).get("/topics/").content.decode()
    assert "丙项目话题哨兵" in page and "甲项目话题" not in page and "如何使用微信" in page


def test_the_manager_edits_own_topics_and_reads_shared_ones(
    client_for, users, own_topic, program_b
):
    client = client_for(users["manager"])
    shared = Topic.objects.filter(program__isnull=True).first()
    page = client.get("/topics/").content.decode()
    assert f"/topics/{own_topic.pk}/edit/" in page
    assert f"/topics/{shared.pk}/edit/" not in page  # read-only: no edit link
    data = {"category": shared.category, "name": "改名", "is_active": ""}
    assert client.get(f"/topics/{shared.pk}/edit/").status_code == 403
    assert client.post(f"/topics/{shared.pk}/edit/", data).status_code == 403
    assert client.post(f"/topics/{program_b.topic.pk}/edit/", data).status_code == 404
    shared.refresh_from_db()
    program_b.topic.refresh_from_db()
    assert shared.name != "改名" and program_b.topic.name == "丙项目话题哨兵"
    data["category"] = own_topic.category
    assert client.post(f"/topics/{own_topic.pk}/edit/", data).status_code == 302
    own_topic.refresh_from_db()
    assert own_topic.name == "改名" and not own_topic.is_active


def test_a_shared_topic_cannot_be_updated_by_the_service(db):
    shared = Topic.objects.filter(program__isnull=True).first()
    with pytest.raises(ValidationError):
        services.topic_update(topic=shared, fields={"name": "改名"})


def test_the_plan_form_offers_shared_and_own_topics_only(
    client_for, users, venue_a, peer_person_a, own_topic, program_b
):
    client = client_for(users["peer"])
    page = client.get(reverse("activities:plan_create")).content.decode()
    assert "甲项目话题" in page and "如何使用微信" in page and "丙项目话题哨兵" not in page
    data = form_data(venue_a, peer_person_a, topic=program_b.topic.pk, theme="")
    response = client.post(reverse("activities:plan_create"), data)
    assert response.status_code == 200 and response.context["form"].errors["topic"]


def test_the_service_refuses_another_programs_topic(
    users, community_a, venue_a, peer_person_a, program_b
):
    fields = plan_fields(venue_a, peer_person_a, topic=program_b.topic)
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.plan_create(by=users["peer"], community=community_a, fields=fields)
    assert "another program" in str(error.value.error_dict["topic"])


def test_staff_present_are_the_communitys_program_staff_only(users, community_a, program_b):
    staff = set(rules.staff_of(community_a))
    assert users["manager"] in staff and users["psychiatrist"] in staff
    assert not staff & set(program_b.users.values())
    of_b = set(rules.staff_of(program_b.community))
    assert {u.username for u in of_b} >= {
        "pb-manager",
        "pb-psychiatrist",
        "pb-doctor",
        "pb-notified-doctor",
    }
    # Program B's own staff only (the foreign modules add more of them): none of A's.
    assert not of_b & set(users.values())


def test_no_session_after_the_community_closed(users, community_a, venue_a, peer_person_a):
    community_a.ended_on = date(2016, 3, 31)
    community_a.save()
    with translation.override("en"), pytest.raises(ValidationError) as error:
        services.plan_create(
            by=users["peer"],
            community=community_a,
            fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 4, 1)),
        )
    assert "The community closed on 2016-03-31." in error.value.message_dict["planned_on"]
    services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a, planned_on=date(2016, 3, 31)),
    )


@time_machine.travel("2016-04-10 10:00 +0800", tick=False)
def test_a_closed_community_is_not_offered_for_a_new_plan(
    client_for, users, community_a, community_b
):
    community_b.ended_on = date(2016, 4, 1)
    community_b.save()
    client = client_for(users["manager"])
    page = client.get(reverse("activities:plan_create")).content.decode()
    # The one open community is taken at once; the closed one cannot be chosen.
    assert "Alpha" in page or "甲社区" in page
    url = reverse("activities:plan_create") + f"?community={community_b.pk}"
    assert client.get(url).status_code == 404
    # Its paper forms can still be typed in (the service refuses days after it closed).
    back = reverse("activities:back_entry") + f"?community={community_b.pk}"
    assert client.get(back).status_code == 200
    community_a.ended_on = date(2016, 4, 1)
    community_a.save()
    page = client.get(reverse("activities:plan_create")).content.decode()
    assert "take no new sessions" in page or "不再" in page


def test_a_venue_no_longer_in_use_is_not_offered_for_new_sessions(users, community_a):
    from tongban.activities.forms import PlanForm

    old = community_a.venues.get()
    old.in_use = False
    old.save()
    new = community_a.venues.create(name="甲新场地", kind="other")
    form = PlanForm(community=community_a, user=users["peer"])
    assert list(form.fields["venue"].queryset) == [new]
    back = PlanForm(community=community_a, user=users["research"], back_entry=True)
    assert set(back.fields["venue"].queryset) == {old, new}
