"""On a phone in Chinese: the project manager downloads the de-identified SPSS export and
finds it in the log, then moves a program in from the example CSV files on the upload
page; a research assistant is not offered an identified export."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pyreadstat
import pytest

from tongban.exports.models import ExportRecord
from tongban.registry.models import Program

from .conftest import assert_fits_phone, assert_tappable, html_lang, login, shoot, url

pytestmark = pytest.mark.browser
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example"


def test_the_manager_downloads_spss_in_chinese(live_server, new_phone, users, consumer_a, tmp_path):
    phone = new_phone()
    login(phone, live_server, "manager")
    phone.goto(url(live_server, "/"))
    with phone.expect_navigation():
        phone.click("nav.mainnav a[href='/exports/']")
    assert html_lang(phone) == "zh-hans"
    assert phone.is_checked("input[name=format][value=sav]")  # SPSS is the default
    assert phone.input_value("select[name=language]") == "zh-hans"
    assert not phone.is_checked("input[name=identified]")
    assert_fits_phone(phone)
    assert_tappable(phone, "form.form button[type=submit]")
    shoot(phone, "export-01-form")

    # Identified without a reason: refused, with the error next to the field.
    phone.check("input[name=identified]")
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")
    assert phone.locator("#error-summary").is_visible()
    assert phone.locator("#field-reason .error").count() == 1
    assert not ExportRecord.objects.exists()
    shoot(phone, "export-02-reason-missing")

    phone.uncheck("input[name=identified]")
    with phone.expect_download() as download_info:
        phone.click("form.form button[type=submit]")
    download = download_info.value
    assert download.suggested_filename.startswith("test-sav-deidentified-")
    path = tmp_path / "export.zip"
    download.save_as(path)
    with zipfile.ZipFile(path) as archive:
        (tmp_path / "people.sav").write_bytes(archive.read("people.sav"))
        assert "codebook.html" in archive.namelist()
    frame, meta = pyreadstat.read_sav(str(tmp_path / "people.sav"))
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["sex"] == "性别"
    assert "name" not in meta.column_names and len(frame) == 2  # the peer and the consumer

    phone.goto(url(live_server, "/exports/"))
    log = phone.locator("#export-log")
    assert log.locator("tbody tr").count() == 1
    assert "去标识" in log.inner_text()
    assert_fits_phone(phone)
    shoot(phone, "export-03-log")

    # The example set of docs/import-example, through the upload page.
    phone.goto(url(live_server, "/import/"))
    assert html_lang(phone) == "zh-hans"
    phone.set_input_files("input[name=files]", sorted(str(p) for p in EXAMPLE.glob("*.csv")))
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")
    assert phone.locator("#import-done").is_visible()
    with open(EXAMPLE / "program.csv", encoding="utf-8-sig") as handle:
        slug = next(csv.DictReader(handle))["slug"]
    imported = Program.objects.get(slug=slug)
    assert imported.communities.exists() and imported.people.exists()
    shoot(phone, "export-04-imported")
    # The same files again: nothing changes, and the page says so.
    people = imported.people.count()
    phone.set_input_files("input[name=files]", sorted(str(p) for p in EXAMPLE.glob("*.csv")))
    with phone.expect_navigation():
        phone.click("form.form button[type=submit]")
    assert phone.locator("#import-done").is_visible()
    assert imported.people.count() == people


def test_a_research_assistant_is_not_offered_an_identified_export(live_server, new_phone, users):
    phone = new_phone()
    login(phone, live_server, "research")
    phone.goto(url(live_server, "/exports/"))
    assert phone.locator("input[name=identified]").count() == 0
    assert phone.locator("input[name=format][value=templates]").count() == 0
    assert_fits_phone(phone)
