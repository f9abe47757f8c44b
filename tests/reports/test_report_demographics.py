"""Table 2: peers against consumers in service at the range's end, each person once."""

from __future__ import annotations

import statistics as pystats
from datetime import date

import pytest
from scipy import stats

from tests.conftest import make_person, make_user
from tests.reports.conftest import build
from tongban.accounts.models import Role
from tongban.registry import services

END = date(2016, 6, 30)


def change(person, community, role, value, on):
    services.enrolment_change_status(
        enrolment=person.enrolments.get(community=community, role=role),
        status=value,
        effective_on=on,
        reason="原因",
    )


@pytest.fixture
def table_2(program, community_a, community_b):
    a, b = community_a, community_b
    make_person("P1", community=a, role="peer", sex="male", date_of_birth=date(1976, 6, 30),
                education="senior_high", marital_status="single",
                working_status="part_time", diagnosis="bipolar")  # fmt: skip
    p2 = make_person("P2", community=a, role="peer", sex="female", date_of_birth=date(1980, 7, 1),
                     education="junior_high", marital_status="married",
                     working_status="full_time", diagnosis="schizophrenia")  # fmt: skip
    change(p2, a, "peer", "on_leave", date(2016, 5, 1))  # on leave is in service
    # A consumer who became a peer: counted once, as a peer.
    p3 = make_person("P3", community=a, role="consumer", sex="male",
                     date_of_birth=date(1970, 1, 15), education="undergraduate",
                     marital_status="divorced", working_status="not_working",
                     diagnosis="schizophrenia", started_on=date(2013, 9, 1))  # fmt: skip
    services.enrolment_create(
        person=p3, community=b, role="peer", started_on=date(2015, 8, 1), before_screening=True
    )
    # A peer who gave up the role and stayed a consumer: counted as a consumer.
    p4 = make_person("P4", community=a, role="peer", sex="female",
                     date_of_birth=date(1960, 12, 31), education="senior_high",
                     marital_status="widowed", working_status="not_working",
                     diagnosis="bipolar")  # fmt: skip
    services.enrolment_create(
        person=p4, community=a, role="consumer", started_on=date(2014, 5, 1), before_screening=True
    )
    change(p4, a, "peer", "withdrawn", date(2016, 1, 1))
    make_person("C1", community=a, sex="female", date_of_birth=date(1968, 2, 29),
                education="postgraduate", marital_status="single",
                working_status="not_working", diagnosis="schizophrenia")  # fmt: skip
    make_person("C2", community=b, sex="male", date_of_birth=None, education="",
                marital_status="", working_status="", diagnosis="other")  # fmt: skip
    c3 = make_person("C3", community=a, sex="female", date_of_birth=date(1985, 3, 3),
                     education="primary", marital_status="married",
                     working_status="part_time", diagnosis="schizophrenia")  # fmt: skip
    services.enrolment_create(
        person=c3, community=b, role="consumer", started_on=date(2015, 9, 1), before_screening=True
    )
    # Not in service on 30 June 2016: withdrawn that day, enrolled after, voided.
    c4 = make_person("C4", community=a)
    change(c4, a, "consumer", "withdrawn", END)
    make_person("C5", community=a, started_on=date(2016, 7, 1))
    c6 = make_person("C6", community=a)
    services.enrolment_void(
        enrolment=c6.enrolments.get(), by=make_user("m", Role.PROJECT_MANAGER), reason="录错"
    )
    make_person("照料者")  # a caregiver: no enrolment


def variables(data) -> dict:
    return {v["key"]: v for v in data["participants"]["demographics"]["variables"]}


def counts(variable) -> list[tuple]:
    return [(c["key"], c["peer"], c["consumer"]) for c in variable["categories"]]


def test_groups_and_age(table_2, program):
    demographics = build(program)["participants"]["demographics"]
    assert demographics["as_of"] == "2016-06-30"
    assert demographics["groups"] == ["peer", "consumer"]
    assert demographics["n"] == {"peer": 3, "consumer": 4}
    age = demographics["age"]
    # Completed years on 30 June 2016: P1's birthday is that day, P2's the next.
    peers, consumers = [40, 35, 46], [55, 48, 31]
    assert age["missing"] == {"peer": 0, "consumer": 1}
    assert (age["peer"]["n"], age["peer"]["minimum"], age["peer"]["maximum"]) == (3, 35, 46)
    assert age["peer"]["mean"] == pytest.approx(pystats.mean(peers))
    assert age["peer"]["sd"] == pytest.approx(pystats.stdev(peers))
    assert age["consumer"]["mean"] == pytest.approx(pystats.mean(consumers))
    assert age["consumer"]["printed"] == (
        f"{pystats.mean(consumers):.1f} ± {pystats.stdev(consumers):.1f}"
    )
    for group, values in (("peer", peers), ("consumer", consumers)):
        expected = stats.shapiro(values)
        assert age["normality"][group]["statistic"] == pytest.approx(expected.statistic)
        assert age["normality"][group]["p"] == pytest.approx(expected.pvalue)
    student = stats.ttest_ind(peers, consumers)
    welch = stats.ttest_ind(peers, consumers, equal_var=False)
    test = age["test"]
    assert test["test"] == "student_t"
    assert test["statistic"] == pytest.approx(student.statistic)
    assert test["df"] == 4
    assert test["p"] == pytest.approx(student.pvalue)
    assert test["welch"]["statistic"] == pytest.approx(welch.statistic)
    levene = stats.levene(peers, consumers, center="mean")
    assert test["levene"]["statistic"] == pytest.approx(levene.statistic)


def test_categorical_variables(table_2, program):
    found = variables(build(program))
    assert list(found) == ["sex", "education", "marital_status", "working_status", "diagnosis"]
    assert counts(found["sex"]) == [("male", 2, 1), ("female", 1, 3)]
    assert counts(found["education"]) == [
        ("primary", 0, 1),
        ("junior_high", 1, 0),
        ("senior_high", 1, 1),
        ("junior_college", 0, 0),
        ("undergraduate", 1, 0),
        ("postgraduate", 0, 1),
    ]
    assert found["education"]["missing"] == {"peer": 0, "consumer": 1}
    assert counts(found["marital_status"]) == [
        ("single", 1, 1),
        ("married", 1, 1),
        ("divorced", 1, 0),
        ("widowed", 0, 1),
    ]
    assert counts(found["working_status"]) == [("yes", 2, 1), ("no", 1, 2)]
    assert counts(found["diagnosis"]) == [
        ("schizophrenia", 2, 2),
        ("bipolar", 1, 1),
        ("other", 0, 1),
    ]
    assert found["diagnosis"]["missing"] == {"peer": 0, "consumer": 0}


def test_percent_within_group_among_the_known(table_2, program):
    working = variables(build(program))["working_status"]
    yes = working["categories"][0]
    assert yes["peer_percent"] == pytest.approx(200 / 3)
    assert yes["consumer_percent"] == pytest.approx(100 / 3)  # C2's blank is left out


def test_tests_per_variable(table_2, program):
    found = variables(build(program))
    working = found["working_status"]["test"]
    # 2×2 with expected counts below 5: Fisher's p is printed.
    assert working["table"] == [[2, 1], [1, 2]]
    assert working["rows"] == ["yes", "no"] and working["columns"] == ["peer", "consumer"]
    assert working["fisher_p"] == pytest.approx(stats.fisher_exact([[2, 1], [1, 2]]).pvalue)
    assert working["printed_test"] == "fisher_exact"
    assert working["printed_p"] == working["fisher_p"]
    pearson = stats.chi2_contingency([[2, 1], [1, 2]], correction=False)
    assert working["statistic"] == pytest.approx(pearson.statistic)
    assert working["pearson_p"] == pytest.approx(pearson.pvalue)
    assert working["yates"]["test"] == "yates_chi_square"

    education = found["education"]["test"]
    # Junior college: nobody, so the row is left out.
    assert education["kept_rows"] == [
        "primary", "junior_high", "senior_high", "undergraduate", "postgraduate",
    ]  # fmt: skip
    expected = stats.chi2_contingency([[0, 1], [1, 0], [1, 1], [1, 0], [0, 1]], correction=False)
    assert education["statistic"] == pytest.approx(expected.statistic)
    assert education["df"] == 4
    assert education["fisher_p"] is None


def test_other_diagnosis_only_when_someone_has_it(program, community_a):
    make_person("甲", community=community_a, role="peer", diagnosis="bipolar")
    make_person("乙", community=community_a, diagnosis="schizophrenia")
    diagnosis = variables(build(program))["diagnosis"]
    assert [c["key"] for c in diagnosis["categories"]] == ["schizophrenia", "bipolar"]


def test_nobody_in_service(program, community_a):
    demographics = build(program)["participants"]["demographics"]
    assert demographics["n"] == {"peer": 0, "consumer": 0}
    assert demographics["age"]["test"]["reason"] == "one_group"
    assert demographics["age"]["peer"]["mean"] is None
    assert all(v["test"]["reason"] == "empty_table" for v in demographics["variables"])
