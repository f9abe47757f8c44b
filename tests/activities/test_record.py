"""Activity Process Form and Participant List: duration rules, the checklist, walk-ins."""

from __future__ import annotations

from datetime import date, time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.activities.conftest import DAY, record_fields
from tests.conftest import make_person
from tongban.activities import services
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance

pytestmark = pytest.mark.usefixtures("frozen_after_day")


@pytest.fixture
def frozen_after_day():
    with time_machine.travel(date(2016, 3, 10), tick=False):
        yield


def save(plan, by, **kwargs):
    kwargs.setdefault("fields", record_fields())
    return services.record_save(plan=plan, by=by, **kwargs)


def test_duration_is_computed(plan, users, peer_person_a, second_peer_a, consumer_a):
    record = save(
        plan,
        users["peer"],
        peers_present=[peer_person_a, second_peer_a],
        consumers=[consumer_a],
        fields=record_fields(started_at=time(14, 5), ended_at=time(15, 50)),
    )
    assert record.duration_minutes == 105
    counted = ActivityPlan.objects.with_counts().get(pk=plan.pk)
    assert (counted.peers_present, counted.consumers_present) == (2, 1)


def test_end_before_start_is_refused(plan, users):
    with pytest.raises(ValidationError) as error:
        save(plan, users["peer"], fields=record_fields(ended_at=time(13, 0)))
    assert "ended_at" in error.value.error_dict
    assert not ActivityRecord.objects.exists()


@pytest.mark.parametrize("end, minutes", [(time(14, 30), 30), (time(16, 30), 150)])
def test_unusual_duration_asks_for_confirmation(plan, users, end, minutes):
    with pytest.raises(ValidationError) as error:
        save(plan, users["peer"], fields=record_fields(ended_at=end))
    assert str(minutes) in str(error.value.error_dict["ended_at"])
    record = save(plan, users["peer"], fields=record_fields(ended_at=end), duration_confirmed=True)
    assert record.duration_minutes == minutes


@pytest.mark.parametrize("end", [time(14, 40), time(16, 0)])
def test_forty_and_one_hundred_twenty_minutes_need_no_confirmation(plan, users, end):
    assert save(plan, users["peer"], fields=record_fields(ended_at=end)).duration_minutes in (
        40,
        120,
    )


def test_a_session_cannot_be_recorded_in_the_future(plan, users):
    with pytest.raises(ValidationError) as error:
        save(plan, users["peer"], fields=record_fields(held_on=date(2016, 3, 11)))
    assert "held_on" in error.value.error_dict


def test_only_the_communitys_consumers_can_be_ticked(plan, users, consumer_a, consumer_b):
    with pytest.raises(ValidationError) as error:
        save(plan, users["peer"], consumers=[consumer_a, consumer_b])
    assert "consumers" in error.value.error_dict
    assert not Attendance.objects.exists()


def test_a_withdrawn_consumer_is_not_on_the_checklist(plan, users, consumer_a):
    from tongban.registry import services as registry_services

    registry_services.enrolment_change_status(
        enrolment=consumer_a.enrolments.get(),
        status="withdrawn",
        effective_on=date(2016, 1, 1),
        reason="搬家",
    )
    with pytest.raises(ValidationError):
        save(plan, users["peer"], consumers=[consumer_a])


def test_walk_in_needs_a_community_and_a_note(plan, users, community_b):
    with pytest.raises(ValidationError) as error:
        save(plan, users["peer"], walk_in={"name": "来访者", "community": "", "note": ""})
    assert {"walk_in_community", "walk_in_note"} <= set(error.value.error_dict)
    record = save(
        plan,
        users["peer"],
        walk_in={"name": "来访者", "community": "乙社区", "note": "随家人来"},
    )
    walk_in = record.attendances.get()
    assert walk_in.is_walk_in and walk_in.name == "来访者"
    assert walk_in.walk_in_community == "乙社区"


def test_unticking_voids_the_attendance_and_keeps_it(plan, users, consumer_a, community_a):
    other = make_person("甲服务对象二", community=community_a)
    save(plan, users["peer"], consumers=[consumer_a, other])
    save(plan, users["peer"], consumers=[other])
    rows = Attendance.objects.filter(person=consumer_a)
    assert rows.count() == 1 and rows.get().is_voided
    assert list(Attendance.objects.current().values_list("person__name", flat=True)) == [
        "甲服务对象二"
    ]
    # Ticking again adds a new current row.
    save(plan, users["peer"], consumers=[consumer_a, other])
    assert Attendance.objects.current().count() == 2


def test_saving_twice_does_not_duplicate(plan, users, consumer_a):
    save(plan, users["peer"], consumers=[consumer_a])
    save(plan, users["peer"], consumers=[consumer_a])
    assert ActivityRecord.objects.count() == 1
    assert Attendance.objects.current().count() == 1


def test_voided_session_cannot_be_recorded(plan, users):
    services.session_void(plan=plan, by=users["peer"], reason="录错")
    with pytest.raises(ValidationError):
        save(plan, users["peer"])


def test_record_page_prefills_from_the_plan(client_for, users, plan, peer_person_a):
    response = client_for(users["peer"]).get(reverse("activities:record_edit", args=[plan.pk]))
    form = response.context["form"]
    assert form.initial["held_on"] == DAY
    assert peer_person_a.pk in form.initial["peers_present"]


def test_record_page_shows_the_confirmation_box_only_when_needed(client_for, users, plan):
    client = client_for(users["peer"])
    url = reverse("activities:record_edit", args=[plan.pk])
    assert 'type="checkbox" name="duration_confirmed"' not in client.get(url).content.decode()
    data = {
        "held_on": DAY.isoformat(),
        "started_at": "14:00",
        "ended_at": "14:20",
        "format": "lecture",
        "theme": "讲座",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert 'type="checkbox" name="duration_confirmed"' in response.content.decode()
    response = client.post(url, {**data, "duration_confirmed": "on"})
    assert response.status_code == 302
    assert ActivityRecord.objects.get().duration_minutes == 20


def test_the_database_and_the_model_agree_on_the_session_date(plan, users):
    def both():
        plan.refresh_from_db()
        annotated = ActivityPlan.objects.with_session_date().get(pk=plan.pk)
        return annotated.session_on, ActivityPlan.objects.get(pk=plan.pk).session_date

    assert both() == (DAY, DAY)
    save(plan, users["peer"], fields=record_fields(held_on=date(2016, 3, 8)))
    assert both() == (date(2016, 3, 8), date(2016, 3, 8))
