"""The templates export: the import's files, streamed, with references an import finds
again; and a crash while writing leaves nothing."""

from __future__ import annotations

import types
from datetime import date

import pytest

from tests.conftest import make_person
from tests.imports.conftest import run
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.imports import reader, spec
from tongban.imports.services import Writer, program_import
from tongban.imports.templates import iter_templates_zip, templates_rows, templates_write
from tongban.registry.models import Person, Program


def test_the_files_and_headers_are_the_imports(files, importer):
    assert run(files, importer).ok
    program = Program.objects.get(slug="example-2014")
    tables = templates_rows(program)
    assert list(tables) == list(spec.FILES)
    for name, (header, rows) in tables.items():
        assert isinstance(rows, types.GeneratorType), name  # streamed, not a list
        if name != "interviews.csv":
            assert header == [c.name for c in spec.FILES[name]]
    people = {row[0]: row for row in tables["people.csv"][1]}
    assert people["P02"][1:9] == [
        "李芳", "female", "1980-09-03", "junior_college", "married", "not_working", "bipolar",
        "13800000002",
    ]  # fmt: skip
    sessions = {row[0]: row for row in tables["sessions.csv"][1]}
    assert sessions["S003"][1:11] == [
        "ex-dongfeng", "DF-1", "2014-09-15", "14:00", "15:30", "knowledge", "lecture",
        "复发的早期信号", "P01", "P02",
    ]  # fmt: skip


def test_a_program_entered_in_tongban_gets_tb_references_found_again(
    users, program, community_a, peer_person_a, tmp_path
):
    program.ended_on = date(2016, 6, 30)
    program.save()
    consumer = make_person("甲对象", community=community_a, started_on=date(2013, 8, 1))
    plan = ActivityPlan.objects.create(
        community=community_a, venue=community_a.venues.get(), planned_on=date(2014, 3, 1),
        planned_start="10:00", planned_end="11:00", category="entertainment", theme="唱歌",
        aim="开心", format="group_discussion", lead_peer=peer_person_a,
        created_by=users["manager"],
    )  # fmt: skip
    record = ActivityRecord.objects.create(
        plan=plan, held_on=date(2014, 3, 1), started_at="10:00", ended_at="11:00",
        duration_minutes=60, format="group_discussion", theme="唱歌", created_by=users["manager"],
    )  # fmt: skip
    helper = make_person("甲助手", community=community_a, role="peer", started_on=date(2013, 8, 1))
    plan.assisting_peers.set([helper])
    record.peers_present.set([peer_person_a])  # the helper did not come
    Attendance.objects.create(record=record, person=consumer)
    templates_write(program, tmp_path)
    people = (tmp_path / "people.csv").read_text(encoding="utf-8-sig")
    assert f"tb-p{consumer.pk},甲对象," in people
    sessions = (tmp_path / "sessions.csv").read_text(encoding="utf-8-sig")
    assert f",tb-p{peer_person_a.pk},tb-p{helper.pk},tb-p{peer_person_a.pk}," in sessions

    result = program_import(sources=reader.sources_from_directory(tmp_path), by=users["manager"])
    assert result.ok, result.lines()
    assert not result.changed, result.lines()
    assert Person.objects.filter(name="甲对象").count() == 1
    assert ActivityPlan.objects.count() == 1


def test_a_crash_while_writing_leaves_nothing(files, importer, monkeypatch):
    def crash(self):
        raise RuntimeError("killed")

    monkeypatch.setattr(Writer, "_interviews", crash)  # the last step
    with pytest.raises(RuntimeError):
        run(files, importer)
    assert not Program.objects.filter(slug="example-2014").exists()
    assert not Person.objects.filter(name="王明").exists()


def test_the_zip_imports_as_it_is(files, importer):
    assert run(files, importer).ok
    program = Program.objects.get(slug="example-2014")
    data = b"".join(iter_templates_zip(program))
    sources = reader.sources_from_zip(data)
    assert sorted(sources) == sorted(spec.FILES)
    assert sources["people.csv"].startswith("\ufeffperson,name,".encode())
    result = program_import(sources=sources, by=importer)
    assert result.ok and not result.changed, result.lines()
