"""The export page: who may export what, validation, the download, the log."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.exports.helpers import export_zip
from tongban.exports.models import ExportRecord

pytestmark = pytest.mark.django_db
URL = "/exports/"


def download(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("username", ["peer", "doctor", "psychologist", "socialworker"])
def test_roles_without_research_exports_are_refused(client_for, users, username):
    client = client_for(users[username])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"format": "csv", "language": "en"}).status_code == 403
    assert not ExportRecord.objects.exists()


@pytest.mark.parametrize("username", ["research", "manager", "psychiatrist"])
def test_researchers_manager_and_psychiatrist_see_the_page(client_for, users, username):
    response = client_for(users[username]).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="format"' in body
    # Only the manager is offered an identified export.
    assert ('name="identified"' in body) == (username == "manager")
    assert ('value="templates"' in body) == (username == "manager")


def test_a_research_assistant_exports_their_communities_de_identified(
    client_for, users, community_a, consumer_a, consumer_b
):
    client = client_for(users["research"])
    page = client.get(URL).content.decode()
    assert "甲社区" in page and "乙社区" not in page
    # Another community's code is refused, and nothing is exported or logged.
    response = client.post(URL, {"format": "csv", "language": "zh-hans", "community": "beta"})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not ExportRecord.objects.exists()
    # Asking for an identified export by hand changes nothing: the field is not theirs.
    response = client.post(
        URL, {"format": "csv", "language": "zh-hans", "identified": "on", "reason": "x"}
    )
    archive = download(response)
    assert "attachment;" in response["Content-Disposition"]
    assert "deidentified" in response["Content-Disposition"]
    record = ExportRecord.objects.get()
    assert record.user == users["research"] and not record.identified
    assert record.communities == ["alpha"]
    people = archive.read("people.csv").decode("utf-8-sig")
    assert "甲服务对象" not in people and people.count("\n") == 3  # header, peer, consumer A


def test_templates_are_not_offered_to_researchers(client_for, users):
    response = client_for(users["research"]).post(
        URL, {"format": "templates", "language": "zh-hans"}
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not ExportRecord.objects.exists()


def test_an_identified_export_needs_a_reason(client_for, users, consumer_a):
    client = client_for(users["manager"])
    response = client.post(URL, {"format": "csv", "language": "zh-hans", "identified": "on"})
    body = response.content.decode()
    assert response.status_code == 200 and "error-summary" in body
    assert not ExportRecord.objects.exists()
    response = client.post(
        URL,
        {"format": "csv", "language": "zh-hans", "identified": "on", "reason": "随访需要"},
    )
    archive = download(response)
    assert "甲服务对象" in archive.read("people.csv").decode("utf-8-sig")
    record = ExportRecord.objects.get()
    assert record.identified and record.reason == "随访需要"


def test_bad_dates_are_reported_next_to_the_field(client_for, users):
    response = client_for(users["manager"]).post(
        URL,
        {"format": "csv", "language": "en", "date_from": "2015-02-30", "date_to": "2014-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"date_from"}
    response = client_for(users["manager"]).post(
        URL,
        {"format": "csv", "language": "en", "date_from": "2015-01-01", "date_to": "2014-01-01"},
    )
    assert response.context["form"].errors.keys() == {"date_to"}
    assert not ExportRecord.objects.exists()


def test_the_log_shows_the_manager_every_export_and_others_their_own(client_for, users, program):
    export_zip(program, user=users["research"])
    export_zip(program, user=users["manager"], identified=True, reason="核对名单")
    manager_page = client_for(users["manager"]).get(URL).content.decode()
    assert manager_page.count('id="export-record-') == 2 and "核对名单" in manager_page
    research_page = client_for(users["research"]).get(URL).content.decode()
    assert research_page.count('id="export-record-') == 1 and "核对名单" not in research_page


def test_the_log_costs_the_same_queries_however_long(client_for, users, program):
    client = client_for(users["manager"])
    export_zip(program, user=users["manager"], date_to=date(2013, 12, 31))

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(URL).status_code == 200
        return len(context.captured_queries)

    before = count()
    for _ in range(5):
        export_zip(program, user=users["research"], date_to=date(2013, 12, 31))
    assert count() == before


def test_the_manager_downloads_the_import_templates(client_for, users, consumer_a):
    client = client_for(users["manager"])
    response = client.post(URL, {"format": "templates", "language": "zh-hans"})
    assert "error-summary" in response.content.decode()  # identified: a reason is needed
    response = client.post(
        URL, {"format": "templates", "language": "zh-hans", "reason": "迁往市级系统"}
    )
    archive = download(response)
    assert {"program.csv", "people.csv", "sessions.csv"} <= set(archive.namelist())
    assert "甲服务对象" in archive.read("people.csv").decode("utf-8-sig")
    record = ExportRecord.objects.get()
    assert record.identified and record.format == "templates" and record.reason == "迁往市级系统"
    assert "identified" in response["Content-Disposition"]
