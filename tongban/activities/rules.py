"""Who may take part in a session, in one place so that later work can tighten it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.registry.models import Enrolment, EnrolmentStatusChange, Person


def _enrolments_active_on(community, role: str, on: date) -> QuerySet:
    """Current enrolments of the role in the community whose status on `on` was active."""
    return Enrolment.objects.active_on(on).filter(community=community, role=role)


def peers_in_service(community, on: date) -> QuerySet:
    """Peers of the community who were active (not on leave, not withdrawn) on the day."""
    enrolments = _enrolments_active_on(community, Enrolment.Role.PEER, on)
    return Person.objects.filter(pk__in=enrolments.values("person_id"))


def peers_ready_to_lead(community, on: date) -> QuerySet:
    """Peers who may lead a session on the day.

    Until training records exist every active peer counts as ready. The training work
    switches this on: intersect with peers who completed pre-service training.
    """
    return peers_in_service(community, on)


def consumers_in_service(community, on: date) -> QuerySet:
    """Consumers of the community active on the day: the Participant List checklist.

    Consent is not recorded yet; the screening work will narrow this to consented ones.
    """
    enrolments = _enrolments_active_on(community, Enrolment.Role.CONSUMER, on)
    return Person.objects.filter(pk__in=enrolments.values("person_id"))


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


def standings(community, role: str, person_ids: Iterable[int] | None = None) -> dict:
    """person id -> Standing for the community's current enrolments of the role.

    Two queries whatever the number of people; people without such an enrolment are
    missing from the dict (they are not a peer/consumer of this community).
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
    upcoming = standing.next_change_after(day)
    if upcoming is not None:
        effective_on, value = upcoming
        if value == EnrolmentStatusChange.Status.WITHDRAWN:
            return _("leaves on %(date)s") % {"date": effective_on.isoformat()}
        return _("on leave from %(date)s") % {"date": effective_on.isoformat()}
    return ""
