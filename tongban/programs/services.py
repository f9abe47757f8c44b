"""Writes for programs: the switcher's choice; setup (program, communities, venues)."""

from __future__ import annotations

from django.db import transaction

from tongban.core import scope
from tongban.registry.models import Program


@transaction.atomic
def program_choose(*, user, program: Program) -> None:
    """Remember the program a user works in (the caller checked it is one of theirs)."""
    user.current_program = program
    # Not a change to the person or their rights: no history row for a switch.
    type(user).objects.filter(pk=user.pk).update(current_program=program)
    scope.forget_program(user)
