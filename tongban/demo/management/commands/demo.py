from django.core.management.base import BaseCommand

from tongban.demo import loader


class Command(BaseCommand):
    help = "Load the demo program modelled on the Beijing peer support program (2013-2016)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database has no program yet (used by `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        from tongban.registry.models import Program

        if if_empty and Program.objects.exists() and not loader.is_loaded():
            self.stdout.write("The database already holds a program; the demo is not loaded.")
            return
        accounts = loader.load()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo program ready: 4 communities, 13 peers "
                "(one withdrawn), 50 consumers, 15 caregivers; 214 sessions "
                "(July 2013 - June 2016), every six-weekly submission accepted."
            )
        )
        self.stdout.write(f"Demo accounts (password for all: {loader.DEMO_PASSWORD}, demo only):")
        for account in accounts:
            where = ", ".join(account.communities) or (
                "own community" if account.person_key else "whole program"
            )
            self.stdout.write(f"  {account.username:<14} {account.role:<22} {where}")
