"""The export zip: its files, codebook and README; pseudonyms; de-identification; filters."""

from __future__ import annotations

import re
from datetime import date

import openpyxl
import pytest
from django.utils import translation

from tests.conftest import make_person
from tests.exports.helpers import export_zip, read_csv, read_rows
from tests.reports.conftest import add_sessions
from tongban.activities.models import Category
from tongban.exports.models import ExportKey, ExportRecord
from tongban.exports.tables import TABLES
from tongban.registry import services as registry_services

pytestmark = pytest.mark.django_db

TABLE_NAMES = [
    "people", "enrolments", "status_changes", "caregivers", "sessions", "attendance",
    "emergencies", "interviews", "assessments", "consents", "training_attendance",
    "supervision_meetings",
]  # fmt: skip


@pytest.fixture
def data(community_a, community_b, users, peer_person_a, consumer_a, consumer_b):
    """Two sessions in A in 2014 with the consumer attending, one in B in 2015, a caregiver,
    a status change."""
    venue_a = community_a.venues.get()
    add_sessions(
        venue_a, [date(2014, 5, 6), date(2014, 6, 3)], by=users["doctor"], lead=peer_person_a,
        attendees=[consumer_a],
    )  # fmt: skip
    venue_b = community_b.venues.create(name="乙活动室", kind="other")
    lead_b = make_person("乙同伴", community=community_b, role="peer", started_on=date(2015, 8, 1))
    add_sessions(venue_b, [date(2015, 9, 1)], by=users["manager"], lead=lead_b,
                 attendees=[consumer_b])  # fmt: skip
    mother = make_person("甲家属", phone="13600001111", diagnosis="")
    registry_services.caregiver_link_create(
        caregiver=mother, cared_for=consumer_a, relationship="parent"
    )
    registry_services.enrolment_change_status(
        enrolment=consumer_a.enrolments.get(), status="on_leave", effective_on=date(2014, 9, 1),
        reason="住院治疗",
    )  # fmt: skip
    return {"mother": mother, "lead_b": lead_b}


def test_the_zip_holds_every_table_a_codebook_and_a_readme(program, data):
    archive = export_zip(program)
    names = set(archive.namelist())
    assert names == {f"{t}.csv" for t in TABLE_NAMES} | {
        "codebook.csv", "codebook.html", "README.txt"
    }  # fmt: skip
    assert [build.__name__ for build in TABLES] == TABLE_NAMES
    # CSV with a byte-order mark, so that Excel reads UTF-8.
    assert archive.read("people.csv").startswith("\ufeff".encode())
    readme = archive.read("README.txt").decode()
    assert "测试项目" in readme and "2013-01-01" in readme and "2016-12-31" in readme
    assert "alpha" in readme and "beta" in readme
    assert re.search(r"sessions: 3\b", readme) and re.search(r"attendance: 3\b", readme)


def test_the_codebook_lists_every_variable_of_every_file(program, data):
    archive = export_zip(program)
    codebook = read_rows(archive, "codebook.csv")[1:]
    listed: dict[str, list[str]] = {}
    for row in codebook:
        listed.setdefault(row[0], []).append(row[1])
    for table in TABLE_NAMES:
        header = archive.read(f"{table}.csv").decode("utf-8-sig").splitlines()[0].split(",")
        assert listed[table] == header, table
    sex = next(r for r in codebook if r[:2] == ["people", "sex"])
    assert "1 = 男" in sex[5] and sex[7] == "registry.Person.sex"
    html = archive.read("codebook.html").decode()
    assert '<html lang="zh-hans">' in html and "<code>person_id</code>" in html


def test_english_labels(program, data):
    archive = export_zip(program, language="en")
    codebook = read_csv(archive, "codebook.csv")
    sex = next(r for r in codebook if r["table"] == "people" and r["variable"] == "sex")
    assert sex["label"] == "Sex" and "2 = female" in sex["values"]


def test_de_identified_by_default(program, data, consumer_a):
    archive = export_zip(program)
    everything = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    for secret in ("甲服务对象", "甲家属", "13911112222", "13600001111", "1970-05-06", "住院治疗",
                   "主题"):  # fmt: skip
        assert secret not in everything
    people = read_csv(archive, "people.csv")
    assert set(people[0]) == {
        "person_id", "sex", "age", "education", "marital_status", "working_status", "diagnosis"
    }  # fmt: skip
    # Born 1970-05-06: 46 on 2016-12-31, the range's end.
    assert {row["age"] for row in people if row["diagnosis"]} == {"46"}
    assert ExportRecord.objects.get().identified is False


def test_pseudonyms_are_stable_across_tables_and_exports(program, data, consumer_a):
    first = export_zip(program)
    second = export_zip(program, format="csv", date_from=date(2014, 1, 1))
    ids = {row["person_id"] for row in read_csv(first, "people.csv")}
    assert len(ids) == 5 and all(re.fullmatch(r"P[A-Z2-7]{10}", i) for i in ids)
    attendance = read_csv(first, "attendance.csv")
    assert {row["person_id"] for row in attendance} <= ids
    assert {row["person_id"] for row in read_csv(second, "people.csv")} == ids
    links = read_csv(first, "caregivers.csv")
    assert len(links) == 1 and {links[0]["caregiver_id"], links[0]["cared_for_id"]} <= ids


def test_pseudonyms_need_the_programs_secret(program, data):
    before = {row["person_id"] for row in read_csv(export_zip(program), "people.csv")}
    key = ExportKey.objects.get(program=program)
    key.secret = "0" * 64
    key.save()
    after = {row["person_id"] for row in read_csv(export_zip(program), "people.csv")}
    assert before.isdisjoint(after)


def test_identified_export_has_names_and_free_text(program, data, users):
    archive = export_zip(program, identified=True, reason="迁移到新系统", user=users["manager"])
    people = read_csv(archive, "people.csv")
    assert {"甲服务对象", "甲家属"} <= {row["name"] for row in people}
    assert "13911112222" in {row["phone"] for row in people}
    changes = read_csv(archive, "status_changes.csv")
    # Each enrolment starts with an "active" change without a reason.
    assert [row["reason"] for row in changes if row["reason"]] == ["住院治疗"]
    record = ExportRecord.objects.get()
    assert record.identified and record.reason == "迁移到新系统" and record.user == users["manager"]


def test_range_and_communities_filter_the_tables(program, data, community_a):
    archive = export_zip(program, date_from=date(2014, 6, 1), date_to=date(2014, 12, 31),
                         communities=[community_a])  # fmt: skip
    sessions = read_csv(archive, "sessions.csv")
    assert [row["planned_on"] for row in sessions] == ["2014-06-03"]
    assert {row["community"] for row in sessions} == {str(community_a.pk)}
    # Community B's people (enrolled from 2015) are not in an export of A up to 2014.
    assert len(read_csv(archive, "people.csv")) == 3  # A's peer, consumer and caregiver
    assert ExportRecord.objects.get().communities == ["alpha"]


def test_sessions_count_attendance_and_assisting_peers_in_the_database(program, data):
    rows = read_csv(export_zip(program), "sessions.csv")
    assert [(r["recorded"], r["n_attendees"], r["minutes"]) for r in rows] == [
        ("1", "1", "90"), ("1", "1", "90"), ("1", "1", "90")
    ]  # fmt: skip


def test_xlsx_has_a_sheet_per_table_with_labels(program, data):
    archive = export_zip(program, format="xlsx")
    assert "tables.xlsx" in archive.namelist()
    import io

    workbook = openpyxl.load_workbook(io.BytesIO(archive.read("tables.xlsx")), read_only=True)
    assert workbook.sheetnames == TABLE_NAMES
    rows = list(workbook["people"].iter_rows(values_only=True))
    assert rows[0][:2] == ("person_id", "sex")
    assert {row[1] for row in rows[1:]} <= {"男", "女"}
    sessions = list(workbook["sessions"].iter_rows(values_only=True))
    with translation.override("zh-hans"):
        entertainment = str(Category.ENTERTAINMENT.label)
    assert sessions[0][3] == "category" and sessions[1][3] == entertainment


def test_a_community_export_holds_nothing_of_another_community(
    program, data, community_a, community_b
):
    archive = export_zip(program, communities=[community_a])
    for name in archive.namelist():
        if not name.endswith(".csv") or name == "codebook.csv":
            continue
        for row in read_csv(archive, name):
            assert row.get("community", str(community_a.pk)) == str(community_a.pk), name
    lead_b = read_csv(export_zip(program, communities=[community_b]), "people.csv")
    ids_b = {row["person_id"] for row in lead_b}
    ids_a = {row["person_id"] for row in read_csv(archive, "people.csv")}
    assert ids_a and ids_b and ids_a.isdisjoint(ids_b)
    attendance = read_csv(archive, "attendance.csv")
    assert {row["person_id"] for row in attendance} <= ids_a
    assert len(attendance) == 2
