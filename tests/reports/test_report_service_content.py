"""Service content (Fig. 2): each category's sessions and share, most first."""

from __future__ import annotations

from datetime import date

from tests.reports.conftest import add_sessions, build
from tongban.activities.models import Category


def test_categories_most_first_ties_in_the_categories_order(users, program, venue_a,
                                                            peer_person_a):  # fmt: skip
    by, lead = users["manager"], peer_person_a
    day = date(2014, 5, 1)
    for category, n in (
        (Category.FINE_MOTOR_EXERCISE, 3),
        (Category.EMOTIONAL_SUPPORT, 2),
        (Category.ENTERTAINMENT, 2),
        (Category.DAILY_LIFE_SKILLS, 1),
    ):
        add_sessions(venue_a, [day] * n, by=by, lead=lead, category=category)
    add_sessions(venue_a, [day], by=by, lead=lead, category=Category.KNOWLEDGE, voided=True)

    content = build(program)["service_content"]
    assert content["sessions"] == 8
    assert [(c["key"], c["sessions"], c["percent"]) for c in content["categories"]] == [
        ("fine_motor_exercise", 3, 37.5),
        # A tie keeps the order the categories are given to peers in.
        ("entertainment", 2, 25.0),
        ("emotional_support", 2, 25.0),
        ("daily_life_skills", 1, 12.5),
        ("social_skills", 0, 0.0),
        ("knowledge", 0, 0.0),
        ("personal_perceptions", 0, 0.0),
        ("healthy_lifestyle", 0, 0.0),
    ]
    labels = {c["key"]: c["label"] for c in content["categories"]}
    assert labels["fine_motor_exercise"] == str(Category.FINE_MOTOR_EXERCISE.label)


def test_content_matches_the_process_count(users, program, venue_a, peer_person_a):
    add_sessions(venue_a, [date(2014, 5, 1), date(2016, 7, 1)], by=users["manager"],
                 lead=peer_person_a)  # fmt: skip
    data = build(program)
    assert data["service_content"]["sessions"] == data["service_process"]["sessions"] == 1
