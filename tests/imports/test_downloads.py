"""The upload page's downloads: blank files to fill in, and the example set; both import
as they are (the blank set as an empty table per file but program.csv)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tongban.imports import reader, spec
from tongban.imports.services import program_import

pytestmark = pytest.mark.django_db


def _zip(response) -> zipfile.ZipFile:
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


@pytest.mark.parametrize("username", ["doctor", "research", "peer", "psychiatrist"])
def test_only_the_manager_downloads_them(client_for, users, username):
    client = client_for(users[username])
    assert client.get("/import/templates.zip").status_code == 403
    assert client.get("/import/example.zip").status_code == 403


def test_blank_files_have_every_column_and_the_question_codes(client_for, users):
    archive = _zip(client_for(users["manager"]).get("/import/templates.zip"))
    assert sorted(archive.namelist()) == sorted(spec.FILES)
    people = archive.read("people.csv").decode("utf-8-sig").strip().split(",")
    assert people == [column.name for column in spec.FILES["people.csv"]]
    interviews = archive.read("interviews.csv").decode("utf-8-sig").strip().split(",")
    assert len(interviews) > len(spec.FILES["interviews.csv"])  # the questions' codes


def test_the_example_set_downloads_and_imports(client_for, users):
    archive = _zip(client_for(users["manager"]).get("/import/example.zip"))
    assert "program.csv" in archive.namelist() and "sessions.csv" in archive.namelist()
    data = client_for(users["manager"]).get("/import/example.zip").content
    result = program_import(sources=reader.sources_from_zip(data), by=users["manager"])
    assert result.ok, result.lines
