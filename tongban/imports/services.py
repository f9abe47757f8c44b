"""Importing a program from CSV files (docs/import.md): every row of every file checked
first, then everything written in one transaction, or nothing.

Records are found again by the program's own references (ImportedReference), community
codes, and natural keys for the records without a reference (an enrolment is its person,
role and community), so that importing the same files again changes nothing and a
corrected or extended set updates what changed. Rows left out of a later set are not
removed: clinical records are voided with a reason, by a person, never by an import.

Imported enrolments are marked `before_screening` (history: the screening, consent and
training gates apply to what is entered after the import, from the program's
`screening_records_from` and `training_records_from`), unless assessments.csv and
consents.csv give the person what the gate asks on the enrolment's first day: then the
gate holds for them because their records exist.
"""

from __future__ import annotations

import re
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance
from tongban.activities.services import minutes_between
from tongban.core.models import assign_changes
from tongban.emergencies.models import EmergencyEvent
from tongban.evaluation.models import (
    EvaluationRound,
    Interview,
    InterviewAnswer,
    Question,
    Respondent,
)
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Enrolment,
    EnrolmentStatusChange,
    Person,
    Program,
    Venue,
)
from tongban.screening import gate
from tongban.screening import services as screening_services
from tongban.screening.models import Answer as Finding
from tongban.screening.models import (
    Assessment,
    Candidate,
    Consent,
    ConsentDocument,
    Source,
)
from tongban.training.models import (
    TrainingAttendance,
    TrainingRound,
    TrainingSession,
    Workshop,
)

from . import reader, spec
from .models import ImportedReference
from .reader import Problem, Row, Table

Kind = ImportedReference.Kind
# References the templates export makes for records that have no imported reference
# (tb-p12: person 12): importing such a set again finds the same records.
PREFIX = {
    Kind.PERSON: "tb-p",
    Kind.VENUE: "tb-v",
    Kind.SESSION: "tb-s",
    Kind.ROUND: "tb-r",
    Kind.TRAINING_ROUND: "tb-tr",
    Kind.TRAINING_SESSION: "tb-ts",
}
MODELS = {
    Kind.PERSON: Person,
    Kind.VENUE: Venue,
    Kind.SESSION: ActivityPlan,
    Kind.ROUND: EvaluationRound,
    Kind.TRAINING_ROUND: TrainingRound,
    Kind.TRAINING_SESSION: TrainingSession,
}
BATCH = 1000
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
PERSON_TEXT = ("education", "marital_status", "working_status", "diagnosis", "phone", "address")
IN_SERVICE = set(EnrolmentStatusChange.IN_SERVICE)
ACTIVE = EnrolmentStatusChange.Status.ACTIVE


@dataclass
class Result:
    problems: list[Problem] = field(default_factory=list)
    # file -> {"created": n, "updated": n}
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: {"created": 0, "updated": 0})
    )
    program: Program | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(n for c in self.counts.values() for n in c.values())

    def count(self, file: str, created: bool) -> None:
        self.counts[file]["created" if created else "updated"] += 1

    def lines(self) -> list[str]:
        """What the import did (or why it did nothing), in the user's language."""
        if self.problems:
            return [str(p) for p in self.problems]
        if not self.changed:
            return [_("Nothing changed: the database already holds these files.")]
        # In the files' order, whatever order they were written in.
        return [
            _("%(file)s: %(created)s created, %(updated)s updated")
            % {"file": name, "created": c["created"], "updated": c["updated"]}
            for name in spec.FILES
            if (c := self.counts.get(name)) and (c["created"] or c["updated"])
        ]


def reference_map(program: Program | None, kind: str) -> dict[str, int]:
    """reference -> pk of the program's records of `kind`: their imported references, and
    the tb- references (PREFIX) of those that have none."""
    if program is None:
        return {}
    model = MODELS[kind]
    imported = dict(
        ImportedReference.objects.filter(program=program, kind=kind).values_list(
            "reference", "object_id"
        )
    )
    taken = set(imported.values())
    derived = {
        f"{PREFIX[kind]}{pk}": pk
        for pk in _of_program(model, program).values_list("pk", flat=True)
        if pk not in taken
    }
    return derived | imported


def references_of(program: Program, kind: str) -> dict[int, str]:
    """pk -> the reference an export writes: the imported one, else the tb- one."""
    imported = dict(
        ImportedReference.objects.filter(program=program, kind=kind).values_list(
            "object_id", "reference"
        )
    )
    return {
        pk: imported.get(pk, f"{PREFIX[kind]}{pk}")
        for pk in _of_program(MODELS[kind], program).values_list("pk", flat=True)
    }


def _of_program(model: type[models.Model], program: Program) -> models.QuerySet:
    if model is Venue:
        return Venue.objects.filter(community__program=program)
    if model is ActivityPlan:
        return ActivityPlan.objects.filter(community__program=program)
    if model is TrainingSession:
        return TrainingSession.objects.filter(round__program=program)
    return model.objects.filter(program=program)


# --- Checking -------------------------------------------------------------------------------


@dataclass
class EnrolmentState:
    started_on: date
    changes: list[tuple[date, str]]  # in order

    def status_on(self, day: date) -> str | None:
        status = None
        for changed_on, value in sorted(self.changes, key=lambda c: c[0]):
            if changed_on <= day:
                status = value
        return status

    def in_service_on(self, day: date) -> bool:
        return self.started_on <= day and self.status_on(day) in IN_SERVICE


class Checker:
    """Checks every row against the files and what the database already holds."""

    def __init__(self, tables: dict[str, Table], program: Program | None) -> None:
        self.t = tables
        self.program = program
        self.problems: list[Problem] = []
        self.first = date.min
        self.last = date.max
        self._load_existing()

    def fail(self, table: str, row: Row, column: str, message: str) -> None:
        self.problems.append(Problem(table, row.number, column, message))
        row.bad.add(column)

    # What the database holds already (an earlier import, or the program's own records).
    def _load_existing(self) -> None:
        program = self.program
        self.communities: dict[str, str] = {}  # code -> program (for the check of codes)
        self.people: set[str] = set()
        self.venues: dict[str, str] = {}  # ref -> community code
        self.sessions: dict[str, tuple[str, date]] = {}  # ref -> (community, day)
        self.rounds: dict[str, tuple[list[str], date]] = {}
        self.enrolments: dict[tuple[str, str, str], EnrolmentState] = {}
        self.links: set[tuple[str, str]] = set()
        self.training_rounds: set[str] = set()
        self.training_sessions: set[str] = set()
        if program is None:
            return
        self.training_rounds = set(reference_map(program, Kind.TRAINING_ROUND))
        self.training_sessions = set(reference_map(program, Kind.TRAINING_SESSION))
        self.communities = dict(
            Community.objects.filter(program=program).values_list("code", "code")
        )
        people = {pk: ref for ref, pk in reference_map(program, Kind.PERSON).items()}
        self.people = set(people.values())
        venues = {pk: ref for ref, pk in reference_map(program, Kind.VENUE).items()}
        for pk, code in Venue.objects.filter(pk__in=venues).values_list("pk", "community__code"):
            self.venues[venues[pk]] = code
        sessions = {pk: ref for ref, pk in reference_map(program, Kind.SESSION).items()}
        for pk, code, held_on, planned_on in ActivityPlan.objects.filter(
            pk__in=sessions
        ).values_list("pk", "community__code", "record__held_on", "planned_on"):
            self.sessions[sessions[pk]] = (code, held_on or planned_on)
        rounds = {pk: ref for ref, pk in reference_map(program, Kind.ROUND).items()}
        for evaluation_round in EvaluationRound.objects.filter(pk__in=rounds).prefetch_related(
            "communities"
        ):
            self.rounds[rounds[evaluation_round.pk]] = (
                [c.code for c in evaluation_round.communities.all()],
                evaluation_round.starts_on,
            )
        by_pk = {}
        for enrolment in Enrolment.objects.current().filter(person__program=program):
            key = (people.get(enrolment.person_id), enrolment.role, enrolment.community.code)
            by_pk[enrolment.pk] = key
            self.enrolments[key] = EnrolmentState(enrolment.started_on, [])
        for enrolment_id, status, on in (
            EnrolmentStatusChange.objects.filter(enrolment_id__in=by_pk)
            .order_by("effective_on", "pk")
            .values_list("enrolment_id", "status", "effective_on")
        ):
            self.enrolments[by_pk[enrolment_id]].changes.append((on, status))
        for caregiver, cared_for in CaregiverLink.objects.filter(
            caregiver__program=program
        ).values_list("caregiver_id", "cared_for_id"):
            self.links.add((people.get(caregiver), people.get(cared_for)))

    def run(self) -> list[Problem]:
        for name in (
            "program", "communities", "venues", "people", "enrolments", "status_changes",
            "caregivers", "sessions", "attendance", "emergencies", "rounds", "interviews",
            "training_rounds", "training_sessions", "training_attendance", "assessments",
            "consents",
        ):  # fmt: skip
            getattr(self, f"_{name}")(self.t[f"{name}.csv"])
        return self.problems

    def inside(
        self, table: str, row: Row, column: str, day: date | None, *, before_ok: bool = False
    ) -> bool:
        """`day` lies inside the program; `before_ok`: or before it (people enrolled and
        trained before the first session)."""
        if day is None or not row.ok(column):
            return False
        if not (date.min if before_ok else self.first) <= day <= self.last:
            self.fail(
                table,
                row,
                column,
                _("%(value)s is outside the program (%(first)s to %(last)s)")
                % {
                    "value": day.isoformat(),
                    "first": self.first.isoformat(),
                    "last": "" if self.last == date.max else self.last.isoformat(),
                },
            )
            return False
        return True

    def unique(self, table: str, rows: list[Row], columns: tuple[str, ...]) -> list[Row]:
        """The rows whose key is seen for the first time; the others are errors."""
        seen: set = set()
        out = []
        for row in rows:
            if not row.ok(*columns):
                continue
            key = tuple(tuple(row[c]) if isinstance(row[c], list) else row[c] for c in columns)
            if key in seen:
                self.fail(
                    table,
                    row,
                    columns[0],
                    _("%(value)s appears twice in this file")
                    % {"value": " / ".join(map(str, key))},
                )
                continue
            seen.add(key)
            out.append(row)
        return out

    def known(self, table: str, row: Row, column: str, value: str | None, pool, what: str) -> bool:
        if value is None or not row.ok(column):
            return False
        if value not in pool:
            self.fail(
                table,
                row,
                column,
                _("%(value)s is not a %(what)s of this program or of these files")
                % {"value": value, "what": what},
            )
            return False
        return True

    def _program(self, table: Table) -> None:
        name = table.name
        if not table.rows:
            self.problems.append(
                Problem(name, None, "", _("the file is missing or empty: it names the program"))
            )
            return
        for row in table.rows[1:]:
            self.fail(name, row, "slug", _("the file has one row, for one program"))
        row = table.rows[0]
        if row.ok("slug") and not SLUG.match(row["slug"]):
            self.fail(
                name,
                row,
                "slug",
                _("%(value)s: use letters, digits and -") % {"value": row["slug"]},
            )
        if row["started_on"]:
            self.first = row["started_on"]
        self.last = row["ended_on"] or timezone.localdate()
        if row["ended_on"] and row["started_on"] and row["ended_on"] <= row["started_on"]:
            self.fail(name, row, "ended_on", _("the program ends before it starts"))

    def _communities(self, table: Table) -> None:
        name = table.name
        rows = self.unique(name, table.rows, ("community",))
        codes = [r["community"] for r in rows]
        elsewhere = set(
            Community.objects.filter(code__in=codes)
            .exclude(program=self.program)
            .values_list("code", flat=True)
        )
        for row in rows:
            code = row["community"]
            if not SLUG.match(code):
                self.fail(
                    name,
                    row,
                    "community",
                    _("%(value)s: use letters, digits and -") % {"value": code},
                )
            elif code in elsewhere:
                self.fail(
                    name, row, "community",
                    _("%(value)s is the code of a community of another program") % {"value": code},
                )  # fmt: skip
            else:
                self.communities[code] = code
            self.inside(name, row, "started_on", row["started_on"])
            if row["ended_on"] and row["started_on"] and row["ended_on"] < row["started_on"]:
                self.fail(name, row, "ended_on", _("the community closes before it starts"))

    def _venues(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("venue",)):
            known = self.known(
                name, row, "community", row["community"], self.communities, _("community")
            )
            self.venues[row["venue"]] = row["community"] if known else None

    def _people(self, table: Table) -> None:
        name = table.name
        today = timezone.localdate()
        for row in self.unique(name, table.rows, ("person",)):
            self.people.add(row["person"])
            if row["born_on"] and row["born_on"] > today:
                self.fail(
                    name,
                    row,
                    "born_on",
                    _("%(value)s is in the future") % {"value": row["born_on"]},
                )

    def _enrolments(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("person", "role", "community")):
            ok = self.known(name, row, "person", row["person"], self.people, _("person"))
            ok &= self.known(
                name, row, "community", row["community"], self.communities, _("community")
            )
            ok &= self.inside(name, row, "started_on", row["started_on"], before_ok=True)
            if ok:
                key = (row["person"], row["role"], row["community"])
                state = self.enrolments.get(key)
                if state is None:
                    self.enrolments[key] = EnrolmentState(
                        row["started_on"], [(row["started_on"], ACTIVE)]
                    )
                elif state.started_on != row["started_on"]:
                    # The first status (active from the start) moves with the start.
                    state.changes = [
                        (row["started_on"], s) if (d, s) == (state.started_on, ACTIVE) else (d, s)
                        for d, s in state.changes
                    ]
                    state.started_on = row["started_on"]

    def _status_changes(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("person", "role", "community", "changed_on")):
            key = (row["person"], row["role"], row["community"])
            if not row.ok("person", "role", "community", "status", "changed_on"):
                continue
            state = self.enrolments.get(key)
            if state is None:
                self.fail(
                    name, row, "person",
                    _("%(person)s is not enrolled as %(role)s in %(community)s")
                    % {"person": row["person"], "role": row["role"], "community": row["community"]},
                )  # fmt: skip
                continue
            if not self.inside(name, row, "changed_on", row["changed_on"], before_ok=True):
                continue
            if row["changed_on"] < state.started_on:
                self.fail(
                    name,
                    row,
                    "changed_on",
                    _("%(value)s is before the enrolment started") % {"value": row["changed_on"]},
                )
                continue
            # A change is found again by its enrolment and day: a row of a day the database
            # already holds corrects that change (the file names each day once, unique()).
            state.changes = [c for c in state.changes if c[0] != row["changed_on"]]
            state.changes.append((row["changed_on"], row["status"]))
        for key, state in self.enrolments.items():
            ordered = sorted(state.changes, key=lambda c: c[0])
            for (_d1, s1), (d2, s2) in zip(ordered, ordered[1:], strict=False):
                if s1 == s2:
                    rows = [
                        r
                        for r in table.rows
                        if (r["person"], r["role"], r["community"], r["changed_on"]) == (*key, d2)
                    ]
                    for row in rows:
                        self.fail(
                            name,
                            row,
                            "status",
                            _("%(value)s is the status it already has") % {"value": s2},
                        )

    def _caregivers(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("caregiver", "cared_for")):
            ok = self.known(name, row, "caregiver", row["caregiver"], self.people, _("person"))
            ok &= self.known(name, row, "cared_for", row["cared_for"], self.people, _("person"))
            if ok and row["caregiver"] == row["cared_for"]:
                self.fail(name, row, "cared_for", _("a person cannot be their own caregiver"))
            elif ok:
                self.links.add((row["caregiver"], row["cared_for"]))

    def in_service(self, person: str, role: str, community: str, day: date) -> bool:
        state = self.enrolments.get((person, role, community))
        return state is not None and state.in_service_on(day)

    def _sessions(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("session",)):
            community = row["community"]
            ok = self.known(name, row, "community", community, self.communities, _("community"))
            ok &= self.inside(name, row, "held_on", row["held_on"])
            venue = row["venue"]
            if (
                self.known(name, row, "venue", venue, self.venues, _("venue"))
                and ok
                and self.venues[venue] is not None
                and self.venues[venue] != community
            ):
                self.fail(
                    name, row, "venue",
                    _("venue %(venue)s is a venue of %(other)s, not of %(community)s")
                    % {"venue": venue, "other": self.venues[venue], "community": community},
                )  # fmt: skip
            if row.ok("starts_at", "ends_at") and row["ends_at"] <= row["starts_at"]:
                self.fail(name, row, "ends_at", _("the session ends before it starts"))
            peers = [("lead_peer", row["lead_peer"])] if row["lead_peer"] else []
            peers += [("assisting_peers", ref) for ref in row["assisting_peers"] or []]
            peers += [("peers_present", ref) for ref in row["peers_present"] or []]
            for column, ref in peers:
                if not self.known(name, row, column, ref, self.people, _("person")) or not ok:
                    continue
                if not self.in_service(ref, "peer", community, row["held_on"]):
                    self.fail(
                        name, row, column,
                        _("%(person)s is not a peer in service in %(community)s on %(day)s")
                        % {"person": ref, "community": community, "day": row["held_on"]},
                    )  # fmt: skip
            if row["lead_peer"] in (row["assisting_peers"] or []):
                self.fail(
                    name, row, "assisting_peers", _("the lead peer is also listed as assisting")
                )
            # Known even when a cell is wrong: its attendance is not reported as well.
            self.sessions[row["session"]] = (community, row["held_on"])

    def _attendance(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("session", "person")):
            ok = self.known(name, row, "session", row["session"], self.sessions, _("session"))
            ok &= self.known(name, row, "person", row["person"], self.people, _("person"))
            if not ok:
                continue
            community, day = self.sessions[row["session"]]
            if community is None or day is None:
                continue  # the session's own row is wrong, and said so
            enrolled = any(
                (state := self.enrolments.get((row["person"], role, community))) is not None
                and state.started_on <= day
                for role in Enrolment.Role.values
            )
            if not enrolled:
                self.fail(
                    name, row, "person",
                    _("%(person)s was not enrolled in %(community)s on %(day)s")
                    % {"person": row["person"], "community": community, "day": day},
                )  # fmt: skip

    def _emergencies(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("community", "occurred_at", "kind")):
            ok = self.known(
                name, row, "community", row["community"], self.communities, _("community")
            )
            if row["occurred_at"]:
                self.inside(name, row, "occurred_at", timezone.localdate(row["occurred_at"]))
            if (
                row["session"]
                and self.known(name, row, "session", row["session"], self.sessions, _("session"))
                and ok
                and self.sessions[row["session"]][0] not in (None, row["community"])
            ):
                self.fail(
                    name, row, "session",
                    _("session %(session)s is not a session of %(community)s")
                    % {"session": row["session"], "community": row["community"]},
                )  # fmt: skip

    def _rounds(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("round",)):
            ok = self.inside(name, row, "starts_on", row["starts_on"])
            ok &= self.inside(name, row, "ends_on", row["ends_on"])
            if ok and row["ends_on"] < row["starts_on"]:
                self.fail(name, row, "ends_on", _("the round ends before it starts"))
            for code in row["communities"] or []:
                ok &= self.known(name, row, "communities", code, self.communities, _("community"))
            self.rounds[row["round"]] = (row["communities"] if ok else None, row["starts_on"])

    def _interviews(self, table: Table) -> None:
        name = table.name
        asked = dict(
            Question.objects.filter(code__in=table.questions)
            .filter(models.Q(program=None) | models.Q(program=self.program))
            .values_list("code", "respondent")
        ) if table.questions else {}  # fmt: skip
        for row in self.unique(name, table.rows, ("round", "person", "respondent")):
            ok = self.known(name, row, "round", row["round"], self.rounds, _("evaluation round"))
            ok &= self.known(name, row, "person", row["person"], self.people, _("person"))
            reason = row["not_assessed_reason"]
            if not reason and row.ok("not_assessed_reason") and not row["interviewed_on"]:
                self.fail(
                    name, row, "interviewed_on", _("give the interview date, or why not assessed")
                )
            self.inside(name, row, "interviewed_on", row["interviewed_on"])
            for code in table.questions:
                if row[code] and reason:
                    self.fail(name, row, code, _("an answer for someone not assessed"))
                elif row[code] and row.ok("respondent") and asked.get(code) != row["respondent"]:
                    self.fail(
                        name, row, code,
                        _("question %(code)s is not asked of %(respondent)s")
                        % {"code": code, "respondent": row["respondent"]},
                    )  # fmt: skip
            if not ok or not row.ok("respondent") or None in self.rounds[row["round"]]:
                continue
            placed = self.place(row)
            if isinstance(placed, str):
                self.fail(name, row, "person", placed)
            else:
                row.values["_community"], row.values["_cares_for"] = placed

    def _training_rounds(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("training_round",)):
            self.training_rounds.add(row["training_round"])
            # Pre-service training comes before the program's first session.
            ok = self.inside(name, row, "starts_on", row["starts_on"], before_ok=True)
            ok &= self.inside(name, row, "ends_on", row["ends_on"], before_ok=True)
            if ok and row["ends_on"] < row["starts_on"]:
                self.fail(name, row, "ends_on", _("the round ends before it starts"))
            for code in row["communities"] or []:
                self.known(name, row, "communities", code, self.communities, _("community"))
            for ref in row["co_presenters"] or []:
                self.known(name, row, "co_presenters", ref, self.people, _("person"))

    def _training_sessions(self, table: Table) -> None:
        name = table.name
        workshops = set(
            Workshop.objects.filter(
                models.Q(program=None) | models.Q(program=self.program)
            ).values_list("code", flat=True)
        ) if table.rows else set()  # fmt: skip
        for row in self.unique(name, table.rows, ("training_session",)):
            self.training_sessions.add(row["training_session"])
            self.known(
                name, row, "training_round", row["training_round"], self.training_rounds,
                _("training round"),
            )  # fmt: skip
            if row["workshop"]:
                self.known(name, row, "workshop", row["workshop"], workshops, _("workshop"))
            elif not row["topic"] and row.ok("topic"):
                self.fail(name, row, "topic", _("give the workshop's code or a topic"))
            self.inside(name, row, "held_on", row["held_on"], before_ok=True)
            if row["starts_at"] and row["ends_at"] and row["ends_at"] <= row["starts_at"]:
                self.fail(name, row, "ends_at", _("the session ends before it starts"))

    def _training_attendance(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("training_session", "person")):
            self.known(
                name, row, "training_session", row["training_session"], self.training_sessions,
                _("training session"),
            )  # fmt: skip
            self.known(name, row, "person", row["person"], self.people, _("person"))

    def _assessments(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("person", "role", "community", "assessed_on")):
            self.known(name, row, "person", row["person"], self.people, _("person"))
            self.known(name, row, "community", row["community"], self.communities, _("community"))
            # Screening comes before the enrolment, so before the program's first session.
            self.inside(name, row, "assessed_on", row["assessed_on"], before_ok=True)
            if row["psp_score"] is not None and row["psp_score"] > 100:
                self.fail(name, row, "psp_score", _("A PSP score is between 0 and 100."))

    def _consents(self, table: Table) -> None:
        name = table.name
        for row in self.unique(name, table.rows, ("person", "kind", "signed_on")):
            self.known(name, row, "person", row["person"], self.people, _("person"))
            self.inside(name, row, "signed_on", row["signed_on"], before_ok=True)

    def place(self, row: Row) -> tuple[str, str | None] | str:
        """The interview's community and, for a caregiver, the person cared for (from the
        row when given, else from the enrolments); a reason when there is none."""
        communities, first_day = self.rounds[row["round"]]
        person, respondent = row["person"], row["respondent"]
        if respondent == Respondent.CAREGIVER:
            cared = [c for g, c in sorted(self.links, key=str) if g == person]
            if row["cares_for"]:
                if row["cares_for"] not in cared:
                    return _("%(person)s is not a caregiver of %(other)s") % {
                        "person": person,
                        "other": row["cares_for"],
                    }
                cared = [row["cares_for"]]
            roles = Enrolment.Role.values
        else:
            if row["cares_for"]:
                return _("only a caregiver cares for someone")
            cared, roles = [person], [respondent]
        candidates = [
            (not state.in_service_on(first_day), code, who)
            for who in cared
            for role in roles
            for code in communities
            if (state := self.enrolments.get((who, role, code))) is not None
        ]
        if row["community"]:
            candidates = [c for c in candidates if c[1] == row["community"]]
        if not candidates:
            return _("%(person)s is not enrolled in the round's communities (%(communities)s)") % {
                "person": row["cares_for"] or person,
                "communities": ", ".join(communities),
            }
        _later, code, who = min(candidates)
        return code, who if respondent == Respondent.CAREGIVER else None


# --- Writing --------------------------------------------------------------------------------


class Writer:
    def __init__(self, tables: dict[str, Table], program: Program | None, by, result: Result):
        self.t = tables
        self.program = program
        self.by = by
        self.result = result

    def apply(self, instance: models.Model, fields: dict[str, Any]) -> bool:
        """Create `instance` with `fields`, or save the fields that changed (a history row
        only then). True when something was written."""
        if instance.pk is None:
            for name, value in fields.items():
                setattr(instance, name, value)
            instance.save()
            return True
        changed = assign_changes(instance, fields)
        if changed:
            instance.save(update_fields=changed)
        return bool(changed)

    def save(self, file: str, instance: models.Model, fields: dict[str, Any]) -> bool:
        """apply(), counted for `file`."""
        created = instance.pk is None
        written = self.apply(instance, fields)
        if written:
            self.result.count(file, created=created)
        return written

    def remember(self, kind: str, reference: str, instance: models.Model) -> None:
        ImportedReference.objects.get_or_create(
            program=self.program,
            kind=kind,
            reference=reference,
            defaults={
                "content_type": ContentType.objects.get_for_model(instance),
                "object_id": instance.pk,
            },
        )

    def found(self, kind: str) -> dict[str, models.Model]:
        refs = reference_map(self.program, kind)
        objects = _of_program(MODELS[kind], self.program).in_bulk(refs.values())
        return {ref: objects[pk] for ref, pk in refs.items() if pk in objects}

    def run(self) -> None:
        self._program(self.t["program.csv"].rows[0])
        self._communities()
        self._venues()
        self._people()
        # Before the enrolments: whether an enrolment comes with its screening records is
        # the gate's answer on its first day.
        self._consents()
        self._assessments()
        self._enrolments()
        self._status_changes()
        self._caregivers()
        self._sessions()
        self._attendance()
        self._emergencies()
        self._rounds()
        self._interviews()
        self._training_rounds()
        self._training_sessions()
        self._training_attendance()
        self._candidates()

    def _program(self, row: Row) -> None:
        fields = {"name": row["name"], "started_on": row["started_on"], "ended_on": row["ended_on"]}
        if "name_en" in row.values:
            fields["name_en"] = row["name_en"] or ""
        if self.program is None:
            from tongban.programs.services import program_create

            # As a manager creates one: its consent documents and criteria, and the
            # importing manager belongs to it.
            self.program = program_create(fields={"slug": row["slug"], **fields}, by=self.by)
            self.result.count("program.csv", created=True)
        else:
            self.save("program.csv", self.program, fields)
        self.result.program = self.program

    def _communities(self) -> None:
        existing = {c.code: c for c in Community.objects.filter(program=self.program)}
        for row in self.t["communities.csv"].rows:
            fields = {"name": row["name"], "started_on": row["started_on"]}
            if "name_en" in row.values:
                fields["name_en"] = row["name_en"] or ""
            if "ended_on" in row.values:
                fields["ended_on"] = row["ended_on"]
            community = existing.get(row["community"]) or Community(
                program=self.program, code=row["community"]
            )
            self.save("communities.csv", community, fields)
        self.communities = {c.code: c for c in Community.objects.filter(program=self.program)}

    def _venues(self) -> None:
        found = self.found(Kind.VENUE)
        for row in self.t["venues.csv"].rows:
            fields = {
                "community": self.communities[row["community"]],
                "name": row["name"],
                "kind": row["kind"],
            }
            for optional in ("name_en", "address"):
                if optional in row.values:
                    fields[optional] = row[optional] or ""
            venue = found.get(row["venue"]) or Venue()
            self.save("venues.csv", venue, fields)
            self.remember(Kind.VENUE, row["venue"], venue)
        self.venues = self.found(Kind.VENUE)

    def _people(self) -> None:
        found = self.found(Kind.PERSON)
        for row in self.t["people.csv"].rows:
            fields = {
                "name": row["name"],
                "sex": row["sex"],
                "date_of_birth": row["born_on"],
                **{
                    name: row[name] or ""
                    for name in PERSON_TEXT
                    if name in row.values
                },
            }  # fmt: skip
            person = found.get(row["person"]) or Person(program=self.program)
            self.save("people.csv", person, fields)
            self.remember(Kind.PERSON, row["person"], person)
        self.people = self.found(Kind.PERSON)

    def enrolment(self, person: str, role: str, community: str) -> Enrolment | None:
        return (
            Enrolment.objects.current()
            .filter(person=self.people[person], role=role, community=self.communities[community])
            .first()
        )

    def screened(self, person: str, role: str, day: date) -> bool:
        """The person passes the gate into `role` on `day` on their own records (only asked
        of those assessments.csv assesses for the role: the others were not screened here)."""
        if (person, role) not in self.assessed:
            return False
        return not gate.missing(self.people[person], role=role, on=day, records_only=True)

    def _enrolments(self) -> None:
        self.assessed = {(r["person"], r["role"]) for r in self.t["assessments.csv"].rows}
        for row in self.t["enrolments.csv"].rows:
            enrolment = self.enrolment(row["person"], row["role"], row["community"])
            screened = self.screened(row["person"], row["role"], row["started_on"])
            if enrolment is None:
                enrolment = Enrolment.objects.create(
                    person=self.people[row["person"]],
                    community=self.communities[row["community"]],
                    role=row["role"],
                    started_on=row["started_on"],
                    before_screening=not screened,
                )
                EnrolmentStatusChange.objects.create(
                    enrolment=enrolment, status=ACTIVE, effective_on=row["started_on"]
                )
                self.result.count("enrolments.csv", created=True)
                continue
            old = enrolment.started_on
            fields: dict[str, Any] = {"started_on": row["started_on"]}
            if enrolment.before_screening and screened:
                # Its records came with a later set: the gate now holds by them. Never the
                # other way: an enrolment screened in Tongban stays screened.
                fields["before_screening"] = False
            if self.save("enrolments.csv", enrolment, fields):
                first = enrolment.status_changes.filter(status=ACTIVE, effective_on=old).first()
                if first is not None:
                    first.effective_on = row["started_on"]
                    first.save(update_fields=["effective_on"])

    def _status_changes(self) -> None:
        for row in self.t["status_changes.csv"].rows:
            enrolment = self.enrolment(row["person"], row["role"], row["community"])
            change = enrolment.status_changes.filter(effective_on=row["changed_on"]).first()
            fields = {"status": row["status"], "reason": row["reason"] or ""}
            if change is None:
                change = EnrolmentStatusChange(enrolment=enrolment, effective_on=row["changed_on"])
            self.save("status_changes.csv", change, fields)

    def _caregivers(self) -> None:
        for row in self.t["caregivers.csv"].rows:
            caregiver, cared_for = self.people[row["caregiver"]], self.people[row["cared_for"]]
            link = CaregiverLink.objects.filter(caregiver=caregiver, cared_for=cared_for).first()
            fields = {"relationship": row["relationship"]}
            if "started_on" in row.values:
                fields["started_on"] = row["started_on"]
            self.save(
                "caregivers.csv",
                link or CaregiverLink(caregiver=caregiver, cared_for=cared_for),
                fields,
            )

    def _sessions(self) -> None:
        found = self.found(Kind.SESSION)
        file = "sessions.csv"
        for row in self.t[file].rows:
            plan = found.get(row["session"]) or ActivityPlan(created_by=self.by)
            created = plan.pk is None
            lead = self.people[row["lead_peer"]]
            assisting = [self.people[ref] for ref in row["assisting_peers"]]
            plan_fields = {
                "community": self.communities[row["community"]],
                "venue": self.venues[row["venue"]],
                "planned_on": row["held_on"],
                "planned_start": row["starts_at"],
                "planned_end": row["ends_at"],
                "category": row["category"],
                "theme": row["topic"],
                "format": row["format"],
                "lead_peer": lead,
            }
            if "aim" in row.values or created:
                plan_fields["aim"] = row["aim"] or ""
            changed = self.apply(plan, plan_fields)
            self.remember(Kind.SESSION, row["session"], plan)
            if {p.pk for p in plan.assisting_peers.all()} != {p.pk for p in assisting}:
                plan.assisting_peers.set(assisting)
                changed = True
            record = ActivityRecord.objects.filter(plan=plan).first() or ActivityRecord(
                plan=plan, created_by=self.by
            )
            record_fields = {
                "held_on": row["held_on"],
                "started_at": row["starts_at"],
                "ended_at": row["ends_at"],
                "duration_minutes": minutes_between(row["starts_at"], row["ends_at"]),
                "format": row["format"],
                "theme": row["topic"],
            }
            if "feedback" in row.values or record.pk is None:
                record_fields["feedback"] = row["feedback"] or ""
            changed |= self.apply(record, record_fields)
            present = {lead.pk, *(p.pk for p in assisting)}
            if row["peers_present"]:
                present = {self.people[ref].pk for ref in row["peers_present"]}
            if set(record.peers_present.values_list("pk", flat=True)) != present:
                record.peers_present.set(present)
                changed = True
            if changed:
                self.result.count(file, created=created)
        self.sessions = self.found(Kind.SESSION)

    def _attendance(self) -> None:
        # The largest file: what is there is read once, the new rows written in batches
        # (with their history rows), not one query per row.
        rows = self.t["attendance.csv"].rows
        if not rows:
            return
        program_records = ActivityRecord.objects.filter(plan__community__program=self.program)
        record_of = dict(program_records.values_list("plan_id", "pk"))
        present = set(
            Attendance.objects.current()
            .filter(record__in=program_records, person__isnull=False)
            .values_list("record_id", "person_id")
        )
        new = []
        for row in rows:
            key = (record_of[self.sessions[row["session"]].pk], self.people[row["person"]].pk)
            if key not in present:
                present.add(key)
                new.append(Attendance(record_id=key[0], person_id=key[1]))
        bulk_create_with_history(new, Attendance, batch_size=BATCH, default_user=self.by)
        for _row in new:
            self.result.count("attendance.csv", created=True)

    def _emergencies(self) -> None:
        file = "emergencies.csv"
        for row in self.t[file].rows:
            community = self.communities[row["community"]]
            event = EmergencyEvent.objects.filter(
                community=community, occurred_at=row["occurred_at"], kind=row["kind"]
            ).first()
            fields = {
                "session": self.sessions[row["session"]] if row["session"] else None,
                "description": row["description"],
                "actions_taken": row["action_taken"],
                "emergency_services_called": row["emergency_services_called"] == "yes",
            }
            if event is not None:
                self.save(file, event, fields)
                continue
            event = EmergencyEvent(
                community=community,
                occurred_at=row["occurred_at"],
                kind=row["kind"],
                reported_by=self.by,
            )
            self.save(file, event, fields)
            # A past event is closed history: it waits for no acknowledgement and never
            # escalates; reported when it happened, as the paper form was.
            event.reported_at = row["occurred_at"]
            event.closed_at = timezone.now()
            event.closed_by = self.by
            event.closing_note = _("Imported from earlier records.")
            event.save(update_fields=["reported_at", "closed_at", "closed_by", "closing_note"])

    def _rounds(self) -> None:
        found = self.found(Kind.ROUND)
        for row in self.t["rounds.csv"].rows:
            evaluation_round = found.get(row["round"]) or EvaluationRound(
                program=self.program, created_by=self.by
            )
            created = evaluation_round.pk is None
            fields = {"name": row["name"], "starts_on": row["starts_on"], "ends_on": row["ends_on"]}
            if "name_en" in row.values:
                fields["name_en"] = row["name_en"] or ""
            changed = self.apply(evaluation_round, fields)
            self.remember(Kind.ROUND, row["round"], evaluation_round)
            wanted = {self.communities[code].pk for code in row["communities"]}
            if set(evaluation_round.communities.values_list("pk", flat=True)) != wanted:
                evaluation_round.communities.set(wanted)
                changed = True
            if changed:
                self.result.count("rounds.csv", created=created)
        self.rounds = self.found(Kind.ROUND)

    def _interviews(self) -> None:
        table = self.t["interviews.csv"]
        file = table.name
        questions = {
            q.code: q
            for q in Question.objects.filter(code__in=table.questions).filter(
                models.Q(program=None) | models.Q(program=self.program)
            )
        }
        for row in table.rows:
            evaluation_round = self.rounds[row["round"]]
            person = self.people[row["person"]]
            interview = Interview.objects.current().filter(
                round=evaluation_round, person=person, respondent=row["respondent"]
            ).first() or Interview(
                round=evaluation_round, person=person, respondent=row["respondent"],
                created_by=self.by,
            )  # fmt: skip
            reason = row["not_assessed_reason"] or ""
            fields = {
                "community": self.communities[row["_community"]],
                "cares_for": self.people[row["_cares_for"]] if row["_cares_for"] else None,
                "outcome": Interview.Outcome.NOT_ASSESSED
                if reason
                else Interview.Outcome.INTERVIEWED,
                "not_assessed_reason": reason,
                "interviewed_on": row["interviewed_on"],
            }
            if "note" in row.values:
                fields["note"] = row["note"] or ""
            created = interview.pk is None
            changed = self.apply(interview, fields)
            answers = {a.question.code: a for a in interview.answers.select_related("question")}
            for code in table.questions:
                value = row[code] or ""
                answer = answers.get(code)
                if answer is None and value:
                    InterviewAnswer.objects.create(
                        interview=interview, question=questions[code], value=value
                    )
                    changed = True
                elif answer is not None and answer.value != value:
                    answer.value = value
                    answer.save(update_fields=["value"])
                    changed = True
            if changed:
                self.result.count(file, created=created)

    def _training_rounds(self) -> None:
        found = self.found(Kind.TRAINING_ROUND)
        file = "training_rounds.csv"
        for row in self.t[file].rows:
            training_round = found.get(row["training_round"]) or TrainingRound(
                program=self.program, created_by=self.by
            )
            created = training_round.pk is None
            fields = {
                "kind": row["kind"],
                "name": row["name"],
                "starts_on": row["starts_on"],
                "ends_on": row["ends_on"],
            }
            if "name_en" in row.values:
                fields["name_en"] = row["name_en"] or ""
            changed = self.apply(training_round, fields)
            self.remember(Kind.TRAINING_ROUND, row["training_round"], training_round)
            wanted = {self.communities[code].pk for code in row["communities"]}
            if set(training_round.communities.values_list("pk", flat=True)) != wanted:
                training_round.communities.set(wanted)
                changed = True
            if "co_presenters" in row.values:
                peers = {self.people[ref].pk for ref in row["co_presenters"]}
                if set(training_round.co_presenters.values_list("pk", flat=True)) != peers:
                    training_round.co_presenters.set(peers)
                    changed = True
            if changed:
                self.result.count(file, created=created)
        self.training_rounds = self.found(Kind.TRAINING_ROUND)

    def _training_sessions(self) -> None:
        found = self.found(Kind.TRAINING_SESSION)
        workshops = {
            w.code: w
            for w in Workshop.objects.filter(
                models.Q(program=None) | models.Q(program=self.program)
            ).order_by(models.F("program").asc(nulls_first=True))
        }  # the program's own workshop wins over a standard one of the same code
        for row in self.t["training_sessions.csv"].rows:
            session = found.get(row["training_session"]) or TrainingSession(created_by=self.by)
            fields = {
                "round": self.training_rounds[row["training_round"]],
                "workshop": workshops[row["workshop"]] if row["workshop"] else None,
                "topic": row["topic"] or "",
                "held_on": row["held_on"],
                "starts_at": row["starts_at"],
                "ends_at": row["ends_at"],
                "make_up": row["make_up"] == "yes",
            }
            self.save("training_sessions.csv", session, fields)
            self.remember(Kind.TRAINING_SESSION, row["training_session"], session)
        self.training_sessions = self.found(Kind.TRAINING_SESSION)

    def _training_attendance(self) -> None:
        for row in self.t["training_attendance.csv"].rows:
            session = self.training_sessions[row["training_session"]]
            person = self.people[row["person"]]
            if (
                not TrainingAttendance.objects.current()
                .filter(session=session, person=person)
                .exists()
            ):
                TrainingAttendance.objects.create(
                    session=session, person=person, recorded_by=self.by
                )
                self.result.count("training_attendance.csv", created=True)

    def _consents(self) -> None:
        rows = self.t["consents.csv"].rows
        self.consented = {self.people[row["person"]].pk for row in rows}
        if not rows:
            return
        # As a program is set up: the paper's documents, version 1, for a kind it lacks.
        screening_services.consent_documents_ensure(program=self.program)
        versions: dict[str, list[ConsentDocument]] = defaultdict(list)
        for document in ConsentDocument.objects.filter(program=self.program).order_by("version"):
            versions[document.kind].append(document)
        existing = {
            (c.person_id, c.document.kind, c.signed_on): c
            for c in Consent.objects.current()
            .filter(person__program=self.program)
            .select_related("document")
            .order_by("pk")
        }
        for row in rows:
            person = self.people[row["person"]]
            consent = existing.get((person.pk, row["kind"], row["signed_on"]))
            if consent is None:
                consent = Consent(
                    person=person,
                    document=_in_use(versions[row["kind"]], row["signed_on"]),
                    signed_on=row["signed_on"],
                    recorded_by=self.by,
                )
            self.save("consents.csv", consent, {"witness": row["witness"]})

    def _assessments(self) -> None:
        rows = self.t["assessments.csv"].rows
        self.candidacies: set[int] = set()
        if not rows:
            return
        # New assessments are judged to have been made under the criteria in force (the
        # result is the one on paper, as it was judged then).
        criteria = {
            role: screening_services.criteria_current(program=self.program, role=role)
            for role in sorted({row["role"] for row in rows})
        }
        existing = {
            (a.candidate.person_id, a.candidate.role, a.candidate.community_id, a.assessed_on): a
            for a in Assessment.objects.current()
            .filter(candidate__community__program=self.program)
            .select_related("candidate")
            .order_by("pk")
        }
        first: dict[tuple[str, str, str], date] = {}
        for row in rows:
            key = (row["person"], row["community"], row["role"])
            first[key] = min(first.get(key, date.max), row["assessed_on"])
        for row in rows:
            person, community = self.people[row["person"]], self.communities[row["community"]]
            role = row["role"]
            fields: dict[str, Any] = {
                "diagnosis": row["diagnosis"] or "",
                "age": row["age"],
                "stable_months": row["stable_months"],
                **{name: row[name] or Finding.UNKNOWN for name in FINDINGS},
                "psp_score": row["psp_score"],
                "result": row["result"],
            }
            assessment = existing.get((person.pk, role, community.pk, row["assessed_on"]))
            if "note" in row.values or assessment is None:
                fields["note"] = row["note"] or ""
            if assessment is None:
                candidate = self.candidate(
                    person, community, role, first[(row["person"], row["community"], role)]
                )
                assessment = Assessment(
                    candidate=candidate,
                    criteria=criteria[role],
                    assessed_on=row["assessed_on"],
                    assessed_by=self.by,
                )
            self.save("assessments.csv", assessment, fields)
            self.candidacies.add(assessment.candidate_id)

    def candidate(self, person: Person, community: Community, role: str, day: date) -> Candidate:
        """The person's latest candidacy for `role` in `community`, else a new one that
        came on the day of their first assessment in the file."""
        found = (
            Candidate.objects.filter(person=person, community=community, role=role)
            .order_by("-pk")
            .first()
        )
        return found or Candidate.objects.create(
            person=person,
            community=community,
            role=role,
            source=Source.OTHER,
            recommended_on=day,
            reason=_("Imported from earlier records."),
            created_by=self.by,
        )

    def _candidates(self) -> None:
        """Each candidacy the files touched: linked to the enrolment it led to (the
        person's enrolment in that role and community), its stage from its records."""
        candidates = Candidate.objects.filter(
            models.Q(pk__in=self.candidacies)
            | models.Q(person__in=self.consented, enrolment__isnull=True)
        ).select_related("enrolment")
        for candidate in candidates.order_by("pk"):
            if candidate.enrolment_id is None:
                enrolment = (
                    Enrolment.objects.current()
                    .filter(
                        person_id=candidate.person_id,
                        community_id=candidate.community_id,
                        role=candidate.role,
                        candidate__isnull=True,
                    )
                    .first()
                )
                if enrolment is not None:
                    candidate.enrolment = enrolment
                    candidate.save(update_fields=["enrolment"])
            screening_services.candidate_refresh_stage(candidate)


FINDINGS = (
    "adherence_patient",
    "adherence_family",
    "insight",
    "substance_abuse",
    "severe_medical_illness",
)


def _in_use(versions: list[ConsentDocument], on: date) -> ConsentDocument:
    """The version in use on the day signed (the newest in use by then; the first one for
    a signature older than every version, as on paper before the documents were entered)."""
    usable = [d for d in versions if d.effective_from <= on]
    return usable[-1] if usable else versions[0]


# --- The import -----------------------------------------------------------------------------


@contextmanager
def _history_by(user):
    """Every history row of the import names `user` (the command has no request for
    simple_history's middleware to read the user from)."""
    context = HistoricalRecords.context
    before = getattr(context, "request", None)
    if before is None or not getattr(getattr(before, "user", None), "is_authenticated", False):
        context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if before is None:
            if hasattr(context, "request"):
                del context.request
        else:
            context.request = before


def program_import(*, sources: dict[str, bytes], by, allowed_programs=None) -> Result:
    """Check every row of every file, then write them all in one transaction (or nothing).

    `sources`: file name -> bytes. `by`: the user the records are entered by (sessions,
    rounds, interviews). `allowed_programs`: when given (the upload page), a queryset of
    the programs `by` may import into: an existing program outside it is refused.
    """
    tables, _problems = reader.read(sources, question_codes=set())
    slug = next((r["slug"] for r in tables["program.csv"].rows if r["slug"]), None)
    program = Program.objects.filter(slug__iexact=slug).first() if slug else None
    codes = set(
        Question.objects.filter(models.Q(program=None) | models.Q(program=program)).values_list(
            "code", flat=True
        )
    )
    tables, problems = reader.read(sources, question_codes=codes)
    result = Result(problems=problems, program=program)
    if (
        program is not None
        and allowed_programs is not None
        and not allowed_programs.filter(pk=program.pk).exists()
    ):
        result.problems.append(
            Problem(
                "program.csv",
                tables["program.csv"].rows[0].number,
                "slug",
                _("%(value)s is a program you do not belong to") % {"value": slug},
            )
        )
        return result
    if not any(t.unreadable for t in tables.values()):
        result.problems.extend(Checker(tables, program).run())
    if result.problems:
        return result
    try:
        with transaction.atomic(), _history_by(by):
            Writer(tables, program, by, result).run()
    except ValidationError as error:
        # A rule of the models the checks above missed: still nothing is written.
        result.problems = [Problem("", None, "", message) for message in error.messages]
        result.counts.clear()
    return result
