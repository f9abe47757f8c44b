"""Who may take part in a session, in one place so that later work can tighten it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.registry.models import Enrolment, EnrolmentStatusChange, Person
from tongban.screening import gate
from tongban.training import readiness


def _enrolments_active_on(community, role: str, on: date) -> QuerySet:
    """Current enrolments of the role in the community whose status on `on` was active."""
    return Enrolment.objects.active_on(on).filter(community=community, role=role)


def _active_people(community, role: str, on: date) -> QuerySet:
    enrolments = _enrolments_active_on(community, role, on)
    return Person.objects.filter(pk__in=enrolments.values("person_id"))


def _admitted(community, role: str, on: date) -> QuerySet:
    """Active people of the role whom the gate (tongban.screening.gate) lets serve on the
    day: a plain queryset of Person (no annotations), so callers may combine it."""
    admitted = gate.admitted(
        _active_people(community, role, on), role=role, program=community.program, on=on
    )
    return Person.objects.filter(pk__in=admitted.values("pk"))


def _not_admitted(community, role: str, on: date) -> list[tuple[Person, list[str]]]:
    """Active people of the role the gate stops on the day, each with what they lack in
    words: two queries (the documents' versions, then the people), whatever their number."""
    rows = (
        gate.annotate(
            _active_people(community, role, on), role=role, program=community.program, on=on
        )
        .filter(gate_ok=False)
        .order_by("name", "pk")
    )
    return [(row, gate.missing_from(row, role=role, on=on)) for row in rows]


def peers_in_service(community, on: date) -> QuerySet:
    """Peers of the community who were active (not on leave, not withdrawn) on the day and
    whom the gate admits (an eligible assessment and their informed consent, not withdrawn;
    or enrolled before screening was recorded, until the program's date)."""
    return _admitted(community, Enrolment.Role.PEER, on)


def peers_ready_to_lead(community, on: date) -> QuerySet:
    """Peers who may lead a session on the day: in service, through the gate (a peer who
    withdrew consent cannot lead), and trained (every required pre-service workshop
    attended by then, see tongban.training.readiness)."""
    return readiness.trained(peers_in_service(community, on), program=community.program, on=on)


def not_ready_reason(person, community, on: date) -> str:
    """Why a peer in service may not lead on the day, in words: the workshops missing."""
    return readiness.missing_text(
        readiness.missing_workshops(person, program=community.program, on=on)
    )


def consumers_in_service(community, on: date) -> QuerySet:
    """Consumers of the community who may attend on the day: the Participant List checklist.

    Active on the day and admitted by the gate (an eligible assessment, the informed
    consent and the service agreement signed by then and not withdrawn); those the gate
    stops are `consumers_not_admitted`.
    """
    return _admitted(community, Enrolment.Role.CONSUMER, on)


def consumers_not_admitted(community, on: date) -> list[tuple[Person, list[str]]]:
    """Consumers active on the day whom the gate stops, with what each lacks in words:
    shown beside the checklist, not tickable."""
    return _not_admitted(community, Enrolment.Role.CONSUMER, on)


def staff_of(community) -> QuerySet:
    """Staff accounts who may be recorded as present: assigned to the community, or
    program-wide in the community's program (never another program's)."""
    from tongban.accounts.models import PROGRAM_WIDE_ROLES, Role, User

    assigned = User.objects.filter(communities=community).values("pk")
    program_wide = User.objects.filter(
        role__in=PROGRAM_WIDE_ROLES, programs=community.program_id
    ).values("pk")
    return (
        User.objects.filter(is_active=True)
        .exclude(role=Role.PEER)
        .filter(Q(pk__in=assigned) | Q(pk__in=program_wide))
        .order_by("role", "first_name", "username")
    )


# Why someone may or may not take part on a day --------------------------------------------


@dataclass
class Standing:
    """A person's enrolment in one community and role, seen from one day.

    Built by `standings()` from the enrolment and its status history; says whether the
    person was in service on the day and, when not, the true reason.
    """

    person_id: int
    enrolled_on: date | None = None
    # (effective_on, status) in date order.
    changes: list[tuple[date, str]] = field(default_factory=list)
    # Shared by the standings of one `standings()` call: the gate asked once per day for
    # all of them, never once per person.
    gate_batch: _GateBatch | None = field(default=None, repr=False, compare=False)

    def gate_missing(self, day: date) -> list[str]:
        """What the gate finds missing for this person on `day`, in words ([]: admitted)."""
        if self.gate_batch is None:
            return []
        return self.gate_batch.missing(self.person_id, day)

    def status_on(self, day: date) -> tuple[str | None, date | None]:
        """The status in force on `day` and since when (None before the enrolment)."""
        status, since = None, None
        for effective_on, value in self.changes:
            if effective_on <= day:
                status, since = value, effective_on
        return status, since

    def in_service_on(self, day: date) -> bool:
        if self.enrolled_on is None or self.enrolled_on > day:
            return False
        return self.status_on(day)[0] == EnrolmentStatusChange.Status.ACTIVE

    def next_change_after(self, day: date) -> tuple[date, str] | None:
        """The first change to leave or withdrawal after `day` (a consumer "leaving")."""
        for effective_on, value in self.changes:
            if effective_on > day and value != EnrolmentStatusChange.Status.ACTIVE:
                return effective_on, value
        return None

    def latest(self) -> tuple[str | None, date | None]:
        if not self.changes:
            return None, None
        effective_on, value = self.changes[-1]
        return value, effective_on


class _GateBatch:
    """The gate's findings for the people of one `standings()` call, by day (computed when
    first asked: two queries a day, whatever the number of people)."""

    def __init__(self, community, role: str, person_ids: list[int]):
        self.community, self.role, self.person_ids = community, role, person_ids
        self.by_day: dict[date, dict[int, list[str]]] = {}

    def missing(self, person_id: int, day: date) -> list[str]:
        if day not in self.by_day:
            rows = gate.annotate(
                Person.objects.filter(pk__in=self.person_ids),
                role=self.role,
                program=self.community.program,
                on=day,
            ).filter(gate_ok=False)
            self.by_day[day] = {
                row.pk: gate.missing_from(row, role=self.role, on=day) for row in rows
            }
        return self.by_day[day].get(person_id, [])


def gate_known(standings_: dict, day: date, not_admitted: list[tuple[Person, list[str]]]) -> None:
    """Tell `standings_` (of one community and role) what the gate found on `day` for the
    people active then (`consumers_not_admitted`'s answer), so that it is not asked again."""
    batch = next((s.gate_batch for s in standings_.values() if s.gate_batch), None)
    if batch is not None:
        batch.by_day[day] = {person.pk: missing for person, missing in not_admitted}


def standings(community, role: str, person_ids: Iterable[int] | None = None) -> dict:
    """person id -> Standing for the community's current enrolments of the role.

    Two queries whatever the number of people (and two more a day when the gate is asked,
    see Standing.gate_missing); people without such an enrolment are missing from the dict
    (they are not a peer/consumer of this community).
    """
    enrolments = Enrolment.objects.current().filter(community=community, role=role)
    if person_ids is not None:
        enrolments = enrolments.filter(person_id__in=list(person_ids))
    by_enrolment: dict[int, Standing] = {}
    result: dict[int, Standing] = {}
    for pk, person_id, started_on in enrolments.values_list("pk", "person_id", "started_on"):
        standing = Standing(person_id=person_id, enrolled_on=started_on)
        by_enrolment[pk] = standing
        result[person_id] = standing
    # A subquery, not the ids: always one query, however many people.
    changes = EnrolmentStatusChange.objects.filter(enrolment__in=enrolments.values("pk")).order_by(
        "effective_on", "pk"
    )
    for enrolment_id, effective_on, status in changes.values_list(
        "enrolment_id", "effective_on", "status"
    ):
        if enrolment_id in by_enrolment:
            by_enrolment[enrolment_id].changes.append((effective_on, status))
    batch = _GateBatch(community, role, list(result))
    for standing in result.values():
        standing.gate_batch = batch
    return result


def why_not(person, standing: Standing | None, role: str, day: date) -> str:
    """The true reason `person` cannot take part in the role on `day` ("" if they can)."""
    name = person.name
    if standing is None:
        if role == Enrolment.Role.PEER:
            return _("%(name)s is not a peer of this community.") % {"name": name}
        return _("%(name)s is not a consumer of this community.") % {"name": name}
    if standing.enrolled_on is None or standing.enrolled_on > day:
        return _("%(name)s was enrolled on %(date)s, after this session.") % {
            "name": name,
            "date": standing.enrolled_on.isoformat() if standing.enrolled_on else "—",
        }
    status, since = standing.status_on(day)
    if status == EnrolmentStatusChange.Status.WITHDRAWN:
        return _("%(name)s had withdrawn on %(date)s.") % {"name": name, "date": since.isoformat()}
    if status == EnrolmentStatusChange.Status.ON_LEAVE:
        return _("%(name)s was on leave on that day (since %(date)s).") % {
            "name": name,
            "date": since.isoformat(),
        }
    if status is None:
        return _("%(name)s was enrolled on %(date)s, after this session.") % {
            "name": name,
            "date": standing.enrolled_on.isoformat(),
        }
    if standing.gate_missing(day):
        # In words, but without saying which record is missing: peers read this too, and
        # never see another person's assessment or consents (staff see them on the
        # checklist and the person's page).
        return _(
            "%(name)s may not take part on %(date)s: their eligibility assessment or "
            "consents are not complete for that day."
        ) % {"name": name, "date": day.isoformat()}
    return ""


def status_note(standing: Standing | None, day: date | None) -> str:
    """A short note for a checklist or a choice: why the dates matter for this person.

    Empty when the person is simply in service on the day and stays so.
    """
    if standing is None:
        return ""
    if day is None:  # back-entry before a date is typed: the enrolment's own dates
        status, since = standing.latest()
        note = _("enrolled %(date)s") % {"date": standing.enrolled_on.isoformat()}
        if status == EnrolmentStatusChange.Status.WITHDRAWN:
            note = _("%(enrolled)s, withdrawn %(date)s") % {
                "enrolled": note,
                "date": since.isoformat(),
            }
        elif status == EnrolmentStatusChange.Status.ON_LEAVE:
            note = _("%(enrolled)s, on leave since %(date)s") % {
                "enrolled": note,
                "date": since.isoformat(),
            }
        return note
    if standing.enrolled_on is None or standing.enrolled_on > day:
        return _("enrolled %(date)s, after this session") % {
            "date": standing.enrolled_on.isoformat() if standing.enrolled_on else "—"
        }
    status, since = standing.status_on(day)
    if status == EnrolmentStatusChange.Status.WITHDRAWN:
        return _("withdrawn %(date)s") % {"date": since.isoformat()}
    if status == EnrolmentStatusChange.Status.ON_LEAVE:
        return _("on leave since %(date)s") % {"date": since.isoformat()}
    if status == EnrolmentStatusChange.Status.ACTIVE and standing.gate_missing(day):
        return _("screening or consent not complete on that day")
    upcoming = standing.next_change_after(day)
    if upcoming is not None:
        effective_on, value = upcoming
        if value == EnrolmentStatusChange.Status.WITHDRAWN:
            return _("leaves on %(date)s") % {"date": effective_on.isoformat()}
        return _("on leave from %(date)s") % {"date": effective_on.isoformat()}
    return ""
