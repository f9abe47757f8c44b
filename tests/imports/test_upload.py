"""The upload page: the project manager's only; the same results and problems as the
command; nothing saved on a problem."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tongban.registry.models import Person, Program

URL = "/import/"


def uploads(files: dict[str, str]) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(name, text.encode("utf-8"), "text/csv") for name, text in files.items()
    ]


def test_the_manager_imports_several_files(client, users, files):
    client.force_login(users["manager"])
    page = client.get(URL)
    assert page.status_code == 200
    listing = page.content.decode()
    assert 'id="import-files"' in listing and "<strong>lead_peer</strong>" in listing
    response = client.post(URL, {"files": uploads(files)})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="import-done"' in body
    program = Program.objects.get(slug="example-2014")
    assert users["manager"].programs.filter(pk=program.pk).exists()
    assert Person.objects.filter(program=program).count() == 10
    again = client.post(URL, {"files": uploads(files)}).content.decode()
    with translation.override("zh-hans"):
        assert (
            translation.gettext("Nothing changed: the database already holds these files.") in again
        )


def test_a_zip(client, users, files):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    client.force_login(users["manager"])
    upload = SimpleUploadedFile("program.zip", data.getvalue(), "application/zip")
    response = client.post(URL, {"files": [upload]})
    assert 'id="import-done"' in response.content.decode()
    assert Program.objects.filter(slug="example-2014").exists()


def test_problems_are_listed_and_nothing_is_saved(client, users, files):
    files["people.csv"] += "P99,某人,male,2019-02-30,,,,,\n"
    client.force_login(users["manager"])
    client.cookies["tongban_language"] = "en"
    body = client.post(URL, {"files": uploads(files)}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="import-problems"' in body
    assert "people.csv row 12 born_on: 2019-02-30 is not a valid date" in body
    assert not Program.objects.filter(slug="example-2014").exists()


def test_a_file_that_is_not_a_zip(client, users):
    client.force_login(users["manager"])
    upload = SimpleUploadedFile("program.zip", b"not a zip", "application/zip")
    body = client.post(URL, {"files": [upload]}).content.decode()
    assert 'id="import-error"' in body and "program.zip" in body


def test_nothing_chosen(client, users):
    client.force_login(users["manager"])
    body = client.post(URL, {}).content.decode()
    assert 'id="import-error"' in body


@pytest.mark.parametrize(
    "username", ["psychiatrist", "doctor", "psychologist", "socialworker", "research", "peer"]
)
def test_other_roles_are_refused(client, users, files, username):
    client.force_login(users[username])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"files": uploads(files)}).status_code == 403
    assert not Program.objects.filter(slug="example-2014").exists()


def test_signed_out_goes_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_imported_program_works_like_any_other(client, users, files):
    from django.urls import reverse

    from tongban.activities.models import ActivityPlan

    client.force_login(users["manager"])
    client.post(URL, {"files": uploads(files)})
    program = Program.objects.get(slug="example-2014")
    # The manager works in it now (as after creating a program), and its pages open.
    person = Person.objects.get(program=program, name="王明")
    assert client.get(reverse("registry:person_detail", args=[person.pk])).status_code == 200
    plan = ActivityPlan.objects.filter(community__program=program).first()
    assert client.get(reverse("activities:session_detail", args=[plan.pk])).status_code == 200
    report = client.get(reverse("reports:program_report_json"))
    assert report.status_code == 200
    assert report.json()["meta"]["program"]["slug"] == "example-2014"
