"""Readiness to lead: every required pre-service workshop of the program's curriculum
attended (in its round or at a make-up session) on or before the day.

Peers enrolled before Tongban's records (`Enrolment.before_screening`, like imported
programs) count as trained until the program's `training_records_from`. The screening
gate (eligible, consented) is checked separately by `tongban.activities.rules`; this module
only knows training.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value

from tongban.registry.models import Enrolment, Person, Program

from .models import TrainingAttendance, Workshop


def required_workshops(program: Program) -> QuerySet[Workshop]:
    return Workshop.objects.for_program(program).pre_service()


def _attended(program: Program, on: date) -> QuerySet[TrainingAttendance]:
    """Current attendance at current sessions of the program's required workshops held on
    or before `on`."""
    return TrainingAttendance.objects.current().filter(
        session__voided_at__isnull=True,
        session__round__program=program,
        session__held_on__lte=on,
        session__workshop__in=required_workshops(program),
    )


def _exempt(program: Program, on: date):
    """An expression: the person has a current peer enrolment in the program made before
    Tongban's records, and the program does not ask for training records yet on `on`."""
    if program.training_records_from is not None and on >= program.training_records_from:
        return Value(False)
    return Exists(
        Enrolment.objects.current().filter(
            person=OuterRef("pk"),
            role=Enrolment.Role.PEER,
            community__program=program,
            before_screening=True,
        )
    )


def trained(people: QuerySet[Person], *, program: Program, on: date) -> QuerySet[Person]:
    """Those of `people` who are ready to lead on `on` as far as training goes: one query
    with `people`, whatever their number."""
    needed = required_workshops(program).count()
    if needed == 0:
        return people
    complete = (
        _attended(program, on)
        .values("person_id")
        .annotate(n=Count("session__workshop", distinct=True))
        .filter(n__gte=needed)
        .values("person_id")
    )
    return people.annotate(training_exempt=_exempt(program, on)).filter(
        Q(pk__in=complete) | Q(training_exempt=True)
    )


def missing_workshops(person: Person, *, program: Program, on: date) -> list[Workshop]:
    """The required workshops `person` has not attended by `on`, in curriculum order
    ([] when ready, or exempt as enrolled before Tongban's records): two queries."""
    exempt = (
        Person.objects.filter(pk=person.pk)
        .annotate(training_exempt=_exempt(program, on))
        .values_list("training_exempt", flat=True)
        .first()
    )
    if exempt:
        return []
    attended = _attended(program, on).filter(person=person).values("session__workshop")
    return list(required_workshops(program).exclude(pk__in=attended))


def exempt(person: Person, *, program: Program, on: date) -> bool:
    """Enrolled as a peer before Tongban's records, and the program does not ask for their
    training records yet on `on` (counts as trained): one query."""
    return bool(
        Person.objects.filter(pk=person.pk)
        .annotate(training_exempt=_exempt(program, on))
        .values_list("training_exempt", flat=True)
        .first()
    )


def missing_by_person(
    person_ids: list[int], *, program: Program, on: date
) -> dict[int, list[Workshop]]:
    """person id -> the required workshops each has not attended by `on`, in curriculum
    order, for many people at once (two queries whatever their number). Exemption is not
    looked at: ask `trained` first and pass only those it leaves out."""
    required = list(required_workshops(program))
    person_ids = list(person_ids)
    attended: dict[int, set[int]] = {pk: set() for pk in person_ids}
    if person_ids and required:
        rows = (
            _attended(program, on)
            .filter(person_id__in=person_ids)
            .values_list("person_id", "session__workshop_id")
            .distinct()
        )
        for person_id, workshop_id in rows:
            attended[person_id].add(workshop_id)
    return {
        pk: [workshop for workshop in required if workshop.pk not in attended[pk]]
        for pk in person_ids
    }


def missing_text(workshops: list[Workshop]) -> str:
    """ "还差：处理紧急情况 工作坊" in the active language ("" when nothing is missing)."""
    from django.utils.translation import gettext as _
    from django.utils.translation import pgettext

    if not workshops:
        return ""
    names = pgettext("list separator", ", ").join(
        _("%(workshop)s workshop") % {"workshop": workshop.display_name} for workshop in workshops
    )
    return _("Still missing: %(workshops)s") % {"workshops": names}
