"""Service process on hand-built sessions: every figure counted by hand (or by the standard
library and scipy on the hand-typed values), not by the module."""

from __future__ import annotations

import statistics as pystats
from datetime import date, datetime

import pytest
from django.utils import timezone
from scipy import stats

from tests.conftest import make_person
from tests.reports.conftest import add_sessions, build
from tongban.activities.models import Attendance, Category, Format
from tongban.emergencies.models import EmergencyEvent
from tongban.registry.models import Venue
from tongban.reports import report


def local(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def world(users, community_a, community_b, venue_a, venue_b, peer_person_a):
    """Eight sessions counted (five in A, three in B) and four that are not."""
    by = users["manager"]
    lead = peer_person_a
    second = make_person("甲同伴二", community=community_a, role="peer")
    lead_b = make_person("乙同伴", community=community_b, role="peer", started_on=date(2015, 7, 1))
    second_b = make_person("乙同伴二", community=community_b, role="peer")
    c1, c2, c3, c4, c5 = (make_person(f"甲对象{i}", community=community_a) for i in range(1, 6))
    cb = make_person("乙对象", community=community_b)
    outdoors = Venue.objects.create(community=community_a, name="甲公园", kind=Venue.Kind.OUTDOORS)
    pair = [lead, second]

    s1, s2 = add_sessions(
        venue_a, [date(2013, 8, 5), date(2013, 12, 31)], by=by, lead=lead, minutes=[60, 90],
        category=Category.FINE_MOTOR_EXERCISE, peers=pair, format=Format.GROUP_DISCUSSION,
    )  # fmt: skip
    Attendance.objects.bulk_create(
        [Attendance(record=s1, person=p) for p in (c1, c2, c3)]
        + [Attendance(record=s2, person=p) for p in (c1, c2)]
    )
    s2.format = Format.ROLE_PLAY
    s2.save(update_fields=["format"])
    (s3,) = add_sessions(
        venue_a, [date(2014, 1, 1)], by=by, lead=lead, minutes=120, peers=pair,
        category=Category.FINE_MOTOR_EXERCISE, format=Format.LECTURE,
    )  # fmt: skip
    Attendance.objects.create(record=s3, walk_in_name="路过的人", walk_in_community="别处")
    Attendance.objects.create(record=s3, person=c4, voided_at=timezone.now(), void_reason="x")
    add_sessions(
        venue_a, [date(2014, 6, 30)], by=by, lead=lead, minutes=40, peers=[lead],
        category=Category.DAILY_LIFE_SKILLS, format=Format.LECTURE, attendees=[c3],
    )  # fmt: skip
    (s5,) = add_sessions(
        outdoors, [date(2014, 7, 1)], by=by, lead=lead, minutes=75, peers=[],
        category=Category.EMOTIONAL_SUPPORT, format=Format.OUTDOOR_EXERCISE, attendees=[c1],
    )  # fmt: skip
    add_sessions(
        venue_b, [date(2015, 8, 10), date(2015, 9, 10)], by=by, lead=lead_b, minutes=[80, 100],
        peers=[lead_b, second_b], category=Category.ENTERTAINMENT, attendees=[cb],
    )  # fmt: skip
    add_sessions(
        venue_b, [date(2016, 1, 5)], by=by, lead=lead_b, minutes=45, peers=[lead_b],
        category=Category.EMOTIONAL_SUPPORT, format=Format.PERSONAL_SHARING,
    )  # fmt: skip
    # Not counted: a voided process form (with c5 on its list), a voided plan, outside the range.
    add_sessions(venue_a, [date(2014, 3, 1)], by=by, lead=lead, voided=True, attendees=[c5])
    add_sessions(venue_a, [date(2014, 3, 2)], by=by, lead=lead, plan_voided=True, attendees=[c5])
    add_sessions(venue_a, [date(2013, 6, 30), date(2016, 7, 1)], by=by, lead=lead, attendees=[c5])

    def event(community, kind, when, reporter, session=None, voided=False):
        return EmergencyEvent.objects.create(
            community=community, session=session, kind=kind, occurred_at=when,
            description="d", actions_taken="a", emergency_services_called=False,
            reported_by=reporter, voided_at=timezone.now() if voided else None,
        )  # fmt: skip

    event(community_a, "violence", local(2014, 1, 1, 10), users["doctor"])
    event(community_a, "self_harm", local(2013, 8, 5, 11), users["peer"], session=s1.plan)
    event(community_a, "other", local(2016, 6, 30, 23, 30), users["doctor"], session=s5.plan)
    event(community_a, "other", local(2016, 7, 1, 0, 30), users["doctor"])  # after the range
    event(community_a, "violence", local(2015, 1, 1, 9), users["doctor"], voided=True)
    event(community_b, "medical", local(2015, 8, 10, 10), users["manager"])
    return {"durations": [60, 90, 120, 40, 75, 80, 100, 45]}


def test_sessions_in_all_and_by_six_month_period(world, program):
    process = build(program)["service_process"]
    assert process["sessions"] == 8
    periods = process["periods"]
    assert [c["key"] for c in periods["columns"]] == ["P0", "P1", "P2", "P3", "P4", "P5"]
    assert periods["columns"][0] == {
        "key": "P0",
        "index": 0,
        "starts_on": "2013-07-01",
        "ends_on": "2013-12-31",
        "months_in_range": 6,
        "label": "2013-07 – 2013-12",
    }
    assert periods["columns"][1]["starts_on"] == "2014-01-01"
    assert periods["columns"][5]["ends_on"] == "2016-06-30"
    rows = {row["community"]: row for row in periods["rows"]}
    assert rows["alpha"]["counts"] == [2, 2, 1, 0, 0, 0]
    assert rows["beta"]["counts"] == [0, 0, 0, 0, 2, 1]
    assert rows["alpha"]["total"] == 5
    assert rows["beta"]["per_month"] == [0, 0, 0, 0, 2 / 6, 1 / 6]
    assert periods["totals"] == [2, 2, 1, 0, 2, 1]

    test = periods["test"]
    # Period 3 has no session anywhere: SPSS leaves the empty column out.
    expected = stats.chi2_contingency([[2, 2, 1, 0, 0], [0, 0, 0, 2, 1]], correction=False)
    assert test["test"] == "pearson_chi_square"
    assert test["rows"] == ["alpha", "beta"]
    assert test["kept_columns"] == ["P0", "P1", "P2", "P4", "P5"]
    assert test["table"] == [[2, 2, 1, 0, 0], [0, 0, 0, 2, 1]]
    assert test["statistic"] == pytest.approx(expected.statistic)
    assert test["df"] == 4
    assert test["p"] == pytest.approx(expected.pvalue)
    assert test["pearson_p"] == test["printed_p"] == test["p"]
    assert test["fisher_p"] is None
    assert test["printed_test"] == "pearson_chi_square"
    assert test["printed"] == f"χ²(4) = {expected.statistic:.2f}, p = {expected.pvalue:.3f}"


def test_frequency_duration_formats_venues_peers(world, program):
    process = build(program)["service_process"]
    frequency = process["frequency"]
    assert frequency["basis"] == "first_to_last_session_month"
    alpha, beta = frequency["communities"]
    # Alpha: August 2013 to July 2014 is 12 months; beta: August 2015 to January 2016, 6.
    assert alpha == {
        "community": "alpha",
        "sessions": 5,
        "first_held_on": "2013-08-05",
        "last_held_on": "2014-07-01",
        "months": 12,
        "per_month": 5 / 12,
    }
    assert (beta["months"], beta["per_month"]) == (6, 0.5)
    assert frequency["per_month"] == 8 / 30  # August 2013 to January 2016

    durations = world["durations"]
    duration = process["duration"]
    assert duration["unit"] == "minutes"
    assert (duration["n"], duration["minimum"], duration["maximum"]) == (8, 40, 120)
    assert duration["mean"] == pytest.approx(pystats.mean(durations))
    assert duration["sd"] == pytest.approx(pystats.stdev(durations))  # sample SD
    assert duration["printed"] == f"{pystats.mean(durations):.1f} ± {pystats.stdev(durations):.1f}"

    formats = {f["key"]: f["sessions"] for f in process["formats"]}
    assert formats == {
        "group_discussion": 3,
        "role_play": 1,
        "personal_sharing": 1,
        "lecture": 2,
        "outdoor_exercise": 1,
    }
    assert [f["key"] for f in process["formats"]] == list(Format.values)
    lecture = next(f for f in process["formats"] if f["key"] == "lecture")
    assert lecture["percent"] == 25.0
    venues = {v["key"]: v["sessions"] for v in process["venue_kinds"]}
    assert venues == {
        "rehabilitation_centre": 4,
        "health_care_centre": 3,
        "outdoors": 1,
        "other": 0,
    }
    assert process["peers"] == {"minimum": 2, "fewer_than_minimum": 3, "percent": 37.5}


def test_attendance_and_adverse_events(world, program):
    process = build(program)["service_process"]
    # s1 3, s2 2, s3 a walk-in (the voided row is not counted), s4 1, s5 1, s6 1, s7 1.
    assert process["attendance"] == {
        "attendances": 10,
        "mean_per_session": 10 / 8,
        "consumers_reached": 4,  # c1, c2, c3 and cb; not c4 (voided), c5 (not counted)
        "walk_ins": 1,
    }
    events = process["adverse_events"]
    assert events["events"] == 4
    assert events["per_100_sessions"] == 50.0
    kinds = {k["key"]: k["events"] for k in events["kinds"]}
    assert kinds == {
        "violence": 1,
        "self_harm": 1,
        "suicidal_talk": 0,
        "poorly_controlled": 0,
        "medical": 1,
        "other": 1,
    }


def test_one_community(world, program, community_a):
    process = build(program, communities=[community_a])["service_process"]
    assert process["sessions"] == 5
    assert [row["community"] for row in process["periods"]["rows"]] == ["alpha"]
    assert process["adverse_events"]["events"] == 3
    assert process["attendance"]["consumers_reached"] == 3
    # One row: nothing to compare.
    assert process["periods"]["test"]["computed"] is False
    assert process["periods"]["test"]["reason"] == "no_variation"


def test_a_peer_counts_the_events_a_peer_may_see(world, users):
    data = report.build(report.report_params(users["peer"], date_from=date(2013, 7, 1),
                                             date_to=date(2016, 6, 30)))  # fmt: skip
    events = data["service_process"]["adverse_events"]
    # The self-harm filed by the peer and the one linked to a session; not the doctor's
    # clinic report.
    assert events["events"] == 2
    assert data["service_process"]["sessions"] == 5


def test_no_sessions(program, community_a):
    process = build(program, communities=[community_a])["service_process"]
    assert process["sessions"] == 0
    assert process["duration"]["mean"] is None and process["duration"]["sd"] is None
    assert process["attendance"]["mean_per_session"] is None
    assert process["adverse_events"]["per_100_sessions"] is None
    assert process["frequency"]["per_month"] is None
    assert process["frequency"]["communities"][0]["months"] is None
    assert process["periods"]["test"]["reason"] == "empty_table"
    assert all(f["percent"] is None for f in process["formats"])


def test_periods_before_the_program_start_and_a_start_mid_month(users, program, venue_a,
                                                                 peer_person_a):  # fmt: skip
    program.started_on = date(2013, 7, 15)
    program.save()
    by = users["manager"]
    add_sessions(
        venue_a,
        [date(2012, 12, 31), date(2013, 1, 1), date(2013, 6, 30), date(2013, 7, 3),
         date(2013, 12, 31), date(2014, 1, 1)],
        by=by, lead=peer_person_a,
    )  # fmt: skip
    periods = build(program, date_from=date(2013, 1, 1), date_to=date(2014, 3, 31))[
        "service_process"
    ]["periods"]
    # Counted from the start month (July 2013); January-June 2013 is period -1.
    assert [(c["key"], c["starts_on"], c["ends_on"], c["months_in_range"])
            for c in periods["columns"]] == [
        ("P-1", "2013-01-01", "2013-06-30", 6),
        ("P0", "2013-07-01", "2013-12-31", 6),
        ("P1", "2014-01-01", "2014-06-30", 3),
    ]  # fmt: skip
    assert periods["rows"][0]["counts"] == [2, 2, 1]
    assert periods["rows"][0]["per_month"] == [2 / 6, 2 / 6, 1 / 3]
