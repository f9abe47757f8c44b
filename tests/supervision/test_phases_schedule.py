"""Support phases and the group supervision schedule: six-weekly dates from the later
phase, none in the first phase unless it has an interval, phase changes switch the rhythm,
the program's end stops them; reads never write; the settings page and its edits."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.supervision import meeting_services as services
from tongban.supervision import phases
from tongban.supervision.models import SocialWorkerAssignment, SupportPhase, SupportSettings


def in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


# --- Arithmetic ------------------------------------------------------------------------------


def test_default_phases_are_read_without_writing(program):
    known = phases.phases(program)
    assert [(p.kind, p.starts_on, p.ends_on) for p in known] == [
        ("first", date(2013, 7, 1), date(2014, 6, 30)),
        ("later", date(2014, 7, 1), None),
    ]
    assert known[0].guidance_every_session and known[0].group_every_days == 0
    assert not SupportPhase.objects.exists()
    assert not SupportSettings.objects.exists()


def test_six_weekly_dates_from_the_later_phase(program):
    dates = phases.group_dates(program, until=date(2014, 12, 31))
    assert dates == [
        date(2014, 7, 1),
        date(2014, 8, 12),
        date(2014, 9, 23),
        date(2014, 11, 4),
        date(2014, 12, 16),
    ]
    # None in the first phase (its interval is 0).
    assert not phases.group_dates(program, until=date(2014, 6, 30))
    # `since` trims the start, never shifts the rhythm.
    assert phases.group_dates(program, since=date(2014, 8, 13), until=date(2014, 11, 4)) == [
        date(2014, 9, 23),
        date(2014, 11, 4),
    ]


def test_a_first_phase_with_an_interval_proposes_dates(program):
    phases.support_phases_ensure(program=program)
    first = SupportPhase.objects.get(program=program, kind="first")
    first.group_every_days = 90
    first.save()
    dates = phases.group_dates(program, until=date(2014, 8, 31))
    assert dates == [
        date(2013, 7, 1),
        date(2013, 9, 29),
        date(2013, 12, 28),
        date(2014, 3, 28),
        date(2014, 6, 26),
        date(2014, 7, 1),
        date(2014, 8, 12),
    ]


def test_a_phase_change_switches_the_rhythm_and_the_end_stops_it(program, users):
    services.support_phase_create(
        program=program,
        kind="later",
        starts_on=date(2015, 1, 1),
        guidance_every_session=False,
        group_every_days=28,
        by=users["manager"],
    )
    # The defaults were stored first, so the change keeps them.
    assert SupportPhase.objects.filter(program=program).count() == 3
    dates = phases.group_dates(program, since=date(2014, 12, 1), until=date(2015, 3, 1))
    assert dates == [date(2014, 12, 16), date(2015, 1, 1), date(2015, 1, 29), date(2015, 2, 26)]
    program.ended_on = date(2015, 2, 1)
    program.save()
    dates = phases.group_dates(program, since=date(2014, 12, 1), until=date(2015, 12, 31))
    assert dates == [date(2014, 12, 16), date(2015, 1, 1), date(2015, 1, 29)]
    # A phase change with no group supervision stops the proposals from its day.
    program.ended_on = None
    program.save()
    services.support_phase_create(
        program=program,
        kind="later",
        starts_on=date(2015, 2, 1),
        guidance_every_session=False,
        group_every_days=0,
        by=users["manager"],
    )
    assert phases.group_dates(program, since=date(2015, 2, 1), until=date(2016, 1, 1)) == []


def test_phase_errors_all_at_once(program):
    program.ended_on = date(2016, 12, 31)
    errors = services.support_phase_errors(
        program=program, kind="middle", starts_on=date(2012, 1, 1), group_every_days=3
    )
    assert set(errors) == {"kind", "starts_on", "group_every_days"}
    errors = services.support_phase_errors(
        program=program, kind="later", starts_on=date(2017, 1, 1), group_every_days=400
    )
    assert set(errors) == {"starts_on", "group_every_days"}


def test_the_only_phase_cannot_be_removed(program, users):
    phases.support_phases_ensure(program=program)
    later = SupportPhase.objects.get(program=program, kind="later")
    services.support_phase_delete(phase=later, by=users["manager"])
    only = SupportPhase.objects.get(program=program)
    with pytest.raises(ValidationError, match="only phase"), translation.override("en"):
        services.support_phase_delete(phase=only, by=users["manager"])


# --- The settings page -----------------------------------------------------------------------


def test_settings_page_shows_the_defaults_and_others_read(client_for, users, program):
    response = client_for(in_english(users["doctor"])).get(reverse("supervision:support_settings"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2013-07-01" in page and "2014-07-01" in page
    assert "every 42 days" in page
    assert reverse("supervision:phase_create") not in page
    assert not SupportPhase.objects.exists()
    # Only the manager changes them.
    assert client_for(users["doctor"]).get(reverse("supervision:phase_create")).status_code == 403
    assert client_for(users["peer"]).get(reverse("supervision:support_settings")).status_code == 403


def test_manager_adds_edits_and_removes_a_phase_change(client_for, users, program):
    client = client_for(in_english(users["manager"]))
    response = client.post(
        reverse("supervision:phase_create"),
        {"kind": "later", "starts_on": "2016-03-01", "group_every_days": "28"},
    )
    assert response.status_code == 302
    phase = SupportPhase.objects.get(program=program, starts_on=date(2016, 3, 1))
    assert phase.group_every_days == 28 and not phase.guidance_every_session
    url = reverse("supervision:phase_edit", args=[phase.pk])
    form = client.get(url).context["form"]
    version = form.initial["version"]
    data = {
        "kind": "later",
        "starts_on": "2016-03-01",
        "group_every_days": "35",
        "version": version,
    }
    assert client.post(url, data).status_code == 302
    phase.refresh_from_db()
    assert phase.group_every_days == 35
    # The same old version again: refused, nothing saved.
    response = client.post(url, {**data, "group_every_days": "21"})
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    phase.refresh_from_db()
    assert phase.group_every_days == 35
    # Every error at once.
    response = client.post(
        reverse("supervision:phase_create"),
        {"kind": "x", "starts_on": "2001-01-01", "group_every_days": "3"},
    )
    assert set(response.context["form"].errors) == {"kind", "starts_on", "group_every_days"}
    assert client.post(reverse("supervision:phase_delete", args=[phase.pk])).status_code == 302
    assert not SupportPhase.objects.filter(pk=phase.pk).exists()
    # Audit: the history keeps the change and its removal.
    assert [h.history_type for h in SupportPhase.history.filter(id=phase.pk)] == ["-", "~", "+"]


def test_manager_edits_the_settings(client_for, users, program):
    client = client_for(in_english(users["manager"]))
    url = reverse("supervision:support_settings_edit")
    response = client.post(
        url,
        {
            "urgent_reminder_hours": "8",
            "urgent_escalation_hours": "4",
            "routine_reminder_hours": "0",
            "checkin_every_days": "99",
            "missed_checkins_alert": "x",
            "group_question_hours": "6",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "urgent_escalation_hours",
        "routine_reminder_hours",
        "checkin_every_days",
        "missed_checkins_alert",
    }
    data = {
        "urgent_reminder_hours": "3",
        "urgent_escalation_hours": "10",
        "routine_reminder_hours": "48",
        "checkin_every_days": "21",
        "missed_checkins_alert": "2",
        "group_question_hours": "6",
        "version": "0",
    }
    assert client.post(url, data).status_code == 302
    row = SupportSettings.objects.get(program=program)
    assert (row.urgent_escalation_hours, row.checkin_every_days) == (10, 21)
    assert row.group_question_hours == 6
    assert row.history.count() == 1


def test_social_worker_added_to_a_community_sees_it(client_for, users, program, community_b):
    worker = make_user("new-sw", Role.SOCIAL_WORKER, [users["socialworker"].communities.get()])
    client = client_for(in_english(users["manager"]))
    url = reverse("supervision:social_worker_create")
    response = client.post(
        url, {"community": community_b.pk, "user": users["doctor"].pk, "starts_on": "2016-03-01"}
    )
    assert "user" in response.context["form"].errors
    response = client.post(
        url,
        {
            "community": community_b.pk,
            "user": worker.pk,
            "starts_on": "2016-03-01",
            "ends_on": "2016-01-01",
        },
    )
    assert "ends_on" in response.context["form"].errors
    response = client.post(
        url, {"community": community_b.pk, "user": worker.pk, "starts_on": "2016-03-01"}
    )
    assert response.status_code == 302
    assignment = SocialWorkerAssignment.objects.get(user=worker)
    assert assignment.community == community_b
    assert worker.communities.filter(pk=community_b.pk).exists()
    # Twice for the same time: refused.
    response = client.post(
        url, {"community": community_b.pk, "user": worker.pk, "starts_on": "2017-03-01"}
    )
    assert "starts_on" in response.context["form"].errors
    # End it.
    end_url = reverse("supervision:social_worker_end", args=[assignment.pk])
    version = client.get(end_url).context["form"].initial["version"]
    assert client.post(end_url, {"ends_on": "2018-01-31", "version": version}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == date(2018, 1, 31)
    assert assignment.history.count() == 2


def test_every_page_renders_for_the_manager(client_for, users, program, community_a):
    from tongban.supervision.models import SupervisionAction, SupervisionMeeting

    client = client_for(in_english(users["manager"]))
    services.support_phase_create(
        program=program,
        kind="later",
        starts_on=date(2016, 3, 1),
        guidance_every_session=False,
        group_every_days=42,
        by=users["manager"],
    )
    phase = SupportPhase.objects.get(starts_on=date(2016, 3, 1))
    assignment = services.social_worker_assign(
        program=program,
        community=community_a,
        user=users["socialworker"],
        starts_on=date(2016, 3, 1),
        by=users["manager"],
    )
    meeting = services.meeting_confirm(
        program=program,
        proposed_on=date(2014, 7, 1),
        held_on=date(2014, 7, 1),
        starts_at=None,
        place="",
        communities=[community_a],
        by=users["manager"],
    ).meeting
    action = SupervisionAction.objects.create(
        meeting=meeting, text="x", owner=users["doctor"], due_on=date(2014, 8, 1)
    )
    urls = [
        reverse("supervision:support_settings"),
        reverse("supervision:support_settings_edit"),
        reverse("supervision:phase_create"),
        reverse("supervision:phase_edit", args=[phase.pk]),
        reverse("supervision:phase_delete", args=[phase.pk]),
        reverse("supervision:social_worker_create"),
        reverse("supervision:social_worker_end", args=[assignment.pk]),
        reverse("supervision:meeting_schedule") + "?year=2014",
        reverse("supervision:meeting_confirm") + "?on=2014-08-12",
        reverse("supervision:proposal_cancel") + "?on=2014-08-12",
        reverse("supervision:meeting_detail", args=[meeting.pk]),
        reverse("supervision:meeting_move", args=[meeting.pk]),
        reverse("supervision:meeting_cancel", args=[meeting.pk]),
        reverse("supervision:meeting_record", args=[meeting.pk]),
        reverse("supervision:meeting_void", args=[meeting.pk]),
        reverse("supervision:action_list"),
        reverse("supervision:action_list") + "?show=all&closed=on",
        reverse("supervision:action_done", args=[action.pk]),
        reverse("supervision:action_cancel", args=[action.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    assert SupervisionMeeting.objects.count() == 1
