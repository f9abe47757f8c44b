"""The one scoping layer: every view and query asks here what a user may see.

A user sees the records of their communities: staff through their assignment,
peers through their own current peer enrolment. The project manager and the
psychiatrist see the whole program. Anything outside answers 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet

if TYPE_CHECKING:
    from tongban.accounts.models import User


def communities(user: User) -> QuerySet:
    from tongban.registry.models import Community, Enrolment

    if not user.is_authenticated or not user.is_active or not user.role:
        return Community.objects.none()
    if user.is_program_wide:
        return Community.objects.all()
    if user.is_peer:
        peer_enrolments = Enrolment.objects.in_service().filter(
            person_id=user.person_id, role=Enrolment.Role.PEER
        )
        return Community.objects.filter(pk__in=peer_enrolments.values("community_id"))
    return Community.objects.filter(pk__in=user.communities.values("pk"))


def people(user: User, queryset: QuerySet | None = None) -> QuerySet:
    """People enrolled in the user's communities, and (for staff) their caregivers.

    Peers see the roster of their community (and themselves), never caregivers.
    A voided enrolment (entered by mistake) gives no access.
    """
    from tongban.registry.models import CaregiverLink, Enrolment, Person

    queryset = Person.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.role:
        return queryset.none()
    if user.is_program_wide:
        return queryset
    in_scope = Enrolment.objects.current().filter(community__in=communities(user))
    if user.is_peer:
        enrolled_here = Exists(in_scope.filter(person=OuterRef("pk")))
        return queryset.filter(enrolled_here | Q(pk=user.person_id))
    enrolled_here = Exists(in_scope.filter(person=OuterRef("pk")))
    cares_here = Exists(
        CaregiverLink.objects.filter(
            caregiver=OuterRef("pk"), cared_for__in=in_scope.values("person_id")
        )
    )
    return queryset.filter(enrolled_here | cares_here)


def private_fields_hidden(user: User, person) -> bool:
    """Peers never see another person's diagnosis, contact details or demographics."""
    return user.is_peer and user.person_id != person.pk


def accounts(user: User, queryset: QuerySet | None = None) -> QuerySet:
    from tongban.accounts.models import User as UserModel

    queryset = UserModel.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.can_manage_accounts:
        return queryset.none()
    return queryset
