"""Objects of community B for the URL walk: this part of the supervision pages."""

from __future__ import annotations

SENTINELS: list[str] = []


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    return {}
