"""Objects of community B for the URL-walking access test (tests/test_access_walk.py)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from tongban.emergencies.models import EmergencyEvent

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = ["乙社区紧急事件哨兵", "乙社区参与者备注哨兵"]


def objects(community_b, users) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B."""
    # Straight through the ORM: filing would notify, and the walk wants the bare record.
    event = EmergencyEvent.objects.create(
        community=community_b,
        kind=EmergencyEvent.Kind.VIOLENCE,
        occurred_at=timezone.now() - timedelta(hours=2),
        description="乙社区紧急事件哨兵",
        involved_note="乙社区参与者备注哨兵",
        actions_taken="x",
        emergency_services_called=True,
        reported_by=users["manager"],
    )
    return {
        name: event.pk
        for name in (
            "emergencies:emergency_detail",
            "emergencies:emergency_acknowledge",
            "emergencies:emergency_follow_up",
            "emergencies:emergency_close",
            "emergencies:emergency_void",
        )
    }
