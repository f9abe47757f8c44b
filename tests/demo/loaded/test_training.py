"""Peer training in the demo (issue 11, item 6): every peer of both programs attended every
pre-service workshop before the first session they led; the paper's two rounds (June 2013,
June 2015 with the first communities' peers co-presenting), a make-up session, continuing
training; in the living program a round under way on the first-load day and a new peer not
ready to lead yet.

The demo is loaded once for the module with the clock frozen on D, inside a transaction
rolled back at the end (as test_living.py). The plans (no database) are tested for every
first-load weekday as well.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Min

from tongban.activities import rules
from tongban.activities.models import ActivityPlan, ActivityRecord
from tongban.demo import living as living_demo
from tongban.demo import training as demo_training
from tongban.demo.population import demo_population
from tongban.registry.models import Community, Enrolment, Person, Program
from tongban.training import readiness, services
from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession, Workshop

D = date(2026, 3, 16)  # a Monday
MOMENT = datetime(2026, 3, 16, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
FIRST, SECOND = {"tuanjiehu", "maizidian"}, {"xiangheyuan", "jinsong"}


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def paper(loaded, db) -> Program:
    return Program.objects.get(slug="chaoyang-2013")


@pytest.fixture
def living(loaded, db) -> Program:
    return Program.objects.get(slug="living")


def first_served(program: Program) -> tuple[dict[int, date], dict[int, date]]:
    """person -> the first day they led a session; person -> the first day they served."""
    led = dict(
        ActivityPlan.objects.current()
        .filter(community__program=program)
        .values("lead_peer")
        .annotate(first=Min("planned_on"))
        .values_list("lead_peer", "first")
    )
    served = dict(
        ActivityRecord.objects.filter(plan__community__program=program)
        .values("peers_present")
        .annotate(first=Min("held_on"))
        .values_list("peers_present", "first")
    )
    return led, served


def check_trained_before_leading(program: Program) -> int:
    """Every lead peer (and every peer who served) of the program was trained, not exempt,
    by their first session. Returns how many peers led."""
    assert not Enrolment.objects.filter(community__program=program, before_screening=True).exists()
    led, served = first_served(program)
    assert led
    for pk in {*served, *led}:
        first = min(day for day in (served.get(pk), led.get(pk)) if day is not None)
        person = Person.objects.get(pk=pk)
        assert readiness.missing_workshops(person, program=program, on=first) == [], (person, first)
    return len(led)


def test_the_standard_curriculum_is_there(loaded, db):
    assert set(Workshop.objects.filter(program=None).values_list("code", flat=True)) == set(
        demo_training.WORKSHOP_CODES
    )


def test_every_paper_peer_was_trained_before_the_first_session_they_led(paper):
    assert check_trained_before_leading(paper) == 13
    # Every paper peer has all six workshops (one of them at a make-up).
    peers = Enrolment.objects.filter(community__program=paper, role="peer").values("person")
    assert readiness.trained(
        Person.objects.filter(pk__in=peers), program=paper, on=date(2015, 7, 31)
    ).count() == len(peers)


def test_every_living_peer_leading_was_trained_before(living):
    check_trained_before_leading(living)


def test_the_papers_two_pre_service_rounds(paper):
    rounds = list(
        TrainingRound.objects.filter(program=paper, kind="pre_service").order_by("starts_on")
    )
    assert [(r.starts_on.year, r.starts_on.month) for r in rounds] == [(2013, 6), (2015, 6)]
    people, _caregivers = demo_population()
    community_of = {p.name: p.community for p in people}
    for training_round, codes in zip(rounds, (FIRST, SECOND), strict=True):
        assert set(training_round.communities.values_list("code", flat=True)) == codes
        assert set(training_round.trainers.values_list("username", flat=True)) == {
            "psychiatrist",
            "psychologist",
        }
        regular = training_round.sessions.current().filter(make_up=False)
        # Five half-days, six workshops: each once.
        assert regular.count() == 6
        assert len(set(regular.values_list("held_on", flat=True))) == 5
        assert Counter(regular.values_list("workshop__code", flat=True)) == Counter(
            demo_training.WORKSHOP_CODES
        )
        assert all(training_round.starts_on <= s.held_on <= training_round.ends_on for s in regular)
        # Every peer of the round's communities enrolled by then attended.
        attendees = set(
            TrainingAttendance.objects.current()
            .filter(session__round=training_round)
            .values_list("person__name", flat=True)
        )
        expected = {
            p.name
            for p in people
            if p.role == "peer"
            and p.community in codes
            and p.enrolled_on <= training_round.starts_on
        }
        assert attendees == expected
    june_2013, june_2015 = rounds
    assert not june_2013.co_presenters.exists()
    presenters = list(june_2015.co_presenters.all())
    assert presenters
    assert {community_of[p.name] for p in presenters} == FIRST


def test_a_peer_who_missed_a_workshop_made_it_up_before_serving(paper):
    make_ups = list(TrainingSession.objects.current().filter(round__program=paper, make_up=True))
    assert make_ups
    _led, served = first_served(paper)
    for session in make_ups:
        assert session.workshop is not None and session.held_on > session.round.ends_on
        people = [a.person for a in session.attendance.current()]
        assert people
        for person in people:
            # They missed that workshop in the round, made it up before their first session.
            assert not TrainingAttendance.objects.current().filter(
                person=person, session__round=session.round, session__make_up=False,
                session__workshop=session.workshop,
            ).exists()  # fmt: skip
            assert session.held_on < served[person.pk]
            before = session.held_on - timedelta(days=1)
            assert readiness.missing_workshops(person, program=paper, on=before) == [
                session.workshop
            ]


def test_continuing_training_with_attendance(paper, living):
    for program in (paper, living):
        continuing = TrainingRound.objects.filter(program=program, kind="continuing")
        assert continuing.exists()
        for training_round in continuing:
            sessions = training_round.sessions.current()
            assert sessions and all(s.topic and s.workshop is None for s in sessions)
            assert TrainingAttendance.objects.current().filter(session__in=sessions).exists()


def test_the_rows_obey_the_training_services_rules(paper, living):
    """Written in bulk, the rounds and sessions pass the services' checks, and attendance
    is of peers of the round's communities, on a day that had come."""
    for training_round in TrainingRound.objects.filter(program__in=[paper, living]):
        communities = list(training_round.communities.all())
        assert (
            services.round_errors(
                program=training_round.program,
                kind=training_round.kind,
                name=training_round.name,
                starts_on=training_round.starts_on,
                ends_on=training_round.ends_on,
                communities=communities,
                trainers=list(training_round.trainers.all()),
                co_presenters=list(training_round.co_presenters.all()),
                training_round=training_round,
            )
            == {}
        )
        peers = set(
            Enrolment.objects.filter(role="peer", community__in=communities).values_list(
                "person_id", flat=True
            )
        )
        for session in training_round.sessions.all():
            errors = services.session_errors(
                training_round=training_round,
                workshop=session.workshop,
                topic=session.topic,
                held_on=session.held_on,
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                make_up=session.make_up,
                session=session,
            )
            assert errors == {}, (session, errors)
            attending = set(session.attendance.current().values_list("person_id", flat=True))
            assert attending <= peers
            assert not attending or session.held_on < D


def test_a_round_under_way_in_the_living_program(living):
    under_way = TrainingRound.objects.get(
        program=living, kind="pre_service", starts_on__lt=D, ends_on__gt=D
    )
    assert set(under_way.communities.values_list("code", flat=True)) == {"balizhuang"}
    assert under_way.co_presenters.exists()
    sessions = list(under_way.sessions.current())
    held = [s for s in sessions if s.held_on < D]
    to_come = [s for s in sessions if s.held_on > D]
    assert held and to_come and len(held) + len(to_come) == 6
    assert all(s.attendance.current().exists() for s in held)
    assert not any(s.attendance.current().exists() for s in to_come)


def test_a_living_peer_not_ready_to_lead(living):
    balizhuang = Community.objects.get(code="balizhuang")
    new = Person.objects.get(program=living, name=living_demo.NEW_PEER.name)
    assert new in rules.peers_in_service(balizhuang, D)
    assert new not in rules.peers_ready_to_lead(balizhuang, D)
    missing = readiness.missing_workshops(new, program=living, on=D)
    assert 0 < len(missing) < 6
    assert rules.not_ready_reason(new, balizhuang, D)
    # Never put down to lead or assist.
    assert not ActivityPlan.objects.filter(lead_peer=new).exists()
    assert not ActivityPlan.objects.filter(assisting_peers=new).exists()


@pytest.mark.parametrize("weekday", range(7))
def test_living_training_holds_on_any_first_load_day(weekday):
    t0 = D + timedelta(days=weekday)
    first, continuing, current = demo_training.living_rounds(t0)
    started = t0 - timedelta(days=living_demo.START_DAYS)
    enrolled = max(t0 + timedelta(days=p.enrolled) for p in living_demo.PEOPLE if p.role == "peer")
    assert enrolled < first.starts_on and first.ends_on < started
    assert started < continuing.starts_on < t0
    assert current.starts_on < t0 < current.ends_on
    for plan in (first, continuing, current):
        days = [s.day for s in plan.sittings]
        assert all(day.weekday() < 5 and day != t0 for day in days)
    held = [s for s in current.sittings if s.day < t0]
    assert held and all(s.attended for s in held)
    assert all(not s.attended for s in current.sittings if s.day > t0)
    assert len({s.day for s in current.sittings}) == 5


TRAINING_MODELS = (TrainingRound, TrainingSession, TrainingAttendance, Workshop)


def counts() -> list[int]:
    tables = [*TRAINING_MODELS, *(m.history.model for m in TRAINING_MODELS)]
    tables += [TrainingRound.communities.through, TrainingRound.co_presenters.through]
    return [table.objects.count() for table in tables]


def test_loading_again_adds_nothing_the_same_day_or_a_month_later(living):
    before = counts()
    call_command("demo", stdout=StringIO())
    assert counts() == before
    with time_machine.travel(MOMENT + timedelta(days=30), tick=False):
        call_command("demo", stdout=StringIO())
    assert counts() == before
