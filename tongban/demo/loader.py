"""Load the demo program (modelled on the Beijing program, 2013–2016) into the database:
people, accounts, then the sessions and six-weekly submissions (sessions.py) and the
December 2014 evaluation round (evaluation.py).

Idempotent: every object is found by a natural key before it is created, so a second
run adds nothing. Names and phone numbers are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction

from tongban.accounts.models import Role, User
from tongban.registry import services
from tongban.registry.models import CaregiverLink, Community, Person, Program, Venue

from . import evaluation, screening, sessions, supervision, training
from .population import demo_population

PROGRAM_NAME = "朝阳区社区同伴支持服务"
PROGRAM_NAME_EN = "Chaoyang community peer support (2013-2016)"
PROGRAM_SLUG = "chaoyang-2013"
DEMO_PASSWORD = "tongban-demo"  # demo only; printed by the command

COMMUNITIES = [
    # code, Chinese, English, service start
    ("tuanjiehu", "团结湖", "Tuanjiehu", date(2013, 7, 1)),
    ("maizidian", "麦子店", "Maizidian", date(2013, 7, 1)),
    ("xiangheyuan", "香河园", "Xiangheyuan", date(2015, 8, 1)),
    ("jinsong", "劲松", "Jinsong", date(2015, 8, 1)),
]
VENUES = [
    # The paper: most sessions in a community rehabilitation centre or health care centre.
    ("温馨家园", "Wenxin Home", Venue.Kind.REHABILITATION_CENTRE),
    ("社区卫生服务中心", "Community Health Service Centre", Venue.Kind.HEALTH_CARE_CENTRE),
    ("社区公园", "Community park", Venue.Kind.OUTDOORS),
]
# Status reasons are program data, written in the program's language.
REASONS_ZH = {
    "Expressed concerns about too much pressure working as a peer.": (
        "担心做同伴工作压力太大，退出。"
    ),
    "Temporary leave to assist his sick mother.": "临时请假，照顾生病的母亲。",
    "Returned from leave.": "结束请假，恢复服务。",
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    name: str
    communities: tuple[str, ...] = ()
    person_key: str = ""


ACCOUNTS = [
    DemoAccount("manager", Role.PROJECT_MANAGER, "周慧"),
    DemoAccount("psychiatrist", Role.PSYCHIATRIST, "陈立华"),
    DemoAccount("doctor", Role.COMMUNITY_DOCTOR, "张志刚", ("tuanjiehu",)),
    DemoAccount("psychologist", Role.CLINICAL_PSYCHOLOGIST, "李晓红", ("tuanjiehu", "maizidian")),
    DemoAccount("socialworker", Role.SOCIAL_WORKER, "赵静", ("xiangheyuan", "jinsong")),
    DemoAccount(
        "research",
        Role.RESEARCH_ASSISTANT,
        "孙悦",
        ("tuanjiehu", "maizidian", "xiangheyuan", "jinsong"),
    ),
    DemoAccount("peer1", Role.PEER, "", person_key="peer-01"),  # Tuanjiehu
    DemoAccount("peer2", Role.PEER, "", person_key="peer-07"),  # Xiangheyuan
]


@cache
def demo_password() -> str:
    """The demo password hashed once for every account: the hasher is slow on purpose, and
    the demo makes ten accounts (each still checks as `tongban-demo`)."""
    return make_password(DEMO_PASSWORD)


def is_loaded() -> bool:
    return Program.objects.filter(name=PROGRAM_NAME).exists()


@transaction.atomic
def load() -> list[DemoAccount]:
    program, _ = Program.objects.get_or_create(
        name=PROGRAM_NAME,
        defaults={
            "name_en": PROGRAM_NAME_EN,
            "slug": PROGRAM_SLUG,
            "started_on": date(2013, 7, 1),
            "ended_on": date(2016, 6, 30),
        },
    )
    communities: dict[str, Community] = {}
    for code, name, name_en, started_on in COMMUNITIES:
        community, _ = Community.objects.get_or_create(
            code=code,
            defaults={
                "program": program,
                "name": name,
                "name_en": name_en,
                "started_on": started_on,
            },
        )
        communities[code] = community
        for venue_name, venue_en, kind in VENUES:
            Venue.objects.get_or_create(
                community=community,
                name=f"{name}{venue_name}",
                defaults={"name_en": f"{name_en} {venue_en}", "kind": kind},
            )

    # Staff first: the doctor recommends, the psychiatrist assesses, the research
    # assistant records consents and interviews before anyone is enrolled.
    staff = {
        account.username: _account(account, communities, {}, program)
        for account in ACCOUNTS
        if not account.person_key
    }
    names = {code: name for code, name, _en, _started in COMMUNITIES}
    docs = screening.documents(program, screening.PAPER_DOCUMENTS_FROM)
    people, caregivers = demo_population()
    plans, caregiver_needs = screening.paper_plans(people, caregivers, names)
    persons: dict[str, Person] = {}
    for demo in people:
        plan = plans[demo.key]
        person = _person(demo, program, created_on=plan.recommended_on)
        persons[demo.key] = person
        community = communities[demo.community]
        enrolment, created = screening.carry(
            program=program,
            person=person,
            community=community,
            screening=plan,
            staff=staff,
            docs=docs,
            witness=screening.WITNESSES[demo.community],
        )
        if not created:
            continue
        for change in demo.status_changes:
            services.enrolment_change_status(
                enrolment=enrolment,
                status=change.status,
                effective_on=change.on,
                reason=REASONS_ZH.get(change.reason, change.reason),
            )
    enrolled_on = {demo.key: demo.enrolled_on for demo in people}
    community_of = {demo.key: demo.community for demo in people}
    respondents = dict(persons)
    for k, demo in enumerate(caregivers):
        # They agreed to be contacted for the evaluation when the patient enrolled, and
        # told the research assistant what their relative needed that day.
        agreed_on = enrolled_on[demo.cares_for]
        caregiver = _person(demo, program, created_on=agreed_on)
        respondents[demo.key] = caregiver
        cared_for = persons[demo.cares_for]
        if not CaregiverLink.objects.filter(caregiver=caregiver, cared_for=cared_for).exists():
            services.caregiver_link_create(
                caregiver=caregiver,
                cared_for=cared_for,
                relationship=demo.relationship,
                started_on=agreed_on,
            )
        code = community_of[demo.cares_for]
        screening.caregiver_agrees(
            program=program,
            caregiver=caregiver,
            on=agreed_on,
            witness=screening.WITNESSES[code],
            by=staff["research"],
            docs=docs,
        )
        needs = caregiver_needs[demo.key]
        screening.interview(
            program=program,
            person=caregiver,
            community=communities[code],
            respondent="caregiver",
            on=agreed_on,
            needs=needs,
            note=screening.needs_note(needs, "caregiver", k),
            by=staff["research"],
        )

    # Screened out, never enrolled (after the caregivers, whose records keep their ids).
    for candidate in screening.paper_screened_out(names):
        plan = candidate.screening
        person = _person(candidate, program, created_on=plan.recommended_on)
        screening.carry(
            program=program,
            person=person,
            community=communities[plan.community],
            screening=plan,
            staff=staff,
            docs=docs,
            witness=screening.WITNESSES[plan.community],
        )
    users = [_account(account, communities, persons, program) for account in ACCOUNTS]
    # Every peer trained before the sessions they lead (tongban.training.readiness).
    training.load(
        program=program,
        plans=training.paper_rounds(people),
        communities=communities,
        persons=persons,
        users={user.username: user for user in users},
    )
    sessions.load(
        program=program, communities=communities, persons=persons, people=people, users=users
    )
    supervision.load_paper(
        program=program,
        communities=communities,
        persons=persons,
        people=people,
        users={user.username: user for user in users},
    )
    evaluation.load(
        program=program,
        communities=communities,
        persons=respondents,
        people=people,
        caregivers=caregivers,
        users=users,
    )
    return ACCOUNTS


def _person(demo, program: Program, *, created_on: date) -> Person:
    """The demo person (a DemoPerson, DemoCaregiver or screening.NewCandidate), found by
    name or made, dated `created_on` (when they came to the program)."""
    from .living import _dated, _moment

    if isinstance(demo, screening.NewCandidate):
        found = Person.objects.filter(program=program, name=demo.fields["name"]).first()
        if found is None:
            with _dated(_moment(created_on, time(10, 0)), program, Person):
                found = Person.objects.create(program=program, **demo.fields)
        return found
    fields = {
        "sex": demo.sex,
        "phone": demo.phone,
        "education": getattr(demo, "education", ""),
        "marital_status": getattr(demo, "marital_status", ""),
        "working_status": getattr(demo, "working_status", ""),
        "diagnosis": getattr(demo, "diagnosis", ""),
    }
    # Found by name (unique in the demo): a demo loaded before the ages were fitted to
    # Table 2's t-test (evaluation round, issue 9) gets its dates of birth corrected
    # instead of a second set of people.
    person = Person.objects.filter(program=program, name=demo.name).order_by("pk").first()
    if person is None:
        with _dated(_moment(created_on, time(10, 0)), program, Person):
            return Person.objects.create(
                program=program, name=demo.name, date_of_birth=demo.date_of_birth, **fields
            )
    if person.date_of_birth != demo.date_of_birth:
        person = services.person_update(person=person, fields={"date_of_birth": demo.date_of_birth})
    return person


def _account(account: DemoAccount, communities: dict, persons: dict, program: Program) -> User:
    existing = User.objects.filter(username=account.username).first()
    if existing is not None:
        # Only when missing: an add() of a present program still writes an audit row.
        if account.role in (Role.PROJECT_MANAGER, Role.PSYCHIATRIST) and (
            not existing.programs.filter(pk=program.pk).exists()
        ):
            existing.programs.add(program)
        return existing
    person = persons.get(account.person_key)
    user = User(
        username=account.username,
        role=account.role,
        first_name=person.name if person else account.name,
        person=person,
    )
    user.password = demo_password()
    user.save()
    user.communities.set([communities[code] for code in account.communities])
    if account.role in (Role.PROJECT_MANAGER, Role.PSYCHIATRIST):
        user.programs.add(program)
    return user
