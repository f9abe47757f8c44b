"""Writes of guidance notes: the first phase's direction of the peers before and after each
session (MODEL.md, "Supervision": year one). Notes are added while the program's phase on
the session's day asks for guidance, and voided with a reason, never deleted."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongban.activities.models import ActivityPlan
from tongban.core.permissions import can_give_guidance

from . import phases
from .models import GuidanceNote

Errors = dict[str, list[str]]

# A note written long after the session is a memory, not guidance: at most this late.
LATEST_AFTER_DAYS = 60


def _add(errors: Errors, name: str | None, message: str) -> None:
    errors.setdefault(name or NON_FIELD_ERRORS, []).append(message)


def not_due_message(session: ActivityPlan) -> str:
    return _(
        "Guidance notes are for sessions in a phase with guidance before and after every "
        "session; on %(date)s this program gives as-needed supervision instead."
    ) % {"date": session.session_date.isoformat()}


def guidance_errors(
    *, session: ActivityPlan, when: str, given_on: date | None, text: str, today: date
) -> Errors:
    errors: Errors = {}
    if session.is_voided:
        _add(errors, None, _("This session was voided."))
    elif not phases.guidance_due(session.community.program, session.session_date):
        _add(errors, None, not_due_message(session))
    if when not in GuidanceNote.When.values:
        _add(errors, "when", _("Say whether it was before or after the session."))
    if given_on is not None:
        program = session.community.program
        if given_on > today:
            _add(errors, "given_on", _("The date cannot be in the future."))
        elif given_on < program.started_on:
            _add(
                errors,
                "given_on",
                _("This date is before the program started (%(date)s).")
                % {"date": program.started_on.isoformat()},
            )
        elif when == GuidanceNote.When.BEFORE and given_on > session.session_date:
            _add(errors, "given_on", _("Guidance before the session is given by its day."))
        elif when == GuidanceNote.When.AFTER and given_on < session.session_date:
            _add(errors, "given_on", _("Guidance after the session is given on its day or later."))
        elif given_on > session.session_date + timedelta(days=LATEST_AFTER_DAYS):
            _add(
                errors,
                "given_on",
                _("Give the date within %(days)d days of the session.")
                % {"days": LATEST_AFTER_DAYS},
            )
    if not (text or "").strip():
        _add(errors, "text", _("Write the guidance given."))
    return errors


@transaction.atomic
def guidance_note_add(
    *, session: ActivityPlan, by, when: str, given_on: date, text: str
) -> GuidanceNote:
    """A supervisor records guidance given to the peers before or after the session (the
    view has already checked that the session is in the user's scope)."""
    if not can_give_guidance(by):
        raise PermissionDenied
    session = (
        ActivityPlan.objects.select_for_update(of=("self",))
        .select_related("community__program")
        .get(pk=session.pk)
    )
    errors = guidance_errors(
        session=session, when=when, given_on=given_on, text=text, today=timezone.localdate()
    )
    if given_on is None and "given_on" not in errors:
        _add(errors, "given_on", _("Give the date."))
    if errors:
        raise ValidationError(errors)
    return GuidanceNote.objects.create(
        session=session, when=when, given_on=given_on, text=text.strip(), given_by=by
    )


@transaction.atomic
def guidance_note_void(*, note: GuidanceNote, by, reason: str) -> GuidanceNote:
    """Void a note written by mistake (on the wrong session, twice)."""
    if not can_give_guidance(by):
        raise PermissionDenied
    note = GuidanceNote.objects.select_for_update().get(pk=note.pk)
    if note.is_voided:
        raise ValidationError(_("This note is already voided."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for voiding.")})
    note._change_reason = reason.strip()
    note.void(by=by, reason=reason)
    return note
