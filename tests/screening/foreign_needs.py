"""Community B's needs objects for the URL walk (collected by foreign.py)."""

from __future__ import annotations

SENTINELS: list[str] = []


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    return {}
