"""Objects of community B for the URL-walking access test (tests/test_access_walk.py).

Also used for program B (tests/registry/other_program.py)."""

from __future__ import annotations

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = []


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B."""
    return {}
