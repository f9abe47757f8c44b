"""Peer training in the demo programs (MODEL.md, "Training"; the paper's "Peer training and
supervision").

The paper's program: the pre-service round of June 2013 for the Tuanjiehu and Maizidian
peers, and of June 2015 for the Xiangheyuan and Jinsong peers with peers of the first two
communities co-presenting; five half-days, six workshops, the psychiatrist and the clinical
psychologist as trainers. A peer who missed a workshop made it up before the service
started. Continuing training followed (November 2014, March 2016).

The living program: its peers' pre-service round before the service started, a continuing
training event, and a round under way on the first-load day for a new Balizhuang peer (some
half-days held, some to come), who is not ready to lead yet.

The plans (`paper_rounds`, `living_rounds`) use no database. `load` writes a program's
rounds in bulk with a creation entry in the audit trail dated when the form would have been
filled in; a round found by its name is left as it is, so a second run adds nothing. (No
training service existed when this was written: the rows keep the services' invariants,
one current attendance per session and person, a session with a workshop or a topic.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import User
from tongban.registry.models import Community, Person, Program
from tongban.training.models import TrainingAttendance, TrainingRound, TrainingSession, Workshop
from tongban.training.standard import STANDARD_WORKSHOPS, ensure_standard_curriculum

from .population import DemoPerson, status_on

BATCH = 500
PRE_SERVICE = TrainingRound.Kind.PRE_SERVICE.value
CONTINUING = TrainingRound.Kind.CONTINUING.value
WORKSHOP_CODES = tuple(row[0] for row in STANDARD_WORKSHOPS)
# Five half-days, six workshops: one a half-day, the last two on the fifth morning.
HALF_DAYS = (
    (0, time(14, 0), time(16, 30)),
    (1, time(14, 0), time(16, 30)),
    (2, time(14, 0), time(17, 0)),
    (3, time(14, 0), time(16, 30)),
    (4, time(8, 30), time(10, 30)),
    (4, time(10, 45), time(12, 15)),
)


@dataclass(frozen=True)
class Sitting:
    """One training session of a round, and who attended (keys of the demo people)."""

    day: date
    starts_at: time
    ends_at: time
    workshop: str = ""  # a standard workshop's code, or "" for a topic
    topic: str = ""
    make_up: bool = False
    attended: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoundPlan:
    kind: str
    name: str
    name_en: str
    starts_on: date
    ends_on: date
    communities: tuple[str, ...]
    trainers: tuple[str, ...]  # usernames
    co_presenters: tuple[str, ...]  # keys of the demo people
    notes: str
    sittings: tuple[Sitting, ...]


def pre_service_sittings(
    days: list[date],
    peers: list[str],
    *,
    missed: dict[str, str] | None = None,
    until: date | None = None,
) -> list[Sitting]:
    """The six workshops over five half-days `days`, attended by `peers`, except those in
    `missed` (key -> workshop code). With `until`, sittings on or after it are still to
    come: no attendance."""
    missed = missed or {}
    sittings = []
    for code, (index, starts_at, ends_at) in zip(WORKSHOP_CODES, HALF_DAYS, strict=True):
        day = days[index]
        present = tuple(k for k in peers if missed.get(k) != code)
        if until is not None and day >= until:
            present = ()
        sittings.append(Sitting(day, starts_at, ends_at, workshop=code, attended=present))
    return sittings


# --- the paper's program ---------------------------------------------------------------------

JUNE_2013 = [date(2013, 6, 17) + timedelta(days=i) for i in range(5)]  # Monday to Friday
JUNE_2015 = [date(2015, 6, 8) + timedelta(days=i) for i in range(5)]
# One peer of each round missed a workshop (invented) and made it up before the service began.
MISSED_2013 = {"peer-06": "emergencies"}
MAKE_UP_2013 = Sitting(
    date(2013, 6, 28),
    time(14, 0),
    time(16, 30),
    workshop="emergencies",
    make_up=True,
    attended=("peer-06",),
)
MISSED_2015 = {"peer-12": "listening"}
MAKE_UP_2015 = Sitting(
    date(2015, 6, 26),
    time(9, 0),
    time(11, 30),
    workshop="listening",
    make_up=True,
    attended=("peer-12",),
)
# The paper: peers of the first two communities "shared their experiences and demonstrated
# how to conduct activities" when the new peers were trained in June 2015 (the round's
# co-presenters; the attendance lists are the round's communities' peers).
CO_PRESENTERS_2015 = ("peer-01", "peer-02", "peer-04")
CONTINUING_2014 = date(2014, 11, 14)
CONTINUING_2016 = date(2016, 3, 4)


def _in_service(person: DemoPerson, day: date) -> bool:
    return person.enrolled_on <= day and status_on(person, day) == "active"


def paper_rounds(people: list[DemoPerson]) -> list[RoundPlan]:
    """The paper's program's training, in date order; the same on every call."""

    def peers(codes: tuple[str, ...], day: date, *, enrolled_by: date | None = None):
        return [
            p.key
            for p in people
            if p.role == "peer"
            and p.community in codes
            and (p.enrolled_on <= enrolled_by if enrolled_by is not None else _in_service(p, day))
        ]

    first, second = ("tuanjiehu", "maizidian"), ("xiangheyuan", "jinsong")
    every = first + second
    return [
        RoundPlan(
            PRE_SERVICE,
            "2013年6月同伴岗前培训（团结湖、麦子店）",
            "Pre-service training, June 2013 (Tuanjiehu, Maizidian)",
            JUNE_2013[0],
            JUNE_2013[-1],
            first,
            ("psychiatrist", "psychologist"),
            (),
            "五个半天，六个工作坊：讲授、小组分享与讨论、角色扮演和讲故事。",
            (
                *pre_service_sittings(
                    JUNE_2013,
                    peers(first, JUNE_2013[0], enrolled_by=JUNE_2013[0]),
                    missed=MISSED_2013,
                ),
                MAKE_UP_2013,
            ),
        ),
        RoundPlan(
            CONTINUING,
            "2014年11月继续培训：让活动更吸引人",
            "Continuing training, November 2014: keeping sessions engaging",
            CONTINUING_2014,
            CONTINUING_2014,
            first,
            ("psychologist",),
            (),
            "针对督导中提出的服务对象走神、觉得无聊的问题。",
            (
                Sitting(
                    CONTINUING_2014,
                    time(14, 0),
                    time(16, 30),
                    topic="服务对象走神、觉得无聊时怎么办",
                    attended=tuple(peers(first, CONTINUING_2014)),
                ),
            ),
        ),
        RoundPlan(
            PRE_SERVICE,
            "2015年6月同伴岗前培训（香河园、劲松）",
            "Pre-service training, June 2015 (Xiangheyuan, Jinsong)",
            JUNE_2015[0],
            JUNE_2015[-1],
            second,
            ("psychiatrist", "psychologist"),
            CO_PRESENTERS_2015,
            "团结湖、麦子店的同伴分享自己的经验，并示范如何带领小组活动。",
            (
                *pre_service_sittings(
                    JUNE_2015,
                    peers(second, JUNE_2015[0], enrolled_by=JUNE_2015[0]),
                    missed=MISSED_2015,
                ),
                MAKE_UP_2015,
            ),
        ),
        RoundPlan(
            CONTINUING,
            "2016年3月继续培训：与社工合作",
            "Continuing training, March 2016: working with social workers",
            CONTINUING_2016,
            CONTINUING_2016,
            every,
            ("psychologist",),
            (),
            "社工加入项目：社工赵静介绍在活动前后可以提供的协助。",
            (
                Sitting(
                    CONTINUING_2016,
                    time(14, 0),
                    time(16, 0),
                    topic="社工如何在活动前后协助同伴",
                    attended=tuple(peers(every, CONTINUING_2016)),
                ),
            ),
        ),
    ]


# --- the living program ----------------------------------------------------------------------


def working_days(start: date, n: int) -> list[date]:
    """The first `n` working days from `start` (included)."""
    days, day = [], start
    while len(days) < n:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def current_round_days(t0: date) -> list[date]:
    """The five half-days of the round under way on the first-load day `t0`: the working
    days among the three days before it (one to three: held), then working days after it
    (to come); never on `t0` itself."""
    held = [t0 - timedelta(days=k) for k in (3, 2, 1) if (t0 - timedelta(days=k)).weekday() < 5]
    return held + working_days(t0 + timedelta(days=1), 5 - len(held))


# Living people (keys of living.PEOPLE, and the new peer of living.NEW_PEER).
LIVING_PEERS = ("h-peer-1", "h-peer-2", "h-peer-3", "h-peer-4", "b-peer-1", "b-peer-2")
LIVING_CONTINUING_IN_SERVICE = ("h-peer-1", "h-peer-2", "h-peer-3", "h-peer-4", "b-peer-1")
NEW_PEER_KEY = "b-peer-3"
LIVING_CO_PRESENTERS = ("b-peer-1", "h-peer-1")


def living_rounds(t0: date) -> list[RoundPlan]:
    """The living program's training relative to the first-load day `t0` (peers enrolled
    171-169 days before it, the service started 150 days before it)."""
    first = working_days(t0 - timedelta(days=166), 5)
    continuing = working_days(t0 - timedelta(days=38), 1)[0]
    current = current_round_days(t0)
    both = ("hepingjie", "balizhuang")
    return [
        RoundPlan(
            PRE_SERVICE,
            f"{first[0].year}年{first[0].month}月同伴岗前培训（和平街、八里庄）",
            f"Pre-service training, {first[0]:%Y-%m} (Hepingjie, Balizhuang)",
            first[0],
            first[-1],
            both,
            ("psychiatrist", "psychologist"),
            (),
            "五个半天，六个工作坊。",
            tuple(pre_service_sittings(first, list(LIVING_PEERS))),
        ),
        RoundPlan(
            CONTINUING,
            f"{continuing.year}年{continuing.month}月继续培训：同伴的压力与自我照顾",
            f"Continuing training, {continuing:%Y-%m}: peers' stress and self-care",
            continuing,
            continuing,
            both,
            ("psychologist",),
            (),
            "八里庄一位同伴退出后，另一位同伴一个人带活动，压力较大。",
            (
                Sitting(
                    continuing,
                    time(14, 0),
                    time(16, 0),
                    topic="识别自己的压力，学会求助和休息",
                    attended=LIVING_CONTINUING_IN_SERVICE,
                ),
            ),
        ),
        RoundPlan(
            PRE_SERVICE,
            f"{current[0].year}年{current[0].month}月同伴岗前培训（八里庄新同伴）",
            f"Pre-service training, {current[0]:%Y-%m} (new Balizhuang peer)",
            current[0],
            current[-1],
            ("balizhuang",),
            ("psychiatrist", "psychologist"),
            LIVING_CO_PRESENTERS,
            "八里庄的新同伴；两位有经验的同伴分享经验、示范带领活动。",
            tuple(
                pre_service_sittings(
                    current,
                    [NEW_PEER_KEY],
                    until=t0,
                )
            ),
        ),
    ]


# --- database --------------------------------------------------------------------------------


def aware(day: date, at: time, minutes: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, at) + timedelta(minutes=minutes))


def bulk_dated(model, objs: list, stamps: list[datetime], users: list, fields=("created_at",)):
    """Bulk insert with a creation entry in the audit trail dated `stamps` (the `fields`,
    stamped with the load time by auto_now_add, are set to the stamp too)."""
    if not objs:
        return []
    model.objects.bulk_create(objs, batch_size=BATCH)
    for obj, stamp, user in zip(objs, stamps, users, strict=True):
        for name in fields:
            setattr(obj, name, stamp)
        obj._history_date = stamp
        obj._history_user = user
    if fields:
        model.objects.bulk_update(objs, list(fields), batch_size=BATCH)
    return model.history.bulk_history_create(objs, batch_size=BATCH)


@transaction.atomic
def load(
    *,
    program: Program,
    plans: list[RoundPlan],
    communities: dict[str, Community],
    persons: dict[str, Person],
    users: dict[str, User],
) -> None:
    """Write the rounds of `plans` not found by name in the program, with their sessions
    and attendance: a handful of queries, whatever the number of rows."""
    from .sessions import _m2m_with_history

    existing = set(TrainingRound.objects.filter(program=program).values_list("name", flat=True))
    todo = [plan for plan in plans if plan.name not in existing]
    if not todo:
        return
    ensure_standard_curriculum()  # a flushed test database may have lost them
    workshops = {w.code: w for w in Workshop.objects.filter(program=None)}
    manager, psychologist = users["manager"], users["psychologist"]
    rounds = [
        TrainingRound(
            program=program,
            kind=plan.kind,
            name=plan.name,
            name_en=plan.name_en,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            notes=plan.notes,
            created_by=manager,
        )
        for plan in todo
    ]
    # Announced three weeks before (two for a continuing event).
    histories = bulk_dated(
        TrainingRound,
        rounds,
        [
            aware(plan.starts_on - timedelta(days=21 if plan.kind == PRE_SERVICE else 14), time(9))
            for plan in todo
        ],
        [manager] * len(todo),
    )
    for name, targets in (
        ("communities", [[communities[c].pk for c in plan.communities] for plan in todo]),
        ("trainers", [[users[u].pk for u in plan.trainers] for plan in todo]),
        ("co_presenters", [[persons[k].pk for k in plan.co_presenters] for plan in todo]),
    ):
        _m2m_with_history(TrainingRound, name, rounds, histories, targets)

    sittings = [(r, s) for r, plan in zip(rounds, todo, strict=True) for s in plan.sittings]
    sessions = [
        TrainingSession(
            round=r,
            workshop=workshops[s.workshop] if s.workshop else None,
            topic=s.topic,
            held_on=s.day,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            make_up=s.make_up,
            created_by=manager,
        )
        for r, s in sittings
    ]
    # A round's sessions are entered with it; a make-up is arranged a few days before.
    bulk_dated(
        TrainingSession,
        sessions,
        [
            aware(s.day - timedelta(days=4), time(10)) if s.make_up else r.created_at
            for r, s in sittings
        ],
        [manager] * len(sessions),
    )
    attendance, stamps = [], []
    for session, (_r, s) in zip(sessions, sittings, strict=True):
        for k, key in enumerate(s.attended):
            attendance.append(
                TrainingAttendance(session=session, person=persons[key], recorded_by=psychologist)
            )
            stamps.append(aware(s.day, s.ends_at, 20 + k))
    bulk_dated(
        TrainingAttendance,
        attendance,
        stamps,
        [psychologist] * len(attendance),
        fields=("recorded_at",),
    )
