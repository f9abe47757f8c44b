"""People involved, filed from a session: its peers and ticked consumers first, labelled
by role, its walk-ins, then the rest of the community; withdrawn and on-leave peers only
when they are on the session's forms, with their status; never anyone out of scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.conftest import make_person
from tongban.activities.models import Attendance
from tongban.emergencies.forms import EmergencyForm
from tongban.emergencies.models import EmergencyEvent
from tongban.registry import services as registry_services
from tongban.registry.models import Enrolment

from .conftest import file_event, local, make_session

pytestmark = pytest.mark.django_db

DAY = date(2016, 3, 9)


def set_status(person, community, status: str, on: date) -> None:
    enrolment = Enrolment.objects.get(person=person, community=community, role="peer")
    registry_services.enrolment_change_status(
        enrolment=enrolment, status=status, effective_on=on, reason="家里有事"
    )


@pytest.fixture
def cast(users, community_a, community_b, peer_person_a, consumer_a, consumer_b):
    """A session of community A with everyone the list must sort out."""
    people = {
        "lead": peer_person_a,  # 甲同伴
        "assisting": make_person("丙助手", community=community_a, role="peer"),
        "present": make_person("乙在场", community=community_a, role="peer"),
        "withdrawn_assisting": make_person("丁退出", community=community_a, role="peer"),
        "on_leave": make_person("戊请假", community=community_a, role="peer"),
        "withdrawn": make_person("己退出", community=community_a, role="peer"),
        "attendee": consumer_a,  # 甲服务对象
        "second_attendee": make_person("庚服务对象", community=community_a),
        "other_consumer": make_person("辛服务对象", community=community_a),
        "serving_peer": make_person("壬同伴", community=community_a, role="peer"),
        "foreign": consumer_b,
    }
    set_status(people["withdrawn_assisting"], community_a, "withdrawn", date(2015, 1, 1))
    set_status(people["on_leave"], community_a, "on_leave", date(2016, 1, 1))
    set_status(people["withdrawn"], community_a, "withdrawn", date(2015, 6, 1))
    plan = make_session(community_a, users["peer"], day=DAY, lead=people["lead"])
    plan.assisting_peers.set([people["assisting"], people["withdrawn_assisting"]])
    record = plan.record
    record.peers_present.set([people["lead"], people["present"]])
    for person in (people["second_attendee"], people["attendee"]):
        Attendance.objects.create(record=record, person=person)
    # Written straight to the database: a consumer of another community on the list.
    Attendance.objects.create(record=record, person=consumer_b)
    walk_in = Attendance.objects.create(
        record=record, walk_in_name="张来访", walk_in_community="光华里"
    )
    Attendance.objects.create(record=record, walk_in_name="李作废").void(
        by=users["manager"], reason="重复"
    )
    people["walk_in"] = walk_in
    people["plan"] = plan
    return people


def groups_for(user, community, session=None):
    with translation.override("en"):
        return EmergencyForm(user=user, community=community, session=session).people_groups


def test_the_sessions_people_come_first_labelled_by_role(users, community_a, cast):
    (heading, at_session), (rest_heading, rest) = groups_for(
        users["peer"], community_a, cast["plan"]
    )
    assert heading == "At this session" and rest_heading == "Others of the community"
    assert [label for _pk, label in at_session] == [
        "甲同伴 (peer)",
        "丁退出 (peer, withdrawn)",  # on the plan: shown, with the status
        "丙助手 (peer)",
        "乙在场 (peer)",
        "庚服务对象 (consumer)",
        "甲服务对象 (consumer)",
    ]
    assert [pk for pk, _label in at_session][0] == cast["lead"].pk
    assert [label for _pk, label in rest] == ["壬同伴 (peer)", "辛服务对象 (consumer)"]


def test_withdrawn_and_on_leave_peers_are_not_offered_otherwise(users, community_a, cast):
    offered = {
        pk
        for _heading, options in groups_for(users["doctor"], community_a, cast["plan"])
        for pk, _label in options
    }
    assert cast["on_leave"].pk not in offered
    assert cast["withdrawn"].pk not in offered
    assert cast["withdrawn_assisting"].pk in offered
    # Nor without a session.
    (only,) = groups_for(users["doctor"], community_a)
    names = [label for _pk, label in only[1]]
    assert only[0] == ""
    assert not any(name.startswith(("戊请假", "己退出", "丁退出")) for name in names)
    assert "甲同伴 (peer)" in names and "甲服务对象 (consumer)" in names


def test_scope_holds_even_for_a_stray_attendance(users, community_a, cast):
    for user in (users["peer"], users["doctor"]):
        offered = {
            pk
            for _heading, options in groups_for(user, community_a, cast["plan"])
            for pk, _label in options
        }
        assert cast["foreign"].pk not in offered
    with pytest.raises(ValidationError) as error:
        file_event(
            users["peer"],
            community_a,
            session=cast["plan"],
            occurred_at=local(DAY, 14, 30),
            people_involved=[cast["foreign"]],
        )
    assert "people_involved" in error.value.error_dict


def test_walk_ins_are_offered_and_named_in_the_note(client_for, users, community_a, cast, settings):
    client = client_for(users["peer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    path = f"/emergencies/new/?session={cast['plan'].pk}"
    page = client.get(path)
    form = page.context["form"]
    assert [label for _pk, label in form.fields["walk_ins"].choices] == [
        "张来访 (walk-in from 光华里)"
    ]
    html = page.content.decode()
    assert "At this session" in html and "Others of the community" in html
    assert "李作废" not in html  # a voided line of the list
    response = client.post(
        path,
        {
            "kind": "violence",
            "occurred_at": "2016-03-09T14:30",
            "people_involved": [cast["withdrawn_assisting"].pk, cast["attendee"].pk],
            "walk_ins": [cast["walk_in"].pk],
            "involved_note": "一位家属",
            "description": "两人发生推搡",
            "actions_taken": "分开两人",
            "emergency_services_called": "no",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    event = EmergencyEvent.objects.get()
    assert set(event.people_involved.all()) == {cast["withdrawn_assisting"], cast["attendee"]}
    assert event.involved_note == "张来访 (walk-in from 光华里)\n一位家属"


def test_a_walk_in_of_another_session_is_refused(users, community_a, cast, peer_person_a):
    other = make_session(community_a, users["peer"], day=date(2016, 3, 16), lead=peer_person_a)
    with pytest.raises(ValidationError) as error:
        file_event(
            users["peer"],
            community_a,
            session=other,
            occurred_at=local(date(2016, 3, 16), 14, 30),
            walk_ins=[cast["walk_in"]],
        )
    assert "walk_ins" in error.value.error_dict


def test_an_on_leave_peer_cannot_be_posted_by_hand(client_for, users, community_a, cast):
    client = client_for(users["peer"])
    response = client.post(
        f"/emergencies/new/?session={cast['plan'].pk}",
        {
            "kind": "violence",
            "occurred_at": "2016-03-09T14:30",
            "people_involved": [cast["on_leave"].pk],
            "description": "两人发生推搡",
            "actions_taken": "分开两人",
            "emergency_services_called": "no",
        },
    )
    assert response.status_code == 200
    assert "people_involved" in response.context["form"].errors
    assert not EmergencyEvent.objects.exists()


def test_without_walk_ins_there_is_no_walk_in_field(client_for, users, community_a, cast):
    page = client_for(users["peer"]).get("/emergencies/new/")
    assert "walk_ins" not in page.context["form"].fields
