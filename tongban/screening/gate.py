"""The gate into service: who may be an active peer or consumer on a given day.

One rule, written once (`annotate`), used for one person (`missing`, `check`: enrolment,
return from leave) and for many at once (the session's Participant List, training):

- an eligibility assessment on or before the day whose result passes (eligible, or failed
  and overridden with a justification); the latest one by then counts, so a later failed
  assessment closes the gate again;
- every consent the role requires (models.REQUIRED_CONSENTS), signed on or before the day,
  not withdrawn by then, on a document version that still counts that day (a version that
  requires re-consent stops earlier versions counting from its date).

People enrolled before screening was recorded (Enrolment.before_screening, set by the
migration) pass until the program's `screening_records_from` date; from then on they need
their records like everyone else.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils.translation import gettext as _

from tongban.registry.models import Enrolment, Person, Program

from .models import (
    REQUIRED_CONSENTS,
    Assessment,
    AssessmentResult,
    Consent,
    ConsentDocument,
    ConsentKind,
)


def _passes() -> Case:
    return Case(
        When(
            Q(result=AssessmentResult.ELIGIBLE)
            | Q(result=AssessmentResult.NOT_ELIGIBLE, overridden=True),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def counting_versions(program: Program, on: date) -> dict[str, int]:
    """kind -> the oldest document version that still counts on `on` (one query)."""
    rows = (
        ConsentDocument.objects.filter(program=program, reconsent_required_from__lte=on)
        .values("kind")
        .annotate(newest=Max("version"))
        .order_by()
    )
    found = {row["kind"]: row["newest"] for row in rows}
    return {kind: found.get(kind, 0) for kind in ConsentKind.values}


def valid_consents(program: Program, kind: str, on: date, versions: dict[str, int]) -> QuerySet:
    """Consents of `kind` in force on `on` (not yet narrowed to a person)."""
    return (
        Consent.objects.current()
        .filter(
            document__program=program,
            document__kind=kind,
            document__version__gte=versions[kind],
            signed_on__lte=on,
        )
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on))
    )


def annotate(people: QuerySet[Person], *, role: str, program: Program, on: date) -> QuerySet:
    """`people` with the gate's findings for `role` on `on`, all in the database:
    gate_exempt, gate_result (latest assessment's result or None), gate_passes,
    gate_<kind> per required consent, and gate_ok."""
    exempt_until = program.screening_records_from
    if exempt_until is not None and on >= exempt_until:
        exempt = Value(False)
    else:
        exempt = Exists(
            Enrolment.objects.current().filter(
                person=OuterRef("pk"),
                role=role,
                community__program=program,
                before_screening=True,
            )
        )
    latest = (
        Assessment.objects.current()
        .filter(
            candidate__person=OuterRef("pk"),
            candidate__role=role,
            candidate__community__program=program,
            assessed_on__lte=on,
        )
        .order_by("-assessed_on", "-pk")
    )
    versions = counting_versions(program, on)
    consents = {
        f"gate_{kind}": Exists(
            valid_consents(program, kind, on, versions).filter(person=OuterRef("pk"))
        )
        for kind in REQUIRED_CONSENTS[role]
    }
    people = people.annotate(
        gate_exempt=exempt,
        gate_result=Subquery(latest.values("result")[:1]),
        gate_passes=Subquery(latest.annotate(passes=_passes()).values("passes")[:1]),
        **consents,
    )
    screened = Q(gate_passes=True)
    for name in consents:
        screened &= Q(**{name: True})
    return people.annotate(
        gate_ok=Case(
            When(Q(gate_exempt=True) | screened, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def admitted(people: QuerySet[Person], *, role: str, program: Program, on: date) -> QuerySet:
    """Those of `people` the gate lets serve in `role` on `on`."""
    return annotate(people, role=role, program=program, on=on).filter(gate_ok=True)


def missing_from(row, *, role: str, on: date) -> list[str]:
    """What an annotated person lacks, in words (empty when the gate is open)."""
    if row.gate_ok:
        return []
    day = on.isoformat()
    found: list[str] = []
    if row.gate_result is None:
        found.append(_("an eligibility assessment on or before %(date)s") % {"date": day})
    elif not row.gate_passes:
        if row.gate_result == AssessmentResult.INCOMPLETE:
            found.append(_("a complete eligibility assessment (the latest is incomplete)"))
        else:
            found.append(_("an eligible assessment (the latest found the person not eligible)"))
    for kind in REQUIRED_CONSENTS[role]:
        if not getattr(row, f"gate_{kind}"):
            found.append(
                _("%(document)s signed on or before %(date)s and not withdrawn")
                % {"document": ConsentKind(kind).label, "date": day}
            )
    return found


def findings(person: Person, *, role: str, on: date) -> Person:
    """`person` annotated by the gate (see `annotate`)."""
    people = Person.objects.filter(pk=person.pk)
    return annotate(people, role=role, program=person.program, on=on).get()


def missing(person: Person, *, role: str, on: date, records_only: bool = False) -> list[str]:
    """What `person` lacks to serve in `role` on `on`, in words (empty: the gate is open).

    `records_only`: their own records, even while an enrolment before screening exempts
    them (a candidacy that gives such a person their records)."""
    row = findings(person, role=role, on=on)
    if records_only:
        row.gate_ok = bool(row.gate_passes) and all(
            getattr(row, f"gate_{kind}") for kind in REQUIRED_CONSENTS[role]
        )
    return missing_from(row, role=role, on=on)


def check(
    person: Person, *, role: str, on: date, field: str | None = None, records_only: bool = False
) -> None:
    """Raise ValidationError listing everything missing; nothing else happens."""
    lacking = missing(person, role=role, on=on, records_only=records_only)
    if lacking:
        message = _(
            "%(name)s cannot become an active %(role)s on %(date)s. Missing: %(missing)s"
        ) % {
            "name": person.name,
            "role": Enrolment.Role(role).label,
            "date": on.isoformat(),
            "missing": _("; ").join(lacking),
        }
        raise ValidationError({field: message} if field else message, code="gate")
