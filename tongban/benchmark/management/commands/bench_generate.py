"""`manage.py bench_generate --tier city`: one benchmark program in the current database.

For a database of its own (issue 14, `make bench`): it refuses one that already holds a
program unless `--force`, since the benchmark's figures would then include that program.
"""

from django.core.management.base import BaseCommand, CommandError

from tongban.benchmark.generate import generate
from tongban.benchmark.tiers import TIERS


class Command(BaseCommand):
    help = "Fill the current database with one benchmark program of a tier (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--tier", choices=sorted(TIERS), default="tiny")
        parser.add_argument("--seed", type=int, default=14)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add the program even when the database already holds one.",
        )

    def handle(self, *args, tier: str, seed: int, force: bool, **options):
        from tongban.registry.models import Program

        if Program.objects.exists() and not force:
            raise CommandError(
                "This database already holds a program: use a database of its own for the "
                "benchmark, or --force to add one more."
            )
        result = generate(TIERS[tier], seed=seed)
        width = max(len(table) for table in result.counts)
        for table, count in sorted(result.counts.items()):
            self.stdout.write(f"{table:<{width}}  {count:>10,}")
        self.stdout.write(f"{'total':<{width}}  {sum(result.counts.values()):>10,}")
        steps = ", ".join(f"{name} {seconds:.1f}" for name, seconds in result.stages.items())
        self.stdout.write(f"Seconds per step: {steps}.")
        self.stdout.write(
            f"Program {result.slug} (tier {tier}, seed {seed}) in {result.seconds:.1f} s."
        )
        self.stdout.write(f"Accounts (password {result.password}):")
        for role, username in result.usernames.items():
            self.stdout.write(f"  {role:<20} {username}")
