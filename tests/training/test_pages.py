"""The training pages: curriculum, rounds, sessions and attendance, with every error in one
round, no lost updates and no 500 on junk."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.notifications.models import Notification
from tongban.training.models import (
    TrainingAttendance,
    TrainingRound,
    TrainingSession,
    Workshop,
)
from tongban.training.readiness import missing_workshops, required_workshops

from .helpers import attend, english, make_round, session_of, workshop

DAY = date(2016, 2, 22)


@pytest.fixture
def manager(client_for, users):
    return english(client_for(users["manager"]))


@pytest.fixture
def training_round(community_a):
    return make_round(community_a, name="二〇一六年岗前培训", ends_on=date(2016, 2, 26))


def round_data(community, **overrides) -> dict:
    data = {
        "kind": "pre_service",
        "name": "岗前培训",
        "name_en": "Pre-service training",
        "starts_on": "2016-02-22",
        "ends_on": "2016-02-26",
        "communities": [community.pk],
        "notes": "",
    }
    data.update(overrides)
    return data


# Curriculum --------------------------------------------------------------------------------


def test_the_curriculum_shows_six_workshops_over_five_half_days(client_for, users):
    for username in ("manager", "doctor", "peer"):
        response = english(client_for(users[username])).get(reverse("training:curriculum"))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Handling emergencies" in page and "role play" in page
        assert "900 minutes, 5 half-days" in page
        assert (reverse("training:workshop_create") in page) == (username == "manager")


def test_the_manager_adds_and_edits_a_program_workshop(manager, program, users):
    response = manager.post(
        reverse("training:workshop_create"),
        {
            "name": "药物与副作用",
            "name_en": "Medication and side effects",
            "contents": "常见药物",
            "formats": ["coursework", "role_play"],
            "planned_minutes": "90",
            "position": "7",
            "pre_service": "on",
            "in_use": "on",
        },
    )
    assert response.status_code == 302
    own = Workshop.objects.get(program=program)
    assert own.formats == ["coursework", "role_play"] and own.pre_service
    assert own in required_workshops(program)
    assert own.history.get().history_user == users["manager"]
    page = manager.get(reverse("training:curriculum")).content.decode()
    assert "Medication and side effects" in page and "990 minutes" in page
    edit = reverse("training:workshop_edit", args=[own.pk])
    form = manager.get(edit).context["form"]
    data = {**form.initial, "planned_minutes": "120", "pre_service": ""}
    data["formats"] = ["coursework"]
    data = {k: v for k, v in data.items() if v not in (None, False)}
    assert manager.post(edit, data).status_code == 302
    own.refresh_from_db()
    assert own.planned_minutes == 120 and not own.pre_service
    assert own not in required_workshops(program)


def test_standard_workshops_are_read_only(manager, client_for, users, program):
    standard = required_workshops(program).first()
    assert manager.get(reverse("training:workshop_edit", args=[standard.pk])).status_code == 404
    for username in ("psychiatrist", "psychologist", "doctor", "peer"):
        client = client_for(users[username])
        assert client.get(reverse("training:workshop_create")).status_code == 403


def test_the_workshop_form_shows_every_error_at_once(manager, program):
    Workshop.objects.create(program=program, code="x", name="已有的", planned_minutes=30)
    response = manager.post(
        reverse("training:workshop_create"),
        {"name": "", "planned_minutes": "0", "formats": ["juggling"], "position": "-1"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "planned_minutes", "formats", "position"} <= set(errors)
    response = manager.post(
        reverse("training:workshop_create"), {"name": "已有的", "planned_minutes": "30"}
    )
    assert "already has a workshop" in response.context["form"].errors["name"][0]


def test_a_workshop_edit_from_an_old_version_is_refused(manager, program):
    own = Workshop.objects.create(program=program, code="own", name="自己的", planned_minutes=30)
    edit = reverse("training:workshop_edit", args=[own.pk])
    version = manager.get(edit).context["form"].initial["version"]
    own.planned_minutes = 45
    own.save()
    response = manager.post(
        edit, {"name": "改名", "planned_minutes": "60", "version": version, "in_use": "on"}
    )
    assert response.status_code == 200 and response.context["conflict"]
    own.refresh_from_db()
    assert own.name == "自己的" and own.planned_minutes == 45


# Rounds ------------------------------------------------------------------------------------


def test_a_trainer_creates_a_round_in_their_communities(
    client_for, users, community_a, community_b, program
):
    client = english(client_for(users["psychologist"]))
    form = client.get(reverse("training:round_create")).context["form"]
    assert list(form.fields["communities"].queryset) == [community_a]
    trainers = set(form.fields["trainers"].queryset)
    assert trainers == {users["psychiatrist"], users["psychologist"]}
    data = round_data(community_a, trainers=[users["psychiatrist"].pk])
    # A community outside their scope is not a choice.
    response = client.post(
        reverse("training:round_create"), {**data, "communities": [community_b.pk]}
    )
    assert response.status_code == 200 and "communities" in response.context["form"].errors
    response = client.post(reverse("training:round_create"), data)
    assert response.status_code == 302
    created = TrainingRound.objects.get()
    assert list(created.communities.all()) == [community_a]
    assert list(created.trainers.all()) == [users["psychiatrist"]]
    assert created.created_by == users["psychologist"]


def test_the_round_form_shows_every_error_at_once(manager, community_a, users):
    response = manager.post(
        reverse("training:round_create"),
        {
            "kind": "weekly",
            "name": "",
            "starts_on": "2016-02-26",
            "ends_on": "2016-02-22",
            "communities": [],
            "trainers": [users["doctor"].pk],
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"kind", "name", "ends_on", "communities", "trainers"} <= set(errors)
    assert not TrainingRound.objects.exists()


def test_junk_posts_never_answer_500(manager, training_round, community_a, program):
    session = session_of(training_round, workshop(program, "concept"))
    junk = {
        "kind": "²",
        "starts_on": "9999-99-99",
        "ends_on": "0000-01-01",
        "communities": ["²", "9" * 20, "x"],
        "trainers": ["٣"],
        "co_presenters": ["-1"],
        "workshop": "9" * 20,
        "held_on": "2016-02-30",
        "starts_at": "25:00",
        "ends_at": "x",
        "people": ["²", "x", "9" * 20],
        "version": "9" * 30,
        "planned_minutes": "99999999999999999999",
        "formats": ["²"],
    }
    urls = [
        reverse("training:round_create"),
        reverse("training:round_edit", args=[training_round.pk]),
        reverse("training:session_create", args=[training_round.pk]),
        reverse("training:session_edit", args=[session.pk]),
        reverse("training:session_detail", args=[session.pk]),
        reverse("training:workshop_create"),
    ]
    for url in urls:
        response = manager.post(url, junk)
        assert response.status_code == 200, url
        assert response.context["form"].errors, url


def test_a_round_edit_keeps_communities_outside_the_scope(
    client_for, users, community_a, community_b
):
    both = make_round(community_a, name="两个社区")
    both.communities.add(community_b)
    client = english(client_for(users["psychologist"]))
    edit = reverse("training:round_edit", args=[both.pk])
    form = client.get(edit).context["form"]
    data = round_data(community_a, name="两个社区（改）", version=form.initial["version"])
    assert client.post(edit, data).status_code == 302
    both.refresh_from_db()
    assert both.name == "两个社区（改）"
    assert set(both.communities.all()) == {community_a, community_b}


def test_a_round_edit_from_an_old_version_is_refused(manager, training_round, community_a):
    edit = reverse("training:round_edit", args=[training_round.pk])
    version = manager.get(edit).context["form"].initial["version"]
    training_round.name = "别人改的"
    training_round.save()
    response = manager.post(edit, round_data(community_a, name="我改的", version=version))
    assert response.status_code == 200 and response.context["conflict"]
    training_round.refresh_from_db()
    assert training_round.name == "别人改的"


def test_round_dates_cannot_leave_a_session_out(manager, training_round, community_a, program):
    session_of(training_round, workshop(program, "concept"), on=date(2016, 2, 25))
    edit = reverse("training:round_edit", args=[training_round.pk])
    version = manager.get(edit).context["form"].initial["version"]
    response = manager.post(edit, round_data(community_a, ends_on="2016-02-23", version=version))
    assert "2016-02-25" in response.context["form"].errors["ends_on"][0]


# Sessions ----------------------------------------------------------------------------------


def test_adding_a_session_tells_the_round_peers_with_accounts(
    manager, users, training_round, community_a, community_b, program
):
    second = make_person("另一同伴", community=community_a, role="peer")
    make_user("second-peer", Role.PEER, person=second)
    # No account: not told. Another community's peer: not told.
    make_person("无账号同伴", community=community_a, role="peer")
    elsewhere = make_person("乙同伴", community=community_b, role="peer")
    make_user("peer-b", Role.PEER, person=elsewhere)
    response = manager.post(
        reverse("training:session_create", args=[training_round.pk]),
        {"workshop": workshop(program, "concept").pk, "held_on": "2016-02-22"},
        follow=True,
    )
    told = Notification.objects.filter(kind=Notification.Kind.TRAINING_SCHEDULED)
    assert {n.recipient.username for n in told} == {"peer", "second-peer"}
    assert {n.subject for n in told} == {"2016-02-22"}
    assert "2 peers were told in the app." in response.content.decode()
    session = TrainingSession.objects.get()
    assert session.created_by == users["manager"]


def test_no_peer_account_is_said_truthfully(manager, community_b, program):
    lonely = make_round(community_b, name="乙社区轮次")
    response = manager.post(
        reverse("training:session_create", args=[lonely.pk]),
        {"workshop": workshop(program, "concept").pk, "held_on": "2016-02-22"},
        follow=True,
    )
    assert "no one was told" in response.content.decode()
    assert not Notification.objects.exists()


def test_session_rules(manager, training_round, community_a, program):
    url = reverse("training:session_create", args=[training_round.pk])
    # Pre-service: a workshop is required (no topic field), within the round's dates.
    response = manager.post(
        url, {"held_on": "2016-03-10", "starts_at": "10:00", "ends_at": "09:00"}
    )
    errors = response.context["form"].errors
    assert {"workshop", "held_on", "ends_at"} <= set(errors)
    assert "topic" not in response.context["form"].fields
    # After the round's end only as a make-up session.
    listening = workshop(program, "listening").pk
    response = manager.post(url, {"workshop": listening, "held_on": "2016-03-10", "make_up": "on"})
    assert response.status_code == 302
    assert TrainingSession.objects.get().make_up
    # Continuing training: a topic instead of a workshop.
    continuing = make_round(community_a, kind="continuing", name="继续培训")
    url = reverse("training:session_create", args=[continuing.pk])
    assert "topic" in manager.post(url, {"held_on": "2016-02-22"}).context["form"].errors
    response = manager.post(url, {"held_on": "2016-02-22", "topic": "同伴的压力"})
    assert response.status_code == 302
    assert TrainingSession.objects.filter(topic="同伴的压力").exists()


def test_a_session_edit_from_an_old_version_is_refused(manager, training_round, program):
    session = session_of(training_round, workshop(program, "concept"))
    edit = reverse("training:session_edit", args=[session.pk])
    version = manager.get(edit).context["form"].initial["version"]
    session.held_on = date(2016, 2, 23)
    session.save()
    response = manager.post(
        edit,
        {"workshop": session.workshop_id, "held_on": "2016-02-24", "version": version},
    )
    assert response.status_code == 200 and response.context["conflict"]
    session.refresh_from_db()
    assert session.held_on == date(2016, 2, 23)


def test_voiding_a_session_stops_it_counting(manager, training_round, community_a, program):
    trainee = make_person("受训者", community=community_a, role="peer")
    program.training_records_from = program.started_on
    program.save()
    sessions = [session_of(training_round, w) for w in required_workshops(program)]
    for session in sessions:
        attend(session, trainee)
    assert missing_workshops(trainee, program=program, on=DAY) == []
    void = reverse("training:session_void", args=[sessions[0].pk])
    assert manager.post(void, {"reason": ""}).status_code == 200
    assert manager.post(void, {"reason": "没有举行"}).status_code == 302
    sessions[0].refresh_from_db()
    assert sessions[0].is_voided and sessions[0].void_reason == "没有举行"
    assert missing_workshops(trainee, program=program, on=DAY) == [sessions[0].workshop]
    # A voided session's page shows no checklist, and its edit page sends back.
    assert (
        manager.get(reverse("training:session_detail", args=[sessions[0].pk])).context["form"]
        is None
    )
    assert manager.get(reverse("training:session_edit", args=[sessions[0].pk])).status_code == 302


# Attendance --------------------------------------------------------------------------------


def test_attendance_is_a_checklist_saved_at_once(
    manager, users, training_round, community_a, community_b, program, peer_person_a
):
    second = make_person("甲同伴二", community=community_a, role="peer")
    make_person("甲服务对象二", community=community_a)  # not a peer: not offered
    make_person("乙同伴", community=community_b, role="peer")  # not of the round
    session = session_of(training_round, workshop(program, "concept"))
    url = reverse("training:session_detail", args=[session.pk])
    form = manager.get(url).context["form"]
    assert [p.name for p in form.choices] == ["甲同伴", "甲同伴二"]
    response = manager.post(url, {"people": [peer_person_a.pk, second.pk]}, follow=True)
    assert "2 peers added" in response.content.decode()
    rows = TrainingAttendance.objects.current().filter(session=session)
    assert {r.person for r in rows} == {peer_person_a, second}
    assert {r.recorded_by for r in rows} == {users["manager"]}
    # Unticking voids the row with the reason; the history keeps both saves.
    response = manager.post(url, {"people": [second.pk], "reason": "记错了"}, follow=True)
    assert "1 peer removed" in response.content.decode()
    removed = TrainingAttendance.objects.get(session=session, person=peer_person_a)
    assert removed.is_voided and removed.void_reason == "记错了"
    assert removed.voided_by == users["manager"]
    history = list(removed.history.order_by("history_id"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert all(h.history_user == users["manager"] for h in history)
    assert history[-1].voided_at is not None
    # Ticked again: a new current row, the voided one stays.
    manager.post(url, {"people": [peer_person_a.pk, second.pk]})
    assert TrainingAttendance.objects.filter(session=session, person=peer_person_a).count() == 2
    assert "记错了" in manager.get(url).content.decode()


def test_unticking_without_a_reason_says_so(manager, training_round, program, peer_person_a):
    session = session_of(training_round, workshop(program, "concept"))
    attend(session, peer_person_a)
    manager.post(reverse("training:session_detail", args=[session.pk]), {"people": []})
    row = TrainingAttendance.objects.get(person=peer_person_a)
    assert row.is_voided and row.void_reason == "Unticked on the attendance list."


def test_attendance_waits_for_the_session_day(manager, community_a, program, peer_person_a):
    later = make_round(community_a, starts_on=date(2099, 1, 5))
    session = session_of(later, workshop(program, "concept"))
    url = reverse("training:session_detail", args=[session.pk])
    response = manager.get(url)
    assert "has not taken place yet" in response.content.decode()
    response = manager.post(url, {"people": [peer_person_a.pk]})
    assert response.status_code == 200
    assert "2099-01-05" in " ".join(response.context["form"].non_field_errors())
    assert not TrainingAttendance.objects.exists()


def test_the_readers_see_attendance_but_cannot_change_it(
    client_for, users, training_round, program, peer_person_a
):
    session = session_of(training_round, workshop(program, "concept"))
    attend(session, peer_person_a)
    url = reverse("training:session_detail", args=[session.pk])
    for username in ("doctor", "socialworker", "research"):
        client = client_for(users[username])
        response = client.get(url)
        assert response.status_code == 200 and response.context["form"] is None
        assert "甲同伴" in response.content.decode()
        assert client.post(url, {"people": []}).status_code == 403
    assert TrainingAttendance.objects.current().count() == 1
