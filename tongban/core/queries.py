"""Query expressions the apps share."""

from __future__ import annotations

from django.db import models
from django.db.models import Func, Subquery, Value


def count_of(rows: models.QuerySet) -> Subquery:
    """COUNT(*) of `rows` (filtered on an OuterRef) as a correlated scalar subquery: each
    outer row counts only its own rows (a page of 25 plans, one community), where a JOIN
    and GROUP BY would aggregate the whole table first.

    COUNT as a plain function, not the Count aggregate: Django would add a GROUP BY,
    and an empty group would give NULL instead of 0."""
    counted = rows.order_by().annotate(
        n=Func(Value(1), function="COUNT", output_field=models.IntegerField())
    )
    return Subquery(counted.values("n"), output_field=models.IntegerField())
