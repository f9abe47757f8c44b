"""`manage.py report --program SLUG --json`: the whole program report as JSON on stdout.

Also installed as the console command `tongban report ...` (tongban/cli.py). The command
sees the whole program (there is no user to scope by). Keys: docs/report-json.md.
"""

from __future__ import annotations

import argparse
import json
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from tongban.registry.models import Program
from tongban.reports import report


def _day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("%(value)r is not a date: write it as YYYY-MM-DD.") % {"value": text}
        ) from None
    error = report.date_error(day)
    if error:
        raise argparse.ArgumentTypeError(error)
    return day


def program_by_slug(slug: str) -> Program:
    """The program with this short name, or a CommandError listing the programs."""
    program = Program.objects.filter(slug=slug).first()
    if program is None:
        known = ", ".join(Program.objects.order_by("slug").values_list("slug", flat=True))
        raise CommandError(
            _("No program has the short name %(slug)r. Programs: %(known)s.")
            % {"slug": slug, "known": known or "-"}
        )
    return program


def communities_by_code(program: Program, codes: list[str]) -> list:
    """The program's communities with these codes, or a CommandError naming the unknown."""
    codes = list(dict.fromkeys(codes))
    communities = list(program.communities.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in communities})
    if unknown:
        known = ", ".join(program.communities.order_by("code").values_list("code", flat=True))
        raise CommandError(
            _("%(slug)s has no community %(codes)s. Its communities: %(known)s.")
            % {"slug": program.slug, "codes": ", ".join(unknown), "known": known or "-"}
        )
    return communities


class Command(BaseCommand):
    help = (
        "Print the program report (every table and every test) as JSON: "
        "--program SLUG --json [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--community CODE ...]."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--program", metavar="SLUG", required=True, help="The program's short name."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the report as JSON (the only output)."
        )
        parser.add_argument(
            "--from",
            dest="date_from",
            metavar="YYYY-MM-DD",
            type=_day,
            help="First day of the range (default: the program's start).",
        )
        parser.add_argument(
            "--to",
            dest="date_to",
            metavar="YYYY-MM-DD",
            type=_day,
            help="Last day of the range (default: the program's end, or today).",
        )
        parser.add_argument(
            "--community",
            dest="communities",
            metavar="CODE",
            nargs="+",
            action="extend",
            help="Only these communities (codes; default: all of the program's).",
        )
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="Language of the labels (default: %(default)s).",
        )  # fmt: skip

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            data = self._build(options)
        if hasattr(self.stdout, "reconfigure"):
            # The JSON holds Chinese: UTF-8 whatever the terminal's locale says.
            self.stdout.reconfigure(encoding="utf-8")
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))

    def _build(self, options) -> dict:
        if not options["json"]:
            raise CommandError(_("Add --json: the report is printed as JSON."))
        program = program_by_slug(options["program"])
        communities = None
        if options["communities"]:
            communities = communities_by_code(program, options["communities"])
        try:
            params = report.params_for(
                program,
                date_from=options["date_from"],
                date_to=options["date_to"],
                communities=communities,
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        return report.build(params)
