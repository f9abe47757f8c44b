"""No edit is silently lost: plan, process form and participant list carry a version."""

from __future__ import annotations

import threading
from datetime import date, time

import pytest
import time_machine
from django.db import close_old_connections, connection, connections
from django.urls import reverse

from tests.activities.conftest import DAY, plan_fields, record_fields
from tests.conftest import make_person
from tongban.activities import services
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.core.concurrency import EditConflict, current_version


@pytest.fixture(autouse=True)
def after_the_session():
    with time_machine.travel(date(2016, 3, 20), tick=False):
        yield


# Sequential: the second save from the same version is refused, on every engine. -----------


def test_plan_second_save_from_the_same_version_conflicts(plan, users, venue_a, peer_person_a):
    opened = current_version(plan)
    services.plan_update(
        plan=plan,
        by=users["peer"],
        fields=plan_fields(venue_a, peer_person_a, theme="第一人的主题"),
        version=opened,
    )
    with pytest.raises(EditConflict) as error:
        services.plan_update(
            plan=plan,
            by=users["manager"],
            fields=plan_fields(venue_a, peer_person_a, theme="第二人的主题", aim="改了"),
            version=opened,
        )
    plan.refresh_from_db()
    assert plan.theme == "第一人的主题"
    assert "peer" in str(error.value.messages[0])


def test_record_second_save_from_the_same_version_conflicts(plan, users):
    services.record_save(plan=plan, by=users["peer"], fields=record_fields())
    record = ActivityRecord.objects.get()
    opened = current_version(record)
    services.record_save(
        plan=plan, by=users["peer"], fields=record_fields(summary="第一"), version=opened
    )
    with pytest.raises(EditConflict):
        services.record_save(
            plan=plan, by=users["manager"], fields=record_fields(summary="第二"), version=opened
        )
    assert ActivityRecord.objects.get().summary == "第一"


def test_two_first_process_forms_conflict(plan, users):
    """Both opened the form before any record existed (version 0)."""
    services.record_save(plan=plan, by=users["peer"], fields=record_fields(summary="先"), version=0)
    with pytest.raises(EditConflict):
        services.record_save(
            plan=plan, by=users["manager"], fields=record_fields(summary="后"), version=0
        )
    assert ActivityRecord.objects.get().summary == "先"


def test_participant_list_second_save_conflicts(plan, users, community_a, consumer_a):
    other = make_person("甲服务对象二", community=community_a)
    services.record_save(
        plan=plan, by=users["peer"], fields=record_fields(), consumers=[consumer_a]
    )
    opened = current_version(ActivityRecord.objects.get())
    services.record_save(
        plan=plan,
        by=users["peer"],
        fields=record_fields(),
        consumers=[consumer_a, other],
        version=opened,
    )
    with pytest.raises(EditConflict):
        services.record_save(
            plan=plan, by=users["manager"], fields=record_fields(), consumers=[], version=opened
        )
    assert set(Attendance.objects.current().values_list("person__name", flat=True)) == {
        "甲服务对象",
        "甲服务对象二",
    }


def test_no_version_means_not_checked(plan, users, venue_a, peer_person_a):
    """Callers that do not come from a form (the demo, imports) are not refused."""
    services.plan_update(
        plan=plan, by=users["peer"], fields=plan_fields(venue_a, peer_person_a, theme="一")
    )
    services.plan_update(
        plan=plan, by=users["peer"], fields=plan_fields(venue_a, peer_person_a, theme="二")
    )


def test_the_page_shows_the_conflict_at_the_top_and_the_current_values(
    client_for, users, plan, venue_a, peer_person_a
):
    client = client_for(users["peer"])
    url = reverse("activities:plan_edit", args=[plan.pk])
    form = client.get(url).context["form"]
    opened = form["version"].value()
    services.plan_update(
        plan=plan,
        by=users["manager"],
        fields=plan_fields(venue_a, peer_person_a, theme="经理改的主题"),
        assisting_peers=list(plan.assisting_peers.all()),
    )
    data = {
        "planned_on": DAY.isoformat(),
        "planned_start": "14:00",
        "planned_end": "15:30",
        "venue": venue_a.pk,
        "category": "entertainment",
        "theme": "同伴改的主题",
        "aim": "放松",
        "format": "lecture",
        "lead_peer": peer_person_a.pk,
        "version": opened,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error-summary"' in page
    assert page.index('id="error-summary"') < page.index('<form method="post" class="form"')
    assert "manager" in response.context["conflict"]
    assert response.context["form"]["theme"].value() == "经理改的主题"
    assert response.context["form"]["version"].value() == current_version(plan)
    plan.refresh_from_db()
    assert plan.theme == "经理改的主题"


def test_record_page_shows_the_conflict_and_the_current_values(client_for, users, plan):
    client = client_for(users["peer"])
    url = reverse("activities:record_edit", args=[plan.pk])
    assert client.get(url).context["form"]["version"].value() == 0
    services.record_save(plan=plan, by=users["manager"], fields=record_fields(summary="经理先存"))
    data = {
        "held_on": DAY.isoformat(),
        "started_at": "14:00",
        "ended_at": "15:30",
        "format": "lecture",
        "theme": "同伴版本",
        "summary": "同伴后存",
        "version": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["conflict"]
    assert response.context["form"]["summary"].value() == "经理先存"
    assert ActivityRecord.objects.get().summary == "经理先存"


# Threaded, on PostgreSQL: two saves from one version at the same moment. -------------------


def _race(calls):
    """Run the calls in two threads started together; return (results, errors)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [], []

    def run(call):
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except EditConflict as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results, errors


needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's test database cannot take two concurrent writers (it locks the whole "
    "file and has no SELECT ... FOR UPDATE); the sequential tests above run on SQLite.",
)


def _setup_plan(users, community_a, venue_a, peer_person_a):
    return services.plan_create(
        by=users["peer"], community=community_a, fields=plan_fields(venue_a, peer_person_a)
    )


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_threaded_plan_race(users, community_a, venue_a, peer_person_a):
    plan = _setup_plan(users, community_a, venue_a, peer_person_a)
    opened = current_version(plan)

    def save(theme, by):
        return lambda: services.plan_update(
            plan=plan,
            by=by,
            fields=plan_fields(venue_a, peer_person_a, theme=theme, planned_end=time(15, 0)),
            version=opened,
        )

    results, errors = _race([save("甲的主题", users["peer"]), save("乙的主题", users["manager"])])
    assert len(results) == 1 and len(errors) == 1
    assert ActivityPlan.objects.get(pk=plan.pk).theme == results[0].theme


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_threaded_first_record_race(users, community_a, venue_a, peer_person_a):
    plan = _setup_plan(users, community_a, venue_a, peer_person_a)

    def save(summary, by):
        return lambda: services.record_save(
            plan=plan, by=by, fields=record_fields(summary=summary), version=0
        )

    results, errors = _race([save("甲", users["peer"]), save("乙", users["manager"])])
    assert len(results) == 1 and len(errors) == 1
    assert ActivityRecord.objects.get().summary == results[0].summary


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_threaded_participant_list_race(users, community_a, venue_a, peer_person_a):
    plan = _setup_plan(users, community_a, venue_a, peer_person_a)
    first, second = (make_person(n, community=community_a) for n in ("王一", "李二"))
    services.record_save(plan=plan, by=users["peer"], fields=record_fields())
    opened = current_version(ActivityRecord.objects.get())

    def tick(person, by):
        return lambda: services.record_save(
            plan=plan, by=by, fields=record_fields(), consumers=[person], version=opened
        )

    results, errors = _race([tick(first, users["peer"]), tick(second, users["manager"])])
    assert len(results) == 1 and len(errors) == 1
    names = list(Attendance.objects.current().values_list("person_id", flat=True))
    assert names == [results[0].attendances.current().get().person_id]
