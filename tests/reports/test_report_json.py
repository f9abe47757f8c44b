"""The report is plain JSON, and docs/report-json.md names every key it holds."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from tests.conftest import make_person
from tests.reports.conftest import add_sessions, build
from tongban.evaluation.models import EvaluationRound, Interview

DOC = Path(__file__).parents[2] / "docs" / "report-json.md"


@pytest.fixture
def data(users, program, community_a, venue_a, peer_person_a):
    consumer = make_person("对象", community=community_a, started_on=date(2013, 8, 1))
    add_sessions(venue_a, [date(2014, 3, 1), date(2014, 9, 1)], by=users["manager"],
                 lead=peer_person_a, attendees=[consumer])  # fmt: skip
    evaluation_round = EvaluationRound.objects.create(
        program=program, name="轮", starts_on=date(2014, 12, 1), ends_on=date(2014, 12, 31),
        created_by=users["manager"],
    )  # fmt: skip
    evaluation_round.communities.set([community_a])
    Interview.objects.create(
        round=evaluation_round, person=consumer, respondent="consumer", community=community_a,
        outcome="not_assessed", not_assessed_reason="refused", created_by=users["manager"],
    )  # fmt: skip
    return build(program)


def walk(value, path="report"):
    """Every (path, key) of the nested dicts; fails on anything JSON does not have."""
    if isinstance(value, dict):
        for key, item in value.items():
            assert isinstance(key, str), f"{path}: key {key!r}"
            yield path, key
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, f"{path}[]")
    else:
        assert value is None or isinstance(value, str | int | float | bool), f"{path}: {value!r}"


def test_only_json_types(data):
    list(walk(data))
    json.dumps(data, allow_nan=False)  # no NaN or infinity either


def test_dates_are_iso(data):
    assert data["meta"]["date_from"] == "2013-07-01"
    assert data["service_process"]["frequency"]["communities"][0]["first_held_on"] == "2014-03-01"


def test_every_key_is_documented(data):
    # Code spans outside the fenced examples (whose ``` would pair the backticks wrongly).
    text = re.sub(r"```.*?```", "", DOC.read_text(encoding="utf-8"), flags=re.S)
    documented = {
        word for span in re.findall(r"`([^`]+)`", text) for word in re.findall(r"\w+", span)
    }
    missing = sorted({f"{path}.{key}" for path, key in walk(data) if key not in documented})
    assert not missing, f"add to docs/report-json.md: {missing}"


def test_the_examples_in_the_doc_are_json():
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, flags=re.S)
    assert len(blocks) >= 2
    for block in blocks:
        json.loads(block)


def test_labels_follow_the_language(data, program):
    with translation.override("en"):
        english = build(program)
    assert english["meta"]["language"] == "en"
    assert english["participants"]["demographics"]["group_labels"] == {
        "peer": "peer",
        "consumer": "consumer",
    }
    assert english["evaluation"]["respondents"][0]["reasons"][1] == {
        "key": "refused",
        "label": "refused",
        "count": 1,
    }
