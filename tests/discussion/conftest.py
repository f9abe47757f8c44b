"""The test program's spaces: its own, community A's and community B's."""

from __future__ import annotations

import pytest

from tongban.discussion.models import Space


@pytest.fixture
def spaces(program, community_a, community_b, users):
    return {
        "program": Space.objects.get(program=program, community=None),
        "a": community_a.space,
        "b": community_b.space,
    }
