"""Writes for programs: the switcher's choice; setup (program, communities, venues).

Each runs in one transaction and raises ValidationError({field: message}) with every
error at once: nothing is half-saved. Edits take the version the form was opened on
(tongban.core.concurrency). Every change is a history row (django-simple-history).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tongban.core import scope
from tongban.core.concurrency import check_version
from tongban.core.models import assign_changes
from tongban.registry.models import Community, Enrolment, Program, Venue

from . import selectors

Errors = dict[str, list[str]]

PROGRAM_FIELDS = (
    "name",
    "name_en",
    "slug",
    "started_on",
    "ended_on",
    "cycle_days",
    "submission_due_days",
    "escalation_hours",
)
# Settings that matter once a program has people: on its settings page, not at creation.
PROGRAM_EDIT_FIELDS = (*PROGRAM_FIELDS, "screening_records_from", "training_records_from")
COMMUNITY_FIELDS = ("name", "name_en", "code", "started_on", "ended_on")
VENUE_FIELDS = ("kind", "name", "name_en", "address")


def _add(errors: Errors, field: str | None, message: str) -> None:
    errors.setdefault(field or NON_FIELD_ERRORS, []).append(message)


def _raise(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


def _strip(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def program_choose(*, user, program: Program) -> None:
    """Remember the program a user works in (the caller checked it is one of theirs)."""
    user.current_program = program
    # Not a change to the person or their rights: no history row for a switch.
    # (`type(user)` would be SimpleLazyObject for request.user.)
    get_user_model().objects.filter(pk=user.pk).update(current_program=program)
    scope.forget_program(user)


# Programs -------------------------------------------------------------------------------


def program_errors(fields: dict[str, Any], *, program: Program | None) -> Errors:
    """Every rule on the program's fields at once (forms call it too, for one round)."""
    errors: Errors = {}
    if not fields.get("name"):
        _add(errors, "name", _("Enter the program's name in Chinese."))
    slug = fields.get("slug") or ""
    if slug:
        taken = Program.objects.filter(slug__iexact=slug)
        if program is not None:
            taken = taken.exclude(pk=program.pk)
        if taken.exists():
            _add(errors, "slug", _("Another program has this short name."))
    started, ended = fields.get("started_on"), fields.get("ended_on")
    if started and ended and ended <= started:
        _add(errors, "ended_on", _("The end date must be after the start date."))
    records_from = fields.get("screening_records_from")
    if started and records_from and records_from < started:
        _add(
            errors,
            "screening_records_from",
            _("The program starts on %(date)s: choose that day or a later one.")
            % {"date": started.isoformat()},
        )
    training_from = fields.get("training_records_from")
    if started and training_from and training_from < started:
        _add(
            errors,
            "training_records_from",
            _("The program starts on %(date)s: choose that day or a later one.")
            % {"date": started.isoformat()},
        )
    if program is not None:
        errors_for_renumbering(errors, program, fields)
    return errors


def errors_for_renumbering(errors: Errors, program: Program, fields: dict[str, Any]) -> None:
    """Cycles are numbered from the start date in steps of the cycle length: once
    submissions exist, changing either would move accepted forms into other cycles."""
    start_changed = "started_on" in fields and fields["started_on"] != program.started_on
    cycle_changed = "cycle_days" in fields and fields["cycle_days"] != program.cycle_days
    if not (start_changed or cycle_changed):
        return
    if selectors.program_has_submissions(program):
        message = _(
            "Forms have already been handed in for this program's reporting cycles. The "
            "cycles are numbered from the start date in steps of the cycle length, so "
            "changing either would renumber cycles already submitted or accepted."
        )
        if start_changed:
            _add(errors, "started_on", message)
        if cycle_changed:
            _add(errors, "cycle_days", message)
        return
    if start_changed and fields["started_on"]:
        first = selectors.program_first_session_on(program)
        if first is not None and fields["started_on"] > first:
            _add(
                errors,
                "started_on",
                _("The first session was on %(date)s: the program cannot start after it.")
                % {"date": first.isoformat()},
            )


@transaction.atomic
def program_create(*, fields: dict[str, Any], by) -> Program:
    """A new program; its creator (a project manager) becomes a member and works in it."""
    fields = _strip(dict(fields))
    if not fields.get("slug"):
        fields["slug"] = _unique_slug(Program, "slug", fields.get("name_en") or "", "program")
    _raise(program_errors(fields, program=None))
    program = Program(**fields)
    program.full_clean()
    try:
        with transaction.atomic():  # two managers choosing the same short name at once
            program.save()
    except IntegrityError as error:
        raise ValidationError({"slug": _("Another program has this short name.")}) from error
    by.programs.add(program)
    program_choose(user=by, program=program)
    # The paper's eligibility criteria and consent documents, as version 1 of its own.
    from tongban.screening import services as screening_services

    screening_services.consent_documents_ensure(program=program)
    for role in Enrolment.Role.values:
        screening_services.criteria_current(program=program, role=role)
    return program


@transaction.atomic
def program_update(*, program: Program, fields: dict[str, Any], version: int | None) -> Program:
    program = Program.objects.select_for_update().get(pk=program.pk)
    check_version(program, version)
    fields = _strip(dict(fields))
    if "slug" in fields and not fields["slug"]:
        fields["slug"] = program.slug
    _raise(program_errors(fields, program=program))
    changed = assign_changes(program, fields)
    if not changed:
        return program
    program.full_clean()
    try:
        with transaction.atomic():
            program.save(update_fields=changed)
    except IntegrityError as error:
        raise ValidationError({"slug": _("Another program has this short name.")}) from error
    return program


# Communities ----------------------------------------------------------------------------


def _unique_slug(model, field: str, text: str, fallback: str, *, exclude_pk=None) -> str:
    """A slug of `text` (or `fallback`) not yet taken: "alpha", "alpha-2", ..."""
    base = slugify(text)[:34].strip("-") or fallback
    taken = model.objects.filter(**{f"{field}__istartswith": base})
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    used = {value.lower() for value in taken.values_list(field, flat=True)}
    candidate, number = base, 2
    while candidate.lower() in used:
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def community_errors(
    fields: dict[str, Any], *, program: Program, community: Community | None
) -> Errors:
    errors: Errors = {}
    if not fields.get("name"):
        _add(errors, "name", _("Enter the community's name in Chinese."))
    code = fields.get("code") or ""
    if code:
        taken = Community.objects.filter(code__iexact=code)
        if community is not None:
            taken = taken.exclude(pk=community.pk)
        if taken.exists():
            _add(errors, "code", _("Another community has this code."))
    started, ended = fields.get("started_on"), fields.get("ended_on")
    if not started:
        _add(errors, "started_on", _("Enter the date peer support starts in this community."))
    elif started < program.started_on:
        _add(
            errors,
            "started_on",
            _("The program starts on %(date)s: a community cannot start before it.")
            % {"date": program.started_on.isoformat()},
        )
    if started and ended and ended <= started:
        _add(errors, "ended_on", _("The end date must be after the start date."))
    if community is not None and ended:
        _closing_errors(errors, community, ended)
    return errors


def _closing_errors(errors: Errors, community: Community, ended_on: date) -> None:
    """A community cannot close before records it already has."""
    latest = selectors.community_latest_record_on(community)
    if latest is not None and ended_on < latest:
        _add(
            errors,
            "ended_on",
            _(
                "This community has records up to %(date)s (sessions or enrolments): "
                "it cannot close before that day."
            )
            % {"date": latest.isoformat()},
        )


def _save_community(community: Community, update_fields=None) -> None:
    try:
        with transaction.atomic():  # two saves choosing the same code at once
            community.save(update_fields=update_fields)
    except IntegrityError as error:
        raise ValidationError({"code": _("Another community has this code.")}) from error


@transaction.atomic
def community_create(*, program: Program, fields: dict[str, Any]) -> Community:
    """A new community; its code is made from the English name when left empty."""
    fields = _strip(dict(fields))
    _raise(community_errors(fields, program=program, community=None))
    if not fields.get("code"):
        fields["code"] = _unique_slug(Community, "code", fields.get("name_en") or "", "community")
    community = Community(program=program, **fields)
    community.full_clean()
    _save_community(community)
    return community


@transaction.atomic
def community_update(
    *, community: Community, fields: dict[str, Any], version: int | None
) -> Community:
    community = Community.objects.select_for_update().select_related("program").get(pk=community.pk)
    check_version(community, version)
    fields = _strip(dict(fields))
    if "code" in fields and not fields["code"]:
        fields["code"] = _unique_slug(
            Community, "code", fields.get("name_en") or "", "community", exclude_pk=community.pk
        )
    _raise(community_errors(fields, program=community.program, community=community))
    changed = assign_changes(community, fields)
    if not changed:
        return community
    community.full_clean()
    _save_community(community, update_fields=changed)
    return community


def community_close_errors(community: Community, ended_on: date | None) -> Errors:
    errors: Errors = {}
    if ended_on is None:
        _add(errors, "ended_on", _("Enter the last day of service."))
        return errors
    if community.started_on and ended_on <= community.started_on:
        _add(errors, "ended_on", _("The end date must be after the start date."))
    _closing_errors(errors, community, ended_on)
    return errors


@transaction.atomic
def community_close(*, community: Community, ended_on: date, version: int | None) -> Community:
    """Close from a date on: the community and everything recorded in it stay."""
    community = Community.objects.select_for_update().get(pk=community.pk)
    check_version(community, version)
    _raise(community_close_errors(community, ended_on))
    community.ended_on = ended_on
    community.save(update_fields=["ended_on"])
    return community


@transaction.atomic
def community_delete(*, community: Community) -> None:
    """Only a community with no records at all (entered by mistake) is deleted, with
    its venues and staff assignments; the history keeps that it existed."""
    community = Community.objects.select_for_update().get(pk=community.pk)
    if selectors.community_has_records(community):
        raise ValidationError(
            _(
                "This community has records (enrolments, sessions, emergency events or "
                "submissions): it can only be closed with an end date, never deleted."
            )
        )
    try:
        with transaction.atomic():
            # From each account's side, so that its history shows the assignment gone.
            for account in community.staff.all():
                account.communities.remove(community)
            for venue in community.venues.all():
                venue.delete()
            community.delete()
    except ProtectedError as error:  # a record of a kind counted nowhere above
        raise ValidationError(
            _("Records refer to this community: it can only be closed with an end date.")
        ) from error


# Venues ---------------------------------------------------------------------------------


def venue_errors(fields: dict[str, Any]) -> Errors:
    errors: Errors = {}
    if not fields.get("name"):
        _add(errors, "name", _("Enter the venue's name in Chinese."))
    if not fields.get("kind"):
        _add(errors, "kind", _("Choose the kind of venue."))
    return errors


@transaction.atomic
def venue_create(*, community: Community, fields: dict[str, Any]) -> Venue:
    fields = _strip(dict(fields))
    _raise(venue_errors(fields))
    venue = Venue(community=community, **fields)
    venue.full_clean()
    venue.save()
    return venue


@transaction.atomic
def venue_update(*, venue: Venue, fields: dict[str, Any], version: int | None) -> Venue:
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    check_version(venue, version)
    fields = _strip(dict(fields))
    _raise(venue_errors({**{n: getattr(venue, n) for n in VENUE_FIELDS}, **fields}))
    changed = assign_changes(venue, fields)
    if not changed:
        return venue
    venue.full_clean()
    venue.save(update_fields=changed)
    return venue


@transaction.atomic
def venue_set_in_use(*, venue: Venue, in_use: bool, version: int | None) -> Venue:
    """A venue no longer used is not offered for new sessions; its sessions keep it."""
    return venue_update(venue=venue, fields={"in_use": in_use}, version=version)
