"""`manage.py demo`: the paper's program (2013-2016) and the living demo program.

`--if-empty` (used by `make run`) loads the demo on a database without a program, and
loads it again (adding nothing) on one that holds the demo; `TONGBAN_DEMO=0` switches
that off, for a real program started from nothing.
"""

import os

from django.core.management.base import BaseCommand
from django.db import transaction

from tongban.demo import discussion, living, loader
from tongban.demo.population import demo_population

OFF = {"0", "false", "no", "off"}


def switched_off() -> bool:
    return os.environ.get("TONGBAN_DEMO", "1").strip().lower() in OFF


class Command(BaseCommand):
    help = (
        "Load the demo: the program modelled on the Beijing peer support program "
        "(2013-2016) and a living program whose dates follow the day it is first loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help=(
                "Load only when the database has no program yet, or only the demo "
                "(used by `make run`); TONGBAN_DEMO=0 turns this off."
            ),
        )

    def handle(self, *args, if_empty: bool = False, **options):
        from tongban.registry.models import Program

        if if_empty and switched_off():
            self.stdout.write(
                "The demo is switched off (TONGBAN_DEMO=0); create the first project "
                "manager with `.venv/bin/python manage.py create_manager`."
            )
            return
        if if_empty and Program.objects.exists() and not loader.is_loaded():
            self.stdout.write("The database already holds a program; the demo is not loaded.")
            return
        with transaction.atomic():
            paper_accounts = loader.load()
            living_accounts = living.load()
            # After both programs: the staff accounts post in each of them.
            discussion.load_paper()
            discussion.load_living()
            program = Program.objects.get(slug=living.SLUG)
        first_load = living.first_load_day(program)
        self.stdout.write(
            self.style.SUCCESS(
                f"Paper's program ({loader.PROGRAM_SLUG}): 4 communities, 13 peers "
                "(one withdrawn), 50 consumers, 15 caregivers; 214 sessions "
                "(July 2013 - June 2016), every six-weekly submission accepted; the "
                "December 2014 satisfaction and benefit round in Tuanjiehu and Maizidian "
                "(24 consumers, 7 peers, 15 caregivers)."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Living program ({living.SLUG}): started {program.started_on}, first "
                f"loaded {first_load}; 2 communities (hepingjie, balizhuang), 7 peers "
                "(one new, in pre-service training), 16 consumers, 4 caregivers. On that "
                "day: sessions planned for the coming days and held but not recorded, a "
                "cycle waiting for review, one returned, one to submit, an emergency event "
                "waiting for acknowledgement, an evaluation round in progress with "
                "interviews to do."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Screening and consent: in both programs every peer and consumer was "
                "recommended or came after a poster, found eligible by the psychiatrist "
                "(`psychiatrist`), signed the consents before enrolment and had a pre-service "
                "interview (`research`); caregivers agreed to be contacted. Paper's program: "
                "4 candidates screened out (aged 63; stable only 2 months; alcohol abuse; a "
                "peer candidate with PSP 45). Living program: a candidate at each stage, one "
                "waiting for the psychiatrist on the first-load day."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Training and supervision: paper's program: pre-service rounds in June 2013 "
                "(Tuanjiehu, Maizidian) and June 2015 (Xiangheyuan, Jinsong, with peers of the "
                "first communities co-presenting), two make-up sessions, continuing training; "
                "guidance notes on year one's first sessions, group supervision every six weeks "
                "from July 2014 (issues raised, actions done), a social worker from March 2016, "
                "answered requests, 2015 check-ins of the peer who quit. Living program: a "
                "round under way with a peer not ready to lead, a group supervision date "
                "proposed in the coming days, an open action for `doctor`, an urgent request "
                "waiting for `doctor`, a peer's check-in overdue."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                "Online supervision group: paper's program: threads from 2014-2016 in the "
                "program's space and each community's (a peer's question about a bored "
                "consumer answered by `doctor` with `peer2`'s encouragement; a peer's "
                "frustration answered by `psychologist`; a reply naming a consumer hidden by "
                "`psychiatrist`, in the moderation log). Living program: an answered question "
                "in Balizhuang, and `peer3`'s question in Hepingjie asked on the first-load "
                "day, waiting for an answer."
            )
        )
        self.stdout.write(
            f"Demo accounts (password for all: {loader.DEMO_PASSWORD}, demo only); "
            "staff accounts open in the living program and switch in the header:"
        )
        sees = {a.username: [_paper_sees(a), ""] for a in paper_accounts}
        for account in living_accounts:
            sees.setdefault(account.username, ["", ""])[1] = account.sees
        roles = {a.username: a.role for a in [*paper_accounts, *living_accounts]}
        self.stdout.write(f"  {'username':<14} {'role':<22} {'paper program':<44} living program")
        for username, (paper, live) in sees.items():
            self.stdout.write(
                f"  {username:<14} {roles[username]:<22} {paper or '-':<44} {live or '-'}"
            )


def _paper_sees(account) -> str:
    if account.person_key:
        people, _caregivers = demo_population()
        return next(f"{p.community} roster" for p in people if p.key == account.person_key)
    return ", ".join(account.communities) or "whole program"
