"""Sessions in community A: two peers, a consumer, a venue, and a helper to plan one."""

from __future__ import annotations

from datetime import date, time

import pytest

from tests.conftest import make_person
from tongban.activities import services
from tongban.activities.models import ActivityPlan, Category, Format

DAY = date(2016, 3, 9)


@pytest.fixture
def venue_a(community_a):
    return community_a.venues.get()


@pytest.fixture
def second_peer_a(community_a):
    return make_person("甲同伴二", community=community_a, role="peer", sex="female")


def plan_fields(venue, lead, **overrides) -> dict:
    fields = {
        "venue": venue,
        "planned_on": DAY,
        "planned_start": time(14, 0),
        "planned_end": time(15, 30),
        "category": Category.ENTERTAINMENT,
        "topic": None,
        "theme": "一起唱歌",
        "aim": "放松心情，熟悉彼此",
        "format": Format.GROUP_DISCUSSION,
        "lead_peer": lead,
        "materials": "",
        "warm_up_plan": "破冰游戏",
        "main_plan": "学唱一首歌",
        "close_plan": "一起合唱",
    }
    fields.update(overrides)
    return fields


def record_fields(**overrides) -> dict:
    fields = {
        "held_on": DAY,
        "started_at": time(14, 0),
        "ended_at": time(15, 30),
        "format": Format.GROUP_DISCUSSION,
        "theme": "一起唱歌",
        "warm_up": "拍手游戏",
        "main_activity": "学唱《茉莉花》",
        "close": "合唱",
        "feedback": "大家很开心",
        "summary": "顺利",
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def plan(users, community_a, venue_a, peer_person_a, second_peer_a) -> ActivityPlan:
    return services.plan_create(
        by=users["peer"],
        community=community_a,
        fields=plan_fields(venue_a, peer_person_a),
        assisting_peers=[second_peer_a],
    )


@pytest.fixture
def english_client_for(client_for):
    """A signed-in client that reads the pages in English (messages asserted by text)."""
    from django.conf import settings

    def login(user):
        client = client_for(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login
