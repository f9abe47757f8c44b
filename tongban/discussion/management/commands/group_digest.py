"""E-mail each user of the online group a digest of what is new there since their last
one: mentions, and for professionals the questions waiting for an answer. Sends nothing
unless e-mail is configured (NOTIFY_BY_EMAIL). Run from cron, e.g. every hour:

0 * * * *  cd /srv/tongban && .venv/bin/python manage.py group_digest
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tongban.discussion.digests import discussion_digests_send


class Command(BaseCommand):
    help = (
        "E-mail users of the online group a digest of their mentions and, for "
        "professionals, the questions waiting for an answer."
    )

    def handle(self, *args, **options) -> None:
        sent = discussion_digests_send()
        if sent or options["verbosity"] > 1:
            self.stdout.write(f"sent {sent} group digest(s)")
