"""Objects of community B for the URL-walking access test (tests/test_access_walk.py)."""

from __future__ import annotations

from datetime import date, time

from tests.conftest import make_person
from tongban.activities import services
from tongban.activities.models import Topic
from tongban.registry.models import Venue

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = ["乙社区专属活动", "乙社区出席者"]


def objects(community_b, users) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B."""
    venue = Venue.objects.create(community=community_b, name="乙家园", kind="outdoors")
    lead = make_person(
        "乙社区组长", community=community_b, role="peer", started_on=date(2015, 8, 1)
    )
    attendee = make_person("乙社区出席者", community=community_b, started_on=date(2015, 8, 1))
    plan = services.plan_create(
        by=users["manager"],
        community=community_b,
        fields={
            "venue": venue,
            "planned_on": date(2016, 1, 6),
            "planned_start": time(14, 0),
            "planned_end": time(15, 0),
            "category": "entertainment",
            "topic": None,
            "theme": "乙社区专属活动",
            "aim": "aim",
            "format": "lecture",
            "lead_peer": lead,
            "materials": "",
            "warm_up_plan": "",
            "main_plan": "",
            "close_plan": "",
        },
    )
    services.record_save(
        plan=plan,
        by=users["manager"],
        fields={
            "held_on": date(2016, 1, 6),
            "started_at": time(14, 0),
            "ended_at": time(15, 0),
            "format": "lecture",
            "theme": "乙社区专属活动",
            "warm_up": "",
            "main_activity": "",
            "close": "",
            "feedback": "",
            "summary": "",
        },
        peers_present=[lead],
        consumers=[attendee],
    )
    return {
        "activities:session_detail": plan.pk,
        "activities:plan_edit": plan.pk,
        "activities:record_edit": plan.pk,
        "activities:session_void": plan.pk,
        # Topics belong to the whole program: only the manager may edit them (403 for others).
        "activities:topic_edit": Topic.objects.first().pk,
    }
