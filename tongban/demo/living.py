"""The living demo program: its dates follow the day it is first loaded.

The paper's program (loader.py, sessions.py) is the reproduction reference and ended in
2016, so a newcomer finds nothing to do in it today. This second program, in two new
communities of the same district, started START_DAYS before the day it is first loaded,
so that on that day there is work waiting in every workflow:

- sessions planned for the coming days, and sessions held but not yet recorded;
- recorded sessions with attendance over the past months, about weekly per community,
  on topics of the shared library;
- the current reporting cycle open; in Hepingjie the last ended cycle submitted and
  waiting for the project manager's review, in Balizhuang the last ended cycle not yet
  submitted (overdue) and the one before returned with comments; earlier ones accepted;
- an emergency event reported at load time, waiting for the community doctor's
  acknowledgement (well within the escalation delay), and an older one closed;
- Balizhuang with one active peer (the other withdrew), Hepingjie with one on leave;
- a satisfaction and benefit round in progress (begun four days before, ending two weeks
  after): some interviews done, one consumer not assessed (in hospital), the rest pending.

Everything goes through the services (registry, activities, submissions, emergencies),
so the data obeys the rules of data typed into the pages. The services stamp the load
time; `_dated` then sets those stamps to the moment the form would have been filled in,
so the audit trail and the notifications read as if the program had been used.

Anchored and idempotent. Every date is computed from the program's stored start date,
never from today: the first-load day is `started_on + START_DAYS` (`first_load_day`).
Each item is looked up by a natural key before it is written, so a second run adds
nothing, the same day or months later.

On a later day nothing is moved or added: the first-load day's situation simply ages,
as it would in a program nobody used. The planned sessions become sessions held but not
recorded; the open cycle ends and waits to be submitted, then becomes overdue; the
waiting emergency is escalated to the psychiatrist by the normal rule (at the next page
view or `manage.py escalate_emergencies`). No invariant breaks: no record is dated after
the day before the first load, and a plan after it has no record. For a fresh "today",
load the demo into a new database.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache

from django.db import models, transaction
from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.activities import services as activities
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance, Topic
from tongban.emergencies import services as emergencies
from tongban.emergencies.models import EmergencyEvent, FollowUp
from tongban.evaluation import selectors as evaluation_selectors
from tongban.evaluation import services as evaluation
from tongban.evaluation.models import EvaluationRound, Interview, InterviewAnswer
from tongban.evaluation.standard import ensure_standard_questions
from tongban.notifications.models import Notification
from tongban.programs.services import program_choose
from tongban.registry import services as registry
from tongban.registry.models import (
    CaregiverLink,
    Community,
    EnrolmentStatusChange,
    Person,
    Program,
    Venue,
)
from tongban.submissions import cycles
from tongban.submissions import services as submissions
from tongban.submissions.models import Submission, SubmissionEvent

from . import screening
from . import supervision as demo_supervision
from . import training as demo_training
from .evaluation import as_of
from .sessions import (
    CLOSES,
    FEEDBACK,
    FIRST_TOPIC,
    STARTER_CATEGORIES,
    SUMMARIES,
    TOPICS,
    WARM_UPS,
)

SLUG = "living"
NAME = "朝阳区社区同伴支持服务（演示）"
NAME_EN = "Chaoyang community peer support (demo: dates follow the day it was loaded)"
START_DAYS = 150  # the program started this many days before the day it is first loaded
AGES_AS_OF = date(2026, 3, 16)  # the tables' dates of birth hold for a first load in its year
SEED = 2026

COMMUNITIES = [
    # code, Chinese, English, service start (days after the program start)
    ("hepingjie", "和平街", "Hepingjie", 0),
    ("balizhuang", "八里庄", "Balizhuang", 0),
]
VENUES = {
    # community: (name, English, kind, address); invented addresses
    "hepingjie": [
        (
            "和平街温馨家园",
            "Hepingjie Wenxin Home",
            Venue.Kind.REHABILITATION_CENTRE,
            "和平街十一区 9 号楼一层",
        ),
        (
            "和平街社区卫生服务中心",
            "Hepingjie Community Health Service Centre",
            Venue.Kind.HEALTH_CARE_CENTRE,
            "和平街十四区 3 号",
        ),
        ("青年沟公园", "Qingniangou Park", Venue.Kind.OUTDOORS, "和平街青年沟路"),
    ],
    "balizhuang": [
        (
            "八里庄温馨家园",
            "Balizhuang Wenxin Home",
            Venue.Kind.REHABILITATION_CENTRE,
            "八里庄北里 12 号楼底商",
        ),
        (
            "八里庄社区卫生服务中心",
            "Balizhuang Community Health Service Centre",
            Venue.Kind.HEALTH_CARE_CENTRE,
            "八里庄西里 2 号",
        ),
    ],
}


@dataclass(frozen=True)
class LivingPerson:
    key: str
    name: str
    sex: str
    date_of_birth: date
    education: str
    marital_status: str
    working_status: str
    diagnosis: str
    phone: str
    role: str  # "peer" | "consumer"
    community: str
    enrolled: int  # days relative to the first-load day (negative: before it)
    # (days relative to the first-load day, status, reason), after the enrolment
    changes: tuple[tuple[int, str, str], ...] = ()


@dataclass(frozen=True)
class LivingCaregiver:
    key: str
    name: str
    sex: str
    date_of_birth: date
    phone: str
    relationship: str
    cares_for: str


ON_LEAVE = (-20, "on_leave", "父亲住院需要陪护，请假一个月。")
WITHDRAWN = (-55, "withdrawn", "找到一份全职工作，时间上无法继续担任同伴。")
STATUS_CHANGES = {"h-peer-3": (ON_LEAVE,), "b-peer-2": (WITHDRAWN,)}
# Peers were enrolled three weeks before the service started (pre-service training);
# consumers over the first months. Enrolled: days relative to the first-load day.
# key         name    sex    born        education      marital  working     diagnosis    enrolled
PEOPLE_TABLE = """
h-peer-1      刘振宇  male   1981-04-12  senior_high    single   part_time   schizophrenia  -171
h-peer-2      王丽萍  female 1976-09-03  junior_college married  not_working bipolar        -171
h-peer-3      陈国栋  male   1984-01-25  undergraduate  single   not_working schizophrenia  -170
h-peer-4      赵美玲  female 1979-11-30  senior_high    divorced not_working bipolar        -170
b-peer-1      孙晓峰  male   1986-06-18  senior_high    single   not_working schizophrenia  -169
b-peer-2      周婉婷  female 1990-02-07  undergraduate  single   part_time   bipolar        -169
h-consumer-01 马建军  male   1969-05-21  junior_high    single   not_working schizophrenia  -150
h-consumer-02 黄秀梅  female 1972-08-14  senior_high    married  not_working schizophrenia  -150
h-consumer-03 郭志明  male   1965-12-02  senior_high    divorced not_working schizophrenia  -148
h-consumer-04 林淑芬  female 1974-03-09  junior_college married  part_time   bipolar        -145
h-consumer-05 何文杰  male   1978-07-27  senior_high    single   not_working schizophrenia  -140
h-consumer-06 罗桂芝  female 1967-10-11  primary        widowed  not_working schizophrenia  -135
h-consumer-07 宋建平  male   1971-01-19  junior_high    single   not_working schizophrenia  -120
h-consumer-08 谢丽华  female 1983-04-05  undergraduate  single   not_working bipolar        -100
h-consumer-09 韩国强  male   1975-09-28  senior_high    married  not_working schizophrenia   -80
h-consumer-10 唐小燕  female 1980-06-16  junior_college divorced not_working schizophrenia   -30
b-consumer-01 冯德胜  male   1968-02-23  junior_high    married  not_working schizophrenia  -145
b-consumer-02 于春兰  female 1973-11-08  senior_high    single   not_working schizophrenia  -145
b-consumer-03 董卫国  male   1966-04-30  senior_high    divorced not_working schizophrenia  -140
b-consumer-04 曹玉珍  female 1977-08-01  junior_high    married  not_working bipolar        -130
b-consumer-05 吴海波  male   1982-12-12  junior_college single   part_time   schizophrenia  -110
b-consumer-06 徐慧敏  female 1970-05-04  senior_high    widowed  not_working schizophrenia   -60
"""


def _people_table() -> list[LivingPerson]:
    people = []
    for i, line in enumerate(PEOPLE_TABLE.strip().splitlines()):
        key, name, sex, born, education, marital, working, diagnosis, enrolled = line.split()
        people.append(
            LivingPerson(
                key=key,
                name=name,
                sex=sex,
                date_of_birth=date.fromisoformat(born),
                education=education,
                marital_status=marital,
                working_status=working,
                diagnosis=diagnosis,
                # Invented; the multiplier is coprime with 10**8, so no two are the same.
                phone=("139", "135", "186")[i % 3] + f"{(i * 73_856_093 + 7_654_321) % 10**8:08d}",
                role=key.split("-")[1],
                community={"h": "hepingjie", "b": "balizhuang"}[key[0]],
                enrolled=int(enrolled),
                changes=STATUS_CHANGES.get(key, ()),
            )
        )
    return people


PEOPLE = _people_table()
# A new Balizhuang peer (after the withdrawal), enrolled on the first day of the pre-service
# round under way on the first-load day (training.current_round_days): not ready to lead
# yet. Kept out of PEOPLE, so that the sessions, the evaluation round and the needs dealt
# to the others stay as they were; `enrolled` is set from the round.
NEW_PEER = LivingPerson(
    key=demo_training.NEW_PEER_KEY,
    name="郑雅琴",
    sex="female",
    date_of_birth=date(1985, 3, 14),
    education="senior_high",
    marital_status="single",
    working_status="part_time",
    diagnosis="bipolar",
    phone="13691827364",
    role="peer",
    community="balizhuang",
    enrolled=0,
)
NEW_PEER_NEEDS = ("fine_motor_exercise",)
# Caregivers: two consumers' families in Hepingjie, a consumer's and the peer's in Balizhuang.
CAREGIVERS = [
    LivingCaregiver(
        "h-caregiver-1",
        "马秀珍",
        "female",
        date(1946, 3, 2),
        "13522583603",
        "parent",
        "h-consumer-01",
    ),
    LivingCaregiver(
        "h-caregiver-2",
        "林志刚",
        "male",
        date(1972, 6, 20),
        "13633694714",
        "spouse",
        "h-consumer-04",
    ),
    LivingCaregiver(
        "b-caregiver-1",
        "于建华",
        "male",
        date(1948, 9, 15),
        "13744705825",
        "parent",
        "b-consumer-02",
    ),
    LivingCaregiver(
        "b-caregiver-2", "张桂英", "female", date(1960, 1, 27), "15055816936", "parent", "b-peer-1"
    ),
]


@dataclass(frozen=True)
class LivingAccount:
    username: str
    role: str
    sees: str  # what the account sees in this program, for the command's list
    communities: tuple[str, ...] = ()  # staff: the living communities they are assigned to
    person_key: str = ""


# The README's staff accounts (made by loader.py) also work in this program.
ACCOUNTS = [
    LivingAccount("manager", Role.PROJECT_MANAGER, "whole program"),
    LivingAccount("psychiatrist", Role.PSYCHIATRIST, "whole program"),
    LivingAccount("doctor", Role.COMMUNITY_DOCTOR, "hepingjie", ("hepingjie",)),
    LivingAccount(
        "psychologist",
        Role.CLINICAL_PSYCHOLOGIST,
        "hepingjie, balizhuang",
        ("hepingjie", "balizhuang"),
    ),
    LivingAccount("socialworker", Role.SOCIAL_WORKER, "balizhuang", ("balizhuang",)),
    LivingAccount(
        "research", Role.RESEARCH_ASSISTANT, "hepingjie, balizhuang", ("hepingjie", "balizhuang")
    ),
    LivingAccount("peer3", Role.PEER, "hepingjie roster", person_key="h-peer-1"),
    LivingAccount("peer4", Role.PEER, "balizhuang roster", person_key="b-peer-1"),
]
PEER_ACCOUNT = {"hepingjie": "peer3", "balizhuang": "peer4"}

# Sessions, in days relative to the first-load day, before the weekend nudge (`_weekday`).
# Hepingjie: weekly, the last one yesterday (held, not recorded yet), two planned.
# Balizhuang: weekly while it had two peers, every two weeks since; the last one four
# days ago, not recorded yet (its one peer is behind), one planned.
SESSION_DAYS = {
    "hepingjie": [*range(-1 - 7 * 19, 0, 7), 2, 6],
    "balizhuang": [*range(-53 - 7 * 10, -52, 7), -46, -32, -18, -4, 8],
}
NOT_RECORDED = {"hepingjie": -1, "balizhuang": -4}
CLOSED_EMERGENCY_NEAR = -60  # the closed event happened at the Hepingjie session nearest this

# Reporting cycles: counted back from the last cycle that has ended on the first-load day.
# Hepingjie: the last one submitted (two days before), waiting for review; earlier accepted.
# Balizhuang: the last one not submitted; the one before returned with comments.
RETURN_COMMENTS = (
    "第 3 次活动的参与者名单只勾选了 2 人，但过程记录里写有 5 人参加，请核对后修改；"
    "另有一次活动缺少服务对象反馈，请补充后重新提交。"
)

# The satisfaction and benefit round in progress: days relative to the first-load day.
ROUND_DAYS = (-4, 14)
ROUND_NAME = "{day.year}年{day.month}月满意度与获益评估"
ROUND_NAME_EN = "Satisfaction and benefit evaluation, {day:%Y-%m}"
# Seen so far, in this order, over the round's working days before the first-load day.
ROUND_DONE = (
    ("h-peer-1", {"peer_better_working_skills": "yes", "peer_better_social_skills": "yes"}),
    (
        "h-consumer-01",
        {
            "consumer_satisfied_with_peers": "yes",
            "consumer_wants_to_continue": "yes",
            "consumer_better_social_skills": "yes",
        },
    ),
    (
        "h-caregiver-1",
        {
            "caregiver_wants_continuation": "yes",
            "caregiver_saw_better_social_skills": "yes",
            "caregiver_own_mood_better": "no",
        },
    ),
    (
        "h-consumer-02",
        {
            "consumer_satisfied_with_peers": "yes",
            "consumer_wants_to_continue": "yes",
            "consumer_better_social_skills": "no",
        },
    ),
    ("b-peer-1", {"peer_better_working_skills": "yes", "peer_better_social_skills": "no"}),
    (
        "b-caregiver-2",
        {
            "caregiver_wants_continuation": "yes",
            "caregiver_saw_better_social_skills": "no",
            "caregiver_own_mood_better": "yes",
        },
    ),
    (
        "b-consumer-01",
        {
            # A question left unanswered: he did not know yet.
            "consumer_satisfied_with_peers": "yes",
            "consumer_wants_to_continue": "yes",
            "consumer_better_social_skills": "",
        },
    ),
)
ROUND_IN_HOSPITAL = ("b-consumer-03", "因病情波动住院治疗，出院后再约访谈。")


# --- dates ---------------------------------------------------------------------------------


def first_load_day(program: Program) -> date:
    """The day the living program was first loaded: every date hangs on it."""
    return program.started_on + timedelta(days=START_DAYS)


def _weekday(day: date, *, past: bool) -> date:
    """Sessions are on working days: a weekend day moves to Friday (past) or Monday (future),
    so that a past session stays past and a planned one stays ahead."""
    if day.weekday() < 5:
        return day
    if past:
        return day - timedelta(days=day.weekday() - 4)
    return day + timedelta(days=7 - day.weekday())


def _moment(day: date, at: time, minutes: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, at) + timedelta(minutes=minutes))


# Reporting cycles: the one place that calls tongban.submissions.cycles.
def _cycle_numbers(program: Program, community: Community, on: date) -> range:
    return cycles.for_program(program).numbers_for(community.started_on, on)


def _cycle(program: Program, number: int) -> cycles.Cycle:
    return cycles.for_program(program).cycle(number)


# --- stamps --------------------------------------------------------------------------------


def _stamp_fields(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField)]


@cache
def _history_model(model) -> type[models.Model] | None:
    """The model's audit table (simple-history builds a new manager at every `.history`,
    which costs more than the query when done for every dated form)."""
    return model.history.model if hasattr(model, "history") else None


@contextmanager
def _dated(
    moment: datetime, program: Program, *tracked, read: bool = True, updating=None
) -> Iterator[None]:
    """Rows the block writes in `tracked` models (and their audit trails) are dated
    `moment` instead of the load time; so are the notifications it sends, which belong
    to `program` and are read an hour later unless `read` is False. `updating`: an
    existing row the block changes (a review, an acknowledgement), whose new stamps too.

    Only rows created in the block (primary key beyond the last one before it) and only
    timestamps stamped in it (not before it started) change.
    """
    tables = [Notification]
    for model in tracked:
        tables.append(model)
        history = _history_model(model)
        if history is not None:
            tables.append(history)
    marks = {
        table: table.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for table in tables
    }
    started = timezone.now()
    yield
    rows = [(table, table.objects.filter(pk__gt=marks[table])) for table in tables]
    if updating is not None:
        rows.append((type(updating), type(updating).objects.filter(pk=updating.pk)))
    for table, new in rows:
        for name in _stamp_fields(table):
            if table is not Notification or name != "read_at":
                new.filter(**{f"{name}__gte": started}).update(**{name: moment})
    sent = Notification.objects.filter(pk__gt=marks[Notification])
    sent.filter(program__isnull=True).update(program=program)
    sent.update(read_at=moment + timedelta(hours=1) if read else None)


# --- loading -------------------------------------------------------------------------------


def is_loaded() -> bool:
    return Program.objects.filter(slug=SLUG).exists()


@transaction.atomic
def load() -> list[LivingAccount]:
    """The living program; what is already there is kept (see the module docstring)."""
    program, created = Program.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": NAME,
            "name_en": NAME_EN,
            "started_on": timezone.localdate() - timedelta(days=START_DAYS),
        },
    )
    t0 = first_load_day(program)
    communities = _communities(program)
    # Staff first: the doctor recommends, the psychiatrist assesses, the research
    # assistant records consents and interviews before anyone is enrolled.
    staff_accounts = [a for a in ACCOUNTS if not a.person_key]
    users = _accounts(program, communities, {}, landing=created, accounts=staff_accounts)
    persons = _people(program, communities, {user.username: user for user in users}, t0)
    persons[NEW_PEER.key] = _new_peer(
        program, communities, {user.username: user for user in users}, t0
    )
    peer_accounts = [a for a in ACCOUNTS if a.person_key]
    users += _accounts(program, communities, persons, landing=created, accounts=peer_accounts)
    staff = {user.username: user for user in users}
    # Trained before the sessions they lead (tongban.training.readiness).
    demo_training.load(
        program=program,
        plans=demo_training.living_rounds(t0),
        communities=communities,
        persons=persons,
        users=staff,
    )
    plans = _sessions(program, communities, persons, staff, t0)
    demo_supervision.load_living(
        program=program,
        communities=communities,
        persons=persons,
        users=staff,
        enrolled={
            demo.key: t0 + timedelta(days=demo.enrolled) for demo in PEOPLE if demo.role == "peer"
        },
        t0=t0,
    )
    _emergencies(program, communities, persons, staff, plans, t0)
    _submissions(program, communities, staff, t0)
    _evaluation(program, communities, persons, staff, t0)
    return ACCOUNTS


def _communities(program: Program) -> dict[str, Community]:
    communities = {}
    for code, name, name_en, after in COMMUNITIES:
        community, _ = Community.objects.get_or_create(
            code=code,
            defaults={
                "program": program,
                "name": name,
                "name_en": name_en,
                "started_on": program.started_on + timedelta(days=after),
            },
        )
        communities[code] = community
        for venue_name, venue_en, kind, address in VENUES[code]:
            Venue.objects.get_or_create(
                community=community,
                name=venue_name,
                defaults={"name_en": venue_en, "kind": kind, "address": address},
            )
    return communities


def _born(day: date, t0: date) -> date:
    """A date of birth of the tables as of the first-load day `t0`: the tables hold the
    people of a program first loaded in the year from AGES_AS_OF; loaded later, they were
    born as many years later, so their ages (and the criteria's 18-60) hold on any day."""
    a = AGES_AS_OF
    years = t0.year - a.year - ((t0.month, t0.day) < (a.month, a.day))
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


def _fields(demo, t0: date) -> dict:
    return {
        "name": demo.name,
        "sex": demo.sex,
        "date_of_birth": _born(demo.date_of_birth, t0),
        "phone": demo.phone,
        **{
            name: getattr(demo, name, "")
            for name in ("education", "marital_status", "working_status", "diagnosis")
        },
    }


def _existing(program: Program, fields: dict) -> Person | None:
    return Person.objects.filter(
        program=program, name=fields["name"], date_of_birth=fields["date_of_birth"]
    ).first()


def _person(program: Program, fields: dict, day: date, at: time) -> Person:
    """The person of `fields`, found or made (dated when they came to the program)."""
    person = _existing(program, fields)
    if person is None:
        with _dated(_moment(day, at), program, Person):
            person = Person.objects.create(program=program, **fields)
    return person


def _people(program: Program, communities: dict, staff: dict, t0: date) -> dict[str, Person]:
    """Peers and consumers screened, consented and interviewed before their enrolment
    (screening.py); caregivers with their agreement to be contacted; and the candidates
    not enrolled, one at each stage."""
    docs = screening.documents(program, t0 + timedelta(days=screening.LIVING_DOCUMENTS_FROM))
    candidates = screening.living_candidates(t0, lambda day: _born(day, t0))
    plans, caregiver_needs = screening.living_plans(t0, PEOPLE, CAREGIVERS, candidates)
    persons: dict[str, Person] = {}
    for demo in PEOPLE:
        plan = plans[demo.key]
        person = _person(program, _fields(demo, t0), plan.recommended_on, time(10, 0))
        enrolment, created = screening.carry(
            program=program,
            person=person,
            community=communities[demo.community],
            screening=plan,
            staff=staff,
            docs=docs,
            witness=screening.WITNESSES[demo.community],
        )
        if created:
            for offset, status, reason in demo.changes:
                on = t0 + timedelta(days=offset)
                with _dated(_moment(on, time(9, 30)), program, EnrolmentStatusChange):
                    registry.enrolment_change_status(
                        enrolment=enrolment, status=status, effective_on=on, reason=reason
                    )
        persons[demo.key] = person
    patients = {demo.key: demo for demo in PEOPLE}
    for k, demo in enumerate(CAREGIVERS):
        cared_for = persons[demo.cares_for]
        patient = patients[demo.cares_for]
        # They agreed to be contacted for the evaluation the day the patient enrolled,
        # and told the research assistant what their relative needed.
        day = t0 + timedelta(days=patient.enrolled)
        fields = _fields(demo, t0)
        caregiver = _existing(program, fields)
        if caregiver is None:
            with _dated(_moment(day, time(11, 0)), program, Person, CaregiverLink):
                caregiver = Person.objects.create(program=program, **fields)
                registry.caregiver_link_create(
                    caregiver=caregiver,
                    cared_for=cared_for,
                    relationship=demo.relationship,
                    started_on=day,
                )
        persons[demo.key] = caregiver
        screening.caregiver_agrees(
            program=program,
            caregiver=caregiver,
            on=day,
            witness=screening.WITNESSES[patient.community],
            by=staff["research"],
            docs=docs,
        )
        needs = caregiver_needs[demo.key]
        screening.interview(
            program=program,
            person=caregiver,
            community=communities[patient.community],
            respondent="caregiver",
            on=day,
            needs=needs,
            note=screening.needs_note(needs, "caregiver", k),
            by=staff["research"],
        )
    for candidate in candidates:
        plan = plans[candidate.key]
        person = _person(program, candidate.fields, plan.recommended_on, time(10, 0))
        screening.carry(
            program=program,
            person=person,
            community=communities[plan.community],
            screening=plan,
            staff=staff,
            docs=docs,
            witness=screening.WITNESSES[plan.community],
        )
        persons[candidate.key] = person
    return persons


def _new_peer(program: Program, communities: dict, staff: dict, t0: date) -> Person:
    """NEW_PEER, screened like the others and enrolled on the first day of the round under
    way on the first-load day."""
    enrolled_on = demo_training.current_round_days(t0)[0]
    plan = screening.plan(
        key=NEW_PEER.key,
        role=NEW_PEER.role,
        community=NEW_PEER.community,
        clinic=screening.clinic("八里庄"),
        diagnosis=NEW_PEER.diagnosis,
        enrolled_on=enrolled_on,
        recruit_from=t0 + timedelta(days=screening.LIVING_DOCUMENTS_FROM),
        needs=NEW_PEER_NEEDS,
        seed=screening.LIVING_SEED,
    )
    person = _person(program, _fields(NEW_PEER, t0), plan.recommended_on, time(10, 0))
    screening.carry(
        program=program,
        person=person,
        community=communities[NEW_PEER.community],
        screening=plan,
        staff=staff,
        docs=screening.documents(program, t0 + timedelta(days=screening.LIVING_DOCUMENTS_FROM)),
        witness=screening.WITNESSES[NEW_PEER.community],
    )
    return person


def _accounts(
    program: Program,
    communities: dict,
    persons: dict,
    *,
    landing: bool,
    accounts: list[LivingAccount],
) -> list[User]:
    """The staff accounts gain this program and land in it; the peers get accounts.

    `landing`: the program was just created, so every staff account opens in it (a later
    run keeps the program a user switched to).
    """
    from .loader import demo_password

    users = []
    for account in accounts:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            person = persons[account.person_key] if account.person_key else None
            user = User(
                username=account.username,
                role=account.role,
                first_name=person.name if person else account.username,
                person=person,
            )
            user.password = demo_password()
            user.save()
        if user.is_program_wide and not user.programs.filter(pk=program.pk).exists():
            user.programs.add(program)
        wanted = {communities[code].pk for code in account.communities}
        missing = wanted - set(user.communities.values_list("pk", flat=True))
        if missing:
            user.communities.add(*missing)
        if not user.is_peer and (landing or user.current_program_id is None):
            program_choose(user=user, program=program)
        users.append(user)
    return users


@dataclass(frozen=True)
class _Session:
    community: str
    day: date
    recorded: bool


def schedule(t0: date) -> list[_Session]:
    """The living program's sessions in date order, relative to the first-load day."""
    sessions = []
    for code, offsets in SESSION_DAYS.items():
        for offset in offsets:
            day = _weekday(t0 + timedelta(days=offset), past=offset < 0)
            sessions.append(_Session(code, day, offset < 0 and offset != NOT_RECORDED[code]))
    return sorted(sessions, key=lambda s: (s.day, s.community))


def _in_service(demo: LivingPerson, t0: date, day: date) -> bool:
    if t0 + timedelta(days=demo.enrolled) > day:
        return False
    status = "active"
    for offset, value, _reason in demo.changes:
        if t0 + timedelta(days=offset) <= day:
            status = value
    return status == "active"


def _sessions(
    program: Program, communities: dict, persons: dict, staff: dict, t0: date
) -> dict[tuple[str, date], ActivityPlan]:
    """Plans (and, for past sessions, their process forms), through the services."""
    rng = random.Random(SEED)
    _ensure_library()
    library = {
        (t.category, t.name): t
        for t in Topic.objects.filter(program=None, is_active=True).order_by("category", "name")
    }
    topics = sorted(key for key in library if key[1] in TOPICS.get(key[0], {}))
    venues = {
        (v.community_id, v.kind): v
        for v in Venue.objects.filter(community__in=communities.values()).order_by("-pk")
    }
    existing = {
        (plan.community.code, plan.planned_on): plan
        for plan in ActivityPlan.objects.current()
        .filter(community__in=communities.values())
        .select_related("community")
    }
    plans = {}
    count: dict[str, int] = {}
    served: dict[str, int] = {}
    for session in schedule(t0):
        code, day = session.community, session.day
        k = count[code] = count.get(code, 0) + 1
        # Random draws happen for every session, written or found, so the choices do not
        # depend on what a previous run left.
        if k == 1:
            category, name = FIRST_TOPIC
        else:
            pool = topics if k > 3 else [t for t in topics if t[0] in STARTER_CATEGORIES]
            category, name = rng.choice(pool)
        plan_of = TOPICS[category][name]
        format_ = rng.choice(plan_of.formats)
        variant = rng.choice(plan_of.variants) if plan_of.variants else ""
        minutes = rng.randrange(plan_of.minutes[0], plan_of.minutes[1] + 1, 5)
        late = rng.choice((0, 0, 5, 10))
        texts = (rng.choice(WARM_UPS), rng.choice(CLOSES), rng.choice(FEEDBACK[category]))
        summary = rng.choice(SUMMARIES)
        entered = rng.randrange(0, 300, 5)
        members = [p for p in PEOPLE if p.community == code and _in_service(p, t0, day)]
        peers = sorted(
            (p.key for p in members if p.role == "peer"),
            key=lambda key: (served.get(key, 0), key),
        )[:2]
        for key in peers:
            served[key] = served.get(key, 0) + 1
        consumers = sorted(p.key for p in members if p.role == "consumer")
        size = min(len(consumers), rng.randint(*((4, 8) if code == "hepingjie" else (3, 5))))
        attending = sorted(rng.sample(consumers, size))
        if (code, day) in existing:
            plans[code, day] = existing[code, day]
            continue

        community = communities[code]
        by = staff[PEER_ACCOUNT[code]]
        if format_ == "outdoor_exercise" and (community.pk, Venue.Kind.OUTDOORS) in venues:
            venue = venues[community.pk, Venue.Kind.OUTDOORS]
        else:
            kind = Venue.Kind.REHABILITATION_CENTRE if k % 4 else Venue.Kind.HEALTH_CARE_CENTRE
            venue = venues[community.pk, kind]
        start = time(14, 0) if code == "hepingjie" else time(9, 30)
        low, high = plan_of.minutes
        planned_minutes = next((m for m in (90, 60, 120) if low <= m <= high), minutes)
        plan_entered = min(day - timedelta(days=3), t0 - timedelta(days=1))
        with _dated(_moment(plan_entered, time(10, 0), entered), program, ActivityPlan):
            plan = activities.plan_create(
                by=by,
                community=community,
                fields={
                    "venue": venue,
                    "planned_on": day,
                    "planned_start": start,
                    "planned_end": _clock(start, planned_minutes),
                    "category": category,
                    "topic": library[category, name],
                    "theme": name,
                    "aim": plan_of.aim,
                    "format": format_,
                    "lead_peer": persons[peers[0]],
                    "materials": plan_of.materials,
                    "warm_up_plan": texts[0],
                    "main_plan": plan_of.main.format(x=variant),
                    "close_plan": texts[1],
                },
                assisting_peers=[persons[key] for key in peers[1:]],
            )
        plans[code, day] = plan
        if not session.recorded:
            continue
        started_at = _clock(start, late)
        ended_at = _clock(started_at, minutes)
        present = [
            staff[username]
            for username, every in (
                ("doctor", 4),
                ("psychologist", 3 if code == "hepingjie" else 5),
                ("socialworker", 3),
            )
            if k % every == 1 and code in _living_codes(username)
        ]
        entered_at = _moment(day, ended_at, 60 + entered % 120)
        with _dated(entered_at, program, ActivityRecord, Attendance):
            activities.record_save(
                plan=plan,
                by=by,
                fields={
                    "held_on": day,
                    "started_at": started_at,
                    "ended_at": ended_at,
                    "format": format_,
                    "theme": f"{name}：{plan_of.aim}",
                    "warm_up": texts[0],
                    "main_activity": plan_of.main.format(x=variant),
                    "close": texts[1],
                    "feedback": texts[2],
                    "summary": summary,
                },
                peers_present=[persons[key] for key in peers],
                staff_present=present,
                consumers=[persons[key] for key in attending],
            )
    return plans


def _living_codes(username: str) -> tuple[str, ...]:
    return next(a.communities for a in ACCOUNTS if a.username == username)


def _clock(at: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), at) + timedelta(minutes=minutes)).time()


CLOSED_EVENT = {
    "kind": EmergencyEvent.Kind.MEDICAL,
    "description": (
        "活动进行到一半，一位服务对象说头晕、出冷汗。同伴扶他坐下休息、喝温水，"
        "并请社区卫生服务中心的医生到场。"
    ),
    "actions_taken": (
        "医生测量血压偏低，让他平躺休息。半小时后好转，同伴联系家属接他回家，"
        "并提醒他第二天到社区卫生服务中心复查。"
    ),
}
CLOSED_FOLLOW_UP = (
    "电话随访：血压已恢复正常，已到社区卫生服务中心复查，医生调整了早饭前的服药时间。"
)
CLOSED_NOTE = "已恢复，继续参加活动。提醒同伴活动中注意让服务对象按时喝水、休息。"
AWAITING_EVENT = {
    "kind": EmergencyEvent.Kind.POORLY_CONTROLLED,
    "description": (
        "服务对象的家属打电话给同伴，说他这两天几乎不睡觉，情绪激动，在家里摔东西，不愿意吃药。"
    ),
    "actions_taken": (
        "同伴安抚家属，请家属注意安全、收好危险物品，建议尽快陪他到社区卫生服务中心复诊，"
        "并上报社区医生。"
    ),
}


def _emergencies(
    program: Program, communities: dict, persons: dict, staff: dict, plans: dict, t0: date
) -> None:
    hepingjie = communities["hepingjie"]
    peer, doctor = staff["peer3"], staff["doctor"]
    known = set(
        EmergencyEvent.objects.filter(community=hepingjie).values_list("description", flat=True)
    )
    if CLOSED_EVENT["description"] not in known:
        near = t0 + timedelta(days=CLOSED_EMERGENCY_NEAR)
        recorded = {(s.community, s.day) for s in schedule(t0) if s.recorded}
        day, plan = min(
            (
                (day, plan)
                for (code, day), plan in plans.items()
                if (code, day) in recorded and code == "hepingjie"
            ),
            key=lambda item: abs(item[0] - near),
        )
        consumer = plan.record.attendances.current().order_by("person__name").first().person
        happened = _moment(day, plan.record.started_at, 45)
        with _dated(happened + timedelta(minutes=50), program, EmergencyEvent):
            event = emergencies.emergency_file(
                reported_by=peer,
                community=hepingjie,
                occurred_at=happened,
                emergency_services_called=False,
                session=plan,
                people_involved=[consumer],
                **CLOSED_EVENT,
            )
        steps = (
            (timedelta(minutes=90), emergencies.emergency_acknowledge, {}),
            (timedelta(hours=19), emergencies.emergency_follow_up, {"text": CLOSED_FOLLOW_UP}),
            (timedelta(hours=66), emergencies.emergency_close, {"closing_note": CLOSED_NOTE}),
        )
        for after, step, text in steps:
            with _dated(happened + after, program, FollowUp, updating=event):
                step(event=event, by=doctor, **text)
    if AWAITING_EVENT["description"] not in known:
        # Reported now (the load), so it waits within the escalation delay; it happened
        # a little before, at home (no session).
        now = timezone.now()
        emergencies.emergency_file(
            reported_by=peer,
            community=hepingjie,
            occurred_at=now - timedelta(hours=2),
            emergency_services_called=False,
            people_involved=[persons["h-consumer-05"]],
            **AWAITING_EVENT,
        )


def _submissions(program: Program, communities: dict, staff: dict, t0: date) -> None:
    """Each community's cycles ended by the first-load day (see RETURN_COMMENTS above)."""
    manager = staff["manager"]
    existing = set(
        Submission.objects.filter(community__in=communities.values()).values_list(
            "community__code", "cycle"
        )
    )
    for code, community in communities.items():
        numbers = [
            n for n in _cycle_numbers(program, community, t0) if _cycle(program, n).ends_on < t0
        ]
        last = numbers[-1] if numbers else 0
        for number in numbers:
            if (code, number) in existing:
                continue
            ends_on = _cycle(program, number).ends_on
            if code == "hepingjie":
                plan = "submitted" if number == last else "accepted"
            elif number == last:
                continue  # not submitted yet: due, then overdue
            else:
                plan = "returned" if number == last - 1 else "accepted"
            submitted = _moment(ends_on + timedelta(days=3), time(16, 20))
            if plan == "submitted":
                submitted = _moment(t0 - timedelta(days=2), time(17, 5))
            by = staff[PEER_ACCOUNT[code]]
            with _dated(submitted, program, Submission, SubmissionEvent, read=plan != "submitted"):
                submission = submissions.submission_submit(
                    community=community, cycle_number=number, by=by
                )
            if plan == "submitted":
                continue
            reviewed = submitted + timedelta(days=2, hours=-1)
            with _dated(
                reviewed,
                program,
                Submission,
                SubmissionEvent,
                read=plan == "accepted",
                updating=submission,
            ):
                if plan == "accepted":
                    submissions.submission_accept(
                        community=community, cycle_number=number, by=manager
                    )
                else:
                    submissions.submission_return(
                        community=community,
                        cycle_number=number,
                        by=manager,
                        comments=RETURN_COMMENTS,
                    )


def round_interview_days(t0: date) -> list[date]:
    """The working days of the round before the first-load day (four days hold at least
    two), over which the interviews done so far are spread."""
    starts_on = t0 + timedelta(days=ROUND_DAYS[0])
    days = [starts_on + timedelta(days=i) for i in range((t0 - starts_on).days)]
    return [day for day in days if day.weekday() < 5]


def _evaluation(program: Program, communities: dict, persons: dict, staff: dict, t0: date) -> None:
    """The round in progress: the research assistant has interviews to do today."""
    ensure_standard_questions()  # a flushed test database may have lost them
    research = staff["research"]
    by = as_of(research, program)
    starts_on, ends_on = (t0 + timedelta(days=offset) for offset in ROUND_DAYS)
    name = ROUND_NAME.format(day=starts_on)
    evaluation_round = EvaluationRound.objects.filter(program=program, name=name).first()
    if evaluation_round is None:
        created = _moment(starts_on - timedelta(days=7), time(9, 0))
        with _dated(created, program, EvaluationRound):
            evaluation_round = evaluation.evaluation_round_create(
                program=program,
                by=by,
                name=name,
                name_en=ROUND_NAME_EN.format(day=starts_on),
                starts_on=starts_on,
                ends_on=ends_on,
                communities=list(communities.values()),
            )
    recorded = {
        (e.person.pk, e.respondent)
        for e in evaluation_selectors.expected(evaluation_round)
        if e.interview is not None
    }
    respondent = {demo.key: demo.role for demo in PEOPLE}
    days = round_interview_days(t0)
    for k, (key, answers) in enumerate(ROUND_DONE):
        role = respondent.get(key, "caregiver")
        if (persons[key].pk, role) in recorded:
            continue
        day = days[k * len(days) // len(ROUND_DONE)]
        with _dated(_moment(day, time(16, 0), 10 * k), program, Interview, InterviewAnswer):
            evaluation.interview_record(
                evaluation_round=evaluation_round,
                person=persons[key],
                respondent=role,
                by=by,
                outcome="interviewed",
                interviewed_on=day,
                interviewer=research,
                answers=answers,
            )
    key, note = ROUND_IN_HOSPITAL
    if (persons[key].pk, respondent[key]) not in recorded:
        with _dated(_moment(days[0], time(11, 0)), program, Interview, InterviewAnswer):
            evaluation.interview_record(
                evaluation_round=evaluation_round,
                person=persons[key],
                respondent=respondent[key],
                by=by,
                outcome="not_assessed",
                not_assessed_reason="in_hospital",
                note=note,
            )


def _ensure_library() -> None:
    """The shared topic library is loaded by a migration; a database flushed since (as
    some tests do) has lost it, so put back the paper's topics the sessions use."""
    import importlib

    paper = importlib.import_module("tongban.activities.migrations.0002_paper_topics")
    for category, name, name_en, for_starters in paper.PAPER_TOPICS:
        Topic.objects.get_or_create(
            program=None,
            category=category,
            name=name,
            defaults={"name_en": name_en, "for_starters": for_starters},
        )
