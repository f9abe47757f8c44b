"""Remind doctors of unanswered supervision requests, send urgent ones nobody answered to
the psychologists, alert supervisors of peers who missed their wellbeing check-ins, and
tell community doctors of questions waiting in the online group.
Run from cron every few minutes:

*/10 * * * *  cd /srv/tongban && .venv/bin/python manage.py supervision_reminders
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from tongban.discussion import services as discussion_services
from tongban.supervision import request_services, wellbeing_services


class Command(BaseCommand):
    help = (
        "Remind doctors of unanswered supervision requests, escalate urgent ones, and alert "
        "supervisors of missed wellbeing check-ins."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        done = request_services.supervision_requests_remind(now=now)
        alerts = wellbeing_services.wellbeing_alert_missed(today=timezone.localdate(now))
        questions = discussion_services.discussion_questions_remind(now=now)
        if done or alerts or questions or options["verbosity"] > 1:
            self.stdout.write(
                f"reminded {len(done.reminded)} request(s), escalated {len(done.escalated)}, "
                f"{len(alerts)} missed check-in alert(s), "
                f"{len(questions)} waiting group question(s)"
            )
