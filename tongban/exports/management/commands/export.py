"""`manage.py export --program SLUG --format csv|xlsx|sav|dta|templates --out FILE.zip`:
the research export of the web page, written to a file (also `tongban export ...`).

The command sees the whole program (there is no user to scope by); it is recorded in the
export log like a web export. Identified exports (`--identified`, and always `templates`)
need `--reason`.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.exports import services
from tongban.exports.models import Format, Language
from tongban.reports import report
from tongban.reports.management.commands.report import (
    _day,
    communities_by_code,
    program_by_slug,
)


class Command(BaseCommand):
    help = (
        "Write a research export of a program as one zip: --program SLUG "
        "--format csv|xlsx|sav|dta|templates [--lang zh-hans|en] [--from YYYY-MM-DD] "
        "[--to YYYY-MM-DD] [--community CODE ...] [--identified --reason TEXT] --out FILE.zip"
    )

    def add_arguments(self, parser):
        parser.add_argument("--program", metavar="SLUG", required=True)
        parser.add_argument("--format", choices=Format.values, required=True)
        parser.add_argument("--lang", choices=Language.values, default=Language.ZH_HANS)
        parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", type=_day)
        parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", type=_day)
        parser.add_argument(
            "--community", dest="communities", metavar="CODE", nargs="+", action="extend"
        )
        parser.add_argument(
            "--identified",
            action="store_true",
            help="Names, dates of birth, phones and free text (needs --reason).",
        )
        parser.add_argument("--reason", default="", help="Why an identified export is needed.")
        parser.add_argument("--out", metavar="FILE.zip", required=True)

    def handle(self, *args, **options):
        with translation.override(options["lang"]):
            self._export(options)

    def _export(self, options) -> None:
        program = program_by_slug(options["program"])
        if options["communities"]:
            communities = communities_by_code(program, options["communities"])
        else:
            communities = list(program.communities.order_by("started_on", "pk"))
        default_from, default_to = report.default_range(program)
        date_from = options["date_from"] or default_from
        date_to = options["date_to"] or default_to
        error = report.range_error(date_from, date_to)
        if error:
            raise CommandError(error)
        identified = options["identified"] or options["format"] == Format.TEMPLATES
        if identified and not options["reason"].strip():
            raise CommandError(_("Say why an identified export is needed: it is audited."))
        out = Path(options["out"])
        partial = out.with_name(out.name + ".part")
        _record, chunks = services.export_start(
            user=None,
            program=program,
            format=options["format"],
            language=options["lang"],
            date_from=date_from,
            date_to=date_to,
            communities=communities,
            identified=identified,
            reason=options["reason"],
            channel="command line",
        )
        # Written beside the target and renamed at the end: a failed export leaves no
        # truncated zip under the asked-for name.
        try:
            with partial.open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(_("Wrote %(path)s.") % {"path": out})
