"""An attendance error names the person and the true reason; the checklist shows the dates."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.activities.conftest import DAY, record_fields
from tests.conftest import make_person
from tongban.activities import rules, services
from tongban.registry import services as registry_services
from tongban.registry.models import Enrolment


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def change_status(person, status, on):
    registry_services.enrolment_change_status(
        enrolment=person.enrolments.get(), status=status, effective_on=on, reason="测试"
    )


def consumer_errors(plan, users, consumers) -> list[str]:
    with pytest.raises(ValidationError) as error:
        services.record_save(
            plan=plan, by=users["peer"], fields=record_fields(), consumers=consumers
        )
    return error.value.message_dict["consumers"]


def test_enrolled_after_the_session(plan, users, community_a):
    late = make_person("于浩", community=community_a, started_on=date(2016, 5, 12))
    assert consumer_errors(plan, users, [late]) == [
        "于浩 was enrolled on 2016-05-12, after this session."
    ]


def test_on_leave_on_that_day(plan, users, consumer_a):
    change_status(consumer_a, "on_leave", date(2016, 2, 1))
    assert consumer_errors(plan, users, [consumer_a]) == [
        "甲服务对象 was on leave on that day (since 2016-02-01)."
    ]


def test_withdrawn_before_the_session(plan, users, consumer_a):
    change_status(consumer_a, "withdrawn", date(2016, 1, 4))
    assert consumer_errors(plan, users, [consumer_a]) == ["甲服务对象 had withdrawn on 2016-01-04."]


def test_not_a_consumer_of_this_community(plan, users, consumer_b, peer_person_a):
    messages = consumer_errors(plan, users, [consumer_b, peer_person_a])
    assert messages == [
        "乙服务对象 is not a consumer of this community.",
        "甲同伴 is not a consumer of this community.",
    ]


def test_every_refused_consumer_is_named_in_one_round(plan, users, community_a, consumer_a):
    late = make_person("于浩", community=community_a, started_on=date(2016, 5, 12))
    change_status(consumer_a, "withdrawn", date(2016, 1, 4))
    fine = make_person("在册者", community=community_a)
    messages = consumer_errors(plan, users, [late, consumer_a, fine])
    assert len(messages) == 2
    assert any("于浩" in m for m in messages) and any("甲服务对象" in m for m in messages)
    assert not any("在册者" in m for m in messages)


def test_back_in_service_after_a_leave_is_fine(plan, users, consumer_a):
    change_status(consumer_a, "on_leave", date(2016, 1, 1))
    change_status(consumer_a, "active", date(2016, 3, 1))
    record = services.record_save(
        plan=plan, by=users["peer"], fields=record_fields(), consumers=[consumer_a]
    )
    assert record.attendances.get().person == consumer_a


def test_reasons_take_a_constant_number_of_queries(community_a):
    people = [make_person(f"人{i}", community=community_a) for i in range(3)]
    with CaptureQueriesContext(connection) as few:
        rules.standings(community_a, Enrolment.Role.CONSUMER, [p.pk for p in people])
    people += [make_person(f"人{i}", community=community_a) for i in range(3, 20)]
    for person in people[3:10]:
        change_status(person, "withdrawn", date(2016, 1, 4))
    with CaptureQueriesContext(connection) as many:
        standing = rules.standings(community_a, Enrolment.Role.CONSUMER, [p.pk for p in people])
    assert len(many) == len(few) == 2
    assert len(standing) == 20


def test_the_checklist_shows_the_dates_that_matter(english_client_for, users, plan, community_a):
    leaving = make_person("将退出者", community=community_a)
    change_status(leaving, "withdrawn", date(2016, 4, 1))
    steady = make_person("一直在册", community=community_a)
    page = english_client_for(users["peer"]).get(reverse("activities:record_edit", args=[plan.pk]))
    labels = dict(
        (person.pk, label) for person, label in _choices(page.context["form"]["consumers"])
    )
    assert labels[leaving.pk] == "将退出者（leaves on 2016-04-01）"
    assert labels[steady.pk] == "一直在册"


def test_back_entry_checklist_shows_each_consumers_dates(english_client_for, users, community_a):
    late = make_person("于浩", community=community_a, started_on=date(2015, 10, 12))
    change_status(late, "withdrawn", date(2016, 2, 1))
    page = english_client_for(users["research"]).get(reverse("activities:back_entry"))
    labels = dict(
        (person.pk, label) for person, label in _choices(page.context["record_form"]["consumers"])
    )
    assert labels[late.pk] == "于浩（enrolled 2015-10-12, withdrawn 2016-02-01）"


def test_back_entry_names_the_consumer_enrolled_after_the_paper_session(
    english_client_for, users, community_a, venue_a, peer_person_a
):
    late = make_person("于浩", community=community_a, started_on=date(2015, 10, 12))
    data = {
        "plan-planned_on": "2015-06-03",
        "plan-planned_start": "14:00",
        "plan-planned_end": "15:30",
        "plan-venue": venue_a.pk,
        "plan-category": "entertainment",
        "plan-theme": "唱歌",
        "plan-aim": "放松",
        "plan-format": "lecture",
        "plan-lead_peer": peer_person_a.pk,
        "record-format": "lecture",
        "record-theme": "唱歌",
        "record-consumers": [late.pk],
    }
    page = english_client_for(users["research"]).post(reverse("activities:back_entry"), data)
    assert page.status_code == 200
    assert page.context["record_form"].errors["consumers"] == [
        "于浩 was enrolled on 2015-10-12, after this session."
    ]


def _choices(bound_field):
    field = bound_field.field
    return [(person, field.label_from_instance(person)) for person in field.offered]


def test_day_helpers_agree_with_the_in_service_rule(community_a, consumer_a):
    change_status(consumer_a, "on_leave", date(2016, 1, 1))
    standing = rules.standings(community_a, Enrolment.Role.CONSUMER)[consumer_a.pk]
    for day in (date(2015, 12, 31), DAY):
        in_rule = rules.consumers_in_service(community_a, day).filter(pk=consumer_a.pk).exists()
        assert standing.in_service_on(day) == in_rule
