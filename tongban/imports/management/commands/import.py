"""`tongban import DIR` (`manage.py import DIR`): a program from the CSV files of
docs/import.md, all or nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tongban.accounts.models import Role, User
from tongban.imports import reader
from tongban.imports.services import program_import


class Command(BaseCommand):
    help = (
        "Import a program from a directory (or a zip) of CSV files (docs/import.md): every "
        "row is checked first and nothing is written if any is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="the directory holding the CSV files, or a zip")
        parser.add_argument(
            "--user",
            help=(
                "username of the project manager the records are entered by (default: "
                "the first active project manager)"
            ),
        )

    def handle(self, *args, directory: str, user: str | None = None, **options):
        path = Path(directory)
        if path.is_dir():
            sources = reader.sources_from_directory(path)
        elif path.is_file() and path.suffix.lower() == ".zip":
            try:
                sources = reader.sources_from_zip(path.read_bytes())
            except zipfile.BadZipFile as error:
                raise CommandError(
                    _("%(path)s is not a zip file (%(error)s)") % {"path": path, "error": error}
                ) from error
        else:
            raise CommandError(_("%(path)s is not a directory or a zip file") % {"path": path})
        managers = User.objects.filter(role=Role.PROJECT_MANAGER, is_active=True).order_by("pk")
        by = managers.filter(username=user).first() if user else managers.first()
        if by is None:
            raise CommandError(
                _(
                    "No active project manager%(named)s: create one first "
                    "(manage.py create_manager)."
                )
                % {"named": f" {user}" if user else ""}
            )
        result = program_import(sources=sources, by=by)
        for line in result.lines():
            self.stdout.write(line)
        if not result.ok:
            raise CommandError(
                _("Nothing was imported: %(count)s problems.") % {"count": len(result.problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(_("Imported %(slug)s.") % {"slug": result.program.slug})
        )
