"""Screening and consent in the demo programs (issue 10; MODEL.md "Eligibility", "Consent").

Nobody becomes a peer or a consumer without passing the gate (tongban/screening/gate.py),
so the demo gives everyone the records a real program would have, in the order they
would have been made, before the enrolment:

1. intake: a peer recommended by a community doctor; a consumer referred by one or come
   after seeing a poster (`Candidate`);
2. the psychiatrist's eligibility assessment, a few days to weeks before the enrolment,
   with findings that fit the person (their diagnosis, their age from the date of birth,
   months stable, for peers a PSP score of 55-80);
3. the informed consent (and for consumers the service and group activity agreement),
   signed between the assessment and the enrolment before a witness;
4. the research assistant's pre-service interview (needs across the eight content
   categories) after the consent and by the enrolment, so before any session.

Caregivers sign their agreement to be contacted for the follow-up evaluation (a consent
of kind caregiver_contact); the evaluation rounds list those who did.

`Screening` is a plan (no database); `carry` writes what of it is missing, through the
screening services, each step dated when it would have been done (living._dated).
Everything is found by a natural key first (the person's candidacy for the role in the
community, its current assessment, the person's current consent of a kind, their current
interview), so loading again adds nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from tongban.accounts.models import User
from tongban.registry.models import Community, Enrolment, EnrolmentStatusChange, Person, Program
from tongban.screening import services
from tongban.screening.models import (
    REQUIRED_CONSENTS,
    Answer,
    Assessment,
    Candidate,
    Consent,
    ConsentDocument,
    ConsentKind,
    Criteria,
    NeedsInterview,
    NeedsInterviewCategory,
    Source,
)

YES, NO, UNKNOWN = Answer.YES.value, Answer.NO.value, Answer.UNKNOWN.value

# Share of the respondents of a group (peers, consumers, caregivers) naming each category
# in the pre-service interview, largest first. Invented, but ordered as the paper's Fig. 2
# top three: "fine motor skill practice and exercise, daily life skills study and
# emotional support" (the paper summarised the interviews into these categories).
NEED_SHARES = {
    "fine_motor_exercise": 0.58,
    "daily_life_skills": 0.50,
    "emotional_support": 0.44,
    "social_skills": 0.36,
    "entertainment": 0.32,
    "healthy_lifestyle": 0.26,
    "knowledge": 0.24,
    "personal_perceptions": 0.20,
}
# What people said, in their own words (program data, in the program's language).
NEED_WORDS = {
    "fine_motor_exercise": ("想多活动活动身体，做做操、打打球。", "想练练手，做些拼图和手工。"),
    "daily_life_skills": ("想学做几个家常菜。", "想学会用手机微信和家人联系。"),
    "emotional_support": ("有时心里闷，想找人说说话。", "想多和家里人沟通。"),
    "social_skills": ("想学怎么和别人打交道。", "和人说话容易紧张，想多练练。"),
    "entertainment": ("喜欢唱歌，想和大家一起唱。", "想和大家一起看电影、聊聊天。"),
    "healthy_lifestyle": ("想了解怎样吃得健康、睡得好。", "想把烟戒了，多锻炼。"),
    "knowledge": ("想多了解自己的病和吃药的事。", "想知道怎么看出病要复发了。"),
    "personal_perceptions": ("想找回一点自信。", "想觉得自己还能做点事。"),
}
CAREGIVER_WORDS = {
    "fine_motor_exercise": "希望家里的病人多出门活动，别老在家坐着。",
    "daily_life_skills": "希望能学会自己做饭、收拾屋子。",
    "emotional_support": "家里人不知道怎么和病人沟通，希望有人帮帮忙。",
    "social_skills": "希望病人能多和别人来往。",
    "entertainment": "希望病人有些爱好，日子过得开心点。",
    "healthy_lifestyle": "希望病人作息规律，饮食健康。",
    "knowledge": "想了解病情复发的早期表现。",
    "personal_perceptions": "希望病人对自己有信心。",
}
PEER_REASONS = (
    "病情稳定多年，按时服药，在温馨家园常主动帮助其他病友。",
    "性格开朗，乐于助人，家属也支持参加同伴服务。",
    "康复得很好，愿意把自己的经验分享给其他病友。",
    "做事认真负责，社区活动中常帮忙组织。",
)
PRACTICAL_SKILLS = (
    "烹饪",
    "绘画",
    "书法",
    "手工编织",
    "唱歌",
    "剪纸",
    "电脑操作",
    "太极拳",
    "摄影",
    "养花种菜",
)
REFERRAL_REASONS = (
    "社区医生转介：出院后在家很少与人来往，希望参加小组活动。",
    "社区医生转介：病情稳定，家属希望多参加社区活动。",
    "社区医生转介：想学一些照顾自己生活的本领。",
)
POSTER_REASONS = ("看到社区宣传海报后自己来报名。", "家属看到宣传海报后陪同前来报名。")
HOSPITAL_RECORD = "朝阳区精神卫生保健院门诊病历"


@dataclass(frozen=True)
class Screening:
    """One candidacy from intake to enrolment. A date left None: that step is not reached
    (the living program's candidates stop at each stage)."""

    role: str  # "peer" | "consumer"
    community: str  # code
    source: str  # Source value
    recommended_on: date
    reason: str = ""
    practical_skills: str = ""
    assessed_on: date | None = None
    findings: dict = field(default_factory=dict)  # the assessment's fields (no age: judged)
    consented_on: date | None = None
    interviewed_on: date | None = None
    needs: tuple[str, ...] = ()
    needs_note: str = ""
    enrolled_on: date | None = None


# --- plans (no database) -------------------------------------------------------------------


def workday(day: date, *, lo: date | None = None, hi: date | None = None) -> date:
    """The day, or the nearest working day within [lo, hi]: the doctor's, the
    psychiatrist's and the research assistant's work is on weekdays (invented)."""
    if day.weekday() < 5:
        return day
    for candidate in (
        day - timedelta(days=day.weekday() - 4),
        day + timedelta(days=7 - day.weekday()),
    ):
        if (lo is None or candidate >= lo) and (hi is None or candidate <= hi):
            return candidate
    return day


def deal_needs(keys: list[str], rng: random.Random) -> dict[str, tuple[str, ...]]:
    """Categories for each respondent of a group, the counts exactly NEED_SHARES of the
    group: each category goes to those who have named fewest so far (ties drawn), so
    everyone names at least one and no one names all."""
    chosen: dict[str, list[str]] = {key: [] for key in keys}
    for category, share in NEED_SHARES.items():
        count = max(1, int(share * len(keys) + 0.5))
        ties = {key: rng.random() for key in keys}
        for key in sorted(keys, key=lambda k: (len(chosen[k]), ties[k]))[:count]:
            chosen[key].append(category)
    return {key: tuple(categories) for key, categories in chosen.items()}


def needs_note(needs: tuple[str, ...], respondent: str, k: int) -> str:
    """The first two needs in the person's words."""
    if respondent == "caregiver":
        return "".join(CAREGIVER_WORDS[c] for c in needs[:2])
    return "".join(NEED_WORDS[c][(k + i) % 2] for i, c in enumerate(needs[:2]))


def plan(
    *,
    key: str,
    role: str,
    community: str,
    clinic: str,
    diagnosis: str,
    enrolled_on: date,
    recruit_from: date,
    needs: tuple[str, ...],
    seed: int,
) -> Screening:
    """An enrolled person's screening: recommended 2-6 weeks before the enrolment (not
    before the community's recruitment began), assessed in the first third of that time,
    consented after, interviewed by the enrolment. Seeded by the key."""
    rng = random.Random(f"{seed}:{key}")
    k = sum(map(ord, key))
    if role == "peer":
        source = Source.DOCTOR_RECOMMENDATION.value
        reason = PEER_REASONS[k % len(PEER_REASONS)]
        skills = PRACTICAL_SKILLS[k % len(PRACTICAL_SKILLS)]
        gap = rng.randint(24, 42)
    else:
        source = (Source.POSTER if rng.random() < 0.55 else Source.DOCTOR_RECOMMENDATION).value
        reasons = POSTER_REASONS if source == Source.POSTER else REFERRAL_REASONS
        reason, skills = reasons[k % len(reasons)], ""
        gap = rng.randint(14, 35)
    recommended = workday(max(enrolled_on - timedelta(days=gap), recruit_from), hi=enrolled_on)
    span = (enrolled_on - recommended).days
    assessed = workday(
        recommended + timedelta(days=rng.randint(2, max(2, span // 3))),
        lo=recommended,
        hi=enrolled_on,
    )
    left = (enrolled_on - assessed).days
    consented = workday(
        assessed + timedelta(days=rng.randint(1, max(1, left // 2))), lo=assessed, hi=enrolled_on
    )
    interviewed = workday(
        consented + timedelta(days=rng.randint(0, (enrolled_on - consented).days)),
        lo=consented,
        hi=enrolled_on,
    )
    record = f"{clinic}病历" if source == Source.DOCTOR_RECOMMENDATION else HOSPITAL_RECORD
    findings = {
        "diagnosis": diagnosis,
        "medical_record": record,
        "adherence_patient": YES,
        "adherence_family": YES,
        "substance_abuse": NO,
        "severe_medical_illness": NO,
    }
    if role == "peer":
        findings |= {
            "stable_months": rng.randint(8, 60),
            "insight": YES,
            "psp_score": rng.randint(55, 80),
            "compassionate": True,
            "practical_skills": skills,
        }
    else:
        # Not required of consumers: insight is recorded as found.
        findings |= {"stable_months": rng.randint(4, 48), "insight": YES if k % 5 else NO}
    return Screening(
        role=role,
        community=community,
        source=source,
        recommended_on=recommended,
        reason=reason,
        practical_skills=skills,
        assessed_on=assessed,
        findings=findings,
        consented_on=consented,
        interviewed_on=interviewed,
        needs=needs,
        needs_note=needs_note(needs, role, k),
        enrolled_on=enrolled_on,
    )


def passing(diagnosis: str, medical_record: str, **changes) -> dict:
    """Findings that pass every criterion of the paper's, changed by `changes`."""
    return {
        "diagnosis": diagnosis,
        "medical_record": medical_record,
        "stable_months": 18,
        "adherence_patient": YES,
        "adherence_family": YES,
        "insight": YES,
        "substance_abuse": NO,
        "severe_medical_illness": NO,
        **changes,
    }


# --- writing -------------------------------------------------------------------------------


def documents(program: Program, effective_from: date) -> dict[str, list[ConsentDocument]]:
    """The paper's three consent documents (version 1, in use from `effective_from`) and
    criteria (version 1), made as the program was set up; kind -> versions, oldest first."""
    from .living import _dated, _moment

    with _dated(_moment(effective_from, time(9, 0)), program, ConsentDocument, Criteria):
        services.consent_documents_ensure(program=program, effective_from=effective_from)
        for role in REQUIRED_CONSENTS:
            if role != "caregiver":
                services.criteria_current(program=program, role=role)
    found: dict[str, list[ConsentDocument]] = {kind: [] for kind in ConsentKind.values}
    for document in ConsentDocument.objects.filter(program=program).order_by("version"):
        found[document.kind].append(document)
    return found


def _in_use(versions: list[ConsentDocument], on: date) -> ConsentDocument:
    """The version in use on the day signed (the newest in use by then)."""
    usable = [d for d in versions if d.effective_from <= on]
    return usable[-1] if usable else versions[0]


def _sign(
    *,
    program: Program,
    person: Person,
    kind: str,
    on: date,
    witness: str,
    by: User,
    docs: dict[str, list[ConsentDocument]],
    at: time,
) -> None:
    from .living import _dated, _moment

    if Consent.objects.current().filter(person=person, document__kind=kind).exists():
        return
    with _dated(_moment(on, at), program, Consent, Candidate):
        services.consent_record(
            person=person, document=_in_use(docs[kind], on), signed_on=on, witness=witness, by=by
        )


def caregiver_agrees(
    *,
    program: Program,
    caregiver: Person,
    on: date,
    witness: str,
    by: User,
    docs: dict[str, list[ConsentDocument]],
) -> None:
    """The caregiver's agreement to be contacted for follow-up evaluation, signed `on`."""
    _sign(
        program=program,
        person=caregiver,
        kind=ConsentKind.CAREGIVER_CONTACT,
        on=on,
        witness=witness,
        by=by,
        docs=docs,
        at=time(11, 0),
    )


def interview(
    *,
    program: Program,
    person: Person,
    community: Community,
    respondent: str,
    on: date,
    needs: tuple[str, ...],
    note: str,
    by: User,
) -> None:
    """The pre-service interview, unless the person has one for this role already."""
    from .living import _dated, _moment

    if NeedsInterview.objects.current().filter(person=person, respondent=respondent).exists():
        return
    with _dated(_moment(on, time(14, 0)), program, NeedsInterview, NeedsInterviewCategory):
        services.needs_interview_record(
            person=person,
            community=community,
            respondent=respondent,
            interviewed_on=on,
            by=by,
            categories=list(needs),
            note=note,
        )


def carry(
    *,
    program: Program,
    person: Person,
    community: Community,
    screening: Screening,
    staff: dict[str, User],
    docs: dict[str, list[ConsentDocument]],
    witness: str,
) -> tuple[Enrolment | None, bool]:
    """Write what of `screening` is missing; return the enrolment (None if the plan stops
    before it) and whether it was made now (so the caller adds its status changes once).

    A person enrolled in a demo loaded before screening existed (their enrolment marked
    before_screening by the migration, no candidacy) is left as they are: that is what
    they were.
    """
    from .living import _dated, _moment

    role = screening.role
    enrolment = (
        Enrolment.objects.current().filter(person=person, community=community, role=role).first()
    )
    candidate = (
        Candidate.objects.filter(person=person, community=community, role=role)
        .order_by("pk")
        .first()
    )
    if candidate is None and enrolment is not None:
        return enrolment, False
    doctor, research = staff["doctor"], staff["research"]
    by_doctor = screening.source == Source.DOCTOR_RECOMMENDATION
    if candidate is None:
        with _dated(_moment(screening.recommended_on, time(10, 0)), program, Candidate):
            candidate = services.candidate_create(
                person=person,
                community=community,
                role=role,
                source=screening.source,
                recommended_on=screening.recommended_on,
                by=doctor if by_doctor else research,
                recommended_by=doctor if by_doctor else None,
                reason=screening.reason,
                practical_skills=screening.practical_skills,
            )
    if screening.assessed_on is not None and not candidate.assessments.current().exists():
        stamped = (Assessment, Candidate, Criteria)
        with _dated(_moment(screening.assessed_on, time(15, 30)), program, *stamped):
            services.assessment_record(
                candidate=candidate,
                by=staff["psychiatrist"],
                assessed_on=screening.assessed_on,
                fields=screening.findings,
            )
    if screening.consented_on is not None:
        for kind in REQUIRED_CONSENTS[role]:
            _sign(
                program=program,
                person=person,
                kind=kind,
                on=screening.consented_on,
                witness=witness,
                by=research,
                docs=docs,
                at=time(10, 30),
            )
    if screening.interviewed_on is not None:
        interview(
            program=program,
            person=person,
            community=community,
            respondent=role,
            on=screening.interviewed_on,
            needs=screening.needs,
            note=screening.needs_note,
            by=research,
        )
    if screening.enrolled_on is None or enrolment is not None:
        return enrolment, False
    stamped = (Enrolment, EnrolmentStatusChange, Candidate)
    # Late in the day: after the consents and the interview of the same day, if any.
    with _dated(_moment(screening.enrolled_on, time(16, 30)), program, *stamped):
        enrolment = services.candidate_enrol(
            candidate=candidate, started_on=screening.enrolled_on, by=research
        )
    return enrolment, True


@dataclass(frozen=True)
class NewCandidate:
    """A candidate who is not (yet) enrolled: the person's fields and how far they got."""

    key: str
    fields: dict
    screening: Screening


def _needs_for(groups: dict[str, list[str]], seed: int) -> dict[str, tuple[str, ...]]:
    """Each group's (peers, consumers, caregivers) needs, dealt in key order."""
    rng = random.Random(seed)
    needs: dict[str, tuple[str, ...]] = {}
    for _group, keys in sorted(groups.items()):
        needs |= deal_needs(sorted(keys), rng)
    return needs


# --- the paper's program -------------------------------------------------------------------

PAPER_SEED = 2013
# The ethics committee's approval (invented date): the consent documents and the criteria
# are in use from then, before the first peers were recommended.
PAPER_DOCUMENTS_FROM = date(2013, 4, 1)
# Recruitment began (invented): peers some weeks before their pre-service training (June
# 2013, June 2015); consumers once the peers were trained and the posters went up.
PAPER_RECRUIT_FROM = {
    ("peer", "tuanjiehu"): date(2013, 4, 8),
    ("peer", "maizidian"): date(2013, 4, 8),
    ("peer", "xiangheyuan"): date(2015, 4, 1),
    ("peer", "jinsong"): date(2015, 4, 1),
    ("consumer", "tuanjiehu"): date(2013, 6, 17),
    ("consumer", "maizidian"): date(2013, 6, 17),
    ("consumer", "xiangheyuan"): date(2015, 6, 22),
    ("consumer", "jinsong"): date(2015, 6, 22),
}
# Who witnessed the signatures: the community doctor (Tuanjiehu's is the `doctor` account;
# the others are invented names).
WITNESSES = {
    "tuanjiehu": "张志刚",
    "maizidian": "王海燕",
    "xiangheyuan": "李春梅",
    "jinsong": "杜建新",
    "hepingjie": "张志刚",
    "balizhuang": "高秀琴",
}


def clinic(community_name: str) -> str:
    return f"{community_name}社区卫生服务中心"


def paper_plans(
    people: list, caregivers: list, names: dict[str, str]
) -> tuple[dict[str, Screening], dict[str, tuple[str, ...]]]:
    """Every peer's and consumer's screening (key -> plan), and the caregivers' needs.
    `people`, `caregivers`: population.demo_population(); `names`: community code ->
    Chinese name."""
    groups = {
        "peer": [p.key for p in people if p.role == "peer"],
        "consumer": [p.key for p in people if p.role == "consumer"],
        "caregiver": [c.key for c in caregivers],
    }
    needs = _needs_for(groups, PAPER_SEED)
    plans = {
        p.key: plan(
            key=p.key,
            role=p.role,
            community=p.community,
            clinic=clinic(names[p.community]),
            diagnosis=p.diagnosis,
            enrolled_on=p.enrolled_on,
            recruit_from=PAPER_RECRUIT_FROM[p.role, p.community],
            needs=needs[p.key],
            seed=PAPER_SEED,
        )
        for p in people
    }
    return plans, {c.key: needs[c.key] for c in caregivers}


def paper_screened_out(names: dict[str, str]) -> list[NewCandidate]:
    """The issue's four: each fails one criterion of the paper's, so the reason is that
    one. Never enrolled, so the paper's tables do not count them."""

    def person(name, sex, born, education, marital, diagnosis, phone) -> dict:
        return {
            "name": name,
            "sex": sex,
            "date_of_birth": born,
            "education": education,
            "marital_status": marital,
            "working_status": "not_working",
            "diagnosis": diagnosis,
            "phone": phone,
        }

    tuanjiehu = clinic(names["tuanjiehu"]) + "病历"
    return [
        NewCandidate(
            "candidate-psp-45",
            person(
                "钟晓梅",
                "female",
                date(1982, 8, 9),
                "senior_high",
                "single",
                "bipolar",
                "13911270384",
            ),
            Screening(
                role="peer",
                community="tuanjiehu",
                source=Source.DOCTOR_RECOMMENDATION,
                recommended_on=date(2013, 4, 15),
                reason="病情稳定两年多，愿意帮助别人。",
                practical_skills="绘画",
                assessed_on=date(2013, 4, 24),
                findings=passing(
                    "bipolar",
                    tuanjiehu,
                    stable_months=27,
                    psp_score=45,
                    compassionate=True,
                    practical_skills="绘画",
                    note="社会功能还需恢复，建议先作为服务对象参加活动。",
                ),
            ),
        ),
        NewCandidate(
            "candidate-age-63",
            person(
                "白凤兰",
                "female",
                date(1950, 2, 14),
                "junior_high",
                "widowed",
                "schizophrenia",
                "13520948176",
            ),
            Screening(
                role="consumer",
                community="maizidian",
                source=Source.POSTER,
                recommended_on=date(2013, 9, 9),
                reason=POSTER_REASONS[0],
                assessed_on=date(2013, 9, 16),
                findings=passing("schizophrenia", HOSPITAL_RECORD, stable_months=40),
            ),
        ),
        NewCandidate(
            "candidate-stable-2",
            person(
                "石建新",
                "male",
                date(1978, 5, 20),
                "senior_high",
                "single",
                "schizophrenia",
                "18601395527",
            ),
            Screening(
                role="consumer",
                community="tuanjiehu",
                source=Source.DOCTOR_RECOMMENDATION,
                recommended_on=date(2014, 3, 10),
                reason="社区医生转介：两个月前出院，家属希望尽早参加活动。",
                assessed_on=date(2014, 3, 17),
                findings=passing(
                    "schizophrenia",
                    tuanjiehu,
                    stable_months=2,
                    note="出院刚两个月，建议病情稳定满三个月后再来评估。",
                ),
            ),
        ),
        NewCandidate(
            "candidate-alcohol",
            person(
                "崔德海",
                "male",
                date(1969, 11, 3),
                "junior_high",
                "divorced",
                "schizophrenia",
                "13701466239",
            ),
            Screening(
                role="consumer",
                community="xiangheyuan",
                source=Source.POSTER,
                recommended_on=date(2015, 9, 7),
                reason=POSTER_REASONS[1],
                assessed_on=date(2015, 9, 14),
                findings=passing(
                    "schizophrenia",
                    HOSPITAL_RECORD,
                    stable_months=10,
                    substance_abuse=YES,
                    note="每天喝白酒，家属说近一个月醉过好几次。建议先到门诊戒酒治疗。",
                ),
            ),
        ),
    ]


# --- the living program --------------------------------------------------------------------

LIVING_SEED = 2027
# Days relative to the first-load day: the documents and criteria in use (before the peers
# were recommended), and recruitment of consumers (once the peers' training had begun).
LIVING_DOCUMENTS_FROM = -215
LIVING_CONSUMERS_FROM = -168


def living_candidates(t0: date, born: Callable[[date], date]) -> list[NewCandidate]:
    """One candidate at each stage short of enrolment on the first-load day `t0`; `born`
    shifts a date of birth as the living program's people are (living._born)."""

    def day(offset: int) -> date:
        return workday(t0 + timedelta(days=offset), hi=t0 - timedelta(days=1))

    def person(name, sex, birthday, education, marital, diagnosis, phone) -> dict:
        return {
            "name": name,
            "sex": sex,
            "date_of_birth": born(birthday),
            "education": education,
            "marital_status": marital,
            "working_status": "not_working",
            "diagnosis": diagnosis,
            "phone": phone,
        }

    balizhuang = clinic("八里庄") + "病历"
    return [
        # Waits for the psychiatrist today (booked when the doctor referred her).
        NewCandidate(
            "h-candidate-1",
            person(
                "潘红霞",
                "female",
                date(1981, 7, 22),
                "senior_high",
                "married",
                "schizophrenia",
                "13810257736",
            ),
            Screening(
                role="consumer",
                community="hepingjie",
                source=Source.DOCTOR_RECOMMENDATION,
                recommended_on=day(-3),
                reason=(
                    "社区医生转介：半年前出院，在家很少出门，家属希望她参加小组活动。"
                    f"已约 {t0.month} 月 {t0.day} 日上午到社区卫生服务中心请精神科医生评估。"
                ),
            ),
        ),
        # Assessed; the family's report on medication is awaited.
        NewCandidate(
            "b-candidate-1",
            person(
                "彭俊峰",
                "male",
                date(1983, 10, 5),
                "junior_college",
                "single",
                "schizophrenia",
                "13911593047",
            ),
            Screening(
                role="peer",
                community="balizhuang",
                source=Source.DOCTOR_RECOMMENDATION,
                recommended_on=day(-20),
                reason="八里庄只剩一位同伴。病情稳定，常在温馨家园帮忙。",
                practical_skills="烹饪",
                assessed_on=day(-8),
                findings=passing(
                    "schizophrenia",
                    balizhuang,
                    stable_months=30,
                    adherence_family=UNKNOWN,
                    psp_score=66,
                    compassionate=True,
                    practical_skills="烹饪",
                    note="家属近期在外地，约好下周电话了解服药情况后补全。",
                ),
            ),
        ),
        # Eligible; has not signed yet.
        NewCandidate(
            "h-candidate-2",
            person(
                "钱淑英",
                "female",
                date(1971, 4, 18),
                "junior_high",
                "divorced",
                "bipolar",
                "15011742398",
            ),
            Screening(
                role="consumer",
                community="hepingjie",
                source=Source.POSTER,
                recommended_on=day(-12),
                reason=POSTER_REASONS[0],
                assessed_on=day(-6),
                findings=passing("bipolar", HOSPITAL_RECORD, stable_months=14),
            ),
        ),
        # Signed, interviewed; starts at the next session.
        NewCandidate(
            "b-candidate-2",
            person(
                "蒋明辉",
                "male",
                date(1976, 1, 30),
                "senior_high",
                "single",
                "schizophrenia",
                "18611830562",
            ),
            Screening(
                role="consumer",
                community="balizhuang",
                source=Source.DOCTOR_RECOMMENDATION,
                recommended_on=day(-18),
                reason=REFERRAL_REASONS[0],
                assessed_on=day(-11),
                findings=passing("schizophrenia", balizhuang, stable_months=9),
                consented_on=day(-4),
                interviewed_on=day(-2),
            ),
        ),
        # Screened out: not stable long enough for a peer (to be assessed again later).
        NewCandidate(
            "b-candidate-3",
            person(
                "邓志远",
                "male",
                date(1988, 9, 12),
                "undergraduate",
                "single",
                "bipolar",
                "13522064815",
            ),
            Screening(
                role="peer",
                community="balizhuang",
                source=Source.DOCTOR_RECOMMENDATION,
                recommended_on=day(-40),
                reason="原同伴退出后推荐。大学毕业，表达能力好。",
                practical_skills="电脑操作",
                assessed_on=day(-33),
                findings=passing(
                    "bipolar",
                    balizhuang,
                    stable_months=4,
                    psp_score=72,
                    compassionate=True,
                    practical_skills="电脑操作",
                    note="建议病情稳定满 6 个月后再评估。",
                ),
            ),
        ),
    ]


def living_plans(
    t0: date, people: list, caregivers: list, candidates: list[NewCandidate]
) -> tuple[dict[str, Screening], dict[str, tuple[str, ...]]]:
    """The screening of the living program's peers, consumers and candidates (key ->
    plan), and the caregivers' needs. The candidate already interviewed takes part in the
    consumers' deal of needs."""
    interviewed = [c.key for c in candidates if c.screening.interviewed_on is not None]
    groups = {
        "peer": [p.key for p in people if p.role == "peer"],
        "consumer": [p.key for p in people if p.role == "consumer"] + interviewed,
        "caregiver": [c.key for c in caregivers],
    }
    needs = _needs_for(groups, LIVING_SEED)
    names = {"hepingjie": "和平街", "balizhuang": "八里庄"}
    plans = {}
    for p in people:
        # Peers from when the documents were in use; consumers once the posters went up.
        floor = LIVING_DOCUMENTS_FROM if p.role == "peer" else LIVING_CONSUMERS_FROM
        plans[p.key] = plan(
            key=p.key,
            role=p.role,
            community=p.community,
            clinic=clinic(names[p.community]),
            diagnosis=p.diagnosis,
            enrolled_on=t0 + timedelta(days=p.enrolled),
            recruit_from=t0 + timedelta(days=floor),
            needs=needs[p.key],
            seed=LIVING_SEED,
        )
    for k, candidate in enumerate(candidates):
        screening = candidate.screening
        if candidate.key in needs:
            found = needs[candidate.key]
            screening = replace(
                screening, needs=found, needs_note=needs_note(found, screening.role, k)
            )
        plans[candidate.key] = screening
    return plans, {c.key: needs[c.key] for c in caregivers}
