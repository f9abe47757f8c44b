"""Training and supervision (issue 11): the section is there for staff, with zeros when
nothing is recorded (tests/reports/test_training_supervision_figures.py counts real data),
and peers do not get it."""

from __future__ import annotations

from django.utils import translation

from tests.reports.conftest import build


def test_without_records_the_section_has_zeros(program, community_a):
    with translation.override("en"):
        section = build(program)["training_supervision"]
    assert section["available"] is True and section["message"] == ""
    assert section["training"]["sessions"] == 0
    assert section["meetings"]["held"] == 0
    assert section["issues"]["total"] == 0
    assert section["actions"] == {"agreed": 0, "done": 0, "cancelled": 0, "open": 0, "overdue": 0}
    assert section["requests"]["asked"] == 0
    assert [phase["key"] for phase in section["guidance"]["phases"]] == ["first", "later"]


def test_peers_do_not_get_it(program, community_a):
    data = build(program, peer_view=True)
    assert "training_supervision" not in data
    assert data["meta"]["sections"] == ["service_process", "service_content"]
