"""Supervision of the peers in the demo programs (MODEL.md, "Supervision"; the paper's "Peer
training and supervision" and Discussion).

The paper's program (2013-2016):
- the model's phases (`support_phases_ensure`): from July 2013 guidance before and after
  each session by the community doctors and psychologists, from July 2014 as-needed
  supervision and group supervision every six weeks;
- guidance notes on the first sessions of Tuanjiehu and Maizidian (year one);
- group supervision every 42 days from 1 July 2014 to June 2016, held, with the issues the
  paper names (instruction at first, later the peers' feelings, bored consumers, doubts
  about the peer role) and agreed actions, done;
- social workers from March 2016 (the `socialworker` account, in Xiangheyuan and Jinsong);
- a few as-needed requests, answered; wellbeing check-ins in 2015, among them the
  Tuanjiehu peer who quit over too much pressure (worrying answers, a break asked for).

The living program: its first phase ended about eleven weeks in; since then group
supervision every 42 days, timed so that a meeting is proposed (not confirmed yet) in the
days after the first-load day; an agreed action still open, due soon; an urgent request
asked at load time, unanswered; check-ins every two weeks, one peer overdue.

Idempotent: each kind of record is found by a natural key (a meeting by its proposed date,
a note by its session, a request by peer and topic, a check-in by peer and day) before it is
written. The paper's history is written in bulk with its audit trail dated when the forms
would have been filled in (no service for it: the rows keep the services' rules); the living
program's meetings and actions go through tongban.supervision.meeting_services, and the
request asked on the first-load day through request_services (the doctor is notified).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import User
from tongban.activities.models import ActivityPlan
from tongban.registry.models import Community, Person, Program
from tongban.supervision import meeting_services, request_services
from tongban.supervision.models import (
    BreakRequest,
    GuidanceNote,
    IssueCategory,
    SocialWorkerAssignment,
    SupervisionAction,
    SupervisionIssue,
    SupervisionMeeting,
    SupervisionRequest,
    SupportPhase,
    SupportSettings,
    WellbeingAlert,
    WellbeingCheckIn,
)
from tongban.supervision.phases import group_dates, support_phases_ensure

from .population import DemoPerson, status_on
from .sessions import _is_holiday
from .training import aware, bulk_dated

SEED = 2014
C = IssueCategory
FIRST_MEETING, LAST_DAY = date(2014, 7, 1), date(2016, 6, 30)
EVERY = 42
SOCIAL_WORKERS_FROM = date(2016, 3, 1)
PLACE = "朝阳区精神卫生保健院会议室"
GUIDED_SESSIONS = 10  # year one: notes on each first-year community's first sessions

# Issues raised, by stage of the program (the paper: basic instruction at first, then the
# peers' difficulties and feelings: service goals missed, consumers bored or not listening;
# doubts about the peer role, above all in the new communities).
STAGES = [
    # (from, issues (category, text), actions (owner username, text))
    (
        FIRST_MEETING,
        [
            (C.TOPICS, "同伴反映自己想不出新的活动主题，希望督导组提供一份主题清单。"),
            (C.TOPICS, "准备“识别复发早期信号”这类知识性主题时，同伴担心讲不清楚专业内容。"),
            (C.RUNNING, "热身环节用时太长，主体活动没有做完；讨论三个部分的时间怎么分配。"),
            (C.RUNNING, "两位同伴分工不清：带领的同伴一个人讲，协助的同伴插不上手。"),
            (C.RUNNING, "活动计划表和过程记录表填写不完整，复习填写要求和交表时间。"),
            (C.ENGAGEMENT, "小组里有人一直说、有人一直不说话，同伴不知道怎么照顾到每个人。"),
            (C.SAFETY, "外出锻炼时怎样注意安全：提前看场地、带水，身体不适的人可以旁观。"),
        ],
        [
            ("psychologist", "按八类内容整理一份活动主题清单，发给各社区的同伴。"),
            ("psychiatrist", "准备一份复发早期信号的讲解材料，供同伴在活动中使用。"),
            ("peer1", "下次活动试用新的热身游戏，在下次督导会上分享效果。"),
        ],
    ),
    (
        date(2015, 1, 1),
        [
            (C.FEELINGS, "团结湖暂时没有活动场地，同伴担心服务对象流失，心里着急。"),
            (C.FEELINGS, "同伴没有达到自己定的目标（来的人少），感到沮丧，怀疑自己的能力。"),
            (C.FEELINGS, "同伴说准备活动占用很多时间，感到压力大、睡不好。"),
            (C.FEELINGS, "麦子店一位同伴请假照顾母亲，另一位同伴一个人带活动，感到很累。"),
            (C.ENGAGEMENT, "有的服务对象活动中看手机、打瞌睡，显得很无聊，同伴觉得很受挫。"),
            (C.ENGAGEMENT, "服务对象不认真听讲，同伴讲完没有人回应；讨论多用提问和分组练习。"),
            (C.ROLE, "服务对象私下找同伴借钱、要求单独帮忙，讨论同伴和服务对象之间的界限。"),
        ],
        [
            ("doctor", "和团结湖同伴一起联系社区卫生服务中心，商量借用活动室。"),
            ("psychologist", "给感到压力大的同伴安排一次单独谈话。"),
            ("psychologist", "麦子店同伴请假期间，安排团结湖同伴轮流去协助。"),
        ],
    ),
    (
        date(2015, 8, 1),
        [
            (C.ROLE, "新同伴担心：自己也是病人，其他服务对象会不会信任、听自己的。"),
            (C.ROLE, "同伴不愿在活动中讲自己的患病经历，担心被歧视；讨论分享多少、怎么分享。"),
            (
                C.TOPICS,
                "香河园、劲松的新同伴刚开始带活动，先从烹饪、书法、看电影等熟悉的主题做起。",
            ),
            (C.RUNNING, "老同伴介绍带领活动的经验：提前一天准备材料，活动后两人一起总结。"),
            (C.ENGAGEMENT, "几位服务对象来了两三次就不来了，讨论怎样了解原因、邀请他们回来。"),
            (C.FEELINGS, "团结湖在新场地恢复活动，同伴既高兴又紧张，担心人来得少。"),
        ],
        [
            ("peer1", "把团结湖的活动主题和材料清单整理好，分享给新社区的同伴。"),
            ("psychologist", "为新社区的同伴安排一次带领活动的示范。"),
        ],
    ),
    (
        date(2016, 1, 1),
        [
            (C.ROLE, "社工加入后，同伴、社工和社区医生在活动前后怎样分工。"),
            (C.ROLE, "社区医生说不清楚自己该在多大程度上参与同伴的活动。"),
            (C.FEELINGS, "同伴说带活动一年多，越来越有信心，但偶尔还是担心做不好。"),
            (C.ENGAGEMENT, "同一个主题做了几次，服务对象觉得没意思；讨论怎样变换形式。"),
            (C.SAFETY, "活动中一位服务对象情绪激动，复习紧急情况的处理流程和联系社区医生的方式。"),
        ],
        [
            ("manager", "和社工商量活动前后协助的安排，写成一页纸发给大家。"),
            ("doctor", "把紧急情况联系电话表更新后贴在活动室。"),
        ],
    ),
]
CATEGORY_WORDS = {
    C.TOPICS: "选择和准备主题",
    C.RUNNING: "带领活动",
    C.ENGAGEMENT: "服务对象的参与",
    C.FEELINGS: "同伴的困难和感受",
    C.ROLE: "同伴的角色和界限",
    C.SAFETY: "安全",
}
DONE_NOTES = ("已完成。", "已完成，在督导会上做了说明。", "已完成，同伴反馈有帮助。")


@dataclass(frozen=True)
class ActionPlan:
    owner: str  # username
    text: str
    due_on: date
    done_on: date | None
    done_note: str = ""


@dataclass(frozen=True)
class MeetingPlan:
    proposed_on: date
    held_on: date
    communities: tuple[str, ...]
    staff: tuple[str, ...]  # usernames
    peers: tuple[str, ...]  # keys of the demo people
    summary: str
    issues: tuple[tuple[str, str], ...]
    actions: tuple[ActionPlan, ...]


def meeting_days(since: date, until: date, every: int = EVERY) -> list[date]:
    days, day = [], since
    while day <= until:
        days.append(day)
        day += timedelta(days=every)
    return days


def _next_working_day(day: date) -> date:
    while day.weekday() >= 5 or _is_holiday(day):
        day += timedelta(days=1)
    return day


def _stage(day: date):
    return [stage for stage in STAGES if stage[0] <= day][-1]


def summary_text(peers: int, staff: int, issues) -> str:
    topics = "、".join(dict.fromkeys(CATEGORY_WORDS[category] for category, _text in issues))
    return f"同伴 {peers} 人、工作人员 {staff} 人参加。主要讨论{topics}。"


def paper_meetings(people: list[DemoPerson], starts: dict[str, date]) -> list[MeetingPlan]:
    """The paper's group supervision meetings, every 42 days from 1 July 2014 (a day of a
    holiday moved to the next working day); the same on every call."""
    rng = random.Random(SEED)
    plans = []
    for k, proposed in enumerate(meeting_days(FIRST_MEETING, LAST_DAY)):
        held = _next_working_day(proposed)
        codes = tuple(code for code, started in starts.items() if started <= held)
        staff = ("psychiatrist", "psychologist", "doctor")
        if held >= SOCIAL_WORKERS_FROM:
            staff += ("socialworker",)
        peers = [
            p.key
            for p in people
            if p.role == "peer"
            and p.community in codes
            and p.enrolled_on <= held
            and status_on(p, held) == "active"
        ]
        if k % 3 == 1 and len(peers) > 3:  # someone could not come
            peers.remove(rng.choice(peers))
        _from, pool, action_pool = _stage(held)
        issues = tuple(rng.sample(pool, rng.choice((1, 2, 2, 3))))
        actions = ()
        if k % 2 == 0:
            owner, text = action_pool[(k // 2) % len(action_pool)]
            due = held + timedelta(days=rng.choice((14, 21, 28)))
            actions = (
                ActionPlan(
                    owner,
                    text,
                    due,
                    due - timedelta(days=rng.randint(2, 8)),
                    rng.choice(DONE_NOTES),
                ),
            )
        plans.append(
            MeetingPlan(
                proposed,
                held,
                codes,
                staff,
                tuple(peers),
                summary_text(len(peers), len(staff), issues),
                issues,
                actions,
            )
        )
    return plans


GUIDANCE_BEFORE = (
    "活动前和两位同伴一起过了一遍“{theme}”的流程，提醒热身不要超过十五分钟。",
    "活动前检查了材料是否准备齐全，商量好由谁讲解、谁协助记录。",
    "活动前提醒同伴：先请大家自我介绍，对不爱说话的服务对象多鼓励，不要勉强。",
    "活动前和同伴确认了紧急情况时联系社区医生的电话和分工。",
)
GUIDANCE_AFTER = (
    "活动后点评：“{theme}”整体顺利，时间控制得好；下次可以多请服务对象动手。",
    "活动后和同伴一起回顾：讲解部分有点快，建议多停下来提问。",
    "活动后同伴说有点紧张，肯定了他们的准备，建议下次两人轮流带领。",
    "活动后一起补全了过程记录表，讲解了反馈一栏怎么填。",
)


@dataclass(frozen=True)
class RequestPlan:
    peer: str  # key of the demo person
    community: str
    account: str  # the peer's account (asks)
    answerer: str  # username
    asked_at: datetime  # local
    urgency: str
    topic: str
    details: str
    answer: str = ""
    answered_how: str = ""
    answered_after: timedelta | None = None


URGENT, ROUTINE = SupervisionRequest.Urgency.URGENT.value, SupervisionRequest.Urgency.ROUTINE.value
PAPER_REQUESTS = [
    RequestPlan(
        "peer-01",
        "tuanjiehu",
        "peer1",
        "doctor",
        datetime(2014, 9, 15, 19, 20),
        ROUTINE,
        "服务对象活动中总看手机",
        "最近两次活动，有两位服务对象一直低头看手机，说了也不听。该怎么提醒才不伤面子？",
        "可以在开始时和大家一起定规矩，手机调静音放在桌上；活动中多请他们动手、回答问题。",
        "phone",
        timedelta(hours=15),
    ),
    RequestPlan(
        "peer-01",
        "tuanjiehu",
        "peer1",
        "doctor",
        datetime(2014, 12, 8, 16, 40),
        URGENT,
        "服务对象说最近睡不着",
        "活动后一位服务对象悄悄说这一周几乎睡不着，心里很乱。我没有告诉别人，想问医生怎么办。",
        "做得对，这类情况要告诉医生。我今天下午给他家里打电话，明天请他来复诊。",
        "in_person",
        timedelta(hours=1, minutes=30),
    ),
    RequestPlan(
        "peer-01",
        "tuanjiehu",
        "peer1",
        "doctor",
        datetime(2015, 10, 9, 10, 5),
        ROUTINE,
        "新场地的活动时间",
        "下周在社区卫生服务中心恢复活动，下午两点医生们还在看病，活动室能用到几点？",
        "活动室下午两点到五点都可以用，我已经和中心说好，每周一下午留给你们。",
        "phone",
        timedelta(days=1, hours=2),
    ),
    RequestPlan(
        "peer-07",
        "xiangheyuan",
        "peer2",
        "psychiatrist",
        datetime(2016, 4, 12, 20, 15),
        ROUTINE,
        "服务对象总是迟到早退",
        "香河园有几位服务对象每次都迟到半小时，有的坐一会儿就走，其他人也受影响。",
        "先私下问问原因，可能是吃药后上午起不来；可以把活动改到下午，开始前十分钟先放音乐。",
        "written",
        timedelta(days=1, hours=14),
    ),
]

# Wellbeing check-ins in 2015 (entered by the peer's account, or by the psychologist from
# the paper form): (peer, day, workload, stress, confidence, wants a break, text).
PAPER_CHECKINS = [
    ("peer-13", date(2015, 1, 5), 3, 3, 3, False, ""),
    ("peer-13", date(2015, 1, 19), 4, 4, 3, False, "场地没了，担心服务对象不来了。"),
    ("peer-13", date(2015, 2, 2), 4, 4, 2, False, "晚上睡不好，总想着活动的事。"),
    ("peer-13", date(2015, 2, 16), 4, 5, 2, False, "觉得自己做不好，压力很大。"),
    ("peer-13", date(2015, 3, 2), 5, 5, 1, True, "想休息一段时间，不知道还能不能坚持。"),
    ("peer-01", date(2015, 1, 12), 2, 2, 4, False, ""),
    ("peer-01", date(2015, 1, 26), 2, 3, 4, False, "没有场地，活动停了，有点着急。"),
    ("peer-01", date(2015, 3, 9), 2, 2, 4, False, ""),
    ("peer-01", date(2015, 3, 23), 3, 3, 3, False, "孙淑珍退出了，心里不好受。"),
    ("peer-01", date(2015, 4, 20), 2, 2, 4, False, ""),
    ("peer-04", date(2015, 2, 27), 4, 3, 3, False, "高伟请假了，现在我一个人带活动。"),
    ("peer-04", date(2015, 3, 13), 4, 4, 3, False, "每周两次活动，一个人准备很累。"),
    ("peer-04", date(2015, 3, 27), 4, 3, 4, False, "团结湖的同伴来帮忙了，好一些。"),
    ("peer-04", date(2015, 4, 24), 3, 3, 4, False, ""),
]
PAPER_BREAK = (
    "peer-13",
    date(2015, 3, 3),  # asked
    date(2015, 3, 9),  # from
    "压力太大，想先休息一个月。",
    date(2015, 3, 13),  # withdrawn: she decided to stop
)


@transaction.atomic
def load_paper(
    *,
    program: Program,
    communities: dict[str, Community],
    persons: dict[str, Person],
    people: list[DemoPerson],
    users: dict[str, User],
) -> None:
    """The paper's program's supervision; what is already there is kept."""
    support_phases_ensure(program=program)
    for code in ("xiangheyuan", "jinsong"):
        if not SocialWorkerAssignment.objects.filter(
            community=communities[code], user=users["socialworker"]
        ).exists():
            meeting_services.social_worker_assign(
                program=program,
                community=communities[code],
                user=users["socialworker"],
                starts_on=SOCIAL_WORKERS_FROM,
                by=users["manager"],
            )
    starts = {code: community.started_on for code, community in communities.items()}
    _meetings(program, paper_meetings(people, starts), communities, persons, users)
    _guidance(
        [communities["tuanjiehu"], communities["maizidian"]],
        until=date(2014, 6, 30),
        count=GUIDANCE_PER_COMMUNITY,
        givers={
            "tuanjiehu": (users["doctor"], users["psychologist"]),
            "maizidian": (users["psychologist"], users["psychologist"]),
        },
    )
    _requests(PAPER_REQUESTS, communities, persons, users)
    _checkins(
        PAPER_CHECKINS,
        {p.key: p.community for p in people},
        communities,
        persons,
        users,
        accounts={"peer-01": "peer1"},
        seen_by=users["psychologist"],
    )
    key, asked_on, starts_on, reason, withdrawn_on = PAPER_BREAK
    peer, psychologist = persons[key], users["psychologist"]
    if not BreakRequest.objects.filter(peer=peer, starts_on=starts_on).exists():
        # Asked on the phone and entered by the psychologist; she decided to stop instead.
        request = BreakRequest(
            peer=peer,
            community=communities["tuanjiehu"],
            starts_on=starts_on,
            reason=reason,
            asked_by=psychologist,
        )
        bulk_dated(
            BreakRequest, [request], [aware(asked_on, time(11))], [psychologist], ("asked_at",)
        )
        request.status = BreakRequest.Status.WITHDRAWN
        request._history_date = aware(withdrawn_on, time(15))
        request._history_user = psychologist
        request.save(update_fields=["status"])


GUIDANCE_PER_COMMUNITY = GUIDED_SESSIONS


def _meetings(
    program: Program,
    plans: list[MeetingPlan],
    communities: dict[str, Community],
    persons: dict[str, Person],
    users: dict[str, User],
) -> None:
    """Held meetings of `plans` not found by their proposed date, in bulk."""
    from .sessions import _m2m_with_history

    done = set(
        SupervisionMeeting.objects.filter(program=program).values_list("proposed_on", flat=True)
    )
    todo = [plan for plan in plans if plan.proposed_on not in done]
    if not todo:
        return
    recorder = users["psychologist"]
    meetings = [
        SupervisionMeeting(
            program=program,
            proposed_on=plan.proposed_on,
            held_on=plan.held_on,
            starts_at=time(14, 0),
            place=PLACE,
            status=SupervisionMeeting.Status.HELD,
            summary=plan.summary,
            recorded_by=recorder,
        )
        for plan in todo
    ]
    recorded = [aware(plan.held_on, time(17, 30)) for plan in todo]
    histories = bulk_dated(SupervisionMeeting, meetings, recorded, [recorder] * len(todo))
    for name, targets in (
        ("communities", [[communities[c].pk for c in plan.communities] for plan in todo]),
        ("staff_present", [[users[u].pk for u in plan.staff] for plan in todo]),
        ("peers_present", [[persons[k].pk for k in plan.peers] for plan in todo]),
    ):
        _m2m_with_history(SupervisionMeeting, name, meetings, histories, targets)
    issues, stamps = [], []
    for meeting, plan, at in zip(meetings, todo, recorded, strict=True):
        for category, text in plan.issues:
            issues.append(SupervisionIssue(meeting=meeting, category=category, text=text))
            stamps.append(at)
    bulk_dated(SupervisionIssue, issues, stamps, [recorder] * len(issues), fields=())
    actions, rows = [], []
    for meeting, plan, at in zip(meetings, todo, recorded, strict=True):
        for row in plan.actions:
            owner = users[row.owner]
            actions.append(
                SupervisionAction(
                    meeting=meeting,
                    text=row.text,
                    owner=owner,
                    due_on=row.due_on,
                    created_by=recorder,
                )
            )
            rows.append((row, at, owner))
    bulk_dated(SupervisionAction, actions, [at for _r, at, _o in rows], [recorder] * len(rows))
    _close(actions, rows)


def _close(actions: list[SupervisionAction], rows: list) -> None:
    """Mark done the actions whose plan has a day done (a second audit entry, then)."""
    closed = []
    for action, (row, _at, owner) in zip(actions, rows, strict=True):
        if row.done_on is None:
            continue
        action.done_at = aware(row.done_on, time(16, 0))
        action.done_by = owner
        action.done_note = row.done_note
        action._history_date = action.done_at
        action._history_user = owner
        closed.append(action)
    if closed:
        SupervisionAction.objects.bulk_update(closed, ["done_at", "done_by", "done_note"])
        SupervisionAction.history.bulk_history_create(closed, update=True)


def _guidance(
    communities: list[Community], *, until: date, count: int, givers: dict[str, tuple]
) -> None:
    """Notes before and after each of the first `count` sessions (up to `until`) of each
    community; a session that has notes already is left as it is."""
    plans = list(
        ActivityPlan.objects.current()
        .filter(community__in=communities, planned_on__lte=until)
        .select_related("community")
        .order_by("planned_on", "pk")
    )
    noted = set(
        GuidanceNote.objects.filter(session__community__in=communities).values_list(
            "session__community_id", flat=True
        )
    )
    seen: dict[int, int] = {}
    notes, stamps, givers_of = [], [], []
    for plan in plans:
        if plan.community_id in noted:
            continue
        k = seen[plan.community_id] = seen.get(plan.community_id, 0) + 1
        if k > count:
            continue
        before, after = givers[plan.community.code]
        theme = plan.theme or plan.get_category_display()
        for when, by, texts, at in (
            (GuidanceNote.When.BEFORE, before, GUIDANCE_BEFORE, time(13, 30)),
            (GuidanceNote.When.AFTER, after, GUIDANCE_AFTER, time(17, 0)),
        ):
            notes.append(
                GuidanceNote(
                    session=plan,
                    when=when,
                    given_on=plan.planned_on,
                    text=texts[k % len(texts)].format(theme=theme),
                    given_by=by,
                )
            )
            stamps.append(aware(plan.planned_on, at))
            givers_of.append(by)
    bulk_dated(GuidanceNote, notes, stamps, givers_of)


def _requests(
    plans: list[RequestPlan],
    communities: dict[str, Community],
    persons: dict[str, Person],
    users: dict[str, User],
) -> None:
    """Requests not found by peer and topic: asked, then answered (two audit entries)."""
    known = set(
        SupervisionRequest.objects.filter(peer__in=[persons[p.peer] for p in plans]).values_list(
            "peer_id", "topic"
        )
    )
    todo = [p for p in plans if (persons[p.peer].pk, p.topic) not in known]
    if not todo:
        return
    requests = [
        SupervisionRequest(
            community=communities[p.community],
            peer=persons[p.peer],
            topic=p.topic,
            details=p.details,
            urgency=p.urgency,
            doctor=users[p.answerer],
            asked_by=users[p.account],
        )
        for p in todo
    ]
    asked = [timezone.make_aware(p.asked_at) for p in todo]
    bulk_dated(
        SupervisionRequest, requests, asked, [users[p.account] for p in todo], fields=("asked_at",)
    )
    answered = []
    for request, plan, at in zip(requests, todo, asked, strict=True):
        if plan.answered_after is None:
            continue
        request.answer, request.answered_how = plan.answer, plan.answered_how
        request.answered_at = at + plan.answered_after
        request.answered_by = users[plan.answerer]
        request._history_date, request._history_user = request.answered_at, request.answered_by
        answered.append(request)
    if answered:
        SupervisionRequest.objects.bulk_update(
            answered, ["answer", "answered_how", "answered_at", "answered_by"]
        )
        SupervisionRequest.history.bulk_history_create(answered, update=True)


def _checkins(
    rows: list[tuple],
    community_of: dict[str, str],
    communities: dict[str, Community],
    persons: dict[str, Person],
    users: dict[str, User],
    *,
    accounts: dict[str, str],
    seen_by: User,
    unseen_from: date | None = None,
) -> None:
    """Check-ins not found by peer and day, entered by the peer's account (else by
    `seen_by`, from the paper form); a worrying one alerts, seen the next day (unless on
    or after `unseen_from`)."""
    known = set(
        WellbeingCheckIn.objects.filter(peer__in=[persons[row[0]] for row in rows]).values_list(
            "peer_id", "answered_on"
        )
    )
    todo = [row for row in rows if (persons[row[0]].pk, row[1]) not in known]
    checkins, stamps, entered_by = [], [], []
    for key, day, workload, stress, confidence, wants_break, text in todo:
        by = users[accounts[key]] if key in accounts else seen_by
        checkin = WellbeingCheckIn(
            peer=persons[key],
            community=communities[community_of[key]],
            answered_on=day,
            workload=workload,
            stress=stress,
            confidence=confidence,
            wants_break=wants_break,
            text=text,
            created_by=by,
        )
        checkin.worrying = checkin.compute_worrying()
        checkins.append(checkin)
        stamps.append(aware(day, time(20, 0)))
        entered_by.append(by)
    bulk_dated(WellbeingCheckIn, checkins, stamps, entered_by)
    alerts = []
    for checkin, at in zip(checkins, stamps, strict=True):
        if not checkin.worrying:
            continue
        seen = unseen_from is None or checkin.answered_on < unseen_from
        alerts.append(
            WellbeingAlert(
                peer=checkin.peer,
                community=checkin.community,
                kind=WellbeingAlert.Kind.WORRYING,
                checkin=checkin,
                seen_at=at + timedelta(hours=14) if seen else None,
                seen_by=seen_by if seen else None,
            )
        )
    if alerts:
        WellbeingAlert.objects.bulk_create(alerts)
        for alert in alerts:
            alert.created_at = alert.checkin.created_at
        WellbeingAlert.objects.bulk_update(alerts, ["created_at"])


# --- the living program ------------------------------------------------------------------------


def living_proposed_day(t0: date) -> date:
    """The group supervision date the schedule proposes in the days after the first-load
    day: the first working day two days or more after it."""
    day = t0 + timedelta(days=2)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def living_later_phase(t0: date) -> date:
    """The living program's later phase starts two meetings before the proposed one."""
    return living_proposed_day(t0) - timedelta(days=2 * EVERY)


LIVING_FIRST_GUIDED = 4  # notes on each community's first sessions
LIVING_MEETINGS = [
    # (issues, actions (owner, text, due: days after the meeting or "soon", done after))
    (
        (
            (C.TOPICS, "同伴希望多一些贴近生活的主题，商量下一期的活动安排。"),
            (C.ROLE, "服务对象在活动后常留下来找同伴聊病情，同伴不知道该聊到什么程度。"),
        ),
        (("psychologist", "整理一份同伴可以回答和应该转给医生的问题清单。", 21, 16),),
    ),
    (
        (
            (C.FEELINGS, "八里庄的同伴退出后，孙晓峰一个人带活动，感到压力很大。"),
            (C.ENGAGEMENT, "和平街有的服务对象觉得活动内容重复，有点无聊。"),
        ),
        (
            ("psychologist", "安排孙晓峰和和平街同伴交流，并约一次单独谈话。", 10, 6),
            (
                "doctor",
                "联系八里庄社区卫生服务中心，商量由医生协助活动并推荐新同伴。",
                "soon",
                None,
            ),
        ),
    ),
]
LIVING_REQUESTS = [
    # (peer, community, account, answerer, days before the first-load day, urgency, topic,
    #  details, answer, how, hours to the answer)
    (
        "b-peer-1",
        "balizhuang",
        "peer4",
        "psychologist",
        -30,
        ROUTINE,
        "一个人带活动怎么安排",
        "周婉婷退出后只剩我一个人，活动时既要讲又要照顾大家，常常顾不过来。",
        "先把活动改成每两周一次，减少讲解、多用分组；下次督导会上一起商量找新同伴。",
        "phone",
        20,
    ),
]
LIVING_URGENT = (
    "h-peer-1",
    "hepingjie",
    "peer3",
    "doctor",
    URGENT,
    "服务对象在群里说不想活了",
    "今天上午一位服务对象在微信群里说“活着没意思”，之后电话不接。我该怎么办？",
)
# Check-ins every two weeks over the last three months (days before the first-load day):
# workload, stress, confidence drawn around each peer's level; h-peer-2's last one is two
# periods back (overdue); b-peer-1's after his partner withdrew are worrying.
LIVING_CHECKIN_PEERS = {
    # key: (account, level, overdue)
    "h-peer-1": ("peer3", (2, 2, 4), False),
    "h-peer-2": ("", (3, 2, 4), True),
    "h-peer-4": ("", (2, 3, 3), False),
    "b-peer-1": ("peer4", (3, 3, 3), False),
}
WORRYING_AFTER = -55  # b-peer-2 withdrew; b-peer-1 alone
WORRIED = "b-peer-1"


def living_checkins(t0: date, enrolled: dict[str, date]) -> list[tuple]:
    """The living peers' check-ins (rows as PAPER_CHECKINS), one in each two-week period of
    their enrolment over the last twelve weeks, before the first-load day; the overdue peer
    skipped the last ended period and the current one."""
    rng = random.Random(SEED + 1)
    rows = []
    for key, (_account, (workload, stress, confidence), overdue) in LIVING_CHECKIN_PEERS.items():
        started = enrolled[key]
        current = (t0 - started).days // 14  # periods counted from 0
        last = current - 2 if overdue else current
        for number in range(current - 6, last + 1):
            first = started + timedelta(days=14 * number)
            day = first + timedelta(days=rng.randint(0, 5))
            if day >= t0:
                day = first if first < t0 else None
            if day is None:
                continue
            w, s, c = (
                min(5, max(1, workload + rng.choice((-1, 0, 0, 1)))),
                min(5, max(1, stress + rng.choice((-1, 0, 0, 1)))),
                min(5, max(1, confidence + rng.choice((-1, 0, 0, 1)))),
            )
            text = ""
            if key == WORRIED and (day - t0).days >= WORRYING_AFTER:
                w, s, c = 4, 4, 3
                text = "一个人带活动，准备和记录都是自己，有点吃不消。"
            else:
                w, s, c = min(w, 4), min(s, 3), max(c, 3)  # not worrying
            rows.append((key, day, w, s, c, False, text))
    return rows


@transaction.atomic
def load_living(
    *,
    program: Program,
    communities: dict[str, Community],
    persons: dict[str, Person],
    users: dict[str, User],
    enrolled: dict[str, date],
    t0: date,
) -> None:
    """The living program's supervision on the first-load day `t0`; what is there is kept."""
    from .living import _dated, _moment

    SupportSettings.objects.get_or_create(program=program)
    later = living_later_phase(t0)
    if not SupportPhase.objects.filter(program=program).exists():
        for kind, starts_on, guidance, every in (
            (SupportPhase.Kind.FIRST, program.started_on, True, 0),
            (SupportPhase.Kind.LATER, later, False, EVERY),
        ):
            SupportPhase.objects.create(
                program=program,
                kind=kind,
                starts_on=starts_on,
                guidance_every_session=guidance,
                group_every_days=every,
            )
    balizhuang, socialworker = communities["balizhuang"], users["socialworker"]
    if not SocialWorkerAssignment.objects.filter(community=balizhuang, user=socialworker).exists():
        meeting_services.social_worker_assign(
            program=program,
            community=balizhuang,
            user=socialworker,
            starts_on=program.started_on,
            by=users["manager"],
        )
    _guidance(
        list(communities.values()),
        until=later - timedelta(days=1),
        count=LIVING_FIRST_GUIDED,
        givers={
            "hepingjie": (users["doctor"], users["psychologist"]),
            "balizhuang": (users["psychologist"], users["socialworker"]),
        },
    )

    # Group supervision: the meetings held since the later phase began.
    done = set(
        SupervisionMeeting.objects.filter(program=program).values_list("proposed_on", flat=True)
    )
    held_days = group_dates(program, since=later, until=t0 - timedelta(days=1))
    manager, psychologist = users["manager"], users["psychologist"]
    for day, (issues, actions) in zip(held_days, LIVING_MEETINGS, strict=False):
        if day in done:
            continue
        with _dated(_moment(day - timedelta(days=7), time(9, 30)), program, SupervisionMeeting):
            meeting = meeting_services.meeting_confirm(
                program=program,
                proposed_on=day,
                held_on=day,
                starts_at=time(14, 0),
                place="和平街社区卫生服务中心会议室",
                communities=list(communities.values()),
                by=manager,
            ).meeting
        attendees = meeting_services.meeting_attendees(
            program, [c.pk for c in communities.values()], day
        )
        staff = [u for u in attendees if not u.is_peer]
        peers = [person for key, person in persons.items() if key in _living_peers_on(day, t0)]
        rows = []
        for owner, text, due, _done_after in actions:
            due_on = t0 + timedelta(days=3) if due == "soon" else day + timedelta(days=due)
            rows.append(meeting_services.ActionRow(text, users[owner], due_on))
        recorded = _moment(day, time(17, 30))
        with _dated(
            recorded,
            program,
            SupervisionMeeting,
            SupervisionIssue,
            SupervisionAction,
            updating=meeting,
        ):
            meeting_services.meeting_record(
                meeting=meeting,
                version=None,
                held_on=day,
                starts_at=time(14, 0),
                place="和平街社区卫生服务中心会议室",
                staff_present=staff,
                peers_present=peers,
                summary=summary_text(len(peers), len(staff), issues),
                issues=[meeting_services.IssueRow(c, text) for c, text in issues],
                actions=rows,
                by=psychologist,
                now=recorded,
            )
        for action, (_owner, _text, _due, done_after) in zip(
            meeting.actions.order_by("pk"), actions, strict=True
        ):
            if done_after is None:
                continue
            at = _moment(day + timedelta(days=done_after), time(16, 0))
            meeting_services.action_done(action=action, note=DONE_NOTES[1], by=action.owner, now=at)
            SupervisionAction.history.filter(id=action.pk, history_date__gt=at).update(
                history_date=at
            )

    requests = [
        RequestPlan(
            peer,
            code,
            account,
            answerer,
            datetime.combine(t0 + timedelta(days=days), time(19, 30)),
            urgency,
            topic,
            details,
            answer,
            how,
            timedelta(hours=hours),
        )
        for (peer, code, account, answerer, days, urgency, topic, details, answer, how, hours) in (
            LIVING_REQUESTS
        )
    ]
    _requests(requests, communities, persons, users)
    peer, code, account, answerer, urgency, topic, details = LIVING_URGENT
    if not SupervisionRequest.objects.filter(peer=persons[peer], topic=topic).exists():
        # Asked now (the load), so it waits within the reminder delay, as the emergency
        # does; the doctor is notified.
        request_services.supervision_request_ask(
            by=users[account],
            community=communities[code],
            topic=topic,
            details=details,
            urgency=urgency,
            doctor=users[answerer],
        )
    community_of = {key: ("hepingjie" if key[0] == "h" else "balizhuang") for key in enrolled}
    _checkins(
        living_checkins(t0, enrolled),
        community_of,
        communities,
        persons,
        users,
        accounts={k: a for k, (a, _l, _o) in LIVING_CHECKIN_PEERS.items() if a},
        seen_by=psychologist,
        unseen_from=t0 - timedelta(days=7),
    )


def _living_peers_on(day: date, t0: date) -> set[str]:
    """Living peers in service on a meeting day (the living people's status changes)."""
    from .living import PEOPLE, _in_service

    return {p.key for p in PEOPLE if p.role == "peer" and _in_service(p, t0, day)}
