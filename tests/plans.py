"""What PostgreSQL's planner does with a page's queries, for the scale tests: data put in
fast with multi-row INSERTs, EXPLAIN as JSON, and how many rows a plan really read."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence

import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL"
)


def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    per_statement: int = 1000,
    returning: bool = False,
) -> list[int]:
    """Multi-row INSERTs (bulk_create is several times slower at these sizes); with
    `returning`, the new ids in the order of `rows`."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([one] * len(chunk))}"
                + (" RETURNING id" if returning else ""),
                [value for row in chunk for value in row],
            )
            if returning:
                ids += [row[0] for row in cursor.fetchall()]
    return ids


def analyze() -> None:
    """Fresh planner statistics for every table, not only those a module filled: another
    module's data set, rolled back, leaves its row estimates in pg_class (ANALYZE writes
    them in place, outside the transaction), which would steer this module's plans."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def explain(sql: str, *, analyze: bool = False) -> dict:
    """The plan as PostgreSQL's JSON document (its "Plan" holds the nodes)."""
    options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        (row,) = cursor.fetchall()
    return (json.loads(row[0]) if isinstance(row[0], str) else row[0])[0]


def plan_nodes(node: dict) -> Iterator[dict]:
    yield node
    for child in node.get("Plans", ()):
        yield from plan_nodes(child)


def rows_read(document: dict, table: str) -> int:
    """Rows of `table` an EXPLAIN ANALYZE touched: each scan's rows returned or filtered
    out, times its loops."""
    return sum(
        (
            node.get("Actual Rows", 0)
            + node.get("Rows Removed by Filter", 0)
            + node.get("Rows Removed by Index Recheck", 0)
        )
        * node.get("Actual Loops", 1)
        for node in plan_nodes(document["Plan"])
        if node.get("Relation Name") == table
    )
