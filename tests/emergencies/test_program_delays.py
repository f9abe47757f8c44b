"""Two programs in one database: each event escalates after its own program's delay, and
only the people of its program hear of it (issue 8, items 2 and 3)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.emergencies import services
from tongban.emergencies.models import EmergencyEvent
from tongban.notifications import selectors as notification_selectors
from tongban.notifications.models import Notification
from tongban.registry.models import Community, Program, Venue
from tongban.submissions.cycles import for_program
from tongban.submissions.models import Submission

from .conftest import file_event

pytestmark = pytest.mark.django_db

FILED = datetime(2016, 3, 9, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
Kind = Notification.Kind


@pytest.fixture
def quick() -> Program:
    """A program that escalates after 2 hours, with four-week cycles."""
    return Program.objects.create(
        name="快速项目",
        name_en="Quick program",
        slug="quick",
        started_on=date(2014, 1, 6),
        escalation_hours=2,
        cycle_days=28,
        submission_due_days=3,
    )


@pytest.fixture
def community_q(quick) -> Community:
    community = Community.objects.create(
        program=quick, code="quick", name="快社区", name_en="Quick", started_on=date(2014, 1, 6)
    )
    Venue.objects.create(community=community, name="快活动室", kind=Venue.Kind.OTHER)
    return community


@pytest.fixture
def quick_staff(quick, community_q) -> dict:
    return {
        "doctor": make_user("doctor.q", Role.COMMUNITY_DOCTOR, [community_q]),
        "research": make_user("research.q", Role.RESEARCH_ASSISTANT, [community_q]),
        "psychiatrist": make_user("psychiatrist.q", Role.PSYCHIATRIST, programs=[quick]),
        "manager": make_user("manager.q", Role.PROJECT_MANAGER, programs=[quick]),
    }


@pytest.fixture
def both(users, community_a, quick_staff, community_q) -> tuple[EmergencyEvent, EmergencyEvent]:
    """One event in each program, filed at the same moment."""
    with time_machine.travel(FILED, tick=False):
        event_a = file_event(users["peer"], community_a, occurred_at=FILED - timedelta(minutes=5))
        event_q = file_event(
            quick_staff["research"], community_q, occurred_at=FILED - timedelta(minutes=5)
        )
    return event_a, event_q


def received(user, kind: str = Kind.EMERGENCY_ESCALATED) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_each_event_escalates_at_its_own_programs_time(both):
    event_a, event_q = both
    assert event_q.escalates_at == FILED + timedelta(hours=2)
    assert event_a.escalates_at == FILED + timedelta(hours=24)
    overdue = EmergencyEvent.objects.overdue
    assert list(overdue(FILED + timedelta(hours=2) - timedelta(seconds=1))) == []
    assert list(overdue(FILED + timedelta(hours=2))) == [event_q]
    assert list(overdue(FILED + timedelta(hours=24) - timedelta(seconds=1))) == [event_q]
    assert set(overdue(FILED + timedelta(hours=24))) == {event_a, event_q}


def test_escalation_tells_only_the_events_programs_psychiatrist(both, users, quick_staff):
    event_a, event_q = both
    two_hours = FILED + timedelta(hours=2, minutes=1)
    with time_machine.travel(two_hours, tick=False):
        assert services.emergencies_escalate_overdue() == [event_q]
    (notice,) = received(quick_staff["psychiatrist"])
    assert notice.program == event_q.community.program
    assert notice.detail == "poorly_controlled:2"
    with translation.override("en"):
        assert notice.text == "快社区: poorly controlled behaviour, not acknowledged for 2 hours"
        assert notice.public_text == "Emergency event in 快社区 not acknowledged for 2 hours"
    assert received(users["psychiatrist"]) == []
    assert received(users["manager"]) == [] and received(quick_staff["manager"]) == []

    with time_machine.travel(FILED + timedelta(hours=24, minutes=1), tick=False):
        assert services.emergencies_escalate_overdue() == [event_a]
    (notice,) = received(users["psychiatrist"])
    assert notice.detail == "poorly_controlled:24"
    assert len(received(quick_staff["psychiatrist"])) == 1


def test_without_a_psychiatrist_only_the_programs_managers_hear(both, users, quick_staff):
    _event_a, event_q = both
    quick_staff["psychiatrist"].is_active = False
    quick_staff["psychiatrist"].save()
    with time_machine.travel(FILED + timedelta(hours=3), tick=False):
        assert services.emergencies_escalate_overdue() == [event_q]
    assert len(received(quick_staff["manager"])) == 1
    assert received(users["manager"]) == [] and received(users["psychiatrist"]) == []


def test_the_pages_cheap_check_follows_each_programs_delay(both, users):
    doctor = users["doctor"]  # of program "test": the check is for the whole installation
    check = notification_selectors.unread_count_and_overdue
    assert check(doctor, FILED + timedelta(hours=1, minutes=59))[1] is False
    assert check(doctor, FILED + timedelta(hours=2))[1] is True


def test_a_page_view_escalates_the_quick_programs_event_lazily(both, users, client_for):
    _event_a, event_q = both
    with time_machine.travel(FILED + timedelta(hours=2, minutes=1), tick=False):
        assert client_for(users["psychologist"]).get("/").status_code == 200
    event_q.refresh_from_db()
    assert event_q.escalated_at is not None
    assert EmergencyEvent.objects.get(pk=both[0].pk).escalated_at is None


def test_the_home_page_counts_down_the_programs_delay(both, quick_staff, users, client_for):
    with time_machine.travel(FILED + timedelta(hours=1), tick=False):
        (item,) = client_for(quick_staff["doctor"]).get("/").context["emergencies"]
        assert item.escalates_at - timezone.now() == timedelta(hours=1)
        assert item.escalation_hours == 2 and not item.escalation_due
        (item,) = client_for(users["doctor"]).get("/").context["emergencies"]
        assert item.escalates_at - timezone.now() == timedelta(hours=23)
    with time_machine.travel(FILED + timedelta(hours=2), tick=False):
        (item,) = client_for(quick_staff["doctor"]).get("/").context["emergencies"]
        assert item.escalation_due


def test_the_event_page_says_the_programs_hours(both, quick_staff, client_for, settings):
    _event_a, event_q = both
    with time_machine.travel(FILED + timedelta(hours=2, minutes=1), tick=False):
        services.emergencies_escalate_overdue()
    client = client_for(quick_staff["doctor"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(event_q.get_absolute_url()).content.decode()
    assert "Not acknowledged within 2 hours" in html
    assert "24 hours" not in html


def test_a_community_without_doctor_reaches_only_its_programs_psychiatrist(
    users, community_a, quick_staff, community_q
):
    quick_staff["doctor"].is_active = False
    quick_staff["doctor"].save()
    event = file_event(quick_staff["research"], community_q)
    assert [user.username for user in event.notified.recipients] == ["psychiatrist.q"]
    assert received(users["psychiatrist"], Kind.EMERGENCY_FILED) == []
    # Without a psychiatrist either: the program's managers, never another program's.
    quick_staff["psychiatrist"].is_active = False
    quick_staff["psychiatrist"].save()
    event = file_event(quick_staff["research"], community_q, description="又一次")
    assert [user.username for user in event.notified.recipients] == ["manager.q"]
    assert received(users["manager"], Kind.EMERGENCY_FILED) == []


def test_another_programs_psychiatrist_cannot_acknowledge(both, users, quick_staff):
    _event_a, event_q = both
    with pytest.raises(PermissionDenied):
        services.emergency_acknowledge(event=event_q, by=users["psychiatrist"])
    services.emergency_acknowledge(event=event_q, by=quick_staff["psychiatrist"])


def test_another_programs_manager_cannot_stand_in_for_the_doctor(users, quick_staff, community_q):
    for user in (quick_staff["doctor"], quick_staff["psychiatrist"]):
        user.is_active = False
        user.save()
    event = file_event(quick_staff["research"], community_q)
    with pytest.raises(PermissionDenied):
        services.emergency_acknowledge(event=event, by=users["manager"])
    services.emergency_acknowledge(event=event, by=quick_staff["manager"])


def test_an_accepted_cycle_tells_only_its_programs_managers(users, quick_staff, community_q):
    day = date(2014, 3, 5)  # four-week cycle 3 of the quick program (cycle 2 of 42 days)
    number = for_program(community_q.program).number(day)
    assert number == 3
    Submission.objects.create(
        community=community_q,
        cycle=number,
        status=Submission.Status.ACCEPTED,
        submitted_by=quick_staff["research"],
        submitted_at=timezone.now(),
    )
    occurred = timezone.make_aware(datetime(2014, 3, 5, 10, 0))
    with time_machine.travel(datetime(2014, 3, 6, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        file_event(quick_staff["research"], community_q, occurred_at=occurred)
    (notice,) = received(quick_staff["manager"], Kind.EMERGENCY_IN_ACCEPTED_CYCLE)
    assert notice.detail == "3" and notice.program == community_q.program
    assert received(users["manager"], Kind.EMERGENCY_IN_ACCEPTED_CYCLE) == []
