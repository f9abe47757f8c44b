"""The committed example set imports cleanly, and a second import changes nothing."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from tests.imports.conftest import run
from tongban.activities.models import ActivityRecord, Attendance
from tongban.emergencies.models import EmergencyEvent
from tongban.evaluation.models import Interview, InterviewAnswer
from tongban.imports.models import ImportedReference
from tongban.registry.models import Enrolment, Person, Program
from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession


def test_the_example_set_imports(files, importer):
    result = run(files, importer)
    assert result.ok, result.lines()
    program = Program.objects.get(slug="example-2014")
    assert program.ended_on == date(2015, 12, 31)
    assert importer.programs.filter(pk=program.pk).exists()
    assert Person.objects.filter(program=program).count() == 10
    enrolments = Enrolment.objects.filter(person__program=program)
    assert enrolments.count() == 8
    # P01 and C01 come with an eligible assessment and their consents by their first day;
    # C03's service agreement is missing, so C03 is history like the others.
    screened = enrolments.filter(before_screening=False)
    assert sorted(e.person.name for e in screened) == ["王明", "陈静"]
    # Chinese labels read as codes.
    assert Person.objects.get(program=program, name="李芳").education == "junior_college"
    assert enrolments.filter(role="consumer").count() == 4
    records = ActivityRecord.objects.filter(plan__community__program=program)
    assert records.count() == 5
    s003 = records.get(theme="复发的早期信号")
    assert (s003.plan.category, s003.format, s003.duration_minutes) == ("knowledge", "lecture", 90)
    assert s003.peers_present.count() == 2
    assert Attendance.objects.filter(record__in=records).count() == 8
    # In the audit trail, entered by the importing manager.
    assert Attendance.history.filter(history_user=importer).count() == 8
    assert Person.history.filter(history_user=importer).count() == 10
    assert Enrolment.history.filter(history_user=importer).count() == 8
    event = EmergencyEvent.objects.get(community__program=program)
    assert event.closed_at is not None and event.session.theme == "怎样用微信"
    interviews = Interview.objects.filter(round__program=program)
    assert interviews.count() == 6
    caregiver = interviews.get(respondent="caregiver")
    assert caregiver.cares_for.name == "陈静" and caregiver.community.code == "ex-dongfeng"
    assert InterviewAnswer.objects.filter(interview__in=interviews, value="yes").count() == 10
    assert ImportedReference.objects.filter(program=program, kind="person").count() == 10
    continuing = TrainingRound.objects.get(program=program, kind="continuing")
    assert [p.name for p in continuing.co_presenters.all()] == ["王明"]
    sessions = TrainingSession.objects.filter(round__program=program)
    assert sessions.get(topic="怎样应对服务对象的沉默").workshop is None
    assert sessions.get(held_on=date(2013, 12, 9)).workshop.code == "concept"
    assert TrainingAttendance.objects.filter(session__in=sessions).count() == 10
    with translation.override("en"):
        assert result.lines() == [
            "program.csv: 1 created, 0 updated",
            "communities.csv: 2 created, 0 updated",
            "venues.csv: 3 created, 0 updated",
            "people.csv: 10 created, 0 updated",
            "enrolments.csv: 8 created, 0 updated",
            "status_changes.csv: 3 created, 0 updated",
            "caregivers.csv: 2 created, 0 updated",
            "sessions.csv: 5 created, 0 updated",
            "attendance.csv: 8 created, 0 updated",
            "emergencies.csv: 1 created, 0 updated",
            "rounds.csv: 1 created, 0 updated",
            "interviews.csv: 6 created, 0 updated",
            "training_rounds.csv: 2 created, 0 updated",
            "training_sessions.csv: 3 created, 0 updated",
            "training_attendance.csv: 10 created, 0 updated",
            "assessments.csv: 4 created, 0 updated",
            "consents.csv: 5 created, 0 updated",
        ]


def test_a_second_import_changes_nothing(files, importer):
    assert run(files, importer).ok
    history = Person.history.count() + Enrolment.history.count() + ActivityRecord.history.count()
    again = run(files, importer)
    assert again.ok and not again.changed
    with translation.override("en"):
        assert again.lines() == ["Nothing changed: the database already holds these files."]
    assert (
        Person.history.count() + Enrolment.history.count() + ActivityRecord.history.count()
        == history
    )
