"""Account management by the project manager, and a user's own language choice."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongban.core import scope
from tongban.core.concurrency import EditConflict, check_version
from tongban.registry.models import Community, Enrolment, Person, Program

from .models import PROGRAM_WIDE_ROLES, Role, User


def _outside(communities: Iterable[Community], program: Program | None) -> bool:
    return program is not None and any(c.program_id != program.pk for c in communities)


@transaction.atomic
def account_create_staff(
    *,
    username: str,
    full_name: str,
    email: str,
    role: str,
    communities: Iterable[Community],
    password: str,
    program: Program | None = None,
) -> User:
    """A staff account; `program` is the manager's chosen program: the account's
    communities are its own, and a program-wide account joins it (None: the first
    manager of an empty installation, who belongs to no program yet)."""
    communities = list(communities)
    if role == Role.PEER:
        raise ValidationError({"role": _("Peer accounts are created from the peer's record.")})
    if _outside(communities, program):
        raise ValidationError({"communities": _("Choose communities of the chosen program.")})
    user = User(username=username, first_name=full_name, email=email, role=role)
    user.set_password(password)
    _save_new(user)
    user.communities.set(communities)
    if program is not None and role in PROGRAM_WIDE_ROLES:
        user.programs.add(program)
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
def account_create_peer(
    *, person: Person, username: str, password: str, program: Program | None = None
) -> User:
    """`program`: the manager's chosen program, which the peer must belong to."""
    if program is not None and person.program_id != program.pk:
        raise ValidationError({"person": _("This person belongs to another program.")})
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
    program: Program | None = None,
    programs: Iterable[Program] | None = None,
    version: int | None = None,
) -> User:
    """Change an account from the manager's chosen `program`.

    `version` is the one the form was opened on: when someone saved the account since,
    nothing is written and EditConflict says what they changed.

    `communities` replace the account's assignments in that program only: those in the
    manager's other programs, or in programs the manager is not in, stay. `programs`
    (a program-wide account only; None leaves them) are the manager's other programs
    the account also works in: ticked ones are joined, the others left; programs the
    manager is not in stay as they are. A program-wide account always belongs to the
    chosen program; an account that stops being program-wide keeps only its
    communities.
    """
    communities = list(communities)
    # Lock the row so that two saves from the same version are serialised.
    user = User.objects.select_for_update().get(pk=user.pk)
    try:
        check_version(user, version)
    except EditConflict as conflict:
        # Signing in or changing one's password also writes a version, with no field of
        # this form in it: nothing would be overwritten.
        if conflict.changed:
            raise
    errors: dict[str, list[str]] = {}
    if user.pk == by.pk and role and role != user.role:
        # Otherwise the program could lose the only person who manages accounts.
        errors.setdefault("role", []).append(_("You cannot change your own role."))
    if not user.is_peer and role == Role.PEER:
        errors.setdefault("role", []).append(_("A staff account cannot become a peer account."))
    if _outside(communities, program):
        errors.setdefault("communities", []).append(_("Choose communities of the chosen program."))
    offered = scope.programs(by).exclude(pk=program.pk) if program is not None else None
    if programs is not None:
        programs = list(programs)
        allowed = set(offered.values_list("pk", flat=True)) if offered is not None else set()
        if any(p.pk not in allowed for p in programs):
            errors.setdefault("programs", []).append(_("Choose among your own programs."))
    if errors:
        raise ValidationError(errors)
    user.first_name = full_name
    user.email = email
    if not user.is_peer and role:
        user.role = role
    user.save()
    if user.is_peer:
        return user
    if program is None:
        user.communities.set(communities)
    else:
        kept = user.communities.exclude(program=program)
        user.communities.set([*kept, *communities])
    if not user.is_program_wide:
        # Staff belong to programs through their communities only.
        if user.programs.exists():
            user.programs.clear()
        return user
    wanted = set(user.programs.values_list("pk", flat=True))
    if program is not None:
        wanted.add(program.pk)
    if programs is not None and offered is not None:
        ticked = {p.pk for p in programs}
        for pk in offered.values_list("pk", flat=True):
            if pk in ticked:
                wanted.add(pk)
            else:
                wanted.discard(pk)
    if wanted != set(user.programs.values_list("pk", flat=True)):
        user.programs.set(wanted)
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
