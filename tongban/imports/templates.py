"""The templates export: a program written as the import's CSV files (docs/import.md),
identified, for moving it to another installation (`tongban export --format templates`).

    templates_rows(program) -> {file name: (header, rows)}

maps each file of the import, in the import's order, to its header (a list of column
names) and an iterable of rows (lists of strings, "" for blank), read from the database
as they are written (`.iterator()`), so memory stays flat as the program grows; each
iterable is meant to be consumed once. Dates are YYYY-MM-DD, times HH:MM, moments
YYYY-MM-DD HH:MM in the installation's time zone, choices as their English codes, lists
";"-separated. References are those of an earlier import, else `tb-p12` (person 12),
`tb-v3`, `tb-s40`, `tb-r1`, which an import into the same installation finds again.

`templates_write(program, directory)` writes the files into a directory, and
`iter_templates_zip(program)` yields a zip of them in pieces as it is written (for a
streaming download; `tongban export --format templates`). Both UTF-8 with a BOM, so that
Excel opens the Chinese correctly; only the CSV files, so the zip imports as it is.

What is written: the program, its communities and venues, its people (every person
record), current enrolments and their status changes, caregiver links, the sessions held
(a current process form on a current plan) with their lead and assisting peers, their
current attendance of people on record, current emergency events, evaluation rounds and
current interviews with their answers, training rounds (with their communities and
co-presenting peers), current training sessions and attendance, current screening
assessments (with their findings and result) and consents not withdrawn. Not written:
supervision, walk-ins, sessions not held, withdrawn consents (an import would count them
as in force), an assessment's override, medical record and additional criteria. Identified: names,
phone numbers, addresses and dates of birth are in; this export is the project manager's
only.
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path

from django.utils import timezone

from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.emergencies.models import EmergencyEvent
from tongban.evaluation.models import EvaluationRound, Interview, Question
from tongban.exports.bundle import ZipSink
from tongban.exports.text_formats import iter_csv
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Enrolment,
    EnrolmentStatusChange,
    Person,
    Program,
    Venue,
)
from tongban.screening.models import Assessment, Consent
from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession

from . import spec
from .services import Kind, references_of

CHUNK = 2000

Rows = Iterable[list[str]]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _header(name: str) -> list[str]:
    return [c.name for c in spec.FILES[name]]


def templates_rows(program: Program) -> dict[str, tuple[list[str], Rows]]:
    """Each import file of `program`: (header, rows). See the module's docstring."""
    people = references_of(program, Kind.PERSON)
    venues = references_of(program, Kind.VENUE)
    sessions = references_of(program, Kind.SESSION)
    rounds = references_of(program, Kind.ROUND)
    training_rounds = references_of(program, Kind.TRAINING_ROUND)
    training_sessions = references_of(program, Kind.TRAINING_SESSION)
    codes = dict(Community.objects.filter(program=program).values_list("pk", "code"))
    questions = list(Question.objects.for_program(program).order_by("respondent", "position", "pk"))
    interview_header = [*_header("interviews.csv"), *(q.code for q in questions)]
    return {
        "program.csv": (_header("program.csv"), _program(program)),
        "communities.csv": (_header("communities.csv"), _communities(program)),
        "venues.csv": (_header("venues.csv"), _venues(program, venues, codes)),
        "people.csv": (_header("people.csv"), _people(program, people)),
        "enrolments.csv": (_header("enrolments.csv"), _enrolments(program, people, codes)),
        "status_changes.csv": (
            _header("status_changes.csv"),
            _status_changes(program, people, codes),
        ),
        "caregivers.csv": (_header("caregivers.csv"), _caregivers(program, people)),
        "sessions.csv": (_header("sessions.csv"), _sessions(program, people, venues, sessions)),
        "attendance.csv": (_header("attendance.csv"), _attendance(program, people, sessions)),
        "emergencies.csv": (_header("emergencies.csv"), _emergencies(program, sessions, codes)),
        "rounds.csv": (_header("rounds.csv"), _rounds(program, rounds)),
        "interviews.csv": (
            interview_header,
            _interviews(program, people, rounds, codes, questions),
        ),
        "training_rounds.csv": (
            _header("training_rounds.csv"),
            _training_rounds(program, people, training_rounds),
        ),
        "training_sessions.csv": (
            _header("training_sessions.csv"),
            _training_sessions(program, training_rounds, training_sessions),
        ),
        "training_attendance.csv": (
            _header("training_attendance.csv"),
            _training_attendance(program, people, training_sessions),
        ),
        "assessments.csv": (_header("assessments.csv"), _assessments(program, people, codes)),
        "consents.csv": (_header("consents.csv"), _consents(program, people)),
    }


def templates_write(program: Program, directory: Path) -> list[Path]:
    """The files of templates_rows() in `directory` (UTF-8 with BOM); their paths."""
    paths = []
    for name, (header, rows) in templates_rows(program).items():
        path = Path(directory) / name
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        paths.append(path)
    return paths


def iter_templates_zip(program: Program) -> Iterator[bytes]:
    """A zip of the files of templates_rows(), yielded a few thousand rows at a time."""
    sink = ZipSink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in templates_rows(program).items():
            with archive.open(name, "w", force_zip64=True) as entry:
                for data in iter_csv(header, rows):
                    entry.write(data)
                    yield sink.drain()
    yield sink.drain()


def _program(program: Program) -> Iterator[list[str]]:
    yield [_text(v) for v in (program.slug, program.name, program.name_en, program.started_on,
                              program.ended_on)]  # fmt: skip


def _communities(program: Program) -> Iterator[list[str]]:
    for c in Community.objects.filter(program=program).order_by("pk").iterator(CHUNK):
        yield [_text(v) for v in (c.code, c.name, c.name_en, c.started_on, c.ended_on)]


def _venues(program, venues: dict[int, str], codes: dict[int, str]) -> Iterator[list[str]]:
    rows = Venue.objects.filter(community__program=program).order_by("pk")
    for v in rows.iterator(CHUNK):
        yield [codes[v.community_id], venues[v.pk], v.name, v.name_en, v.kind, v.address]


def _people(program, people: dict[int, str]) -> Iterator[list[str]]:
    for p in Person.objects.filter(program=program).order_by("pk").iterator(CHUNK):
        yield [_text(v) for v in (
            people[p.pk], p.name, p.sex, p.date_of_birth, p.education, p.marital_status,
            p.working_status, p.diagnosis, p.phone,
        )]  # fmt: skip


def _current_enrolments(program):
    return Enrolment.objects.current().filter(person__program=program)


def _enrolments(program, people, codes) -> Iterator[list[str]]:
    rows = _current_enrolments(program).order_by("pk")
    for e in rows.values_list("person_id", "role", "community_id", "started_on").iterator(CHUNK):
        person, role, community, started_on = e
        yield [people[person], role, codes[community], _text(started_on)]


def _status_changes(program, people, codes) -> Iterator[list[str]]:
    rows = (
        EnrolmentStatusChange.objects.filter(enrolment__in=_current_enrolments(program))
        .order_by("enrolment_id", "effective_on", "pk")
        .values_list(
            "enrolment__person_id", "enrolment__role", "enrolment__community_id",
            "enrolment__started_on", "status", "effective_on", "reason",
        )
    )  # fmt: skip
    for person, role, community, started_on, status, on, reason in rows.iterator(CHUNK):
        if (status, on) == (EnrolmentStatusChange.Status.ACTIVE, started_on):
            continue  # the first status: the enrolment makes it
        yield [people[person], role, codes[community], status, _text(on), reason]


def _caregivers(program, people) -> Iterator[list[str]]:
    rows = CaregiverLink.objects.filter(caregiver__program=program).order_by("pk")
    for link in rows.iterator(CHUNK):
        yield [people[link.caregiver_id], people[link.cared_for_id], link.relationship,
               _text(link.started_on)]  # fmt: skip


def _held(program):
    return ActivityRecord.objects.delivered().filter(plan__community__program=program)


def _sessions(program, people, venues, sessions) -> Iterator[list[str]]:
    through = ActivityPlan.assisting_peers.through
    rows = _held(program).select_related("plan", "plan__community").order_by("held_on", "pk")
    # Assisting peers a chunk at a time: one query per chunk, not per session.
    chunk: list[ActivityRecord] = []
    for record in rows.iterator(CHUNK):
        chunk.append(record)
        if len(chunk) == CHUNK:
            yield from _session_rows(chunk, through, people, venues, sessions)
            chunk = []
    yield from _session_rows(chunk, through, people, venues, sessions)


def _session_rows(chunk, through, people, venues, sessions) -> Iterator[list[str]]:
    assisting: dict[int, list[str]] = {}
    pairs = through.objects.filter(activityplan_id__in=[r.plan_id for r in chunk]).order_by("pk")
    for plan_id, person_id in pairs.values_list("activityplan_id", "person_id"):
        assisting.setdefault(plan_id, []).append(people[person_id])
    present: dict[int, list[int]] = {}
    peers = ActivityRecord.peers_present.through.objects.filter(
        activityrecord_id__in=[r.pk for r in chunk]
    ).order_by("pk")
    for record_id, person_id in peers.values_list("activityrecord_id", "person_id"):
        present.setdefault(record_id, []).append(person_id)
    for record in chunk:
        plan = record.plan
        helpers = assisting.get(plan.pk, [])
        there = [people[pk] for pk in present.get(record.pk, [])]
        # Blank when exactly the lead and the assisting peers were there: the import reads
        # a blank so.
        usual = sorted(there) == sorted([people[plan.lead_peer_id], *helpers])
        peers_present = "" if usual else ";".join(there)
        yield [_text(v) for v in (
            sessions[plan.pk], plan.community.code, venues[plan.venue_id], record.held_on,
            record.started_at, record.ended_at, plan.category, record.format, plan.theme,
            people[plan.lead_peer_id], ";".join(helpers), peers_present,
            plan.aim, record.feedback,
        )]  # fmt: skip


def _attendance(program, people, sessions) -> Iterator[list[str]]:
    rows = (
        Attendance.objects.current()
        .filter(record__in=_held(program), person__isnull=False)
        .order_by("record_id", "pk")
        .values_list("record__plan_id", "person_id")
    )
    for plan_id, person_id in rows.iterator(CHUNK):
        yield [sessions[plan_id], people[person_id]]


def _emergencies(program, sessions, codes) -> Iterator[list[str]]:
    rows = EmergencyEvent.objects.current().filter(community__program=program).order_by("pk")
    for e in rows.iterator(CHUNK):
        yield [_text(v) for v in (
            codes[e.community_id], sessions[e.session_id] if e.session_id else "", e.occurred_at,
            e.kind, e.description, e.actions_taken, e.emergency_services_called,
        )]  # fmt: skip


def _rounds(program, rounds) -> Iterator[list[str]]:
    rows = EvaluationRound.objects.filter(program=program).order_by("pk")
    for r in rows.prefetch_related("communities").iterator(CHUNK):
        communities = ";".join(c.code for c in sorted(r.communities.all(), key=lambda c: c.pk))
        yield [_text(v) for v in (rounds[r.pk], r.name, r.name_en, r.starts_on, r.ends_on,
                                  communities)]  # fmt: skip


def _interviews(program, people, rounds, codes, questions) -> Iterator[list[str]]:
    rows = (
        Interview.objects.current()
        .filter(round__program=program)
        .order_by("pk")
        .prefetch_related("answers")
    )
    code_of = {q.pk: q.code for q in questions}
    for i in rows.iterator(CHUNK):
        answers = {code_of.get(a.question_id): a.value for a in i.answers.all()}
        yield [
            *(_text(v) for v in (
                rounds[i.round_id], people[i.person_id], i.respondent, i.interviewed_on,
                i.not_assessed_reason, codes[i.community_id],
                people[i.cares_for_id] if i.cares_for_id else "", i.note,
            )),
            *(answers.get(q.code, "") for q in questions),
        ]  # fmt: skip


def _training_rounds(program, people, training_rounds) -> Iterator[list[str]]:
    rows = TrainingRound.objects.filter(program=program).order_by("pk")
    for r in rows.prefetch_related("communities", "co_presenters").iterator(CHUNK):
        communities = ";".join(c.code for c in sorted(r.communities.all(), key=lambda c: c.pk))
        presenters = ";".join(
            people[p.pk] for p in sorted(r.co_presenters.all(), key=lambda p: p.pk)
        )
        yield [_text(v) for v in (training_rounds[r.pk], r.kind, r.name, r.name_en, r.starts_on,
                                  r.ends_on, communities, presenters)]  # fmt: skip


def _training_sessions(program, training_rounds, training_sessions) -> Iterator[list[str]]:
    rows = (
        TrainingSession.objects.current()
        .filter(round__program=program)
        .select_related("workshop")
        .order_by("pk")
    )
    for t in rows.iterator(CHUNK):
        yield [_text(v) for v in (
            training_sessions[t.pk], training_rounds[t.round_id],
            t.workshop.code if t.workshop_id else "", t.topic, t.held_on, t.starts_at,
            t.ends_at, t.make_up,
        )]  # fmt: skip


def _training_attendance(program, people, training_sessions) -> Iterator[list[str]]:
    rows = (
        TrainingAttendance.objects.current()
        .filter(session__round__program=program, session__voided_at__isnull=True)
        .order_by("session_id", "pk")
        .values_list("session_id", "person_id")
    )
    for session_id, person_id in rows.iterator(CHUNK):
        yield [training_sessions[session_id], people[person_id]]


def _assessments(program, people, codes) -> Iterator[list[str]]:
    rows = (
        Assessment.objects.current()
        .filter(candidate__community__program=program)
        .select_related("candidate")
        .order_by("pk")
    )
    for a in rows.iterator(CHUNK):
        c = a.candidate
        yield [_text(v) for v in (
            people[c.person_id], c.role, codes[c.community_id], a.assessed_on, a.diagnosis,
            a.age, a.stable_months, a.adherence_patient, a.adherence_family, a.insight,
            a.substance_abuse, a.severe_medical_illness, a.psp_score, a.result, a.note,
        )]  # fmt: skip


def _consents(program, people) -> Iterator[list[str]]:
    rows = (
        Consent.objects.current()
        .filter(person__program=program, withdrawn_on__isnull=True)
        .order_by("pk")
        .values_list("person_id", "document__kind", "signed_on", "witness")
    )
    for person_id, kind, signed_on, witness in rows.iterator(CHUNK):
        yield [people[person_id], kind, _text(signed_on), witness]
