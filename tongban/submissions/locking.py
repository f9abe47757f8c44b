"""Accepted records are locked: a later change needs a reason and is audited.

The writes of the other apps ask here before changing a record of a community and day.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .cycles import cycle_number
from .models import Submission


def is_locked(*, community, day: date) -> bool:
    program_start = community.program.started_on
    if day < program_start:
        return False
    return Submission.objects.filter(
        community=community,
        cycle=cycle_number(program_start, day),
        status=Submission.Status.ACCEPTED,
    ).exists()


def require_reason_if_locked(*, community, day: date, reason: str) -> str:
    """Return the change reason to record, or refuse a change of a locked record without one."""
    if is_locked(community=community, day=day) and not reason.strip():
        raise ValidationError(
            {
                "change_reason": _(
                    "This record belongs to an accepted submission. Say why it must change."
                )
            }
        )
    return reason.strip()
