"""Importing again: the same files change nothing; a corrected or extended set updates by
the references and says what it did; BOM or not; the command and zips."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from tests.imports.conftest import EXAMPLE, add_row, run
from tongban.activities.models import ActivityRecord, Attendance
from tongban.evaluation.models import InterviewAnswer
from tongban.imports import reader
from tongban.imports.services import program_import
from tongban.registry.models import Enrolment, Person, Program


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_with_or_without_bom(files, importer):
    assert run(files, importer, bom=True).ok
    again = run(files, importer, bom=False)
    assert again.ok and not again.changed


def test_a_corrected_and_extended_set_updates_by_reference(files, importer):
    assert run(files, importer).ok
    wang = Person.objects.get(name="王明")
    history = wang.history.count()
    files["people.csv"] = files["people.csv"].replace(
        "王明,male,1975-04-12", "王明,male,1975-04-21"
    )
    add_row(
        files, "people.csv", "C05,孙红,female,1990-01-01,senior_high,single,not_working,bipolar,"
    )
    add_row(files, "enrolments.csv", "C05,consumer,ex-dongfeng,2014-09-01")
    add_row(files, "attendance.csv", "S003,C05")
    files["sessions.csv"] = files["sessions.csv"].replace("14:00,15:30", "14:00,15:45")
    files["interviews.csv"] = files["interviews.csv"].replace(
        "R2014,C01,consumer,2014-12-05,,yes,yes,no", "R2014,C01,consumer,2014-12-05,,yes,yes,yes"
    )
    result = run(files, importer)
    assert result.ok, result.lines()
    assert result.lines() == [
        "people.csv: 1 created, 1 updated",
        "enrolments.csv: 1 created, 0 updated",
        "sessions.csv: 0 created, 1 updated",
        "attendance.csv: 1 created, 0 updated",
        "interviews.csv: 0 created, 1 updated",
    ]
    wang.refresh_from_db()
    assert wang.date_of_birth == date(1975, 4, 21)
    assert wang.history.count() == history + 1  # the change is in the audit trail
    assert Person.objects.filter(name="王明").count() == 1
    record = ActivityRecord.objects.get(theme="复发的早期信号")
    assert record.duration_minutes == 105
    assert Attendance.objects.filter(record=record).count() == 3
    assert InterviewAnswer.objects.filter(value="yes").count() == 11


def test_a_moved_enrolment_start_moves_its_first_status(files, importer):
    assert run(files, importer).ok
    files["enrolments.csv"] = files["enrolments.csv"].replace(
        "C02,服务对象,ex-dongfeng,2014-02-01", "C02,服务对象,ex-dongfeng,2014-01-20"
    )
    result = run(files, importer)
    assert result.lines() == ["enrolments.csv: 0 created, 1 updated"]
    enrolment = Enrolment.objects.get(person__name="杨磊")
    assert list(enrolment.status_changes.values_list("status", "effective_on")) == [
        ("active", date(2014, 1, 20))
    ]


def test_a_set_without_the_unchanged_files_finds_the_earlier_records(files, importer):
    assert run(files, importer).ok
    smaller = {"program.csv": files["program.csv"], "attendance.csv": "session,person\nS005,C04\n"}
    result = run(smaller, importer)
    assert result.ok, result.lines()
    assert result.lines() == ["attendance.csv: 1 created, 0 updated"]


def test_the_upload_refuses_a_program_the_manager_does_not_belong_to(files, importer):
    assert run(files, importer).ok
    program = Program.objects.get(slug="example-2014")
    importer.programs.remove(program)
    sources = {name: text.encode() for name, text in files.items()}
    result = program_import(sources=sources, by=importer, allowed_programs=importer.programs.all())
    assert [str(p) for p in result.problems] == [
        "program.csv row 2 slug: example-2014 is a program you do not belong to"
    ]


def test_the_command(importer, capsys):
    call_command("import", str(EXAMPLE))
    out = capsys.readouterr().out
    assert "people.csv: 10 created, 0 updated" in out
    assert Program.objects.filter(slug="example-2014").exists()
    call_command("import", str(EXAMPLE))
    assert "Nothing changed" in capsys.readouterr().out


def test_the_command_refuses_and_writes_nothing(files, importer, tmp_path):
    for name, text in files.items():
        (tmp_path / name).write_text(text.replace("2014-02-10", "2014-02-31"), encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported: 1 problems"):
        call_command("import", str(tmp_path))
    assert not Program.objects.filter(slug="example-2014").exists()


def test_a_zip_with_a_folder(files, importer):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"import-example/{name}", text)
    sources = reader.sources_from_zip(data.getvalue())
    assert set(sources) == set(files)
    assert program_import(sources=sources, by=importer).ok


def test_a_corrected_status_change_is_updated_in_place(files, importer):
    assert run(files, importer).ok
    files["status_changes.csv"] = files["status_changes.csv"].replace(
        "C04,consumer,ex-xinyuan,退出,2015-02-01,搬家到外区。",
        "C04,consumer,ex-xinyuan,on_leave,2015-02-01,住院。",
    )
    result = run(files, importer)
    assert result.lines() == ["status_changes.csv: 0 created, 1 updated"]
    enrolment = Enrolment.objects.get(person__name="黄强")
    assert list(enrolment.status_changes.values_list("status", "effective_on", "reason")) == [
        ("active", date(2014, 3, 10), ""),
        ("on_leave", date(2015, 2, 1), "住院。"),
    ]


def test_peers_present_when_not_the_lead_and_the_assisting_peers(files, importer):
    lines = files["sessions.csv"].splitlines()
    lines[0] += ",peers_present"
    lines[1] += ",P01"  # S001: P02 was to assist but did not come
    files["sessions.csv"] = "\n".join(lines[:2] + [line + "," for line in lines[2:]]) + "\n"
    assert run(files, importer).ok
    s001 = ActivityRecord.objects.get(plan__theme="一起唱歌")
    assert [p.name for p in s001.peers_present.all()] == ["王明"]
    assert [p.name for p in s001.plan.assisting_peers.all()] == ["李芳"]
    s002 = ActivityRecord.objects.get(plan__theme="公园散步")
    assert s002.peers_present.count() == 2
