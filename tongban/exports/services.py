"""Starting an export: the audit row first, then the zip's bytes as they are made."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from importlib.metadata import PackageNotFoundError, version

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from tongban.core import permissions
from tongban.registry.models import Community, Program

from .bundle import ExportInfo, iter_export
from .models import ExportRecord, Format
from .tables import ExportParams


def tongban_version() -> str:
    try:
        return version("tongban")
    except PackageNotFoundError:  # pragma: no cover - a checkout without `pip install -e`
        return "unknown"


def export_start(
    *,
    user,
    program: Program,
    format: str,
    language: str,
    date_from: date,
    date_to: date,
    communities: list[Community],
    identified: bool = False,
    reason: str = "",
    channel: str = "web",
) -> tuple[ExportRecord, Iterator[bytes]]:
    """Record the export (who, when, what, why) and return the zip's bytes as a generator.

    `user` is None on the command line (the operator of the installation). `communities`
    must already be in the user's scope (tongban.core.scope).
    """
    identified = identified or format == Format.TEMPLATES
    if user is not None:
        if not permissions.can_export_research(user):
            raise PermissionDenied
        if identified and not permissions.can_export_identified(user):
            raise PermissionDenied
    if identified and not reason.strip():
        raise ValueError("an identified export needs a reason")
    chosen = tuple(sorted(communities, key=lambda c: (c.started_on or date.min, c.pk)))
    with transaction.atomic():
        record = ExportRecord.objects.create(
            program=program,
            user=user,
            format=format,
            language=language,
            date_from=date_from,
            date_to=date_to,
            communities=[c.code for c in chosen],
            identified=identified,
            reason=reason.strip(),
            channel=channel,
        )
    params = ExportParams(
        program=program,
        date_from=date_from,
        date_to=date_to,
        communities=chosen,
        identified=identified,
    )
    if format == Format.TEMPLATES:
        from tongban.imports.templates import iter_templates_zip

        return record, iter_templates_zip(program)
    info = ExportInfo(
        params=params,
        format=format,
        language=language,
        made_at=record.created_at or timezone.now(),
        version=tongban_version(),
    )
    return record, iter_export(info)
