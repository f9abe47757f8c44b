"""Objects of community B for the URL-walking access test (tests/test_access_walk.py).

The report's URLs (reports:program_report, reports:program_report_json) take no URL
parameter: they are scoped by the user's program and communities, so there is no object
to hand the walk. What a community-A user must not see on them is community B's name and
program B's texts, which the walk already looks for.
"""

from __future__ import annotations

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = []


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B."""
    return {}
