"""The one scoping layer: every view and query asks here what a user may see.

A user sees the records of their communities in the program they have chosen: staff
through their assignment, peers through their own current peer enrolment. The project
manager and the psychiatrist see the whole of the programs they belong to. One
installation can host several programs; a user works in one at a time (the header's
switcher), and everything else answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, Q, QuerySet

if TYPE_CHECKING:
    from tongban.accounts.models import User


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role)


def _own_communities(user: User) -> QuerySet:
    """The user's communities in every program: assignment, or a peer's enrolment."""
    from tongban.registry.models import Community, Enrolment

    if user.is_peer:
        peer_enrolments = Enrolment.objects.in_service().filter(
            person_id=user.person_id, role=Enrolment.Role.PEER
        )
        return Community.objects.filter(pk__in=peer_enrolments.values("community_id"))
    return Community.objects.filter(pk__in=user.communities.values("pk"))


def programs(user: User) -> QuerySet:
    """The programs a user belongs to: directly (program-wide roles) or by communities."""
    from tongban.registry.models import Program

    if not _signed_in(user):
        return Program.objects.none()
    if user.is_peer:
        # A peer belongs to the program of their person record (withdrawn or not: a
        # withdrawn peer still sees their own record).
        return Program.objects.filter(people=user.person_id).in_order()
    by_community = _own_communities(user).values("program_id")
    direct = user.programs.through.objects.filter(user_id=user.pk).values("program_id")
    return Program.objects.filter(Q(pk__in=by_community) | Q(pk__in=direct)).in_order()


_CURRENT = "_scope_current_program"


def program(user: User):
    """The program the user works in now: their choice if still theirs, else the newest.

    None for a user who belongs to no program yet (a new project manager, before they
    create one). Cached on the user object for the request.
    """
    if not _signed_in(user):
        return None
    if hasattr(user, _CURRENT):
        return getattr(user, _CURRENT)
    mine = programs(user)
    chosen = None
    if user.current_program_id:
        chosen = mine.filter(pk=user.current_program_id).first()
    if chosen is None:
        chosen = mine.first()
    setattr(user, _CURRENT, chosen)
    return chosen


def forget_program(user: User) -> None:
    """Drop the cached choice (after a switch, or when the user's programs change)."""
    if hasattr(user, _CURRENT):
        delattr(user, _CURRENT)


def communities(user: User) -> QuerySet:
    from tongban.registry.models import Community

    current = program(user)
    if current is None:
        return Community.objects.none()
    if user.is_program_wide:
        return Community.objects.filter(program=current)
    return _own_communities(user).filter(program=current)


def people(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """People enrolled in the user's communities, and (for staff) their caregivers and the
    candidates being screened there.

    Peers see the roster of their community (and themselves), never caregivers.
    A voided enrolment (entered by mistake) gives no access.
    """
    from tongban.registry.models import Person

    queryset = Person.objects.all() if queryset is None else queryset
    current = program(user)
    if current is None:
        return queryset.none()
    if user.is_program_wide:
        return queryset.filter(program=current)
    return queryset.filter(pk__in=_people_ids(user))


def _people_ids(user: User) -> QuerySet:
    """The ids `people` lets a community-bound user see, as one UNION of id subqueries.

    Not an OR of EXISTS per person: that shape is estimated (and run) once per row of
    the whole person table, which at city size starts PostgreSQL's JIT compiler for a
    7 ms query; `pk IN (UNION ...)` reads the user's communities' rows only and joins
    them to people by primary key.
    """
    from tongban.registry.models import CaregiverLink, Enrolment, Person
    from tongban.screening.models import Candidate

    mine = communities(user).values("pk")
    # Unordered: the parts of a UNION take no ORDER BY (the models' default orderings).
    enrolled = Enrolment.objects.current().filter(community__in=mine).order_by().values("person_id")
    if user.is_peer:
        # Themselves too (a withdrawn peer still sees their own record).
        return enrolled.union(Person.objects.filter(pk=user.person_id).order_by().values("pk"))
    caregivers = (
        CaregiverLink.objects.filter(cared_for__in=enrolled).order_by().values("caregiver_id")
    )
    # Candidates being screened for the user's communities (not enrolled yet).
    candidates = Candidate.objects.filter(community__in=mine).order_by().values("person_id")
    return enrolled.union(caregivers, candidates)


def private_fields_hidden(user: User, person) -> bool:
    """Peers never see another person's diagnosis, contact details or demographics."""
    return user.is_peer and user.person_id != person.pk


def accounts(user: User, queryset: QuerySet | None = None) -> QuerySet:
    from tongban.accounts.models import User as UserModel

    queryset = UserModel.objects.all() if queryset is None else queryset
    current = program(user)
    if not user.is_authenticated or not user.can_manage_accounts or current is None:
        return queryset.none()
    # Members of the chosen program: directly, by an assigned community, or as a peer
    # whose person record is the program's.
    through = UserModel.programs.through.objects.filter(program=current)
    assigned = UserModel.communities.through.objects.filter(community__program=current)
    return queryset.filter(
        Q(pk__in=through.values("user_id"))
        | Q(pk__in=assigned.values("user_id"))
        | Q(person__program=current)
    )


# Training and supervision ---------------------------------------------------------------------


def training_rounds(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Rounds of the chosen program for at least one of the user's communities (a peer's
    too: they see the rounds of their community, and only their own attendance)."""
    from tongban.training.models import TrainingRound

    queryset = TrainingRound.objects.all() if queryset is None else queryset
    current = program(user)
    if current is None:
        return queryset.none()
    if user.is_program_wide:
        return queryset.filter(program=current)
    mine = TrainingRound.communities.through.objects.filter(community__in=communities(user))
    return queryset.filter(program=current, pk__in=mine.values("traininground_id"))


def training_attendance(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Staff: attendance of people in scope at rounds in scope. Peers: their own only."""
    from tongban.training.models import TrainingAttendance

    queryset = TrainingAttendance.objects.all() if queryset is None else queryset
    in_rounds = queryset.filter(session__round__in=training_rounds(user))
    if user.is_peer:
        return in_rounds.filter(person_id=user.person_id)
    return in_rounds.filter(person__in=people(user))


def _supervisor(user: User) -> bool:
    from tongban.core.permissions import can_read_supervision

    return can_read_supervision(user)


def supervision_meetings(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Group supervision meetings of the chosen program touching the user's communities;
    peers and research assistants see none (the records speak about peers)."""
    from tongban.supervision.models import SupervisionMeeting

    queryset = SupervisionMeeting.objects.all() if queryset is None else queryset
    current = program(user)
    if current is None or not _supervisor(user):
        return queryset.none()
    if user.is_program_wide:
        return queryset.filter(program=current)
    mine = SupervisionMeeting.communities.through.objects.filter(community__in=communities(user))
    return queryset.filter(program=current, pk__in=mine.values("supervisionmeeting_id"))


def supervision_requests(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """A peer's own requests; supervisors' and the manager's of their communities."""
    from tongban.supervision.models import SupervisionRequest

    queryset = SupervisionRequest.objects.all() if queryset is None else queryset
    mine = queryset.filter(community__in=communities(user))
    if user.is_peer:
        return mine.filter(peer_id=user.person_id)
    if not _supervisor(user):
        return queryset.none()
    return mine


def supervision_actions(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Actions the user owns (in the chosen program), and for supervisors the actions of
    meetings and requests in scope."""
    from tongban.supervision.models import SupervisionAction

    queryset = SupervisionAction.objects.all() if queryset is None else queryset
    current = program(user)
    if current is None:
        return queryset.none()
    in_program = Q(meeting__program=current) | Q(request__community__program=current)
    own = Q(owner_id=user.pk) & in_program
    if not _supervisor(user):
        return queryset.filter(own)
    return queryset.filter(
        own | Q(meeting__in=supervision_meetings(user)) | Q(request__in=supervision_requests(user))
    )


def guidance_notes(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Guidance on sessions the user may see (a peer's community's sessions: the guidance is
    given to the peers who run them)."""
    from tongban.activities.models import ActivityPlan
    from tongban.supervision.models import GuidanceNote

    queryset = GuidanceNote.objects.all() if queryset is None else queryset
    return queryset.filter(session__in=ActivityPlan.objects.visible_to(user))


def wellbeing_checkins(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """A peer's own check-ins; supervisors' of their communities; nobody else's."""
    from tongban.core.permissions import can_read_wellbeing
    from tongban.supervision.models import WellbeingCheckIn

    queryset = WellbeingCheckIn.objects.all() if queryset is None else queryset
    mine = queryset.filter(community__in=communities(user))
    if user.is_peer:
        return mine.filter(peer_id=user.person_id)
    if not can_read_wellbeing(user):
        return queryset.none()
    return mine


def break_requests(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Like check-ins: the peer's own, and their community's supervisors'."""
    from tongban.core.permissions import can_read_wellbeing
    from tongban.supervision.models import BreakRequest

    queryset = BreakRequest.objects.all() if queryset is None else queryset
    mine = queryset.filter(community__in=communities(user))
    if user.is_peer:
        return mine.filter(peer_id=user.person_id)
    if not can_read_wellbeing(user):
        return queryset.none()
    return mine


# The online supervision group ---------------------------------------------------------------


def discussion_spaces(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """The chosen program's own space, and the spaces of the user's communities: a peer's
    while in service there, staff's while assigned. Research assistants evaluate the
    program and are not in its supervision group."""
    from tongban.accounts.models import Role
    from tongban.discussion.models import Space

    queryset = Space.objects.all() if queryset is None else queryset
    current = program(user)
    if current is None or user.role == Role.RESEARCH_ASSISTANT:
        return queryset.none()
    spaces = queryset.filter(program=current).filter(
        Q(community__isnull=True) | Q(community__in=communities(user))
    )
    if user.is_peer:
        # A peer out of service everywhere is out of the group (in SQL: no extra query).
        spaces = spaces.filter(Exists(communities(user)))
    return spaces


def discussion_members(space) -> QuerySet:
    """Who can read a space: the inverse of `discussion_spaces`, in one query (mentions and
    the moderators page choose among them). The program's project managers and
    psychiatrists; staff assigned to the space's community (any of the program's for the
    program-wide space); peers in service there."""
    from tongban.accounts.models import PROGRAM_WIDE_ROLES, Role, User
    from tongban.registry.models import Community, Enrolment

    communities_here = (
        Community.objects.filter(pk=space.community_id)
        if space.community_id
        else Community.objects.filter(program_id=space.program_id)
    )
    peers_here = Enrolment.objects.in_service().filter(
        role=Enrolment.Role.PEER, community__in=communities_here
    )
    program_wide = Q(role__in=PROGRAM_WIDE_ROLES) & (
        Q(pk__in=User.programs.through.objects.filter(program_id=space.program_id).values(
            "user_id"
        ))
        | Q(pk__in=User.communities.through.objects.filter(
            community__program_id=space.program_id
        ).values("user_id"))
    )  # fmt: skip
    assigned = ~Q(role__in=[*PROGRAM_WIDE_ROLES, Role.PEER, Role.RESEARCH_ASSISTANT]) & Q(
        pk__in=User.communities.through.objects.filter(community__in=communities_here).values(
            "user_id"
        )
    )
    peers = Q(role=Role.PEER, person_id__in=peers_here.values("person_id"))
    return User.objects.filter(is_active=True).filter(program_wide | assigned | peers)


def discussion_topics(user: User, queryset: QuerySet | None = None) -> QuerySet:
    from tongban.discussion.models import Topic

    queryset = Topic.objects.all() if queryset is None else queryset
    return queryset.filter(space__in=discussion_spaces(user))


def discussion_messages(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """Messages of the topics the user may read (withdrawn and hidden ones included: the
    page shows them as such, their text only to moderators)."""
    from tongban.discussion.models import Message

    queryset = Message.objects.all() if queryset is None else queryset
    return queryset.filter(topic__space__in=discussion_spaces(user))
