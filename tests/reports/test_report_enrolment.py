"""Table 1: people enrolled by community and calendar year, for peers and for consumers.

Counted in a year when enrolled on or before its last day (the range's end in its last
year) and not withdrawn by then; on leave counts; a voided enrolment never does.
"""

from __future__ import annotations

from datetime import date

import pytest
from scipy import stats

from tests.conftest import make_person, make_user
from tests.reports.conftest import build
from tongban.accounts.models import Role
from tongban.registry import services

FROM, TO = date(2013, 7, 1), date(2015, 6, 30)


def status(person, value: str, on: date, community=None) -> None:
    enrolment = person.enrolments.get(**({"community": community} if community else {}))
    services.enrolment_change_status(
        enrolment=enrolment, status=value, effective_on=on, reason="原因"
    )


@pytest.fixture
def table_1(program, community_a, community_b):
    manager = make_user("m", Role.PROJECT_MANAGER)
    a, b = community_a, community_b
    p1 = make_person("p1", community=a, started_on=date(2013, 8, 1))
    services.enrolment_create(
        person=p1, community=b, role="consumer", started_on=date(2014, 2, 1), before_screening=True
    )
    make_person("p2", community=a, started_on=date(2013, 12, 31))  # the year's last day
    p3 = make_person("p3", community=a, started_on=date(2014, 1, 1))
    # p3 became a peer too: counted in both tables.
    services.enrolment_create(
        person=p3, community=a, role="peer", started_on=date(2014, 6, 1), before_screening=True
    )
    p4 = make_person("p4", community=a, started_on=date(2013, 9, 1))
    status(p4, "withdrawn", date(2014, 12, 31))  # withdrawn on the counting day
    p5 = make_person("p5", community=a, started_on=date(2013, 9, 1))
    status(p5, "on_leave", date(2014, 3, 1))
    p6 = make_person("p6", community=a, started_on=date(2013, 9, 1))
    status(p6, "withdrawn", date(2014, 5, 1))
    status(p6, "active", date(2015, 1, 10))  # came back
    p7 = make_person("p7", community=a, started_on=date(2013, 9, 1))
    services.enrolment_void(enrolment=p7.enrolments.get(), by=manager, reason="录错了")
    make_person("p8", community=a, started_on=date(2015, 7, 1))  # after the range
    make_person("p9", community=b, started_on=date(2015, 6, 30))
    p10 = make_person("p10", community=a, started_on=date(2013, 9, 1))
    status(p10, "withdrawn", date(2015, 6, 30))
    make_person("q1", community=a, role="peer", started_on=date(2013, 7, 1))
    make_person("q3", community=b, role="peer", started_on=date(2015, 1, 1))


def test_years_and_counting_days(table_1, program):
    enrolment = build(program, FROM, TO)["participants"]["enrolment"]
    assert enrolment["years"] == [2013, 2014, 2015]
    assert enrolment["counted_on"] == ["2013-12-31", "2014-12-31", "2015-06-30"]


def test_consumers(table_1, program):
    consumer = build(program, FROM, TO)["participants"]["enrolment"]["consumer"]
    # 2013: p1 p2 p4 p5 p6 p10; 2014: p1 p2 p3 p5 p10; 2015 (to 30 June): p1 p2 p3 p5 p6.
    assert consumer["rows"] == [
        {"community": "alpha", "counts": [6, 5, 5]},
        {"community": "beta", "counts": [0, 1, 2]},  # p1 from 2014, p9 from 30 June 2015
    ]
    assert consumer["totals"] == [6, 6, 7]
    expected = stats.chi2_contingency([[6, 5, 5], [0, 1, 2]], correction=False)
    test = consumer["test"]
    assert test["statistic"] == pytest.approx(expected.statistic)
    assert test["df"] == 2
    assert test["p"] == pytest.approx(expected.pvalue)
    assert test["rows"] == ["alpha", "beta"] and test["columns"] == [2013, 2014, 2015]


def test_peers(table_1, program):
    peer = build(program, FROM, TO)["participants"]["enrolment"]["peer"]
    assert peer["rows"] == [
        {"community": "alpha", "counts": [1, 2, 2]},
        {"community": "beta", "counts": [0, 0, 1]},
    ]
    expected = stats.chi2_contingency([[1, 2, 2], [0, 0, 1]], correction=False)
    assert peer["test"]["statistic"] == pytest.approx(expected.statistic)
    assert peer["test"]["p"] == pytest.approx(expected.pvalue)


def test_one_community_and_a_range_inside_a_year(table_1, program, community_b):
    enrolment = build(program, date(2015, 2, 1), date(2015, 6, 29), communities=[community_b])[
        "participants"
    ]["enrolment"]
    assert enrolment["years"] == [2015]
    assert enrolment["counted_on"] == ["2015-06-29"]
    # p9 starts on 30 June, after the range's end.
    assert enrolment["consumer"]["rows"] == [{"community": "beta", "counts": [1]}]
    assert enrolment["consumer"]["test"]["reason"] == "one_group"


def test_the_paper_table_1_through_the_statistics():
    """The paper's own counts, typed from Table 1, give its printed tests."""
    from tongban.reports.report import crosstab_dict

    peers = [[5, 5, 4, 4], [2, 2, 2, 2], [0, 0, 4, 4], [0, 0, 2, 2]]
    consumers = [[10, 11, 14, 14], [13, 13, 14, 15], [0, 0, 10, 11], [0, 0, 10, 10]]
    years = [2013, 2014, 2015, 2016]
    rows = ["t", "m", "x", "j"]
    assert crosstab_dict(peers, rows, years)["printed"] == "χ²(9) = 10.30, p = 0.326"
    assert crosstab_dict(consumers, rows, years)["printed"] == "χ²(9) = 27.73, p = 0.001"
