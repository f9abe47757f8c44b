"""count_of: a correlated COUNT per outer row, 0 (not NULL) where there is none."""

from __future__ import annotations

import pytest
from django.db.models import OuterRef

from tests.conftest import make_person
from tongban.core.queries import count_of
from tongban.registry.models import Community, Enrolment

pytestmark = pytest.mark.django_db


def test_each_row_counts_its_own_rows_and_none_is_zero(community_a, community_b):
    for name in ("一", "二", "三"):
        make_person(name, community=community_a)
    make_person("四", community=community_b, role="peer")
    rows = Community.objects.annotate(
        consumers=count_of(
            Enrolment.objects.filter(community=OuterRef("pk"), role=Enrolment.Role.CONSUMER)
        )
    )
    assert dict(rows.values_list("code", "consumers")) == {"alpha": 3, "beta": 0}
