"""Reads: the export log of the user's program."""

from __future__ import annotations

from django.db.models import QuerySet

from tongban.core import permissions, scope

from .models import ExportRecord


def export_log(user) -> QuerySet[ExportRecord]:
    """The manager sees every export of the program; others their own."""
    program = scope.program(user)
    if program is None:
        return ExportRecord.objects.none()
    queryset = ExportRecord.objects.filter(program=program).select_related("user")
    if not permissions.can_export_identified(user):
        queryset = queryset.filter(user=user)
    return queryset.order_by("-created_at", "-pk")
