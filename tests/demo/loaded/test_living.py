"""The living demo program: loaded on a day D, it has work waiting on D; loaded again on
D (or a month later) it adds nothing and stays consistent.

The demo is loaded once for the module, with the clock frozen on D (a Monday, so that
the weekend rule moves sessions), inside a transaction rolled back at the end; each test
runs in a savepoint within it, as in test_sessions.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import User
from tongban.activities import rules
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.core import scope
from tongban.demo import living as living_demo
from tongban.emergencies.models import EmergencyEvent, FollowUp, Status
from tongban.emergencies.services import emergencies_escalate_overdue
from tongban.notifications.models import Notification
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Enrolment,
    EnrolmentStatusChange,
    Person,
    Program,
    Venue,
)
from tongban.screening.models import (
    Assessment,
    Candidate,
    Consent,
    ConsentDocument,
    Criteria,
    NeedsInterview,
    NeedsInterviewCategory,
)
from tongban.submissions import selectors
from tongban.submissions.models import Submission, SubmissionEvent

D = date(2026, 3, 16)  # a Monday
MOMENT = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
STAFF = ("manager", "psychiatrist", "doctor", "psychologist", "socialworker", "research")
LIVING_COMMUNITIES = {  # what the README promises
    "doctor": {"hepingjie"},
    "psychologist": {"hepingjie", "balizhuang"},
    "socialworker": {"balizhuang"},
    "research": {"hepingjie", "balizhuang"},
}


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def living(loaded, db) -> Program:
    return Program.objects.get(slug="living")


@pytest.fixture
def paper(loaded, db) -> Program:
    return Program.objects.get(slug="chaoyang-2013")


def community(code: str) -> Community:
    return Community.objects.get(code=code)


def plans_of(program: Program):
    return ActivityPlan.objects.current().filter(community__program=program)


def recorded(plans) -> set[int]:
    return set(ActivityRecord.objects.filter(plan__in=plans).values_list("plan_id", flat=True))


@pytest.mark.parametrize("weekday", range(7))
def test_every_first_load_weekday_gives_the_same_situations(weekday):
    """The weekend rule never moves a session across the first-load day, nor onto another."""
    t0 = D + timedelta(days=weekday)
    sessions = living_demo.schedule(t0)
    start = t0 - timedelta(days=living_demo.START_DAYS)
    for code in ("hepingjie", "balizhuang"):
        days = [s.day for s in sessions if s.community == code]
        assert len(days) == len(set(days)) and all(day.weekday() < 5 for day in days)
        assert all(start <= day for day in days)
        ahead = [s for s in sessions if s.community == code and s.day > t0]
        assert ahead and all(s.day <= t0 + timedelta(days=10) and not s.recorded for s in ahead)
        waiting = [s for s in sessions if s.community == code and s.day < t0 and not s.recorded]
        assert len(waiting) == 1 and waiting[0].day >= t0 - timedelta(days=7)
        assert not [s for s in sessions if s.community == code and s.day == t0]


def test_the_program_started_about_five_months_before_the_day_it_was_loaded(living):
    assert living.started_on == D - timedelta(days=150)
    assert living.ended_on is None
    assert living.name and living.name_en and living.name != living.name_en
    communities = Community.objects.filter(program=living)
    assert set(communities.values_list("code", flat=True)) == {"hepingjie", "balizhuang"}
    for item in communities:
        assert item.started_on >= living.started_on
        assert Venue.objects.filter(community=item, in_use=True).count() >= 2


def test_peers_consumers_and_caregivers(living):
    hepingjie, balizhuang = community("hepingjie"), community("balizhuang")
    peers = Enrolment.objects.with_status().filter(community__program=living, role="peer")
    assert peers.count() == 7
    assert rules.peers_in_service(hepingjie, D).count() == 3
    assert peers.filter(community=hepingjie, current_status="on_leave").count() == 1
    # Balizhuang has only one peer ready to lead: the other withdrew, and the new one is in
    # pre-service training (test_training.py).
    assert list(rules.peers_ready_to_lead(balizhuang, D)) == [
        User.objects.get(username="peer4").person
    ]
    assert rules.peers_in_service(balizhuang, D).count() == 2
    assert peers.filter(community=balizhuang, current_status="withdrawn").count() == 1
    consumers = Enrolment.objects.in_service().filter(community__program=living, role="consumer")
    assert consumers.count() == 16
    assert CaregiverLink.objects.filter(cared_for__program=living).count() == 4
    # Everyone else is a candidate not enrolled (yet): test_screening.py.
    assert (
        not Person.objects.filter(program=living)
        .exclude(enrolments__community__program=living)
        .exclude(cares_for__isnull=False)
        .exclude(candidacies__isnull=False)
        .exists()
    )


def test_sessions_planned_for_the_coming_days(living):
    planned = plans_of(living).filter(planned_on__gt=D)
    assert set(planned.values_list("community__code", flat=True)) == {"hepingjie", "balizhuang"}
    assert all(
        D < day <= D + timedelta(days=10) for day in planned.values_list("planned_on", flat=True)
    )
    assert not recorded(planned)  # a session in the future is only a plan
    assert all(day.weekday() < 5 for day in plans_of(living).values_list("planned_on", flat=True))


def test_sessions_held_but_not_recorded(living):
    past = plans_of(living).filter(planned_on__lt=D)
    waiting = past.exclude(pk__in=recorded(past))
    assert set(waiting.values_list("community__code", flat=True)) == {"hepingjie", "balizhuang"}
    for day in waiting.values_list("planned_on", flat=True):
        assert D - timedelta(days=7) <= day < D


def test_recorded_sessions_about_weekly_with_attendance(living):
    delivered = ActivityRecord.objects.delivered().filter(plan__community__program=living)
    assert not delivered.filter(held_on__gte=D).exists()  # never a record of the future
    for code in ("hepingjie", "balizhuang"):
        days = sorted(
            delivered.filter(plan__community__code=code).values_list("held_on", flat=True)
        )
        assert len(days) >= 10
        assert days[0] - (D - timedelta(days=150)) <= timedelta(days=30)
        assert max(b - a for a, b in zip(days, days[1:], strict=False)) <= timedelta(days=16)
    records = delivered.select_related("plan__community", "plan__topic").prefetch_related(
        "peers_present", "attendances"
    )
    for record in records:
        plan = record.plan
        assert plan.topic.program_id is None  # the shared library
        assert plan.topic.category == plan.category
        assert 40 <= record.duration_minutes <= 120
        peers = {p.pk for p in record.peers_present.all()}
        in_service = rules.peers_in_service(plan.community, record.held_on).values_list(
            "pk", flat=True
        )
        assert peers and peers <= set(in_service)
        attending = {a.person_id for a in record.attendances.all()}
        enrolled = rules.consumers_in_service(plan.community, record.held_on)
        assert len(attending) >= 3 and attending <= set(enrolled.values_list("pk", flat=True))
    # Since the withdrawal, Balizhuang's one peer leads alone (the pages warn of it).
    alone = records.annotate(n=Count("peers_present")).filter(n=1)
    assert set(alone.values_list("plan__community__code", flat=True)) == {"balizhuang"}
    assert records.filter(staff_present__username="doctor").exists()


def test_cycle_states(living):
    manager = User.objects.get(username="manager")
    rows = selectors.cycle_rows(manager)
    states: dict[str, list[str]] = {}
    for row in rows:  # newest first
        assert row.community.program_id == living.pk
        states.setdefault(row.community.code, []).append(row.state)
    assert states["hepingjie"] == ["open", "submitted", "accepted", "accepted"]
    assert states["balizhuang"][0] == "open"
    assert states["balizhuang"][1] in ("due", "overdue")  # ended, nothing submitted yet
    assert states["balizhuang"][2:] == ["returned", "accepted"]

    submissions = Submission.objects.filter(community__program=living)
    returned = submissions.get(status="returned")
    assert returned.comments and returned.reviewed_by == manager
    for submission in submissions.prefetch_related("events"):
        events = [e.status for e in submission.events.all()]
        assert (
            events
            == {
                "accepted": ["submitted", "accepted"],
                "returned": ["submitted", "returned"],
                "submitted": ["submitted"],
            }[submission.status]
        )
        ends_on = selectors.calendar(submission.community).cycle(submission.cycle).ends_on
        assert timezone.localdate(submission.submitted_at) >= ends_on
        assert submission.submitted_at < MOMENT
        if submission.reviewed_at:
            assert submission.submitted_at < submission.reviewed_at < MOMENT
    # The manager has the submitted cycle to review; peer4 has the returned one to correct.
    for submission, username in (
        (submissions.get(status="submitted"), "manager"),
        (returned, "peer4"),
    ):
        url = reverse(
            "submissions:cycle_detail",
            kwargs={"community": submission.community_id, "cycle": submission.cycle},
        )
        unread = Notification.objects.filter(recipient__username=username, url=url, read_at=None)
        assert unread.exists(), username
    # The rest of the conversation was read long ago.
    assert not Notification.objects.filter(
        program=living, read_at=None, kind="submission_accepted"
    ).exists()


def test_an_emergency_waits_for_acknowledgement_and_an_older_one_is_closed(living):
    events = EmergencyEvent.objects.filter(community__program=living)
    awaiting = events.with_status(Status.AWAITING).get()
    now = timezone.now()
    assert awaiting.reported_at <= now < awaiting.reported_at + living.escalate_after
    assert awaiting.occurred_at < awaiting.reported_at
    assert not EmergencyEvent.objects.overdue(now).exists()  # not escalated on load
    doctor = User.objects.get(username="doctor")
    assert awaiting.community.code == "hepingjie"
    assert Notification.objects.filter(
        recipient=doctor, url=awaiting.get_absolute_url(), read_at=None
    ).exists()
    closed = events.with_status(Status.CLOSED).get()
    assert closed.acknowledged_by == doctor and closed.closed_by == doctor
    assert closed.reported_at < closed.acknowledged_at < closed.closed_at < MOMENT
    assert FollowUp.objects.filter(event=closed).count() == 1
    assert closed.session.record.held_on == timezone.localdate(closed.occurred_at)
    assert events.count() == 2


def test_staff_accounts_work_in_both_programs_and_land_in_the_living_one(living, paper):
    for username in STAFF:
        user = User.objects.get(username=username)
        assert set(scope.programs(user)) == {paper, living}, username
        assert user.current_program == living and scope.program(user) == living
        codes = set(scope.communities(user).values_list("code", flat=True))
        if user.is_program_wide:
            assert set(user.programs.all()) == {paper, living}
            assert codes == {"hepingjie", "balizhuang"}
        else:
            assert codes == LIVING_COMMUNITIES[username], username
    for username, program, code in (
        ("peer1", paper, "tuanjiehu"),
        ("peer2", paper, "xiangheyuan"),
        ("peer3", living, "hepingjie"),
        ("peer4", living, "balizhuang"),
    ):
        user = User.objects.get(username=username)
        assert list(scope.programs(user)) == [program], username
        assert list(scope.communities(user).values_list("code", flat=True)) == [code]
        assert user.check_password("tongban-demo")


def test_the_command_lists_both_programs_accounts(loaded):
    for text in ("chaoyang-2013", "living", "peer3", "peer4", "hepingjie", "tongban-demo"):
        assert text in loaded


def test_forms_are_dated_when_they_were_filled_in(living):
    plans = plans_of(living)
    for plan in plans.select_related("record"):
        created = plan.history.get(history_type="+")
        assert created.history_date == plan.created_at
        assert timezone.localdate(plan.created_at) < max(plan.planned_on, D)
        record = getattr(plan, "record", None)
        if record is not None:
            assert timezone.localdate(record.created_at) == record.held_on
    latest = [
        ActivityPlan.objects.filter(community__program=living).aggregate(m=Max("created_at"))["m"],
        ActivityRecord.objects.filter(plan__community__program=living).aggregate(
            m=Max("created_at")
        )["m"],
        Person.objects.filter(program=living).aggregate(m=Max("created_at"))["m"],
    ]
    assert all(moment < MOMENT for moment in latest)
    sent = Notification.objects.filter(recipient__username__in=["peer3", "peer4", "doctor"])
    assert sent.exists() and not sent.exclude(program=living).exists()


def test_the_papers_program_is_left_as_it_was(paper):
    assert plans_of(paper).count() == 214
    assert Enrolment.objects.filter(community__program=paper).count() == 63
    assert not EmergencyEvent.objects.filter(community__program=paper).exists()
    assert not Submission.objects.filter(community__program=paper).exclude(status="accepted")


MODELS = (
    Program,
    Community,
    Venue,
    Person,
    Enrolment,
    EnrolmentStatusChange,
    CaregiverLink,
    User,
    ActivityPlan,
    ActivityRecord,
    Attendance,
    ActivityPlan.assisting_peers.through,
    ActivityRecord.peers_present.through,
    ActivityRecord.staff_present.through,
    User.communities.through,
    User.programs.through,
    Submission,
    SubmissionEvent,
    EmergencyEvent,
    FollowUp,
    Notification,
    Candidate,
    Assessment,
    Consent,
    ConsentDocument,
    Criteria,
    NeedsInterview,
    NeedsInterviewCategory,
)


def counts() -> list[int]:
    tables = [*MODELS]
    tables += [m.history.model for m in MODELS if hasattr(m, "history")]
    return [table.objects.count() for table in tables]


def test_loading_again_the_same_day_adds_nothing(living):
    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before


def test_loading_again_a_month_later_adds_nothing_and_the_day_has_aged(living):
    before = counts()
    planned = set(plans_of(living).filter(planned_on__gt=D).values_list("pk", flat=True))
    awaiting = (
        EmergencyEvent.objects.filter(community__program=living).with_status(Status.AWAITING).get()
    )
    later = MOMENT + timedelta(days=30)
    with time_machine.travel(later, tick=False):
        call_command("demo", stdout=StringIO())
        assert counts() == before
        living.refresh_from_db()
        assert living.started_on == D - timedelta(days=150)  # anchored: never shifted
        today = timezone.localdate()
        assert not ActivityRecord.objects.filter(held_on__gt=today).exists()
        # Yesterday's plans for the coming days are sessions held but not recorded now.
        assert planned and not recorded(ActivityPlan.objects.filter(pk__in=planned))
        assert all(
            day < today
            for day in ActivityPlan.objects.filter(pk__in=planned).values_list(
                "planned_on", flat=True
            )
        )
        # The waiting emergency is now past its escalation delay: the normal rule applies.
        assert timezone.now() >= awaiting.reported_at + living.escalate_after
        assert emergencies_escalate_overdue() == [awaiting]
        psychiatrist = User.objects.get(username="psychiatrist")
        assert Notification.objects.filter(
            recipient=psychiatrist, kind="emergency_escalated", url=awaiting.get_absolute_url()
        ).exists()
        rows = selectors.cycle_rows(User.objects.get(username="manager"))
        newest = {row.community.code: row.state for row in rows if row.cycle.number == 4}
        assert newest == {"hepingjie": "overdue", "balizhuang": "overdue"}
