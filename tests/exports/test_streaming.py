"""Exports stream: memory does not grow with the rows (the benchmark of issue 14 measures
a million rows against PostgreSQL's COPY; this checks the shape on a few thousand)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from datetime import date, timedelta

import pytest

from tests.conftest import make_person
from tests.reports.conftest import add_sessions
from tongban.exports import services

pytestmark = pytest.mark.django_db


def _peak_while_exporting(program, fmt: str = "csv") -> tuple[int, str]:
    """(peak traced bytes, the README) for a whole export consumed chunk by chunk (the zip,
    compressed, is a few tens of kilobytes: kept to read its README)."""
    _record, chunks = services.export_start(
        user=None, program=program, format=fmt, language="en",
        date_from=date(2013, 1, 1), date_to=date(2030, 12, 31),
        communities=list(program.communities.all()), channel="test",
    )  # fmt: skip
    data = io.BytesIO()
    tracemalloc.start()
    try:
        for chunk in chunks:
            data.write(chunk)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, zipfile.ZipFile(data).read("README.txt").decode()


def test_memory_stays_flat_as_attendance_grows(program, community_a, users, peer_person_a):
    venue = community_a.venues.get()
    consumers = [make_person(f"服务对象{i}", community=community_a) for i in range(10)]
    start = date(2014, 1, 1)

    def add(n_sessions: int, offset: int) -> None:
        days = [start + timedelta(days=(offset + i) % 3000) for i in range(n_sessions)]
        add_sessions(venue, days, by=users["doctor"], lead=peer_person_a, attendees=consumers)

    add(200, 0)  # 2,000 attendance rows
    small_peak, small_readme = _peak_while_exporting(program)
    add(800, 200)  # 10,000 attendance rows in all
    large_peak, large_readme = _peak_while_exporting(program)
    assert "attendance: 2000\n" in small_readme and "attendance: 10000\n" in large_readme
    # 8,000 more attendance rows and 800 more sessions held in memory would cost several
    # megabytes (a row tuple and its values are a few hundred bytes); streamed, the peak is
    # the same chunk of rows whatever the total.
    assert large_peak < small_peak + 1_000_000, (small_peak, large_peak)


@pytest.mark.django_db(transaction=True)
def test_every_table_comes_from_one_snapshot(program, community_a, consumer_a, monkeypatch):
    """Outside a test's transaction the export opens its own; on PostgreSQL it is a
    read-only REPEATABLE READ snapshot."""
    from django.db import connection

    from tongban.exports import tables
    from tongban.exports.spec import Table, Variable

    seen: list[tuple[bool, str]] = []

    def probe(params, pid) -> Table:
        def rows():
            level = ""
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SHOW transaction_isolation")
                    level = cursor.fetchone()[0]
            seen.append((connection.in_atomic_block, level))
            yield (1,)

        return Table("probe", "probe", [Variable(name="x", label="x")], rows())

    monkeypatch.setattr(tables, "TABLES", (*tables.TABLES, probe))
    _peak, readme = _peak_while_exporting(program)
    assert "probe: 1\n" in readme
    in_transaction, level = seen[0]
    assert in_transaction
    assert level == ("repeatable read" if connection.vendor == "postgresql" else "")
