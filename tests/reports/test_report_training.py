"""Training and supervision: no records exist yet (issue 11), and the section says so."""

from __future__ import annotations

from django.utils import translation

from tests.reports.conftest import build


def test_the_section_says_there_are_no_records(program, community_a):
    with translation.override("en"):
        section = build(program)["training_supervision"]
    assert section == {
        "available": False,
        "message": "No training or supervision records are kept yet.",
        "workshops": None,
        "supervision": None,
        "issues": [],
        "actions": None,
    }


def test_peers_do_not_get_it(program, community_a):
    data = build(program, peer_view=True)
    assert "training_supervision" not in data
    assert data["meta"]["sections"] == ["service_process", "service_content"]
