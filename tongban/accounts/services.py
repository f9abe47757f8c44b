"""Account management by the project manager, and a user's own language choice."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.registry.models import Community, Enrolment, Person

from .models import Role, User


@transaction.atomic
def account_create_staff(
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    communities: Iterable[Community],
    password: str,
) -> User:
    if role == Role.PEER:
        raise ValidationError({"role": _("Peer accounts are created from the peer's record.")})
    user = User(username=username, first_name=full_name, email=email, role=role)
    user.set_password(password)
    _save_new(user)
    user.communities.set(communities)
    return user


def _save_new(user: User) -> None:
    """Two creations at once (a double submit, two managers) lose the race to the
    database's constraints, and the loser gets a message at the field, not a 500."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        if User.objects.filter(username__iexact=user.username).exists():
            raise ValidationError({"username": _("This username is taken.")}) from error
        if user.person_id and User.objects.filter(person_id=user.person_id).exists():
            raise ValidationError({"person": _("This person already has an account.")}) from error
        raise ValidationError(_("This username or person already has an account.")) from error


@transaction.atomic
def account_create_peer(*, person: Person, username: str, password: str) -> User:
    is_peer = Enrolment.objects.in_service().filter(person=person, role=Enrolment.Role.PEER)
    if not is_peer.exists():
        raise ValidationError(
            {"person": _("Only a person enrolled as a peer can have a peer account.")}
        )
    if User.objects.filter(person=person).exists():
        raise ValidationError({"person": _("This person already has an account.")})
    user = User(username=username, first_name=person.name, role=Role.PEER, person=person)
    user.set_password(password)
    _save_new(user)
    return user


@transaction.atomic
def account_update(
    *,
    user: User,
    full_name: str,
    email: str,
    role: str | None,
    communities: Iterable[Community],
    by: User,
) -> User:
    if user.pk == by.pk and role and role != user.role:
        # Otherwise the program could lose the only person who manages accounts.
        raise ValidationError({"role": _("You cannot change your own role.")})
    user.first_name = full_name
    user.email = email
    if not user.is_peer and role:
        if role == Role.PEER:
            raise ValidationError({"role": _("A staff account cannot become a peer account.")})
        user.role = role
    user.save()
    if not user.is_peer:
        user.communities.set(communities)
    return user


@transaction.atomic
def account_set_active(*, user: User, active: bool, by: User) -> User:
    """Deactivated accounts cannot sign in; everything they recorded stays."""
    if user.pk == by.pk and not active:
        raise ValidationError(_("You cannot deactivate your own account."))
    user.is_active = active
    # ModelBackend refuses inactive users on their next request, so open sessions end too.
    user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def account_set_password(*, user: User, password: str) -> User:
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.save(update_fields=["language"])
    return user
