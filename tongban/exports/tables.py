"""The research tables of a program: variables (names, labels, codes, missing values,
sources) and rows read in chunks from the database as they are written.

Every table is restricted to the export's program, communities and date range. Choices are
exported as integer codes (their position in the model's choices, from 1) with value labels
in the export's language. A de-identified export (the default) holds pseudonymous IDs
instead of people, ages instead of dates of birth, and no free text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.registry.models import (
    CaregiverLink,
    Community,
    Diagnosis,
    Education,
    Enrolment,
    EnrolmentStatusChange,
    MaritalStatus,
    Person,
    Program,
    Sex,
    WorkingStatus,
    status_on,
)

from .pseudonyms import WIDTH, Pseudonymiser
from .spec import Kind, Measure, Table, Variable

CHUNK = 2000
TEXT_WIDTH = 255  # free text in identified exports; .sav cuts longer text at 255 bytes


@dataclass(frozen=True)
class ExportParams:
    program: Program
    date_from: date
    date_to: date
    # The chosen communities (all of the user's when none was ticked).
    communities: tuple[Community, ...]
    identified: bool = False


class Coder:
    """A model's choices as integer codes (their position, from 1) with labels."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.codes = {value: i for i, value in enumerate(choices.values, start=1)}
        self.labels = {i: str(label) for i, label in enumerate(choices.labels, start=1)}

    def __call__(self, value: str | None) -> int | None:
        return self.codes.get(value) if value else None


def age_on(born: date | None, day: date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _person_id(label: str, source: str) -> Variable:
    return Variable(
        name="person_id", label=label, kind=Kind.STRING, measure=Measure.NOMINAL,
        width=WIDTH, source=source,
    )  # fmt: skip


def _yes_no(name: str, label: str, source: str) -> Variable:
    return Variable(
        name=name, label=label, measure=Measure.NOMINAL,
        values={0: _("no"), 1: _("yes")}, source=source,
    )  # fmt: skip


def _text(name: str, label: str, source: str) -> Variable:
    return Variable(
        name=name, label=label, kind=Kind.STRING, measure=Measure.NOMINAL,
        width=TEXT_WIDTH, source=source,
    )  # fmt: skip


def _community(params: ExportParams) -> Variable:
    return Variable(
        name="community",
        label=_("Community"),
        measure=Measure.NOMINAL,
        values={c.pk: c.display_name for c in params.communities},
        source="registry.Community (code: its id)",
    )


def _chunks(queryset: models.QuerySet, *fields: str) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=CHUNK)


def _enrolments(params: ExportParams) -> models.QuerySet:
    return Enrolment.objects.current().filter(
        community__in=params.communities, started_on__lte=params.date_to
    )


def _people(params: ExportParams) -> models.QuerySet:
    """Everyone enrolled in the chosen communities by the range's end, and their caregivers."""
    enrolled = _enrolments(params).values("person_id")
    caring = CaregiverLink.objects.filter(cared_for__in=enrolled).values("caregiver_id")
    return Person.objects.filter(program=params.program).filter(
        Q(pk__in=enrolled) | Q(pk__in=caring)
    )


# --- The tables --------------------------------------------------------------------------


def people(params: ExportParams, pid: Pseudonymiser) -> Table:
    sex, education = Coder(Sex), Coder(Education)
    marital, working, diagnosis = Coder(MaritalStatus), Coder(WorkingStatus), Coder(Diagnosis)
    variables = [
        _person_id(_("Pseudonymous person ID"), "registry.Person (keyed hash of its id)"),
        Variable(name="sex", label=_("Sex"), measure=Measure.NOMINAL, values=sex.labels,
                 source="registry.Person.sex"),
        Variable(name="age", label=_("Age in completed years at the end of the range"),
                 source="registry.Person.date_of_birth"),
        Variable(name="education", label=_("Education level"), measure=Measure.ORDINAL,
                 values=education.labels, source="registry.Person.education"),
        Variable(name="marital_status", label=_("Marital status"), measure=Measure.NOMINAL,
                 values=marital.labels, source="registry.Person.marital_status"),
        Variable(name="working_status", label=_("Working status"), measure=Measure.NOMINAL,
                 values=working.labels, source="registry.Person.working_status"),
        Variable(name="diagnosis", label=_("Diagnosis"), measure=Measure.NOMINAL,
                 values=diagnosis.labels, source="registry.Person.diagnosis"),
    ]  # fmt: skip
    fields = ["pk", "sex", "date_of_birth", "education", "marital_status", "working_status",
              "diagnosis"]  # fmt: skip
    if params.identified:
        variables += [
            _text("name", _("Name"), "registry.Person.name"),
            Variable(name="born_on", label=_("Date of birth"), kind=Kind.DATE,
                     source="registry.Person.date_of_birth"),
            _text("phone", _("Phone"), "registry.Person.phone"),
            _text("address", _("Address"), "registry.Person.address"),
        ]  # fmt: skip
        fields += ["name", "date_of_birth", "phone", "address"]
    end = params.date_to

    def rows() -> Iterator[tuple]:
        for row in _chunks(_people(params).order_by("pk"), *fields):
            pk, sx, born, edu, mar, work, diag = row[:7]
            out = (pid(pk), sex(sx), age_on(born, end), education(edu), marital(mar),
                   working(work), diagnosis(diag))  # fmt: skip
            yield out + tuple(row[7:]) if params.identified else out

    return Table("people", _("People"), variables, rows())


def enrolments(params: ExportParams, pid: Pseudonymiser) -> Table:
    role = Coder(Enrolment.Role)
    status = Coder(EnrolmentStatusChange.Status)
    variables = [
        Variable(name="enrolment_id", label=_("Enrolment ID"), measure=Measure.NOMINAL,
                 source="registry.Enrolment.id"),
        _person_id(_("Pseudonymous person ID"), "registry.Enrolment.person"),
        _community(params),
        Variable(name="role", label=_("Role"), measure=Measure.NOMINAL, values=role.labels,
                 source="registry.Enrolment.role"),
        Variable(name="started_on", label=_("Start date"), kind=Kind.DATE,
                 source="registry.Enrolment.started_on"),
        _yes_no("before_records", _("Enrolled before screening was recorded"),
                "registry.Enrolment.before_screening"),
        Variable(name="status_at_end", label=_("Status at the end of the range"),
                 measure=Measure.NOMINAL, values=status.labels,
                 source="registry.EnrolmentStatusChange (latest by the range's end)"),
    ]  # fmt: skip
    queryset = _enrolments(params).annotate(status_at_end=status_on(params.date_to)).order_by("pk")

    def rows() -> Iterator[tuple]:
        for pk, person, community, rl, started, before, st in _chunks(
            queryset, "pk", "person_id", "community_id", "role", "started_on",
            "before_screening", "status_at_end",
        ):  # fmt: skip
            yield (pk, pid(person), community, role(rl), started, int(before), status(st))

    return Table("enrolments", _("Enrolments"), variables, rows())


def status_changes(params: ExportParams, pid: Pseudonymiser) -> Table:
    status = Coder(EnrolmentStatusChange.Status)
    variables = [
        Variable(name="enrolment_id", label=_("Enrolment ID"), measure=Measure.NOMINAL,
                 source="registry.EnrolmentStatusChange.enrolment"),
        _person_id(_("Pseudonymous person ID"), "registry.Enrolment.person"),
        Variable(name="status", label=_("Status"), measure=Measure.NOMINAL,
                 values=status.labels, source="registry.EnrolmentStatusChange.status"),
        Variable(name="changed_on", label=_("Effective from"), kind=Kind.DATE,
                 source="registry.EnrolmentStatusChange.effective_on"),
    ]  # fmt: skip
    fields = ["enrolment_id", "enrolment__person_id", "status", "effective_on"]
    if params.identified:
        variables.append(_text("reason", _("Reason"), "registry.EnrolmentStatusChange.reason"))
        fields.append("reason")
    queryset = EnrolmentStatusChange.objects.filter(
        enrolment__in=_enrolments(params), effective_on__lte=params.date_to
    ).order_by("enrolment_id", "effective_on", "pk")

    def rows() -> Iterator[tuple]:
        for row in _chunks(queryset, *fields):
            yield (row[0], pid(row[1]), status(row[2]), row[3], *row[4:])

    return Table("status_changes", _("Status changes"), variables, rows())


def caregivers(params: ExportParams, pid: Pseudonymiser) -> Table:
    relationship = Coder(CaregiverLink.Relationship)
    variables = [
        Variable(name="caregiver_id", label=_("Pseudonymous ID of the caregiver"),
                 kind=Kind.STRING, measure=Measure.NOMINAL, width=WIDTH,
                 source="registry.CaregiverLink.caregiver"),
        Variable(name="cared_for_id", label=_("Pseudonymous ID of the person cared for"),
                 kind=Kind.STRING, measure=Measure.NOMINAL, width=WIDTH,
                 source="registry.CaregiverLink.cared_for"),
        Variable(name="relationship", label=_("Relationship"), measure=Measure.NOMINAL,
                 values=relationship.labels, source="registry.CaregiverLink.relationship"),
    ]  # fmt: skip
    queryset = CaregiverLink.objects.filter(
        cared_for__in=_enrolments(params).values("person_id")
    ).order_by("pk")

    def rows() -> Iterator[tuple]:
        for caregiver, cared_for, rel in _chunks(
            queryset, "caregiver_id", "cared_for_id", "relationship"
        ):
            yield (pid(caregiver), pid(cared_for), relationship(rel))

    return Table("caregivers", _("Caregiver links"), variables, rows())


def _sessions(params: ExportParams) -> models.QuerySet:
    from tongban.activities.models import ActivityPlan

    return ActivityPlan.objects.current().filter(
        community__in=params.communities,
        planned_on__gte=params.date_from,
        planned_on__lte=params.date_to,
    )


def sessions(params: ExportParams, pid: Pseudonymiser) -> Table:
    from tongban.activities.models import Attendance, Category, Format

    category, fmt = Coder(Category), Coder(Format)
    variables = [
        Variable(name="session_id", label=_("Session ID"), measure=Measure.NOMINAL,
                 source="activities.ActivityPlan.id"),
        _community(params),
        Variable(name="planned_on", label=_("Planned date"), kind=Kind.DATE,
                 source="activities.ActivityPlan.planned_on"),
        Variable(name="category", label=_("Category"), measure=Measure.NOMINAL,
                 values=category.labels, source="activities.ActivityPlan.category"),
        Variable(name="format", label=_("Format"), measure=Measure.NOMINAL, values=fmt.labels,
                 source="activities.ActivityRecord.format, else ActivityPlan.format"),
        Variable(name="lead_peer_id", label=_("Pseudonymous ID of the lead peer"),
                 kind=Kind.STRING, measure=Measure.NOMINAL, width=WIDTH,
                 source="activities.ActivityPlan.lead_peer"),
        Variable(name="n_assisting", label=_("Number of assisting peers"),
                 source="activities.ActivityPlan.assisting_peers"),
        _yes_no("recorded", _("Session held and recorded"), "activities.ActivityRecord"),
        Variable(name="held_on", label=_("Date held"), kind=Kind.DATE,
                 source="activities.ActivityRecord.held_on"),
        Variable(name="minutes", label=_("Duration (minutes)"),
                 source="activities.ActivityRecord.duration_minutes"),
        Variable(name="n_attendees", label=_("Number of consumers attending"),
                 source="activities.Attendance (current rows)"),
    ]  # fmt: skip
    fields = ["pk", "community_id", "planned_on", "category", "format", "record__format",
              "lead_peer_id", "n_assisting", "record__pk", "record__held_on",
              "record__duration_minutes", "n_attendees"]  # fmt: skip
    if params.identified:
        variables.append(_text("theme", _("Topic"), "activities.ActivityPlan.theme"))
        fields.append("theme")
    attending = (
        Attendance.objects.filter(record__plan=models.OuterRef("pk"), voided_at__isnull=True)
        .values("record__plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    assisting = (
        _sessions(params)
        .model.assisting_peers.through.objects.filter(activityplan_id=models.OuterRef("pk"))
        .values("activityplan_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    queryset = (
        _sessions(params)
        .annotate(
            n_attendees=models.functions.Coalesce(models.Subquery(attending), 0),
            n_assisting=models.functions.Coalesce(models.Subquery(assisting), 0),
        )
        .order_by("planned_on", "pk")
    )

    def rows() -> Iterator[tuple]:
        for row in _chunks(queryset, *fields):
            (pk, community, planned, cat, plan_format, record_format, lead, n_assisting,
             record, held, minutes, n_attendees) = row[:12]  # fmt: skip
            recorded = record is not None
            yield (
                pk, community, planned, category(cat), fmt(record_format or plan_format),
                pid(lead), n_assisting, int(recorded), held, minutes,
                n_attendees if recorded else None, *row[12:],
            )  # fmt: skip

    return Table("sessions", _("Sessions"), variables, rows())


def attendance(params: ExportParams, pid: Pseudonymiser) -> Table:
    from tongban.activities.models import Attendance

    variables = [
        Variable(name="session_id", label=_("Session ID"), measure=Measure.NOMINAL,
                 source="activities.ActivityRecord.plan"),
        _community(params),
        Variable(name="held_on", label=_("Date held"), kind=Kind.DATE,
                 source="activities.ActivityRecord.held_on"),
        _person_id(_("Pseudonymous person ID (blank for a walk-in)"),
                   "activities.Attendance.person"),
        _yes_no("walk_in", _("Walk-in (not enrolled)"), "activities.Attendance.person is empty"),
    ]  # fmt: skip
    queryset = Attendance.objects.filter(
        voided_at__isnull=True,
        record__voided_at__isnull=True,
        record__plan__in=_sessions(params),
    ).order_by("record__plan_id", "pk")

    def rows() -> Iterator[tuple]:
        for session, community, held, person in _chunks(
            queryset, "record__plan_id", "record__plan__community_id", "record__held_on",
            "person_id",
        ):  # fmt: skip
            yield (session, community, held, pid(person), int(person is None))

    return Table("attendance", _("Attendance"), variables, rows())


def emergencies(params: ExportParams, pid: Pseudonymiser) -> Table:
    from tongban.emergencies.models import EmergencyEvent

    kind = Coder(EmergencyEvent.Kind)
    variables = [
        Variable(name="emergency_id", label=_("Emergency ID"), measure=Measure.NOMINAL,
                 source="emergencies.EmergencyEvent.id"),
        _community(params),
        Variable(name="session_id", label=_("Session ID (blank if outside a session)"),
                 measure=Measure.NOMINAL, source="emergencies.EmergencyEvent.session"),
        Variable(name="kind", label=_("Type of event"), measure=Measure.NOMINAL,
                 values=kind.labels, source="emergencies.EmergencyEvent.kind"),
        Variable(name="occurred_on", label=_("Date it happened"), kind=Kind.DATE,
                 source="emergencies.EmergencyEvent.occurred_at"),
        _yes_no("services_called", _("Emergency services called"),
                "emergencies.EmergencyEvent.emergency_services_called"),
        Variable(name="n_involved", label=_("Number of people involved (recorded)"),
                 source="emergencies.EmergencyEvent.people_involved"),
    ]  # fmt: skip
    fields = ["pk", "community_id", "session_id", "kind", "occurred_at",
              "emergency_services_called", "n_involved"]  # fmt: skip
    if params.identified:
        variables += [
            _text("description", _("What happened"), "emergencies.EmergencyEvent.description"),
            _text("action_taken", _("What was done"), "emergencies.EmergencyEvent.actions_taken"),
        ]  # fmt: skip
        fields += ["description", "actions_taken"]
    queryset = (
        EmergencyEvent.objects.current()
        .filter(
            community__in=params.communities,
            occurred_at__date__gte=params.date_from,
            occurred_at__date__lte=params.date_to,
        )
        .annotate(n_involved=Count("people_involved"))
        .order_by("occurred_at", "pk")
    )

    def rows() -> Iterator[tuple]:
        for row in _chunks(queryset, *fields):
            pk, community, session, kd, occurred, called, n = row[:7]
            yield (pk, community, session, kind(kd), timezone.localtime(occurred).date(),
                   int(called), n, *row[7:])  # fmt: skip

    return Table("emergencies", _("Emergencies"), variables, rows())


def interviews(params: ExportParams, pid: Pseudonymiser) -> Table:
    """One row per interview, one column per question. A respondent not assessed has the
    reason as a declared missing value in every answer column."""
    from tongban.evaluation.models import (
        EvaluationRound,
        Interview,
        InterviewAnswer,
        NotAssessedReason,
        Question,
        Respondent,
    )

    rounds = EvaluationRound.objects.filter(
        program=params.program, starts_on__lte=params.date_to, ends_on__gte=params.date_from
    ).order_by("starts_on", "pk")
    respondent, outcome = Coder(Respondent), Coder(Interview.Outcome)
    reason = Coder(NotAssessedReason)
    # Not assessed, with why: -1, -2, ... in the order of the reasons.
    missing = {-code: _("not assessed: %(reason)s") % {"reason": label}
               for code, label in reason.labels.items()}  # fmt: skip
    questions = list(Question.objects.for_program(params.program))
    variables = [
        Variable(name="interview_id", label=_("Interview ID"), measure=Measure.NOMINAL,
                 source="evaluation.Interview.id"),
        Variable(name="round", label=_("Evaluation round"), measure=Measure.NOMINAL,
                 values={r.pk: r.display_name for r in rounds},
                 source="evaluation.EvaluationRound (code: its id)"),
        _person_id(_("Pseudonymous person ID"), "evaluation.Interview.person"),
        Variable(name="respondent", label=_("Respondent type"), measure=Measure.NOMINAL,
                 values=respondent.labels, source="evaluation.Interview.respondent"),
        _community(params),
        Variable(name="outcome", label=_("Outcome"), measure=Measure.NOMINAL,
                 values=outcome.labels, source="evaluation.Interview.outcome"),
        Variable(name="not_assessed", label=_("Why not assessed"), measure=Measure.NOMINAL,
                 values=reason.labels, source="evaluation.Interview.not_assessed_reason"),
        Variable(name="interviewed_on", label=_("Interview date"), kind=Kind.DATE,
                 source="evaluation.Interview.interviewed_on"),
    ]  # fmt: skip
    yes_no = {0: _("no"), 1: _("yes")}
    for question in questions:
        variables.append(
            Variable(
                name=question_variable(question.code),
                label=question.display_wording,
                measure=Measure.NOMINAL,
                values=yes_no,
                missing=missing,
                source=f"evaluation.InterviewAnswer (question {question.code})",
            )
        )
    position = {q.pk: i for i, q in enumerate(questions)}
    queryset = (
        Interview.objects.current()
        .filter(round__in=rounds, community__in=params.communities)
        .order_by("pk")
    )
    answer_code = {"yes": 1, "no": 0}

    def rows() -> Iterator[tuple]:
        # Interviews in chunks, with one query for each chunk's answers: flat in memory.
        chunk: list[tuple] = []
        fields = ("pk", "round_id", "person_id", "respondent", "community_id", "outcome",
                  "not_assessed_reason", "interviewed_on")  # fmt: skip
        for row in _chunks(queryset, *fields):
            chunk.append(row)
            if len(chunk) >= CHUNK:
                yield from _answered(chunk)
                chunk = []
        if chunk:
            yield from _answered(chunk)

    def _answered(chunk: list[tuple]) -> Iterator[tuple]:
        answers: dict[int, list] = {row[0]: [None] * len(questions) for row in chunk}
        for interview, question, value in InterviewAnswer.objects.filter(
            interview__in=list(answers)
        ).values_list("interview_id", "question_id", "value"):
            if question in position:
                answers[interview][position[question]] = answer_code.get(value)
        for pk, rnd, person, resp, community, out, why, on in chunk:
            values = answers[pk]
            if why:
                values = [-reason(why)] * len(questions)
            yield (pk, rnd, pid(person), respondent(resp), community, outcome(out),
                   reason(why), on, *values)  # fmt: skip

    return Table("interviews", _("Interviews and answers"), variables, rows())


def question_variable(code: str) -> str:
    """A question's code as a variable name: q_ + the code with '-' as '_', at most 32."""
    return ("q_" + code.replace("-", "_"))[:32]


def training_attendance(params: ExportParams, pid: Pseudonymiser) -> Table:
    from tongban.training.models import TrainingAttendance, TrainingRound, Workshop

    kind = Coder(TrainingRound.Kind)
    workshops = Workshop.objects.for_program(params.program).order_by("position", "pk")
    variables = [
        Variable(name="round_id", label=_("Training round ID"), measure=Measure.NOMINAL,
                 source="training.TrainingRound.id"),
        Variable(name="round_kind", label=_("Kind of training"), measure=Measure.NOMINAL,
                 values=kind.labels, source="training.TrainingRound.kind"),
        Variable(name="workshop", label=_("Workshop"), measure=Measure.NOMINAL,
                 values={w.pk: w.display_name for w in workshops},
                 source="training.TrainingSession.workshop (code: its id; blank: a topic)"),
        Variable(name="held_on", label=_("Date"), kind=Kind.DATE,
                 source="training.TrainingSession.held_on"),
        _yes_no("make_up", _("Make-up session"), "training.TrainingSession.make_up"),
        _person_id(_("Pseudonymous person ID"), "training.TrainingAttendance.person"),
    ]  # fmt: skip
    queryset = (
        TrainingAttendance.objects.current()
        .filter(
            session__voided_at__isnull=True,
            session__round__program=params.program,
            session__round__communities__in=params.communities,
            session__held_on__gte=params.date_from,
            session__held_on__lte=params.date_to,
        )
        .distinct()
        .order_by("session__held_on", "pk")
    )

    def rows() -> Iterator[tuple]:
        for rnd, kd, workshop, held, make_up, person in _chunks(
            queryset, "session__round_id", "session__round__kind", "session__workshop_id",
            "session__held_on", "session__make_up", "person_id",
        ):  # fmt: skip
            yield (rnd, kind(kd), workshop, held, int(make_up), pid(person))

    return Table("training_attendance", _("Training attendance"), variables, rows())


def supervision_meetings(params: ExportParams, pid: Pseudonymiser) -> Table:
    from tongban.supervision.models import SupervisionMeeting

    status = Coder(SupervisionMeeting.Status)
    variables = [
        Variable(name="meeting_id", label=_("Supervision meeting ID"), measure=Measure.NOMINAL,
                 source="supervision.SupervisionMeeting.id"),
        Variable(name="held_on", label=_("Date"), kind=Kind.DATE,
                 source="supervision.SupervisionMeeting.held_on"),
        Variable(name="status", label=_("Status"), measure=Measure.NOMINAL,
                 values=status.labels, source="supervision.SupervisionMeeting.status"),
        Variable(name="n_staff", label=_("Number of staff present"),
                 source="supervision.SupervisionMeeting.staff_present"),
        Variable(name="n_peers", label=_("Number of peers present"),
                 source="supervision.SupervisionMeeting.peers_present"),
        Variable(name="n_issues", label=_("Number of issues raised"),
                 source="supervision.SupervisionIssue"),
    ]  # fmt: skip
    queryset = (
        SupervisionMeeting.objects.filter(
            voided_at__isnull=True,
            program=params.program,
            held_on__gte=params.date_from,
            held_on__lte=params.date_to,
        )
        .filter(Q(communities__in=params.communities) | Q(communities__isnull=True))
        .distinct()
        .annotate(
            n_staff=Count("staff_present", distinct=True),
            n_peers=Count("peers_present", distinct=True),
            n_issues=Count("issues", distinct=True),
        )
        .order_by("held_on", "pk")
    )

    def rows() -> Iterator[tuple]:
        for pk, held, st, n_staff, n_peers, n_issues in _chunks(
            queryset, "pk", "held_on", "status", "n_staff", "n_peers", "n_issues"
        ):
            yield (pk, held, status(st), n_staff, n_peers, n_issues)

    return Table("supervision_meetings", _("Supervision meetings"), variables, rows())


def assessments(params: ExportParams, pid: Pseudonymiser) -> Table:
    """The psychiatrist's eligibility assessments of candidates for the chosen communities."""
    from tongban.screening.models import Answer, Assessment, AssessmentResult

    role, result = Coder(Enrolment.Role), Coder(AssessmentResult)
    answer, diagnosis = Coder(Answer), Coder(Diagnosis)

    def finding(name: str, label: str) -> Variable:
        return Variable(name=name, label=label, measure=Measure.NOMINAL, values=answer.labels,
                        source=f"screening.Assessment.{name}")  # fmt: skip

    variables = [
        Variable(name="assessment_id", label=_("Assessment ID"), measure=Measure.NOMINAL,
                 source="screening.Assessment.id"),
        _person_id(_("Pseudonymous person ID"), "screening.Candidate.person"),
        _community(params),
        Variable(name="role", label=_("Considered for"), measure=Measure.NOMINAL,
                 values=role.labels, source="screening.Candidate.role"),
        Variable(name="assessed_on", label=_("Assessment date"), kind=Kind.DATE,
                 source="screening.Assessment.assessed_on"),
        Variable(name="diagnosis", label=_("Diagnosis (medical record)"),
                 measure=Measure.NOMINAL, values=diagnosis.labels,
                 source="screening.Assessment.diagnosis"),
        Variable(name="age", label=_("Age on the assessment date"),
                 source="screening.Assessment.age"),
        Variable(name="stable_months", label=_("Months stable"),
                 source="screening.Assessment.stable_months"),
        finding("adherence_patient", _("Takes medication as prescribed (patient)")),
        finding("adherence_family", _("Takes medication as prescribed (family)")),
        finding("insight", _("Has insight (interview)")),
        finding("substance_abuse", _("Drug or alcohol abuse")),
        finding("severe_medical_illness", _("Severe medical illness")),
        Variable(name="psp_score", label=_("PSP score (0-100)"),
                 source="screening.Assessment.psp_score"),
        Variable(name="result", label=_("Result"), measure=Measure.NOMINAL,
                 values=result.labels, source="screening.Assessment.result"),
        _yes_no("overridden", _("Failed result overridden"), "screening.Assessment.overridden"),
    ]  # fmt: skip
    queryset = (
        Assessment.objects.current()
        .filter(
            candidate__community__in=params.communities,
            assessed_on__gte=params.date_from,
            assessed_on__lte=params.date_to,
        )
        .order_by("assessed_on", "pk")
    )

    def rows() -> Iterator[tuple]:
        for (pk, person, community, rl, on, diag, age, stable, adh_p, adh_f, ins, sub, sev,
             psp, res, over) in _chunks(
            queryset, "pk", "candidate__person_id", "candidate__community_id",
            "candidate__role", "assessed_on", "diagnosis", "age", "stable_months",
            "adherence_patient", "adherence_family", "insight", "substance_abuse",
            "severe_medical_illness", "psp_score", "result", "overridden",
        ):  # fmt: skip
            yield (pk, pid(person), community, role(rl), on, diagnosis(diag), age, stable,
                   answer(adh_p), answer(adh_f), answer(ins), answer(sub), answer(sev), psp,
                   result(res), int(over))  # fmt: skip

    return Table("assessments", _("Eligibility assessments"), variables, rows())


def consents(params: ExportParams, pid: Pseudonymiser) -> Table:
    """Signed consents of the people of the chosen communities."""
    from tongban.screening.models import Consent, ConsentKind

    kind = Coder(ConsentKind)
    variables = [
        _person_id(_("Pseudonymous person ID"), "screening.Consent.person"),
        Variable(name="document", label=_("Document"), measure=Measure.NOMINAL,
                 values=kind.labels, source="screening.ConsentDocument.kind"),
        Variable(name="version", label=_("Version of the document"), measure=Measure.ORDINAL,
                 source="screening.ConsentDocument.version"),
        Variable(name="signed_on", label=_("Date signed"), kind=Kind.DATE,
                 source="screening.Consent.signed_on"),
    ]  # fmt: skip
    queryset = (
        Consent.objects.current()
        .filter(
            person__in=_people(params),
            signed_on__lte=params.date_to,
        )
        .order_by("signed_on", "pk")
    )

    def rows() -> Iterator[tuple]:
        for person, kd, version, signed in _chunks(
            queryset, "person_id", "document__kind", "document__version", "signed_on"
        ):
            yield (pid(person), kind(kd), version, signed)

    return Table("consents", _("Consents"), variables, rows())


# The tables of an export, in the order of the zip.
TABLES: tuple[Callable[[ExportParams, Pseudonymiser], Table], ...] = (
    people,
    enrolments,
    status_changes,
    caregivers,
    sessions,
    attendance,
    emergencies,
    interviews,
    assessments,
    consents,
    training_attendance,
    supervision_meetings,
)
