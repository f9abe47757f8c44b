"""`manage.py report --program SLUG --json` and the console command `tongban report`."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import make_person
from tests.reports.conftest import add_sessions
from tongban import cli
from tongban.registry.models import Community, Program
from tongban.reports import report


@pytest.fixture
def sessions(users, community_a, community_b, venue_a, venue_b, peer_person_a):
    by = users["manager"]
    add_sessions(venue_a, [date(2014, 3, 1), date(2015, 4, 1)], by=by, lead=peer_person_a)
    lead_b = make_person("乙同伴", community=community_b, role="peer")
    add_sessions(venue_b, [date(2015, 9, 1)] * 3, by=by, lead=lead_b)


def run(*args: str) -> dict:
    out = StringIO()
    call_command("report", *args, stdout=out)
    return json.loads(out.getvalue())


def without_time(data: dict) -> dict:
    data["meta"].pop("generated_at")
    return data


def test_the_json_is_the_report(sessions, program):
    data = run("--program", "test", "--json", "--from", "2014-01-01", "--to", "2016-06-30")
    params = report.params_for(program, date_from=date(2014, 1, 1), date_to=date(2016, 6, 30))
    assert without_time(data) == without_time(json.loads(json.dumps(report.build(params))))
    assert data["service_process"]["sessions"] == 5
    assert data["meta"]["peer_view"] is False
    assert "evaluation" in data and "participants" in data


def test_defaults_and_communities(sessions, program):
    data = run("--program", "test", "--json", "--to", "2016-06-30")
    assert data["meta"]["date_from"] == "2013-07-01"
    assert [c["code"] for c in data["meta"]["communities"]] == ["alpha", "beta"]
    data = run("--program", "test", "--json", "--community", "beta", "--to", "2016-06-30")
    assert [c["code"] for c in data["meta"]["communities"]] == ["beta"]
    assert data["service_process"]["sessions"] == 3
    both = run("--program", "test", "--json", "--community", "beta", "--community", "alpha",
               "--to", "2016-06-30")  # fmt: skip
    assert [c["code"] for c in both["meta"]["communities"]] == ["alpha", "beta"]


def test_the_language_of_the_labels(sessions):
    english = run("--program", "test", "--json", "--language", "en")
    chinese = run("--program", "test", "--json")
    assert english["meta"]["language"] == "en"
    assert chinese["meta"]["language"] == "zh-hans"
    assert english["service_process"]["formats"][0]["label"] == "group discussion"
    assert english["meta"]["communities"][0]["display_name"] == "Alpha"
    assert chinese["meta"]["communities"][0]["display_name"] == "甲社区"


def test_the_output_is_utf8_not_escaped(sessions):
    out = StringIO()
    call_command("report", "--program", "test", "--json", stdout=out)
    assert "甲社区" in out.getvalue()
    assert out.getvalue().startswith("{\n  ")  # indented by two


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--program", "nope", "--json"], "nope"),
        (["--program", "test", "--json", "--community", "zzz"], "zzz"),
        (["--program", "test", "--json", "--community", "gamma"], "gamma"),
        (["--program", "test", "--json", "--from", "2016-13-01"], "2016-13-01"),
        (["--program", "test", "--json", "--from", "yesterday"], "yesterday"),
        (["--program", "test", "--json", "--from", "1800-01-01"], "1900-01-01"),
        (["--program", "test", "--json", "--from", "2016-02-01", "--to", "2016-01-01"], ""),
        (["--program", "test"], "--json"),
        (["--json"], "--program"),
    ],
)
def test_bad_arguments_say_what_is_wrong(program, community_a, args, says):
    other = Program.objects.create(name="丙", slug="other", started_on=date(2015, 1, 1))
    Community.objects.create(program=other, code="gamma", name="丙社区")
    with pytest.raises(CommandError) as error:
        call_command("report", *args, stdout=StringIO())
    assert says in str(error.value)


def test_the_console_command(sessions, capsys):
    assert cli.main(["report", "--program", "test", "--json", "--to", "2016-06-30"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["service_process"]["sessions"] == 5


def test_the_console_command_errors(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["report", "--program", "nope", "--json"])
    assert exit_.value.code == 1
    assert "nope" in capsys.readouterr().err
    assert cli.main([]) == 2
    assert "usage: tongban report" in capsys.readouterr().err
    assert cli.main(["migrate"]) == 2  # only the report


def test_the_console_command_is_declared():
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["tongban"] == "tongban.cli:main"
