"""Every kind of bad row is refused with its file, row and column; one bad row anywhere
and nothing is written."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.imports.conftest import add_row, messages, replace_row, run
from tongban.registry.models import Person, Program


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def only_problem(files, importer) -> str:
    result = run(files, importer)
    assert not result.ok
    assert not Program.objects.filter(slug="example-2014").exists()
    assert len(result.problems) == 1, messages(result)
    return messages(result)[0]


def test_bad_date(files, importer):
    add_row(files, "people.csv", "P99,某人,male,2019-02-30,,,,,")
    assert only_problem(files, importer) == (
        "people.csv row 12 born_on: 2019-02-30 is not a valid date"
    )


def test_bad_date_in_chinese(files, importer):
    add_row(files, "people.csv", "P99,某人,male,2019-02-30,,,,,")
    with translation.override("zh-hans"):
        text = only_problem(files, importer)
    assert "people.csv" in text and "12" in text and "born_on" in text and "2019-02-30" in text


def test_bad_time(files, importer):
    replace_row(
        files, "sessions.csv", 2, files["sessions.csv"].splitlines()[1].replace("09:30", "9h30", 1)
    )
    assert only_problem(files, importer) == (
        "sessions.csv row 2 starts_at: 9h30 is not a valid time (HH:MM)"
    )


def test_unknown_code(files, importer):
    replace_row(files, "venues.csv", 4, "ex-xinyuan,XY-1,新源社区卫生服务中心,,hospital,")
    text = only_problem(files, importer)
    assert text.startswith("venues.csv row 4 kind: hospital is not one of the codes (")
    assert "health_care_centre" in text


def test_blank_required_cell(files, importer):
    files["sessions.csv"] = files["sessions.csv"].replace(",一起唱歌,", ",,")
    assert only_problem(files, importer) == "sessions.csv row 2 topic: is blank"


def test_unknown_reference(files, importer):
    add_row(files, "attendance.csv", "S001,C77")
    assert only_problem(files, importer) == (
        "attendance.csv row 10 person: C77 is not a person of this program or of these files"
    )


def test_lead_not_in_service_that_day(files, importer):
    # P02 is on leave from 2014-06-01 to 2014-08-01: on leave is still in service, so
    # make the session's day before P03's enrolment in Xinyuan instead.
    replace_row(
        files, "sessions.csv", 5,
        "S004,ex-xinyuan,XY-1,2014-02-02,09:00,10:30,daily_life_skills,role_play,微信,P03,P04",
    )  # fmt: skip
    problems = messages(run(files, importer))
    assert (
        "sessions.csv row 5 lead_peer: P03 is not a peer in service in ex-xinyuan on 2014-02-02"
        in problems
    )
    assert (
        "sessions.csv row 5 assisting_peers: "
        "P04 is not a peer in service in ex-xinyuan on 2014-02-02" in problems
    )


def test_lead_withdrawn_that_day(files, importer):
    add_row(files, "status_changes.csv", "P01,peer,ex-dongfeng,withdrawn,2014-09-01,退出。")
    problems = messages(run(files, importer))
    assert problems == [
        "sessions.csv row 4 lead_peer: P01 is not a peer in service in ex-dongfeng on 2014-09-15"
    ]


def test_lead_of_another_community(files, importer):
    replace_row(
        files, "sessions.csv", 2,
        "S001,ex-dongfeng,DF-1,2014-03-10,09:30,11:00,entertainment,group_discussion,唱歌,P03,P02",
    )  # fmt: skip
    assert only_problem(files, importer) == (
        "sessions.csv row 2 lead_peer: P03 is not a peer in service in ex-dongfeng on 2014-03-10"
    )


def test_attendee_not_enrolled_there(files, importer):
    add_row(files, "attendance.csv", "S001,C03")
    assert only_problem(files, importer) == (
        "attendance.csv row 10 person: C03 was not enrolled in ex-dongfeng on 2014-02-10"
    )


def test_venue_of_another_community(files, importer):
    replace_row(
        files, "sessions.csv", 2,
        "S001,ex-dongfeng,XY-1,2014-02-10,09:30,11:00,entertainment,group_discussion,唱歌,P01,P02",
    )  # fmt: skip
    assert only_problem(files, importer) == (
        "sessions.csv row 2 venue: venue XY-1 is a venue of ex-xinyuan, not of ex-dongfeng"
    )


def test_date_outside_the_program(files, importer):
    replace_row(
        files, "status_changes.csv", 4, "C04,consumer,ex-xinyuan,withdrawn,2016-02-01,搬家。"
    )
    assert only_problem(files, importer) == (
        "status_changes.csv row 4 changed_on: 2016-02-01 is outside the program "
        "(2014-01-01 to 2015-12-31)"
    )


def test_unknown_file(files, importer):
    files["supervision.csv"] = "meeting,held_on\n"
    assert only_problem(files, importer).startswith("supervision.csv: unknown file (the files are ")


def test_unknown_column(files, importer):
    files["people.csv"] = files["people.csv"].replace("phone\n", "phone,wechat\n", 1)
    assert only_problem(files, importer) == "people.csv: unknown column wechat"


def test_missing_column(files, importer):
    files["attendance.csv"] = "session\nS001\n"
    assert only_problem(files, importer) == "attendance.csv: column person is missing"


def test_duplicate_reference(files, importer):
    add_row(files, "people.csv", "P01,重名,male,,,,,,")
    assert only_problem(files, importer) == (
        "people.csv row 12 person: P01 appears twice in this file"
    )


def test_interview_without_date_or_reason(files, importer):
    replace_row(files, "interviews.csv", 2, "R2014,C01,consumer,,,yes,yes,no,,,,,")
    assert only_problem(files, importer) == (
        "interviews.csv row 2 interviewed_on: give the interview date, or why not assessed"
    )


def test_answer_to_another_respondents_question(files, importer):
    replace_row(files, "interviews.csv", 2, "R2014,C01,consumer,2014-12-05,,yes,yes,no,yes,,,,")
    assert only_problem(files, importer) == (
        "interviews.csv row 2 peer_better_working_skills: question peer_better_working_skills "
        "is not asked of consumer"
    )


def test_emergency_session_of_another_community(files, importer):
    files["emergencies.csv"] = files["emergencies.csv"].replace(
        "ex-xinyuan,S004", "ex-xinyuan,S001"
    )
    assert only_problem(files, importer) == (
        "emergencies.csv row 2 session: session S001 is not a session of ex-xinyuan"
    )


def test_every_bad_row_of_every_file_is_listed(files, importer):
    add_row(files, "people.csv", "P99,某人,male,2019-02-30,,,,,")
    add_row(files, "attendance.csv", "S001,C77")
    replace_row(files, "venues.csv", 4, "ex-xinyuan,XY-1,新源社区卫生服务中心,,hospital,")
    result = run(files, importer)
    assert [(p.file, p.row, p.column) for p in result.problems] == [
        ("venues.csv", 4, "kind"),
        ("people.csv", 12, "born_on"),
        ("attendance.csv", 10, "person"),
    ]


def test_one_bad_row_leaves_the_database_unchanged(files, importer):
    assert run(files, importer).ok
    before = (Person.objects.count(), Person.history.count())
    names = dict(Person.objects.values_list("pk", "name"))
    files["people.csv"] = files["people.csv"].replace("王明", "王小明")
    add_row(files, "people.csv", "P50,新人,male,,,,,,")
    add_row(files, "attendance.csv", "S005,C01")  # C01 is Dongfeng's
    result = run(files, importer)
    assert not result.ok
    assert (Person.objects.count(), Person.history.count()) == before
    assert dict(Person.objects.values_list("pk", "name")) == names


def test_a_file_saved_in_gbk_is_refused_with_how_to_save_it(files, importer):
    sources = {name: text.encode("utf-8") for name, text in files.items()}
    sources["people.csv"] = files["people.csv"].encode("gbk")
    from tongban.imports.services import program_import

    result = program_import(sources=sources, by=importer)
    assert [str(p) for p in result.problems] == [
        "people.csv: the file is not UTF-8 text (in Excel: Save as, CSV UTF-8)"
    ]


def test_a_row_longer_than_the_header(files, importer):
    add_row(files, "attendance.csv", "S001,C02,extra")
    problems = messages(run(files, importer))
    assert "attendance.csv row 10: the row has more cells than the header" in problems


def test_a_bad_moment(files, importer):
    files["emergencies.csv"] = files["emergencies.csv"].replace("2014-04-02 10:10", "2014-04-02")
    assert only_problem(files, importer) == (
        "emergencies.csv row 2 occurred_at: 2014-04-02 is not a valid date and time "
        "(YYYY-MM-DD HH:MM)"
    )


def test_unknown_workshop(files, importer):
    files["training_sessions.csv"] = files["training_sessions.csv"].replace(
        ",principles,", ",cooking,"
    )
    assert only_problem(files, importer) == (
        "training_sessions.csv row 3 workshop: cooking is not a workshop of this program or "
        "of these files"
    )


def test_training_session_without_workshop_or_topic(files, importer):
    files["training_sessions.csv"] = files["training_sessions.csv"].replace(
        ",怎样应对服务对象的沉默,", ",,"
    )
    assert only_problem(files, importer) == (
        "training_sessions.csv row 4 topic: give the workshop's code or a topic"
    )
