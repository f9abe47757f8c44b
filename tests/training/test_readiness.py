"""Readiness to lead at every missing piece, and its effect on who may lead a session
(the plan service and the Activity Plan Form)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.activities.conftest import DAY, plan_fields
from tests.conftest import make_person
from tongban.activities import rules
from tongban.activities import services as activity_services
from tongban.activities.models import ActivityPlan
from tongban.registry.models import Community, Program
from tongban.training import readiness
from tongban.training.models import Workshop
from tongban.training.standard import STANDARD_WORKSHOPS

from .helpers import attend, english, make_round, session_of, train_all_but, workshop

CODES = [row[0] for row in STANDARD_WORKSHOPS]
ENGLISH_NAMES = {row[0]: row[2] for row in STANDARD_WORKSHOPS}


@pytest.fixture(autouse=True)
def records_required(program):
    """The fixtures' peers are enrolled as before Tongban's records: from the program's
    start their training must be recorded to lead."""
    program.training_records_from = program.started_on
    program.save()


@pytest.fixture
def venue_a(community_a):
    return community_a.venues.get()


@pytest.fixture
def trainee(community_a):
    return make_person("新同伴", community=community_a, role="peer")


def ready(person, community, on=DAY) -> bool:
    return rules.peers_ready_to_lead(community, on).filter(pk=person.pk).exists()


def missing_codes(person, program, on=DAY) -> list[str]:
    return [w.code for w in readiness.missing_workshops(person, program=program, on=on)]


# The rule ----------------------------------------------------------------------------------


def test_nothing_attended_misses_all_six(trainee, community_a, program):
    assert missing_codes(trainee, program) == CODES
    assert not ready(trainee, community_a)


def test_every_workshop_attended_is_ready(trainee, community_a, program):
    train_all_but(trainee, community_a)
    assert missing_codes(trainee, program) == []
    assert ready(trainee, community_a)


@pytest.mark.parametrize("code", CODES)
def test_each_missing_workshop_is_named(code, trainee, community_a, program, users, venue_a):
    train_all_but(trainee, community_a, code)
    assert missing_codes(trainee, program) == [code]
    assert not ready(trainee, community_a)
    with translation.override("en"):
        reason = rules.not_ready_reason(trainee, community_a, DAY)
        assert reason == f"Still missing: {ENGLISH_NAMES[code]} workshop"
        # The plan service refuses them as lead, naming the workshop.
        with pytest.raises(ValidationError) as error:
            activity_services.plan_create(
                by=users["manager"], community=community_a, fields=plan_fields(venue_a, trainee)
            )
        assert error.value.error_dict["lead_peer"][0].messages == [reason]
    assert not ActivityPlan.objects.exists()


def test_chinese_pages_name_the_workshop_in_chinese(trainee, community_a):
    train_all_but(trainee, community_a, "emergencies")
    with translation.override("zh-hans"):
        # The workshop's name is program data; the words around it come from the catalogue
        # ("还差：处理紧急情况 工作坊" once translated).
        assert "处理紧急情况" in rules.not_ready_reason(trainee, community_a, DAY)


def test_a_make_up_session_counts_like_the_original(trainee, community_a, program):
    training_round = train_all_but(trainee, community_a, "listening")
    assert missing_codes(trainee, program) == ["listening"]
    make_up = session_of(
        training_round, workshop(program, "listening"), on=date(2016, 3, 1), make_up=True
    )
    attend(make_up, trainee)
    assert missing_codes(trainee, program) == []
    assert ready(trainee, community_a)


def test_a_make_up_in_another_round_counts_too(trainee, community_a, program):
    train_all_but(trainee, community_a, "record_forms")
    later = make_round(community_a, name="补课", starts_on=date(2016, 3, 2))
    attend(session_of(later, workshop(program, "record_forms"), make_up=True), trainee)
    assert ready(trainee, community_a)


def test_a_voided_attendance_does_not_count(trainee, community_a, program, users):
    train_all_but(trainee, community_a)
    row = trainee.training_attendance.get(session__workshop__code="principles")
    row.void(by=users["manager"], reason="录错了人")
    assert missing_codes(trainee, program) == ["principles"]
    assert not ready(trainee, community_a)


def test_a_voided_session_does_not_count(trainee, community_a, program, users):
    training_round = train_all_but(trainee, community_a)
    training_round.sessions.get(workshop__code="concept").void(
        by=users["manager"], reason="没有举行"
    )
    assert missing_codes(trainee, program) == ["concept"]
    assert not ready(trainee, community_a)


def test_a_session_after_the_day_does_not_count(trainee, community_a, program):
    training_round = train_all_but(trainee, community_a, "group_activities")
    late = session_of(
        training_round, workshop(program, "group_activities"), on=DAY.replace(day=10), make_up=True
    )
    attend(late, trainee)
    assert missing_codes(trainee, program, on=DAY) == ["group_activities"]
    assert not ready(trainee, community_a, DAY)
    assert ready(trainee, community_a, DAY.replace(day=10))


def test_another_programs_round_does_not_count(trainee, community_a, program):
    train_all_but(trainee, community_a, "emergencies")
    other = Program.objects.create(
        name="别的项目", slug="other-training", started_on=date(2013, 1, 1)
    )
    elsewhere = Community.objects.create(
        program=other, code="x", name="别处", started_on=date(2013, 1, 1)
    )
    foreign_round = make_round(elsewhere, program=other)
    attend(session_of(foreign_round, workshop(program, "emergencies")), trainee)
    assert missing_codes(trainee, program) == ["emergencies"]
    assert not ready(trainee, community_a)


def test_a_continuing_topic_does_not_replace_a_workshop(trainee, community_a, program):
    train_all_but(trainee, community_a, "emergencies")
    continuing = make_round(community_a, kind="continuing", name="继续培训")
    attend(session_of(continuing, None, topic="处理紧急情况的复习"), trainee)
    assert missing_codes(trainee, program) == ["emergencies"]


def test_before_screening_peers_are_exempt_until_the_date(
    community_a, program, peer_person_a, trainee
):
    # The fixtures enrol peers as before Tongban's records (before_screening=True).
    program.training_records_from = date(2016, 7, 1)
    program.save()
    assert ready(peer_person_a, community_a, DAY)
    assert missing_codes(peer_person_a, program, DAY) == []
    assert readiness.exempt(peer_person_a, program=program, on=DAY)
    on = date(2016, 7, 1)
    assert not readiness.exempt(peer_person_a, program=program, on=on)
    assert missing_codes(peer_person_a, program, on) == CODES
    assert not ready(peer_person_a, community_a, on)
    program.training_records_from = None
    program.save()
    assert ready(peer_person_a, community_a, date(2030, 1, 1))


def test_a_program_workshop_required_before_service_is_needed(trainee, community_a, program):
    train_all_but(trainee, community_a)
    own = Workshop.objects.create(
        program=program, code="own", name="本项目工作坊", planned_minutes=60, position=9
    )
    assert missing_codes(trainee, program) == ["own"]
    own.in_use = False
    own.save()
    assert missing_codes(trainee, program) == []
    own.in_use, own.pre_service = True, False
    own.save()
    assert ready(trainee, community_a)


def test_missing_by_person_asks_twice_whatever_the_number(
    community_a, program, django_assert_num_queries
):
    people = [make_person(f"同伴{i}", community=community_a, role="peer") for i in range(4)]
    train_all_but(people[0], community_a, "concept")
    train_all_but(people[1], community_a)
    with django_assert_num_queries(2):
        found = readiness.missing_by_person([p.pk for p in people], program=program, on=DAY)
    assert [w.code for w in found[people[0].pk]] == ["concept"]
    assert found[people[1].pk] == []
    assert [w.code for w in found[people[2].pk]] == CODES


# Who may lead ------------------------------------------------------------------------------


def test_a_trained_lead_passes_the_plan_service(trainee, community_a, users, venue_a):
    train_all_but(trainee, community_a)
    plan = activity_services.plan_create(
        by=users["manager"], community=community_a, fields=plan_fields(venue_a, trainee)
    )
    assert plan.lead_peer == trainee


def test_editing_a_plan_to_an_untrained_lead_is_refused(
    trainee, community_a, users, venue_a, peer_person_a
):
    train_all_but(peer_person_a, community_a)
    train_all_but(trainee, community_a, "principles", "listening")
    plan = activity_services.plan_create(
        by=users["manager"], community=community_a, fields=plan_fields(venue_a, peer_person_a)
    )
    with translation.override("en"), pytest.raises(ValidationError) as error:
        activity_services.plan_update(
            plan=plan, by=users["manager"], fields=plan_fields(venue_a, trainee)
        )
    (message,) = error.value.error_dict["lead_peer"][0].messages
    assert ENGLISH_NAMES["principles"] in message and ENGLISH_NAMES["listening"] in message
    plan.refresh_from_db()
    assert plan.lead_peer == peer_person_a


def _form_data(venue, lead) -> dict:
    return {
        "planned_on": DAY.isoformat(),
        "planned_start": "14:00",
        "planned_end": "15:30",
        "venue": venue.pk,
        "category": "entertainment",
        "theme": "一起唱歌",
        "aim": "放松",
        "format": "group_discussion",
        "lead_peer": lead.pk,
    }


def test_the_plan_form_refuses_an_untrained_lead_naming_the_workshop(
    client_for, users, community_a, venue_a, trainee, peer_person_a
):
    train_all_but(trainee, community_a, "emergencies")
    train_all_but(peer_person_a, community_a)
    client = english(client_for(users["peer"]))
    url = reverse("activities:plan_create")
    response = client.post(url, _form_data(venue_a, trainee))
    assert response.status_code == 200
    assert response.context["form"].errors["lead_peer"] == [
        "Still missing: Handling emergencies workshop"
    ]
    assert not ActivityPlan.objects.exists()
    response = client.post(url, _form_data(venue_a, peer_person_a))
    assert response.status_code == 302
    assert ActivityPlan.objects.get().lead_peer == peer_person_a


def test_the_lead_choice_marks_peers_not_yet_trained(
    client_for, users, community_a, trainee, peer_person_a
):
    train_all_but(peer_person_a, community_a)
    client = english(client_for(users["peer"]))
    form = client.get(reverse("activities:plan_create") + f"?date={DAY.isoformat()}").context[
        "form"
    ]
    field = form.fields["lead_peer"]
    labels = {person.pk: field.label_from_instance(person) for person in field.offered}
    assert labels[trainee.pk] == "新同伴（not yet trained）"
    assert labels[peer_person_a.pk] == peer_person_a.name
    # Assisting needs no training.
    assisting = form.fields["assisting_peers"]
    assert assisting.label_from_instance(trainee) == "新同伴"


def test_the_readiness_date_is_the_sessions_day(trainee, community_a, users, venue_a):
    """Trained after the session's day: still refused for that day, fine for a later one."""
    train_all_but(trainee, community_a, on=date(2016, 4, 1))
    with pytest.raises(ValidationError):
        activity_services.plan_create(
            by=users["manager"], community=community_a, fields=plan_fields(venue_a, trainee)
        )
    activity_services.plan_create(
        by=users["manager"],
        community=community_a,
        fields=plan_fields(venue_a, trainee, planned_on=date(2016, 4, 6)),
    )
