"""`manage.py export` (the console command `tongban export`)."""

from __future__ import annotations

import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tongban.cli import main as cli_main
from tongban.exports.models import ExportRecord

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_writes_the_zip_and_logs_it(program, community_a, consumer_a, tmp_path):
    out = tmp_path / "export.zip"
    run("--program", "test", "--format", "csv", "--lang", "en", "--community", "alpha",
        "--from", "2014-01-01", "--to", "2014-12-31", "--out", str(out))  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        assert "people.csv" in archive.namelist()
        readme = archive.read("README.txt").decode()
    assert "Date range: 2014-01-01 to 2014-12-31" in readme
    record = ExportRecord.objects.get()
    assert record.user is None and record.channel == "command line"
    assert record.communities == ["alpha"] and record.language == "en"
    assert not list(tmp_path.glob("*.part"))


def test_identified_needs_a_reason(program, tmp_path):
    out = tmp_path / "export.zip"
    with pytest.raises(CommandError, match="why"):
        run(
            "--program",
            "test",
            "--format",
            "csv",
            "--lang",
            "en",
            "--identified",
            "--out",
            str(out),
        )
    assert not out.exists() and not ExportRecord.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--program", "nope"], "nope"),
        (["--program", "test", "--community", "gamma"], "gamma"),
        (["--program", "test", "--from", "2015-01-01", "--to", "2014-01-01"], "end date"),
    ],
)
def test_mistakes_are_explained(program, community_a, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args, "--format", "csv", "--lang", "en", "--out", str(tmp_path / "x.zip"))
    assert not ExportRecord.objects.exists()


def test_the_console_command_knows_export_and_import(capsys):
    assert cli_main(["--help"]) == 0
    usage = capsys.readouterr().err
    assert "tongban export --program SLUG --format csv|xlsx|sav|dta|templates" in usage
    assert "tongban import DIR" in usage


def test_templates_from_the_command_line_are_identified_and_need_a_reason(
    program, community_a, consumer_a, tmp_path
):
    out = tmp_path / "templates.zip"
    with pytest.raises(CommandError):
        run("--program", "test", "--format", "templates", "--out", str(out))
    run("--program", "test", "--format", "templates", "--reason", "迁往新服务器",
        "--out", str(out))  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        assert "program.csv" in archive.namelist()
        assert "甲服务对象" in archive.read("people.csv").decode("utf-8-sig")
    record = ExportRecord.objects.get()
    assert record.identified and record.format == "templates" and record.channel == "command line"
