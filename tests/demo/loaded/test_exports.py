"""The demo's paper program exported in every format and read back by an implementation
independent of ours (pyreadstat): labels, value labels, missing values, no identifiers."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pyreadstat
import pytest

from tests.exports.helpers import export_zip
from tongban.evaluation.models import Interview
from tongban.registry.models import Person, Program

MOMENT = date(2026, 12, 3)
TABLES = ("people", "enrolments", "sessions", "attendance", "interviews")


@pytest.fixture(scope="module")
def loaded(demo_output):
    return demo_output


@pytest.fixture
def paper(loaded, db) -> Program:
    return Program.objects.get(slug="chaoyang-2013")


def _identifiers(program: Program) -> tuple[set[str], set[str]]:
    names = set(Person.objects.filter(program=program).values_list("name", flat=True))
    phones = {p for p in Person.objects.filter(program=program).values_list("phone", flat=True)
              if p}  # fmt: skip
    return names, phones


def _read(archive: zipfile.ZipFile, name: str, tmp_path, reader):
    path = tmp_path / name
    path.write_bytes(archive.read(name))
    return reader(str(path), user_missing=True)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_spss_files_read_back_with_labels(paper, tmp_path, language):
    archive = export_zip(paper, format="sav", language=language,
                         date_from=date(2013, 7, 1), date_to=date(2016, 6, 30))  # fmt: skip
    frame, meta = _read(archive, "people.sav", tmp_path, pyreadstat.read_sav)
    label = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert label["sex"] == ("性别" if language == "zh-hans" else "Sex")
    assert meta.variable_value_labels["sex"] == (
        {1.0: "男", 2.0: "女"} if language == "zh-hans" else {1.0: "male", 2.0: "female"}
    )
    assert meta.variable_measure["sex"] == "nominal" and meta.variable_measure["age"] == "scale"
    assert meta.variable_measure["education"] == "ordinal"
    # Table 2 of the paper: 12 peers and 50 consumers (and caregivers) are people.
    assert len(frame) == Person.objects.filter(program=paper).filter(
        enrolments__community__program=paper
    ).distinct().count() + _caregivers_only(paper)
    readme = archive.read("README.txt").decode()
    sessions, _meta = _read(archive, "sessions.sav", tmp_path, pyreadstat.read_sav)
    assert f"sessions: {len(sessions)}\n" in readme
    assert sessions["recorded"].sum() == 214  # "A total of 214 peer support sessions"


def _caregivers_only(program: Program) -> int:
    return (
        Person.objects.filter(program=program, cares_for__isnull=False)
        .exclude(enrolments__community__program=program)
        .distinct()
        .count()
    )


def test_not_assessed_is_a_declared_missing_value_with_its_reason(paper, tmp_path):
    archive = export_zip(paper, format="sav", language="en")
    frame, meta = _read(archive, "interviews.sav", tmp_path, pyreadstat.read_sav)
    questions = [name for name in meta.column_names if name.startswith("q_")]
    assert questions
    first = questions[0]
    assert meta.missing_ranges[first][0]["hi"] == -1.0
    assert meta.variable_value_labels[first][-2.0] == "not assessed: refused"
    not_assessed = (
        Interview.objects.current().filter(round__program=paper, outcome="not_assessed").count()
    )
    assert not_assessed > 0
    assert (frame[first] < 0).sum() == not_assessed


def test_stata_files_read_back_with_labels(paper, tmp_path):
    archive = export_zip(paper, format="dta", language="zh-hans")
    frame, meta = _read(archive, "people.dta", tmp_path, pyreadstat.read_dta)
    label = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert label["diagnosis"] == "诊断"
    assert set(meta.variable_value_labels["sex"].values()) == {"男", "女"}
    _frame, interviews = _read(archive, "interviews.dta", tmp_path, pyreadstat.read_dta)
    first = next(name for name in interviews.column_names if name.startswith("q_"))
    assert "a" in interviews.variable_value_labels[first]


@pytest.mark.parametrize("fmt", ["csv", "sav", "dta", "xlsx"])
def test_no_direct_identifier_in_any_cell(paper, tmp_path, fmt):
    names, phones = _identifiers(paper)
    assert len(names) > 60 and phones
    archive = export_zip(paper, format=fmt, language="zh-hans")
    cells: list[str] = []
    for name in archive.namelist():
        if name.endswith(".csv"):
            text = archive.read(name).decode("utf-8-sig")
            cells += [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        elif name.endswith((".sav", ".dta")):
            reader = pyreadstat.read_sav if name.endswith(".sav") else pyreadstat.read_dta
            frame, meta = _read(archive, name, tmp_path, reader)
            cells += [str(value) for column in frame.columns for value in frame[column]]
            cells += [str(v) for labels in meta.variable_value_labels.values()
                      for v in labels.values()]  # fmt: skip
        elif name.endswith(".xlsx"):
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(archive.read(name)), read_only=True)
            cells += [str(value) for sheet in book for row in sheet.iter_rows(values_only=True)
                      for value in row]  # fmt: skip
    assert cells
    assert not names & set(cells)
    assert not [cell for cell in cells if any(phone in cell for phone in phones)]
