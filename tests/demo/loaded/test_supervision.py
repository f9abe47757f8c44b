"""Supervision in the demo (issue 11, item 6): the paper's phases, group supervision every
42 days from 1 July 2014 with the issues the paper names and agreed actions, year-one
guidance notes, social workers from March 2016, requests and wellbeing check-ins (the peer
who quit over pressure); in the living program a meeting proposed in the coming days, an
open action, an unanswered urgent request and a peer's check-in overdue.

The demo is loaded once for the module with the clock frozen on D, inside a transaction
rolled back at the end (as test_living.py).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from tongban.accounts.models import User
from tongban.demo import living as living_demo
from tongban.demo import supervision as demo_supervision
from tongban.demo.population import demo_population
from tongban.registry.models import Community, Enrolment, EnrolmentStatusChange, Person, Program
from tongban.supervision import phases
from tongban.supervision.models import (
    BreakRequest,
    GuidanceNote,
    IssueCategory,
    SocialWorkerAssignment,
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
    SupervisionRequest,
    SupportPhase,
    WellbeingAlert,
    WellbeingCheckIn,
)
from tongban.supervision.wellbeing_selectors import checkin_status

D = date(2026, 3, 16)  # a Monday
MOMENT = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
C = IssueCategory


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def paper(loaded, db) -> Program:
    return Program.objects.get(slug="chaoyang-2013")


@pytest.fixture
def living(loaded, db) -> Program:
    return Program.objects.get(slug="living")


# --- the paper's program ---------------------------------------------------------------------


def test_the_papers_phases(paper):
    found = phases.phases(paper)
    assert [(p.kind, p.starts_on, p.guidance_every_session, p.group_every_days) for p in found] == [
        ("first", date(2013, 7, 1), True, 0),
        ("later", date(2014, 7, 1), False, 42),
    ]
    assert SupportPhase.objects.filter(program=paper).count() == 2


def test_group_supervision_every_42_days_from_july_2014(paper):
    meetings = list(
        SupervisionMeeting.objects.current().filter(program=paper).order_by("proposed_on")
    )
    proposed = [m.proposed_on for m in meetings]
    assert proposed == phases.group_dates(paper, until=date(2016, 6, 30))
    assert proposed[0] == date(2014, 7, 1) and len(proposed) == 18
    assert all((b - a).days == 42 for a, b in zip(proposed, proposed[1:], strict=False))
    for meeting in meetings:
        assert meeting.status == "held"
        # A date in a holiday is moved to the next working day.
        assert 0 <= (meeting.held_on - meeting.proposed_on).days <= 7
        assert meeting.held_on.weekday() < 5
        assert meeting.staff_present.exists() and meeting.peers_present.exists()
        assert 1 <= meeting.issues.count() <= 3
        assert meeting.summary and meeting.recorded_by is not None
        codes = set(meeting.communities.values_list("code", flat=True))
        peers = set(
            Enrolment.objects.filter(role="peer", community__code__in=codes).values_list(
                "person_id", flat=True
            )
        )
        assert set(meeting.peers_present.values_list("pk", flat=True)) <= peers
        social_worker = meeting.staff_present.filter(username="socialworker").exists()
        assert social_worker == (meeting.held_on >= date(2016, 3, 1))
    assert len({m.held_on for m in meetings if m.held_on != m.proposed_on}) >= 1


def test_the_issues_move_from_instruction_to_feelings(paper):
    issues = SupervisionIssue.objects.filter(meeting__program=paper)
    assert set(issues.values_list("category", flat=True)) <= set(C.values)
    first_year = set(
        issues.filter(meeting__held_on__lt=date(2015, 1, 1)).values_list("category", flat=True)
    )
    assert first_year & {C.TOPICS, C.RUNNING} and C.FEELINGS not in first_year
    later = set(
        issues.filter(meeting__held_on__gte=date(2015, 1, 1)).values_list("category", flat=True)
    )
    assert {C.FEELINGS, C.ENGAGEMENT, C.ROLE} <= later
    texts = " ".join(issues.values_list("text", flat=True))
    assert "无聊" in texts and "信任" in texts


def test_agreed_actions_were_done(paper):
    actions = SupervisionAction.objects.filter(meeting__program=paper)
    assert actions.count() >= 5
    for action in actions.select_related("meeting"):
        assert action.done_at is not None and action.done_by_id == action.owner_id
        assert action.meeting.held_on <= action.due_on
        assert timezone.localdate(action.done_at) <= action.due_on
        assert action.history.count() == 2  # agreed, then done


def test_social_workers_from_march_2016(paper):
    assignments = SocialWorkerAssignment.objects.filter(community__program=paper)
    assert {(a.user.username, a.starts_on) for a in assignments} == {
        ("socialworker", date(2016, 3, 1))
    }
    assert set(assignments.values_list("community__code", flat=True)) == {"xiangheyuan", "jinsong"}


def test_year_one_guidance_on_the_first_sessions(paper):
    notes = GuidanceNote.objects.current().filter(session__community__program=paper)
    sessions = {}
    for note in notes.select_related("session__community"):
        assert phases.guidance_due(paper, note.session.planned_on)
        assert note.given_on == note.session.planned_on
        sessions.setdefault(note.session.community.code, {}).setdefault(note.session_id, set()).add(
            note.when
        )
    assert set(sessions) == {"tuanjiehu", "maizidian"}
    for _code, found in sessions.items():
        assert 5 <= len(found) <= 10
        assert all(whens == {"before", "after"} for whens in found.values())
    assert len(sessions["tuanjiehu"]) == 10


def test_requests_answered(paper):
    requests = SupervisionRequest.objects.current().filter(community__program=paper)
    assert requests.count() >= 3
    assert requests.filter(urgency="urgent").exists()
    for request in requests:
        assert request.answered_at is not None and request.answer
        assert request.asked_at < request.answered_at
        assert date(2014, 7, 1) <= timezone.localdate(request.asked_at) <= date(2016, 6, 30)


def test_the_peer_who_quit_over_pressure(paper):
    change = EnrolmentStatusChange.objects.get(
        enrolment__community__code="tuanjiehu", status="withdrawn"
    )
    person = change.enrolment.person
    checkins = list(WellbeingCheckIn.objects.filter(peer=person).order_by("answered_on"))
    assert len(checkins) >= 3
    assert all(c.answered_on < change.effective_on for c in checkins)
    assert checkins[-1].worrying and checkins[-1].wants_break
    assert [c.stress for c in checkins] == sorted(c.stress for c in checkins)
    assert WellbeingAlert.objects.filter(peer=person, kind="worrying").count() == sum(
        c.worrying for c in checkins
    )
    request = BreakRequest.objects.get(peer=person)
    assert request.status == "withdrawn" and request.starts_on < change.effective_on
    # Other peers checked in in 2015 as well.
    others = WellbeingCheckIn.objects.filter(community__program=paper).exclude(peer=person)
    assert others.values("peer").distinct().count() >= 2
    assert all(c.answered_on.year == 2015 for c in others)


# --- the living program ----------------------------------------------------------------------


def test_a_living_meeting_is_due_this_week(living):
    assert phases.phase_on(living, D).kind == "later"
    due = phases.group_dates(living, since=D, until=D + timedelta(days=6))
    assert len(due) == 1 and due[0].weekday() < 5
    # Proposed by the schedule, not confirmed yet.
    assert not SupervisionMeeting.objects.filter(program=living, proposed_on=due[0]).exists()
    held = SupervisionMeeting.objects.filter(program=living).order_by("held_on")
    assert [m.proposed_on for m in held] == phases.group_dates(living, until=D)
    assert all(m.status == "held" and m.held_on < D and m.issues.exists() for m in held)


def test_an_open_action_due_soon(living):
    open_actions = SupervisionAction.objects.open().filter(meeting__program=living)
    assert open_actions.count() == 1
    action = open_actions.get()
    assert action.owner.username in {"doctor", "peer3", "peer4"}
    assert D <= action.due_on <= D + timedelta(days=7)
    assert SupervisionAction.objects.filter(meeting__program=living, done_at__isnull=False).exists()


def test_an_urgent_request_waits_since_today(living):
    waiting = SupervisionRequest.objects.current().filter(
        community__program=living, answered_at__isnull=True
    )
    assert waiting.count() == 1
    request = waiting.get()
    assert request.urgency == "urgent" and timezone.localdate(request.asked_at) == D
    assert request.doctor.username == "doctor" and request.asked_by.username == "peer3"
    answered = SupervisionRequest.objects.filter(
        community__program=living, answered_at__isnull=False
    )
    assert answered.exists()


def test_guidance_in_the_living_programs_first_phase(living):
    notes = GuidanceNote.objects.current().filter(session__community__program=living)
    assert notes.exists()
    assert all(phases.guidance_due(living, n.session.planned_on) for n in notes)


def test_living_check_ins_one_overdue(living):
    overdue = []
    for demo in living_demo.PEOPLE:
        if demo.role != "peer":
            continue
        person = Person.objects.get(program=living, name=demo.name)
        community = Community.objects.get(code=demo.community)
        status = checkin_status(person, community, D)
        if status is not None and status.overdue:
            overdue.append(demo.key)
    # Of those in service (one on leave, one withdrew: not counted by the reminders).
    active = {"h-peer-1", "h-peer-2", "h-peer-4", "b-peer-1"}
    assert [key for key in overdue if key in active] == ["h-peer-2"]
    assert (
        WellbeingCheckIn.objects.filter(community__program=living, answered_on__gte=D).count() == 0
    )
    worried = User.objects.get(username="peer4").person
    assert WellbeingCheckIn.objects.filter(peer=worried, worrying=True).exists()


def test_the_paper_meetings_plan_is_the_same_every_time():
    people, _caregivers = demo_population()
    starts = {
        "tuanjiehu": date(2013, 7, 1),
        "maizidian": date(2013, 7, 1),
        "xiangheyuan": date(2015, 8, 1),
        "jinsong": date(2015, 8, 1),
    }
    plans = demo_supervision.paper_meetings(people, starts)
    assert plans == demo_supervision.paper_meetings(people, starts)
    assert {c for p in plans for c in p.communities} == set(starts)


SUPERVISION_MODELS = (
    SupervisionMeeting,
    SupervisionIssue,
    SupervisionAction,
    SupervisionRequest,
    GuidanceNote,
    WellbeingCheckIn,
    BreakRequest,
    SupportPhase,
    SocialWorkerAssignment,
)


def counts() -> list[int]:
    tables = [*SUPERVISION_MODELS, *(m.history.model for m in SUPERVISION_MODELS)]
    tables += [WellbeingAlert, SupervisionMeeting.peers_present.through]
    return [table.objects.count() for table in tables]


def test_loading_again_adds_nothing_the_same_day_or_a_month_later(living):
    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before
    with time_machine.travel(MOMENT + timedelta(days=30), tick=False):
        call_command("demo", stdout=StringIO())
    assert counts() == before
