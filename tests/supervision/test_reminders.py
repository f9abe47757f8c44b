"""Unanswered requests remind the doctor and, when urgent, go to the psychologists: each
step once, by the program's settings. Time is passed in (`now=`), never frozen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.core.concurrency import current_version
from tongban.notifications.context_processors import REMINDERS_KEY
from tongban.notifications.models import Notification
from tongban.supervision import request_services as services
from tongban.supervision.models import SupervisionRequest, SupportSettings

from .request_fixtures import ask, kinds_for

Kind = Notification.Kind
URGENT = SupervisionRequest.Urgency.URGENT
ROUTINE = SupervisionRequest.Urgency.ROUTINE


@pytest.fixture(autouse=True)
def fresh_reminder_gate():
    """The lazy run happens at most once a minute per process: each test starts afresh."""
    cache.delete(REMINDERS_KEY)
    yield
    cache.delete(REMINDERS_KEY)


def later(request, **delta):
    return request.asked_at + timedelta(**delta)


def reminders(user) -> list[str]:
    return [kind for kind in kinds_for(user) if kind != Kind.SUPERVISION_ASKED]


def test_urgent_before_the_reminder_time_nothing(users, community_a):
    request = ask(users, community_a, urgency=URGENT)
    done = services.supervision_requests_remind(now=later(request, hours=1, minutes=59))
    assert not done
    request.refresh_from_db()
    assert request.reminded_at is None and request.escalated_at is None
    assert reminders(users["doctor"]) == []


def test_urgent_at_the_reminder_time_the_doctor_once(users, community_a):
    request = ask(users, community_a, urgency=URGENT)
    at = later(request, hours=2)
    done = services.supervision_requests_remind(now=at)
    assert done.reminded == [request] and done.escalated == []
    request.refresh_from_db()
    assert request.reminded_at == at
    assert reminders(users["doctor"]) == [Kind.SUPERVISION_REMINDER]
    # Not twice.
    assert not services.supervision_requests_remind(now=later(request, hours=3))
    assert reminders(users["doctor"]) == [Kind.SUPERVISION_REMINDER]
    assert reminders(users["psychologist"]) == []


def test_urgent_after_the_escalation_time_the_psychologist_once(users, community_a):
    request = ask(users, community_a, urgency=URGENT)
    services.supervision_requests_remind(now=later(request, hours=2))
    assert not services.supervision_requests_remind(now=later(request, hours=7, minutes=59))
    at = later(request, hours=8)
    done = services.supervision_requests_remind(now=at)
    assert done.escalated == [request] and done.reminded == []
    request.refresh_from_db()
    assert request.escalated_at == at
    assert reminders(users["psychologist"]) == [Kind.SUPERVISION_ESCALATED]
    notification = Notification.objects.get(recipient=users["psychologist"])
    assert notification.subject == community_a.name
    assert notification.url == f"/supervision/requests/{request.pk}/"
    # Not the psychiatrist (there is a psychologist), not the doctor again; and never twice.
    assert reminders(users["psychiatrist"]) == []
    assert reminders(users["doctor"]) == [Kind.SUPERVISION_REMINDER]
    assert not services.supervision_requests_remind(now=later(request, days=3))
    assert reminders(users["psychologist"]) == [Kind.SUPERVISION_ESCALATED]


def test_a_missed_reminder_run_sends_both_at_once(users, community_a):
    request = ask(users, community_a, urgency=URGENT)
    done = services.supervision_requests_remind(now=later(request, hours=9))
    assert done.reminded == [request] and done.escalated == [request]
    assert reminders(users["doctor"]) == [Kind.SUPERVISION_REMINDER]
    assert reminders(users["psychologist"]) == [Kind.SUPERVISION_ESCALATED]


def test_without_a_psychologist_the_psychiatrist(users, community_a, community_b):
    users["psychologist"].communities.set([community_b])
    request = ask(users, community_a, urgency=URGENT)
    services.supervision_requests_remind(now=later(request, hours=8))
    assert reminders(users["psychiatrist"]) == [Kind.SUPERVISION_ESCALATED]
    assert reminders(users["psychologist"]) == []


def test_every_psychologist_of_the_community(users, community_a, community_b):
    second = make_user("psychologist2", Role.CLINICAL_PSYCHOLOGIST, [community_a])
    elsewhere = make_user("psychologist-b", Role.CLINICAL_PSYCHOLOGIST, [community_b])
    request = ask(users, community_a, urgency=URGENT)
    services.supervision_requests_remind(now=later(request, hours=8))
    assert reminders(users["psychologist"]) == [Kind.SUPERVISION_ESCALATED]
    assert reminders(second) == [Kind.SUPERVISION_ESCALATED]
    assert reminders(elsewhere) == []


def test_routine_reminds_the_doctor_once_and_never_escalates(users, community_a):
    request = ask(users, community_a, urgency=ROUTINE)
    assert not services.supervision_requests_remind(now=later(request, hours=71, minutes=59))
    done = services.supervision_requests_remind(now=later(request, hours=72))
    assert done.reminded == [request]
    assert not services.supervision_requests_remind(now=later(request, days=30))
    assert reminders(users["doctor"]) == [Kind.SUPERVISION_REMINDER]
    assert reminders(users["psychologist"]) == []
    request.refresh_from_db()
    assert request.escalated_at is None


def test_the_programs_settings_count(users, community_a, program):
    SupportSettings.objects.create(
        program=program,
        urgent_reminder_hours=1,
        urgent_escalation_hours=3,
        routine_reminder_hours=24,
    )
    urgent = ask(users, community_a, urgency=URGENT)
    routine = ask(users, community_a, urgency=ROUTINE, topic="另一个问题")
    done = services.supervision_requests_remind(now=later(urgent, hours=1))
    assert done.reminded == [urgent]
    done = services.supervision_requests_remind(now=later(urgent, hours=3))
    assert done.escalated == [urgent]
    done = services.supervision_requests_remind(now=later(routine, hours=24))
    assert done.reminded == [routine]


def test_answered_requests_never_remind(users, community_a):
    request = ask(users, community_a, urgency=URGENT)
    services.supervision_request_answer(
        request=request,
        by=users["doctor"],
        answer="好的",
        answered_how="phone",
        version=current_version(request),
    )
    assert not services.supervision_requests_remind(now=later(request, days=10))
    assert reminders(users["doctor"]) == []
    assert reminders(users["psychologist"]) == []


def test_voided_requests_never_remind(users, community_a):
    request = ask(users, community_a, urgency=URGENT)
    services.supervision_request_void(request=request, by=users["peer"], reason="发错了")
    assert not services.supervision_requests_remind(now=later(request, days=10))
    assert reminders(users["doctor"]) == []
    assert reminders(users["psychologist"]) == []


def test_a_closed_doctor_account_reminds_the_communitys_doctors(users, community_a):
    second = make_user("doctor2", Role.COMMUNITY_DOCTOR, [community_a])
    request = ask(users, community_a, urgency=URGENT)
    users["doctor"].is_active = False
    users["doctor"].save()
    services.supervision_requests_remind(now=later(request, hours=2))
    assert reminders(second) == [Kind.SUPERVISION_REMINDER]


def test_the_management_command_runs_both_jobs(users, community_a, capsys, monkeypatch):
    from tongban.supervision import wellbeing_services

    called = {}

    def missed(*, today=None):
        called["today"] = today
        return []

    monkeypatch.setattr(wellbeing_services, "wellbeing_alert_missed", missed)
    request = ask(users, community_a, urgency=URGENT)
    SupervisionRequest.objects.filter(pk=request.pk).update(
        asked_at=request.asked_at - timedelta(hours=3)
    )
    call_command("supervision_reminders")
    assert "reminded 1" in capsys.readouterr().out
    assert called["today"] is not None
    assert reminders(users["doctor"]) == [Kind.SUPERVISION_REMINDER]


def test_a_page_view_reminds_lazily_at_most_once_a_minute(users, community_a, client_for):
    request = ask(users, community_a, urgency=URGENT)
    SupervisionRequest.objects.filter(pk=request.pk).update(
        asked_at=request.asked_at - timedelta(hours=3)
    )
    client = client_for(users["manager"])
    cache.set(REMINDERS_KEY, 1, 60)  # another request ran the job a moment ago
    assert client.get("/").status_code == 200
    assert reminders(users["doctor"]) == []
    cache.delete(REMINDERS_KEY)  # the minute is over
    assert client.get("/").status_code == 200
    assert reminders(users["doctor"]) == [Kind.SUPERVISION_REMINDER]


def test_a_failing_job_never_fails_the_page(users, community_a, client_for, monkeypatch):
    request = ask(users, community_a, urgency=URGENT)
    SupervisionRequest.objects.filter(pk=request.pk).update(
        asked_at=request.asked_at - timedelta(hours=3)
    )

    def broken(**_kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(services, "supervision_requests_remind", broken)
    assert client_for(users["doctor"]).get("/").status_code == 200


def test_the_badge_still_costs_one_query(users, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["doctor"])
    with CaptureQueriesContext(connection) as context:
        client.get("/notifications/")
    badge = [q["sql"] for q in context.captured_queries if "emergencies_emergencyevent" in q["sql"]]
    assert len(badge) == 1
    assert "supervision_supervisionrequest" in badge[0]
