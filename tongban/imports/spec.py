"""The import files and their columns (docs/import.md documents the same, and a test keeps
the two together).

Each column has a kind that says how its cells are read: text, a date (YYYY-MM-DD), a
time (HH:MM), a moment (YYYY-MM-DD HH:MM), a choice (the model's code or its Chinese
label), yes/no, a whole number, or a list of references separated by ";".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from tongban.activities.models import Category, Format
from tongban.emergencies.models import EmergencyEvent
from tongban.evaluation.models import Answer, NotAssessedReason, Respondent
from tongban.registry.models import (
    CaregiverLink,
    Diagnosis,
    Education,
    Enrolment,
    EnrolmentStatusChange,
    MaritalStatus,
    Sex,
    Venue,
    WorkingStatus,
)
from tongban.screening.models import Answer as Finding
from tongban.screening.models import AssessmentResult, ConsentKind
from tongban.training.models import TrainingRound

TEXT, DATE, TIME, MOMENT, CHOICE, YES_NO, LIST, NUMBER = (
    "text",
    "date",
    "time",
    "moment",
    "choice",
    "yes_no",
    "list",
    "number",
)


class YesNo(models.TextChoices):
    YES = "yes", Answer.YES.label
    NO = "no", Answer.NO.label


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = TEXT
    required: bool = False  # the cell may not be blank
    optional_column: bool = False  # the column may be left out of the header
    choices: type[models.TextChoices] | None = None
    max_length: int = 0


def col(name: str, kind: str = TEXT, *, required=False, optional=False, choices=None, max_length=0):
    # A required cell's column is never optional.
    return Column(name, kind, required, optional and not required, choices, max_length)


FILES: dict[str, list[Column]] = {
    "program.csv": [
        col("slug", required=True, max_length=40),
        col("name", required=True, max_length=200),
        col("name_en", optional=True, max_length=200),
        col("started_on", DATE, required=True),
        col("ended_on", DATE),
    ],
    "communities.csv": [
        col("community", required=True, max_length=40),
        col("name", required=True, max_length=100),
        col("name_en", optional=True, max_length=100),
        col("started_on", DATE),
        col("ended_on", DATE, optional=True),
    ],
    "venues.csv": [
        col("community", required=True),
        col("venue", required=True, max_length=100),
        col("name", required=True, max_length=100),
        col("name_en", optional=True, max_length=100),
        col("kind", CHOICE, required=True, choices=Venue.Kind),
        col("address", optional=True, max_length=300),
    ],
    "people.csv": [
        col("person", required=True, max_length=100),
        col("name", required=True, max_length=100),
        col("sex", CHOICE, required=True, choices=Sex),
        col("born_on", DATE),
        col("education", CHOICE, choices=Education),
        col("marital_status", CHOICE, choices=MaritalStatus),
        col("working_status", CHOICE, choices=WorkingStatus),
        col("diagnosis", CHOICE, choices=Diagnosis),
        col("phone", max_length=30),
        col("address", optional=True, max_length=300),
    ],
    "enrolments.csv": [
        col("person", required=True),
        col("role", CHOICE, required=True, choices=Enrolment.Role),
        col("community", required=True),
        col("started_on", DATE, required=True),
    ],
    "status_changes.csv": [
        col("person", required=True),
        col("role", CHOICE, required=True, choices=Enrolment.Role),
        col("community", required=True),
        col("status", CHOICE, required=True, choices=EnrolmentStatusChange.Status),
        col("changed_on", DATE, required=True),
        col("reason"),
    ],
    "caregivers.csv": [
        col("caregiver", required=True),
        col("cared_for", required=True),
        col("relationship", CHOICE, required=True, choices=CaregiverLink.Relationship),
        col("started_on", DATE, optional=True),
    ],
    "sessions.csv": [
        col("session", required=True, max_length=100),
        col("community", required=True),
        col("venue", required=True),
        col("held_on", DATE, required=True),
        col("starts_at", TIME, required=True),
        col("ends_at", TIME, required=True),
        col("category", CHOICE, required=True, choices=Category),
        col("format", CHOICE, required=True, choices=Format),
        col("topic", required=True, max_length=200),
        col("lead_peer", required=True),
        col("assisting_peers", LIST),
        # Blank or left out: the lead and the assisting peers were there.
        col("peers_present", LIST, optional=True),
        col("aim", optional=True),
        col("feedback", optional=True),
    ],
    "attendance.csv": [
        col("session", required=True),
        col("person", required=True),
    ],
    "emergencies.csv": [
        col("community", required=True),
        col("session"),
        col("occurred_at", MOMENT, required=True),
        col("kind", CHOICE, required=True, choices=EmergencyEvent.Kind),
        col("description", required=True),
        col("action_taken", required=True),
        col("emergency_services_called", YES_NO, required=True, choices=YesNo),
    ],
    "rounds.csv": [
        col("round", required=True, max_length=100),
        col("name", required=True, max_length=200),
        col("name_en", optional=True, max_length=200),
        col("starts_on", DATE, required=True),
        col("ends_on", DATE, required=True),
        col("communities", LIST, required=True),
    ],
    "interviews.csv": [
        col("round", required=True),
        col("person", required=True),
        col("respondent", CHOICE, required=True, choices=Respondent),
        col("interviewed_on", DATE),
        col("not_assessed_reason", CHOICE, choices=NotAssessedReason),
        # Where the respondent (a caregiver: the person cared for) was in service, and whom
        # a caregiver cares for: worked out from the enrolments when left blank.
        col("community", optional=True),
        col("cares_for", optional=True),
        col("note", optional=True),
        # ... and one column per question code (QUESTION), yes, no or blank.
    ],
    # Optional: the training records (MODEL.md, "Training").
    "training_rounds.csv": [
        col("training_round", required=True, max_length=100),
        col("kind", CHOICE, required=True, choices=TrainingRound.Kind),
        col("name", required=True, max_length=200),
        col("name_en", optional=True, max_length=200),
        col("starts_on", DATE, required=True),
        col("ends_on", DATE, required=True),
        col("communities", LIST, required=True),
        col("co_presenters", LIST, optional=True),
    ],
    "training_sessions.csv": [
        col("training_session", required=True, max_length=100),
        col("training_round", required=True),
        col("workshop"),
        col("topic", max_length=200),
        col("held_on", DATE, required=True),
        col("starts_at", TIME),
        col("ends_at", TIME),
        col("make_up", YES_NO, choices=YesNo),
    ],
    "training_attendance.csv": [
        col("training_session", required=True),
        col("person", required=True),
    ],
    # Optional: the screening records (MODEL.md, "Eligibility" and "Consent").
    "assessments.csv": [
        col("person", required=True),
        col("role", CHOICE, required=True, choices=Enrolment.Role),
        col("community", required=True),
        col("assessed_on", DATE, required=True),
        col("diagnosis", CHOICE, choices=Diagnosis),
        col("age", NUMBER),
        col("stable_months", NUMBER),
        col("adherence_patient", CHOICE, choices=Finding),
        col("adherence_family", CHOICE, choices=Finding),
        col("insight", CHOICE, choices=Finding),
        col("substance_abuse", CHOICE, choices=Finding),
        col("severe_medical_illness", CHOICE, choices=Finding),
        col("psp_score", NUMBER),
        col("result", CHOICE, required=True, choices=AssessmentResult),
        col("note", optional=True),
    ],
    "consents.csv": [
        col("person", required=True),
        col("kind", CHOICE, required=True, choices=ConsentKind),
        col("signed_on", DATE, required=True),
        col("witness", required=True, max_length=100),
    ],
}

# The kind of a question column of interviews.csv.
QUESTION = Column("", CHOICE, choices=Answer)

# Read in this order: a file's references point only at files before it.
ORDER = list(FILES)


def choice_columns() -> list[tuple[str, Column]]:
    """(file, column) of every choice column, for docs/import.md and its test."""
    out = [(name, c) for name, columns in FILES.items() for c in columns if c.choices]
    out.append(("interviews.csv", QUESTION))
    return out
