"""Fixtures for the setup pages: a second program with its own manager, and records."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.utils import timezone

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.activities.models import ActivityPlan
from tongban.registry.models import Community, Program, Venue
from tongban.submissions.models import Submission


@pytest.fixture
def other_program(db) -> Program:
    return Program.objects.create(
        name="另一个项目", name_en="Other program", slug="other", started_on=date(2020, 1, 1)
    )


@pytest.fixture
def other_community(other_program) -> Community:
    community = Community.objects.create(
        program=other_program, code="gamma", name="丙社区", name_en="Gamma",
        started_on=date(2020, 1, 1),
    )  # fmt: skip
    Venue.objects.create(community=community, name="丙活动室", kind=Venue.Kind.OTHER)
    return community


@pytest.fixture
def other_manager(other_program):
    return make_user("other.pm", Role.PROJECT_MANAGER, programs=[other_program])


def make_plan(community: Community, day: date, *, lead, by) -> ActivityPlan:
    venue = community.venues.first() or Venue.objects.create(
        community=community, name=f"{community.name}家园", kind=Venue.Kind.OTHER
    )
    return ActivityPlan.objects.create(
        community=community,
        venue=venue,
        planned_on=day,
        planned_start=time(14, 0),
        planned_end=time(15, 30),
        category="entertainment",
        theme="唱歌",
        aim="放松",
        format="group_discussion",
        lead_peer=lead,
        created_by=by,
    )


def make_submission(community: Community, by, *, cycle: int = 1, status="accepted"):
    return Submission.objects.create(
        community=community, cycle=cycle, status=status, submitted_by=by,
        submitted_at=timezone.now(),
    )  # fmt: skip


@pytest.fixture(autouse=True)
def english(client, settings):
    """Pages and messages in English, so that tests can read them."""
    from django.utils import translation

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield
