"""Escalate emergency events left unacknowledged for their program's escalation delay
(`Program.escalation_hours`, 24 by default). Run from cron every few minutes:

*/5 * * * *  cd /srv/tongban && .venv/bin/python manage.py escalate_emergencies
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tongban.emergencies.services import emergencies_escalate_overdue


class Command(BaseCommand):
    help = (
        "Notify the psychiatrist of emergency events unacknowledged for their program's "
        "escalation delay."
    )

    def handle(self, *args, **options) -> None:
        escalated = emergencies_escalate_overdue()
        if escalated or options["verbosity"] > 1:
            self.stdout.write(f"escalated {len(escalated)} event(s)")
