"""The round trip (issue 12, item 6): the demo's paper program written as templates and
imported again gives the same JSON report (but for the supervision figures, whose records
the files do not carry), and the templates of the imported program are the files it came
from."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.utils import translation

from tongban.accounts.models import Role, User
from tongban.demo import loader
from tongban.imports import reader
from tongban.imports.services import program_import
from tongban.imports.templates import templates_rows, templates_write
from tongban.registry.models import Community, Program
from tongban.reports import report

# Made of the supervision records, which the files do not carry.
SUPERVISION = ("meetings", "issues", "actions", "requests", "guidance")


def report_json(program: Program) -> dict:
    with translation.override("zh-hans"):
        data = report.build(report.params_for(program))
    data["meta"].pop("generated_at")  # made when the report runs
    for key in SUPERVISION:
        data["training_supervision"].pop(key)
    return json.loads(json.dumps(data))


@pytest.fixture
def paper(demo_output, db) -> Program:
    return Program.objects.get(slug=loader.PROGRAM_SLUG)


def test_the_paper_program_survives_the_round_trip(paper, tmp_path):
    before = report_json(paper)
    # The comparison compares something: the paper's 214 sessions and its interviews.
    frequency = before["service_process"]["frequency"]["communities"]
    assert sum(c["sessions"] for c in frequency) == 214
    assert sum(r["respondents"] for r in before["evaluation"]["respondents"]) == 46
    assert before["training_supervision"]["training"]["attendances"] > 0
    templates_write(paper, tmp_path)
    sources = reader.sources_from_directory(tmp_path)
    # Make room in this database for the program again: its slug, name and community
    # codes are the installation's to give once.
    for community in Community.objects.filter(program=paper):
        community.code = f"old-{community.code}"
        community.save(update_fields=["code"])
    paper.slug, paper.name = "old-paper", "旧"
    paper.save(update_fields=["slug", "name"])
    manager = User.objects.filter(role=Role.PROJECT_MANAGER).first()

    result = program_import(sources=sources, by=manager)
    assert result.ok, "\n".join(result.lines())
    imported = Program.objects.get(slug=loader.PROGRAM_SLUG)
    assert imported.pk != paper.pk
    after = report_json(imported)
    assert after == before

    # Its templates are the files it came from (same references), and a second import
    # of them changes nothing.
    again = {name: [header, *rows] for name, (header, rows) in templates_rows(imported).items()}
    written = {name: list(csv_rows(data)) for name, data in sources.items()}
    assert again == written
    assert not program_import(sources=sources, by=manager).changed


def csv_rows(data: bytes):
    yield from csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
