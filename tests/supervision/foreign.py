"""Objects of community B for the URL-walking access test (tests/test_access_walk.py):
one module per part of the supervision pages."""

from __future__ import annotations

from . import foreign_meetings, foreign_requests, foreign_wellbeing

_PARTS = (foreign_meetings, foreign_requests, foreign_wellbeing)

SENTINELS: list[str] = [text for part in _PARTS for text in part.SENTINELS]


def objects(community_b, users, **kwargs) -> dict[str, int | dict[str, object]]:
    found: dict[str, int | dict[str, object]] = {}
    for part in _PARTS:
        found.update(part.objects(community_b, users, **kwargs))
    return found
