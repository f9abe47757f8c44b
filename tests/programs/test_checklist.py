"""The first-run checklist: each step done or not, a link, constant queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from tests.conftest import complete_training, make_person, make_user
from tongban.accounts.models import Role
from tongban.programs.selectors import setup_checklist, setup_done
from tongban.registry.models import Community, Program, Venue

from .conftest import make_plan

pytestmark = pytest.mark.django_db


def state(program) -> dict[str, bool]:
    return {step.key: step.done for step in setup_checklist(program)}


def test_a_new_program_has_everything_to_do(db):
    program = Program.objects.create(name="新项目", slug="new", started_on=date(2026, 1, 1))
    steps = setup_checklist(program)
    assert [s.key for s in steps] == [
        "communities", "venues", "staff", "peers", "training", "session"
    ]  # fmt: skip
    assert not any(s.done for s in steps)
    assert steps[0].url == "/program/communities/new/"
    assert steps[4].url == "/training/"
    assert steps[5].url == "/sessions/plan/"


def test_without_a_program_the_only_step_is_to_create_one():
    steps = setup_checklist(None)
    assert [(s.key, s.url) for s in steps] == [("program", "/program/new/")]


def test_steps_follow_the_program_as_it_is_set_up(db):
    program = Program.objects.create(name="新项目", slug="new", started_on=date(2026, 1, 1))
    one = Community.objects.create(
        program=program, code="one", name="一", started_on=date(2026, 1, 1)
    )
    assert state(program) == {
        "communities": True, "venues": False, "staff": False, "peers": False,
        "training": False, "session": False,
    }  # fmt: skip
    step = setup_checklist(program)[1]
    assert step.missing == ["一"] and step.url == f"/program/communities/{one.pk}/venues/new/"

    venue = Venue.objects.create(community=one, name="活动室", kind=Venue.Kind.OTHER)
    doctor = make_user("one.doctor", Role.COMMUNITY_DOCTOR, [one])
    lead = make_person("同伴一", community=one, role="peer", started_on=date(2026, 1, 2))
    assert state(program)["venues"] and state(program)["staff"]
    assert not state(program)["peers"]  # a session needs two peers
    make_person("同伴二", community=one, role="peer", started_on=date(2026, 1, 2))
    assert state(program)["peers"]

    # A venue no longer used does not count; a psychiatrist is not community staff.
    venue.in_use = False
    venue.save()
    assert not state(program)["venues"]
    venue.in_use = True
    venue.save()

    make_plan(one, date(2026, 2, 1), lead=lead, by=doctor)
    assert setup_done(setup_checklist(program))

    # A second community (not set up yet) reopens the per-community steps.
    Community.objects.create(program=program, code="two", name="二", started_on=date(2026, 3, 1))
    steps = {s.key: s for s in setup_checklist(program)}
    assert not steps["venues"].done and steps["venues"].missing == ["二"]
    assert steps["session"].done


def test_peers_must_be_trained_before_the_first_session(db):
    program = Program.objects.create(
        name="新项目", slug="new", started_on=date(2026, 1, 1),
        training_records_from=date(2026, 1, 1),
    )  # fmt: skip
    one = Community.objects.create(
        program=program, code="one", name="一", started_on=date(2026, 1, 1)
    )
    first = make_person("同伴一", community=one, role="peer", started_on=date(2026, 1, 2))
    second = make_person("同伴二", community=one, role="peer", started_on=date(2026, 1, 2))
    steps = {s.key: s for s in setup_checklist(program)}
    assert steps["peers"].done
    assert not steps["training"].done and steps["training"].missing == ["一"]
    complete_training(first, community=one, on=date(2026, 1, 3))
    assert not state(program)["training"]  # one trained peer cannot run a session alone
    complete_training(second, community=one, on=date(2026, 1, 3))
    assert state(program)["training"]


def test_a_closed_community_needs_nothing(db):
    program = Program.objects.create(name="新项目", slug="new", started_on=date(2015, 1, 1))
    Community.objects.create(
        program=program, code="old", name="旧", started_on=date(2015, 1, 1),
        ended_on=date(2016, 1, 1),
    )  # fmt: skip
    assert not state(program)["communities"]  # no open community


def test_other_programs_do_not_count(community_a, users):
    program = Program.objects.create(name="新项目", slug="new", started_on=date(2026, 1, 1))
    assert not any(state(program).values())


def test_constant_queries(community_a, community_b, users):
    program = community_a.program

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            setup_checklist(program)
        return len(context.captured_queries)

    before = count()
    for i in range(5):
        community = Community.objects.create(
            program=program, code=f"x{i}", name=f"社区{i}", started_on=date(2014, 1, 1)
        )
        Venue.objects.create(community=community, name="室", kind=Venue.Kind.OTHER)
        make_person(f"同伴{i}", community=community, role="peer")
    assert count() == before == 3


def test_the_template_shows_each_step_with_its_link(community_a, users):
    html = render_to_string(
        "programs/checklist.html", {"steps": setup_checklist(community_a.program)}
    )
    assert html.count('<li class="setup-step') == 6
    assert 'id="step-communities"' in html and "setup-step done" in html
    assert "/sessions/plan/" in html  # the session step is not done: its link is shown
