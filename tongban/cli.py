"""The `tongban` console command (pyproject [project.scripts]): `tongban report ...`,
`tongban export ...` and `tongban import ...` run the management command of the same name
with the project's settings."""

from __future__ import annotations

import os
import sys

COMMANDS = ("report", "export", "import")
USAGE = (
    "usage: tongban report --program SLUG --json [--from YYYY-MM-DD] [--to YYYY-MM-DD] "
    "[--community CODE ...]\n"
    "       tongban export --program SLUG --format csv|xlsx|sav|dta|templates "
    "[--lang zh-hans|en] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--community CODE ...] "
    "--out FILE.zip\n"
    "       tongban import DIR\n"
)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args[0] not in COMMANDS:
        sys.stderr.write(USAGE)
        return 0 if args[:1] in (["-h"], ["--help"]) else 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import ManagementUtility

    # As manage.py runs it: django.setup(), --help, and a CommandError printed without a
    # traceback with exit status 1.
    ManagementUtility(["tongban", *args]).execute()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
