"""Invented demo population that reproduces Tables 1 and 2 of the Beijing peer-support paper.

Pure Python (no Django) so the numbers can be checked in isolation; a loader elsewhere turns
these records into model rows, using ``key`` to stay idempotent. Everything is derived from a
fixed seed and integer arithmetic, so every call on every machine gives the same people.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta

REFERENCE_DATE = date(2016, 6, 30)  # ages in Table 2 are taken on this date (end of the study)
SEED = 2020  # fixed for reproducibility; chosen so attributes come out well mixed (see tests)
# The paper's evaluation round began on this day; the caregivers' patients were in service then.
CAREGIVERS_BY = date(2014, 12, 1)


@dataclass(frozen=True)
class StatusChange:
    on: date
    status: str  # "active" | "on_leave" | "withdrawn"
    reason: str  # English text, may be ""


@dataclass(frozen=True)
class DemoPerson:
    key: str  # stable natural key ("peer-01"); lets the loader be idempotent
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
    enrolled_on: date
    status_changes: tuple[StatusChange, ...] = ()  # after enrolment; enrolment starts "active"


@dataclass(frozen=True)
class DemoCaregiver:
    key: str
    name: str
    sex: str
    date_of_birth: date
    phone: str
    relationship: str  # "parent" | "spouse" | "sibling" | "child" | "other"
    cares_for: str  # key of a DemoPerson


# Table 1, consumers enrolled by the end of 2013, 2014, 2015 and mid-2016 (cumulative).
CONSUMERS_ENROLLED = {
    "tuanjiehu": (10, 11, 14, 14),
    "maizidian": (13, 13, 14, 15),
    "xiangheyuan": (0, 0, 10, 11),
    "jinsong": (0, 0, 10, 10),
}
YEARS = (2013, 2014, 2015, 2016)
# Recruitment windows: the old communities started July 2013, the new ones August 2015;
# Tuanjiehu had no venue in early 2015, so all 2015 recruits are put in the second half.
CONSUMER_WINDOWS = {
    2013: (date(2013, 7, 8), date(2013, 12, 20)),
    2014: (date(2014, 1, 6), date(2014, 12, 19)),
    2015: (date(2015, 8, 3), date(2015, 12, 18)),
    2016: (date(2016, 1, 4), date(2016, 6, 17)),
}
# Peers were enrolled shortly before their pre-service training (June 2013 / June 2015).
# Tuanjiehu's five includes the one who quit in early 2015 (Table 1: 5, 5, 4, 4).
PEER_PLAN = [
    ("tuanjiehu", 5, date(2013, 5, 6), date(2013, 6, 14)),
    ("maizidian", 2, date(2013, 5, 13), date(2013, 6, 7)),
    ("xiangheyuan", 4, date(2015, 5, 4), date(2015, 5, 29)),
    ("jinsong", 2, date(2015, 5, 11), date(2015, 5, 22)),
]

# Table 2 (12 peers still enrolled in 2016, 50 consumers): counts, then age mean/SD in tenths.
PEER_PROFILE = {
    "sex": {"male": 8, "female": 4},
    "education": {"junior_high": 1, "senior_high": 8, "junior_college": 1, "undergraduate": 2},
    "marital_status": {"single": 7, "married": 4, "divorced": 1},
    "working_status": {"part_time": 4, "not_working": 8},
    "diagnosis": {"schizophrenia": 6, "bipolar": 6},
}
CONSUMER_PROFILE = {
    "sex": {"male": 21, "female": 29},
    "education": {
        "primary": 2,
        "junior_high": 10,
        "senior_high": 22,
        "junior_college": 8,
        "undergraduate": 7,
        "postgraduate": 1,
    },
    "marital_status": {"single": 29, "married": 11, "divorced": 9, "widowed": 1},
    "working_status": {"part_time": 4, "not_working": 46},
    "diagnosis": {"schizophrenia": 45, "bipolar": 5},
}
PEER_AGE, CONSUMER_AGE = (402, 89), (483, 82)
# Table 2's t = -2.99 cannot be had with whole years and these means and SDs: the nearest
# are peers 482/12 = 40.17 (SD below 8.95) against consumers 2413/50 = 48.26 (SD below
# 8.25), t = -3.00. The ages are moved there, exactly: (sum, n(n-1)*variance), the largest
# variances that still round to 8.9 and 8.2 (the parity of a sum of squares follows the
# sum's, hence not 8.9499). See docs/reproduction.md.
AGE_FIT = {"peer": (482, 10556), "consumer": (2413, 166681)}
# Ages on the reference date kept in 22..60, so everyone was 18..60 when enrolled (>= mid-2013).
AGE_LO, AGE_HI = 22, 60

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董曹"
GIVEN = {  # 30 each, so surname x given name rotation (see `name`) never repeats early
    "male": [
        "建国",
        "志强",
        "伟",
        "磊",
        "军",
        "海涛",
        "明",
        "刚",
        "立新",
        "国庆",
        "振华",
        "文斌",
        "德明",
        "永刚",
        "春雷",
        "宏伟",
        "俊杰",
        "建华",
        "晓东",
        "鹏",
        "勇",
        "浩",
        "卫东",
        "长青",
        "子豪",
        "宇",
        "斌",
        "学军",
        "玉林",
        "光明",
    ],
    "female": [
        "秀英",
        "丽",
        "静",
        "桂兰",
        "淑珍",
        "玉兰",
        "红梅",
        "敏",
        "艳",
        "雪梅",
        "丽娟",
        "慧",
        "燕",
        "凤英",
        "晓红",
        "娟",
        "芳",
        "婷",
        "秀兰",
        "春燕",
        "建英",
        "淑华",
        "丹",
        "海燕",
        "欣怡",
        "佳",
        "琳",
        "亚琴",
        "美华",
        "金凤",
    ],
}
PHONE_PREFIXES = ("138", "139", "135", "136", "137", "150", "151", "186", "189", "133")


def age_on(born: date, on: date) -> int:
    """Completed years of age on a day."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def status_on(person: DemoPerson, day: date) -> str:
    """Status in force on a day: the latest change on or before it, else "active"."""
    status = "active"
    for change in person.status_changes:
        if change.on <= day:
            status = change.status
    return status


def enrolled_at_end_of(person: DemoPerson, year: int) -> bool:
    """Table 1 rule: enrolled by the year's end (mid-2016 for 2016) and not withdrawn by then."""
    cutoff = min(date(year, 12, 31), REFERENCE_DATE)
    return person.enrolled_on <= cutoff and status_on(person, cutoff) != "withdrawn"


def _find_ages(n: int, mean10: int, sd10: int, rng: random.Random) -> list[int]:
    """Integer ages whose mean and sample SD round to the published values.

    Bell-shaped random start, then seeded random descent on exact integer costs (first the
    sum, then n(n-1)*variance): each step nudges one age, or two in opposite directions, by a
    year. Taking a random improving step rather than the best one keeps the shape smooth;
    the best step always hits the extremes and piles ages up at the bounds.
    """
    ages = [mean10 // 10 + sum(rng.randint(-7, 7) for _ in range(3)) for _ in range(n)]
    ages = [min(max(a, AGE_LO), AGE_HI) for a in ages]
    return _descend(ages, (n * mean10 + 5) // 10, n * (n - 1) * sd10 * sd10, rng)


def _descend(ages: list[int], target_sum: int, target_ss: int, rng: random.Random) -> list[int]:
    """The descent of `_find_ages`; `target_ss` is 100 * n(n-1) * variance (tenths squared)."""
    ages, n = list(ages), len(ages)

    def cost(s: int, q: int) -> tuple[int, int]:
        return abs(s - target_sum), abs(100 * (n * q - s * s) - target_ss)

    while True:
        s, q = sum(ages), sum(a * a for a in ages)
        now, better = cost(s, q), []
        for i, a in enumerate(ages):
            for d in (-1, 1):
                if AGE_LO <= a + d <= AGE_HI and cost(s + d, q + 2 * a * d + 1) < now:
                    better.append(((i, d),))
            for j, b in enumerate(ages):
                if i != j and a < AGE_HI and b > AGE_LO and cost(s, q + 2 * (a - b) + 2) < now:
                    better.append(((i, 1), (j, -1)))
        if not better:
            return ages
        for i, d in rng.choice(better):
            ages[i] += d


def _fit_t(ages: list[int], fit: tuple[int, int]) -> list[int]:
    """Move the ages to an exact sum and n(n-1)*variance (AGE_FIT), with their own seeded
    generator so the shared one, and so everything drawn after, is left as it was."""
    target_sum, target_ss = fit
    return _descend(ages, target_sum, 100 * target_ss, random.Random(SEED))


def _born(age: int, k: int) -> date:
    """A birthday giving exactly `age` completed years on REFERENCE_DATE (window is >= 365 days)."""
    return date(REFERENCE_DATE.year - age - 1, 7, 1) + timedelta(days=(k * 97 + 13) % 365)


def _spread(start: date, end: date, n: int) -> list[date]:
    """n dates evenly spaced in [start, end], nudged to a weekday (invented: office hours)."""
    days = []
    for i in range(n):
        day = start + timedelta(days=(end - start).days * (2 * i + 1) // (2 * n))
        days.append(day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0))
    return days


def _deal(counts: dict[str, int], n: int, rng: random.Random) -> list[str]:
    """Exactly the published counts, shuffled so attributes are mixed across people."""
    values = [value for value, count in counts.items() for _ in range(count)]
    assert len(values) == n, counts
    rng.shuffle(values)
    return values


def _people(
    role: str,
    slots: list[tuple[str, date]],
    profile: dict,
    age: tuple[int, int],
    rng: random.Random,
    name: Callable[[str], str],
    phone: Callable[[], str],
) -> list[DemoPerson]:
    """People for enrolment slots with Table 2's marginal counts and age distribution."""
    n = len(slots)
    columns = {attr: _deal(counts, n, rng) for attr, counts in profile.items()}
    ages = _fit_t(_find_ages(n, *age, rng), AGE_FIT[role])
    people = []
    for i, (community, enrolled_on) in enumerate(sorted(slots, key=lambda s: (s[1], s[0]))):
        attrs = {attr: values[i] for attr, values in columns.items()}
        people.append(
            DemoPerson(
                key=f"{role}-{i + 1:02d}",
                name=name(attrs["sex"]),
                date_of_birth=_born(ages[i], i),
                phone=phone(),
                role=role,
                community=community,
                enrolled_on=enrolled_on,
                **attrs,
            )
        )
    return people


def demo_population() -> tuple[list[DemoPerson], list[DemoCaregiver]]:
    """The 13 peers (one withdrawn), 50 consumers and 15 caregivers of the demo program."""
    rng = random.Random(SEED)
    used_names: set[str] = set()
    counters = {"male": 0, "female": 0, "phone": 0}

    def name(sex: str, surname: str = "") -> str:
        while True:  # rotate surnames against given names; skip the rare clash
            c = counters[sex]
            counters[sex] += 1
            shift = c * 7 + c // 30 + (13 if sex == "female" else 0)
            full = (surname or SURNAMES[shift % 30]) + GIVEN[sex][c % 30]
            if full not in used_names:
                used_names.add(full)
                return full

    def phone() -> str:  # multiplier coprime with 10**8, so suffixes never repeat
        c = counters["phone"] = counters["phone"] + 1
        return PHONE_PREFIXES[c % 10] + f"{(c * 73_856_093 + 1_234_567) % 10**8:08d}"

    peer_slots = [(c, d) for c, n, start, end in PEER_PLAN for d in _spread(start, end, n)]
    quitter_slot = peer_slots.pop(2)  # third Tuanjiehu peer quits; Table 2 excludes them
    peers = _people("peer", peer_slots, PEER_PROFILE, PEER_AGE, rng, name, phone)
    # Listed last (peer-13) because Table 2 counts only the 12 who stayed.
    quitter = DemoPerson(
        key="peer-13",
        name=name("female"),
        sex="female",
        date_of_birth=_born(34, 13),
        education="senior_high",
        marital_status="single",
        working_status="not_working",
        diagnosis="schizophrenia",
        phone=phone(),
        role="peer",
        community=quitter_slot[0],
        enrolled_on=quitter_slot[1],
        status_changes=(
            StatusChange(
                date(2015, 3, 16),
                "withdrawn",
                "Expressed concerns about too much pressure working as a peer.",
            ),
        ),
    )
    # The paper's peer on leave in early 2015 is "his": take the first Maizidian man.
    i = next(i for i, p in enumerate(peers) if p.community == "maizidian" and p.sex == "male")
    peers[i] = replace(
        peers[i],
        status_changes=(
            StatusChange(
                date(2015, 2, 9), "on_leave", "Temporary leave to assist his sick mother."
            ),
            StatusChange(date(2015, 7, 6), "active", "Returned from leave."),
        ),
    )

    consumer_slots = []
    for community, totals in CONSUMERS_ENROLLED.items():
        for year, before, now in zip(YEARS, (0, *totals), totals, strict=False):
            new = _spread(*CONSUMER_WINDOWS[year], now - before)  # Table 1 rises are new recruits
            consumer_slots += [(community, day) for day in new]
    consumers = _people(
        "consumer", consumer_slots, CONSUMER_PROFILE, CONSUMER_AGE, rng, name, phone
    )

    # Caregivers: 7 peers' and 8 consumers' families, one caregiver each. The paper
    # interviewed all 15 in its December 2014 round of the first two communities, so they
    # are the families of the 7 peers there (the one who quit in 2015 included) and of 8
    # consumers in service there when the round began. Drawn last, so Tables 1-2 stay put.
    first_wave = {"tuanjiehu", "maizidian"}
    cared = [p for p in (*peers, quitter) if p.community in first_wave]
    candidates = [
        p for p in consumers if p.community in first_wave and p.enrolled_on <= CAREGIVERS_BY
    ]
    cared += [candidates[i] for i in sorted(rng.sample(range(len(candidates)), 8))]
    caregivers = []
    for k, patient in enumerate(cared, start=1):
        age = age_on(patient.date_of_birth, REFERENCE_DATE)
        if patient.marital_status == "married":  # spouses look after married patients
            relationship, sex = "spouse", "female" if patient.sex == "male" else "male"
            delta = k % 7 - 3
        elif age >= 50 and patient.marital_status in ("divorced", "widowed"):
            # parents of older patients are often gone; a grown-up child steps in
            relationship, sex, delta = "child", ("male", "female")[k % 2], -(22 + k * 5 % 11)
        elif age >= 50:  # never married and older: a brother or sister
            relationship, sex = "sibling", ("male", "female")[k % 2]
            delta = (2 + k % 4) * (1 if k % 3 else -1)  # 2-5 years older or younger
        else:  # younger patients: a parent, here more often the mother (an invented detail)
            relationship, sex, delta = "parent", "male" if k % 3 == 0 else "female", 22 + k * 5 % 11
        # Fathers, siblings and children of a father share the patient's surname.
        shares = (
            relationship == "sibling"
            or (relationship == "parent" and sex == "male")
            or (relationship == "child" and patient.sex == "male")
        )
        caregivers.append(
            DemoCaregiver(
                key=f"caregiver-{k:02d}",
                name=name(sex, patient.name[0] if shares else ""),
                sex=sex,
                date_of_birth=_born(age + delta, k + 50),
                phone=phone(),
                relationship=relationship,
                cares_for=patient.key,
            )
        )
    return [*peers, quitter] + consumers, caregivers
