"""A closed community (`Community.ended_on`) takes no new person or enrolment."""

from __future__ import annotations

from datetime import date

import time_machine

from tests.conftest import make_person


@time_machine.travel("2016-04-10 10:00 +0800", tick=False)
def test_a_closed_community_is_not_offered_for_new_records(
    client_for, users, community_a, community_b
):
    community_b.ended_on = date(2016, 4, 1)
    community_b.save()
    client = client_for(users["manager"])
    # New peers and consumers come in as candidates (the people page's "add" leads there).
    form = client.get("/screening/candidates/new/").context["form"]
    assert list(form.fields["community"].queryset) == [community_a]
    person = make_person("新人", community=community_a)
    form = client.get(f"/people/{person.pk}/enrol/").context["form"]
    assert list(form.fields["community"].queryset) == [community_a]
    response = client.post(
        f"/people/{person.pk}/enrol/",
        {"community": community_b.pk, "role": "peer", "started_on": "2016-04-05"},
    )
    assert response.status_code == 200 and response.context["form"].errors["community"]
    assert person.enrolments.count() == 1
    # Lists and filters still show it: its records stay.
    form = client.get("/people/").context["filters"]
    assert community_b in form.fields["community"].queryset


@time_machine.travel("2016-04-01 10:00 +0800", tick=False)
def test_a_community_serves_on_its_last_day(client_for, users, community_a, community_b):
    community_b.ended_on = date(2016, 4, 1)
    community_b.save()
    form = client_for(users["manager"]).get("/screening/candidates/new/").context["form"]
    assert community_b in form.fields["community"].queryset
