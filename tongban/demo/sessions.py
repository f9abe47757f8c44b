"""The demo program's 214 sessions (July 2013 - June 2016) and its six-weekly submissions.

The paper gives the total, the shape of Fig. 1 in words, the chi-square of Fig. 1, the top
three category shares of Fig. 2, the 40-120 minute range and two peers per session; the rest
is invented. `demo_sessions` uses no database (seeded, the same on every machine); `load`
writes it to the database in bulk, with a creation entry in the audit trail, and is
idempotent (a community that already has sessions in the study period is left alone).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from tongban.accounts.models import PROGRAM_WIDE_ROLES, Role, User
from tongban.activities.models import ActivityPlan, ActivityRecord, Attendance, Topic
from tongban.activities.services import minutes_between
from tongban.registry.models import Community, Person, Program, Venue
from tongban.submissions import cycles
from tongban.submissions.models import Submission, SubmissionEvent

from .population import DemoPerson, status_on

SEED = 2016
STUDY_START, STUDY_END = date(2013, 7, 1), date(2016, 6, 30)
HALF_YEARS = (
    (date(2013, 7, 1), date(2013, 12, 31)),
    (date(2014, 1, 1), date(2014, 6, 30)),
    (date(2014, 7, 1), date(2014, 12, 31)),
    (date(2015, 1, 1), date(2015, 6, 30)),
    (date(2015, 7, 1), date(2015, 12, 31)),
    (date(2016, 1, 1), date(2016, 6, 30)),
)
# Fig. 1 is a bar chart without numbers; these counts follow its description and give its
# statistics: 214 in all, Pearson chi2(15) = 48.75 (48.7510), p < 0.001, checked with
# scipy.stats.chi2_contingency(correction=False). Found by a small search over counts in the
# ranges the text allows:
# - first half-year: every one or two months (4 and 3);
# - first half of 2014: Tuanjiehu, with five peers, already every two weeks; Maizidian monthly;
# - second half of 2014: every two weeks in both (13);
# - first half of 2015: none in Tuanjiehu (a peer quit, the venue was lost); Maizidian twice a
#   week until its peer's leave on 9 February left it one peer (10);
# - second half of 2015: Tuanjiehu weekly from October at a new venue (invented, 11),
#   Maizidian once or twice a week (29); the new communities every two weeks from August;
# - first half of 2016: once or twice a week in the old communities, every two weeks in the new.
SESSIONS_PER_HALF_YEAR = {
    "tuanjiehu": (4, 13, 13, 0, 11, 38),
    "maizidian": (3, 6, 13, 10, 29, 28),
    "xiangheyuan": (0, 0, 0, 0, 11, 13),
    "jinsong": (0, 0, 0, 0, 9, 13),
}
# No sessions: Tuanjiehu lost its venue in early 2015 and found a new one only in October.
PAUSES = {"tuanjiehu": (date(2015, 1, 1), date(2015, 10, 11))}
RESUMED_AT_HEALTH_CARE_CENTRE = {"tuanjiehu": date(2015, 10, 12)}
# Fig. 2: the top three are the paper's (19 %, 16 %, 15 % of 214); the others are invented.
CATEGORY_COUNTS = {
    "fine_motor_exercise": 41,
    "daily_life_skills": 34,
    "emotional_support": 32,
    "social_skills": 27,
    "entertainment": 24,
    "knowledge": 23,
    "healthy_lifestyle": 19,
    "personal_perceptions": 14,
}
# New peers start with familiar, low-exposure topics (paper, Discussion): each community's
# first session is introductions, the next two from these categories.
FIRST_TOPIC = ("social_skills", "自我介绍")
STARTER_CATEGORIES = {"entertainment", "fine_motor_exercise", "daily_life_skills"}
# Public holidays: New Year, Spring Festival, Labour Day, National Day.
HOLIDAYS = [
    (date(2013, 10, 1), date(2013, 10, 7)),
    (date(2014, 1, 1), date(2014, 1, 1)),
    (date(2014, 1, 31), date(2014, 2, 6)),
    (date(2014, 5, 1), date(2014, 5, 3)),
    (date(2014, 10, 1), date(2014, 10, 7)),
    (date(2015, 1, 1), date(2015, 1, 3)),
    (date(2015, 2, 18), date(2015, 2, 24)),
    (date(2015, 5, 1), date(2015, 5, 3)),
    (date(2015, 10, 1), date(2015, 10, 7)),
    (date(2016, 1, 1), date(2016, 1, 3)),
    (date(2016, 2, 7), date(2016, 2, 13)),
    (date(2016, 4, 30), date(2016, 5, 2)),
]


@dataclass(frozen=True)
class TopicPlan:
    aim: str
    main: str  # "{x}" is filled with one of `variants`
    materials: str
    formats: tuple[str, ...]
    minutes: tuple[int, int]  # shortest and longest session on this topic
    variants: tuple[str, ...] = ()


# Keyed by the names of the paper's topic library (activities migration 0002).
TOPICS: dict[str, dict[str, TopicPlan]] = {
    "daily_life_skills": {
        "烹饪": TopicPlan(
            "学做一道家常菜，体会自己动手、照顾自己的乐趣",
            "同伴示范{x}的做法，服务对象分组洗菜、切菜、下锅，最后一起品尝",
            "电磁炉、锅铲、食材、围裙",
            ("group_discussion", "lecture"),
            (80, 120),
            ("西红柿炒鸡蛋", "凉拌黄瓜", "包饺子", "蒸鸡蛋羹"),
        ),
        "如何使用微信": TopicPlan(
            "学会用微信发消息、语音和视频，方便和家人、同伴联系",
            "同伴一对一帮助服务对象{x}，再一起在小组群里互相问好",
            "智能手机、操作步骤卡片",
            ("lecture", "group_discussion"),
            (60, 90),
            ("添加好友、发语音", "发照片和视频通话", "查看公众号里的健康知识"),
        ),
    },
    "social_skills": {
        "肢体语言与面部表情": TopicPlan(
            "认识表情和动作传达的情绪，练习用微笑和眼神与人交流",
            "看图片猜情绪，两人一组用表情和动作表演一种情绪，其他人来猜",
            "表情卡片",
            ("role_play", "group_discussion"),
            (60, 90),
        ),
        "言语沟通技巧": TopicPlan(
            "练习倾听和清楚表达，学会礼貌地提出请求和拒绝",
            "情景表演：{x}，同伴和服务对象轮流扮演，大家点评",
            "情景卡片",
            ("role_play", "group_discussion"),
            (60, 90),
            ("去社区办事", "向邻居借东西", "拒绝不合理的要求", "向医生说明近况"),
        ),
        "自我介绍": TopicPlan(
            "互相认识，能在小组里大方地介绍自己",
            "每人用三句话介绍姓名、爱好和一个心愿，同伴先示范，大家互相提问",
            "姓名贴、彩笔",
            ("group_discussion",),
            (40, 60),
        ),
    },
    "knowledge": {
        "精神分裂症的治疗": TopicPlan(
            "了解精神分裂症的主要治疗方法，认识坚持治疗的重要性",
            "同伴结合自己的康复经历讲解药物治疗和康复训练，服务对象提问讨论",
            "宣传折页",
            ("lecture", "group_discussion"),
            (60, 90),
        ),
        "识别疾病复发": TopicPlan(
            "了解复发的常见表现，知道出现变化时该找谁",
            "同伴讲解复发的表现，大家讨论自己或身边人的经历，整理求助电话",
            "求助联系卡",
            ("lecture", "group_discussion"),
            (60, 90),
        ),
        "复发的早期预警信号": TopicPlan(
            "识别睡眠变差、情绪波动等早期信号，制订自己的预警计划",
            "每人填写个人预警信号清单，两人一组互相讲解，同伴补充",
            "预警信号清单、笔",
            ("group_discussion", "lecture"),
            (60, 90),
        ),
        "药物治疗": TopicPlan(
            "了解按时服药的意义，分享记得吃药的小窍门",
            "同伴介绍服药注意事项，大家分享用分装药盒、手机闹钟提醒等方法",
            "分装药盒",
            ("lecture", "group_discussion"),
            (50, 80),
        ),
        "药物副作用": TopicPlan(
            "认识常见副作用和应对办法，学会和医生沟通",
            "讨论嗜睡、体重增加等副作用，练习复诊时怎样向医生说明情况",
            "副作用记录表",
            ("lecture", "group_discussion", "role_play"),
            (60, 90),
        ),
    },
    "entertainment": {
        "唱歌": TopicPlan(
            "一起唱熟悉的歌，放松心情，增进彼此了解",
            "每人点一首喜欢的歌，同伴带领大家合唱{x}，说说这首歌带来的回忆",
            "音箱、歌词本",
            ("group_discussion", "personal_sharing"),
            (60, 90),
            ("《歌唱祖国》", "《甜蜜蜜》", "《朋友》", "《茉莉花》"),
        ),
        "看电影": TopicPlan(
            "一起看一部温暖的电影，交流观后感受",
            "观看电影{x}，看完后围坐讨论印象最深的情节",
            "投影仪、电影光盘",
            ("group_discussion",),
            (100, 120),
            ("《阿甘正传》", "《美丽心灵》", "《城南旧事》", "《肖申克的救赎》"),
        ),
    },
    "fine_motor_exercise": {
        "书写练习": TopicPlan(
            "通过写字练习手部精细动作，培养耐心和专注",
            "临摹常用字和自己的名字，同伴逐一指导握笔姿势，最后展示作品",
            "字帖、铅笔、田字格本",
            ("lecture", "group_discussion"),
            (50, 80),
        ),
        "书法": TopicPlan(
            "体验毛笔书法，静心专注，锻炼手眼协调",
            "同伴示范基本笔画，大家练写“{x}”字，互相欣赏作品",
            "毛笔、墨汁、宣纸、毛毡",
            ("lecture", "group_discussion"),
            (60, 90),
            ("福", "静", "和", "春"),
        ),
        "拼图": TopicPlan(
            "分组合作完成拼图，锻炼手指灵活性和耐心",
            "三四人一组完成一幅拼图，比一比哪组又快又好，说说合作的感受",
            "拼图",
            ("group_discussion",),
            (50, 80),
        ),
        "体育锻炼": TopicPlan(
            "坚持适量运动，增强体质，改善情绪和睡眠",
            "在社区公园{x}，同伴带队，注意安全和补水",
            "饮用水、毛巾",
            ("outdoor_exercise",),
            (40, 60),
            ("快走两圈后做拉伸", "一起打太极拳", "跳一段广场舞", "练八段锦"),
        ),
    },
    "personal_perceptions": {
        "建立自尊": TopicPlan(
            "发现自己的优点，学会肯定和尊重自己",
            "每人写下自己的三个优点，其他人再补充一条，同伴分享自己被肯定的经历",
            "优点卡、彩笔",
            ("personal_sharing", "group_discussion"),
            (60, 90),
        ),
        "建立自信": TopicPlan(
            "回顾做成过的事，增强面对生活的信心",
            "分享一件自己做成的小事，每人定一个本周能完成的小目标，下次交流",
            "目标卡",
            ("personal_sharing", "group_discussion"),
            (60, 90),
        ),
    },
    "healthy_lifestyle": {
        "控制情绪": TopicPlan(
            "认识愤怒、焦虑等情绪，学习深呼吸等放松方法",
            "讨论最近让自己生气或着急的事，同伴带领练习腹式呼吸和数数放松",
            "放松音乐",
            ("group_discussion", "lecture", "role_play"),
            (60, 90),
        ),
        "健康饮食": TopicPlan(
            "了解均衡饮食和控制体重的知识，养成规律进餐的习惯",
            "同伴讲解膳食宝塔，大家记录一天的饮食并互相点评，讨论少油少盐的做法",
            "膳食宝塔挂图、饮食记录表",
            ("lecture", "group_discussion"),
            (60, 90),
        ),
    },
    "emotional_support": {
        "分享童年故事": TopicPlan(
            "分享童年的美好回忆，在倾听中彼此理解和支持",
            "每人带一张老照片或讲一件童年趣事，同伴先分享，大家倾听并回应",
            "老照片",
            ("personal_sharing",),
            (60, 100),
        ),
        "与家人的关系": TopicPlan(
            "说出和家人相处的烦恼，一起想办法改善家庭关系",
            "同伴分享自己和家人沟通的经历，大家讨论怎样向家人表达感谢和需要",
            "感谢卡",
            ("personal_sharing", "group_discussion", "role_play"),
            (60, 100),
        ),
    },
}
WARM_UPS = (
    "破冰游戏：击鼓传花，拿到花的人说说今天的心情",
    "一起做一套广播体操，活动身体",
    "手指操热身",
    "成语接龙",
    "围坐一圈，每人说一件本周开心的小事",
    "拍手操和深呼吸",
)
CLOSES = (
    "服务对象总结今天的收获，大家一起唱《朋友》",
    "同伴总结，大家齐读一首短诗",
    "每人用一句话说说感受，一起唱《让我们荡起双桨》",
    "同伴总结并预告下次活动，大家鼓掌道别",
)
FEEDBACK = {
    "daily_life_skills": (
        "大家觉得很实用，回家想自己试一试。",
        "动手环节最受欢迎，有人希望下次多练几次。",
        "有的服务对象说步骤有点多，希望讲得再慢一点。",
    ),
    "social_skills": (
        "表演环节笑声不断，大家说敢开口了。",
        "有人说平时不好意思看别人的眼睛，今天练习后好一些。",
        "希望多设计一些生活中常见的情景。",
    ),
    "knowledge": (
        "大家说听得明白，知道了有变化要及时找医生。",
        "提问很多，尤其关心长期吃药会不会伤身体。",
        "有人说同伴讲自己的经历比看书更有说服力。",
    ),
    "entertainment": (
        "气氛很热烈，大家要求下次再来一次。",
        "平时不爱说话的组员也跟着参与了。",
        "有人说好久没有这么开心了。",
    ),
    "fine_motor_exercise": (
        "大家说手比以前灵活了，愿意回家继续练。",
        "有人觉得有点累，但很有成就感。",
        "展示作品时大家互相夸奖，很受鼓舞。",
    ),
    "personal_perceptions": (
        "有人第一次当众说自己的优点，有点不好意思但很开心。",
        "大家说听了同伴的经历，觉得自己也能做到。",
        "个别服务对象比较沉默，会后同伴单独聊了聊。",
    ),
    "healthy_lifestyle": (
        "大家学会了放松的方法，说睡前可以试试。",
        "对少油少盐的做法很感兴趣，想告诉家人。",
        "有人说情绪上来时很难控制，希望多练习。",
    ),
    "emotional_support": (
        "分享时有人流泪，大家互相安慰，气氛温暖。",
        "有人说说出来心里轻松了很多。",
        "大家觉得被理解，希望多有这样的交流。",
    ),
}
SUMMARIES = (
    "活动按计划完成，气氛轻松，大部分服务对象积极参与。",
    "有两位服务对象比较拘谨，下次请他们从简单的任务开始。",
    "时间控制得较好，协助同伴记录了每个人的反馈。",
    "讨论时有人跑题，主持同伴及时拉回主题，下次提前说明规则。",
    "新来的服务对象融入较快，老组员主动帮助。",
    "准备的材料不够用，下次提前清点。",
)
ATTENDANCE = (4, 10)  # consumers per session, when that many are enrolled
# Supervision (paper): in year one community doctors and psychologists were there before and
# after each activity; social workers joined in year three and came on request.
YEAR_TWO, YEAR_THREE = date(2014, 7, 1), date(2015, 7, 1)
YEAR_ONE_STAFF = ("community_doctor", "clinical_psychologist")
SOCIAL_WORKER_SHARE = 0.3


@dataclass(frozen=True)
class DemoSession:
    community: str
    day: date
    venue_kind: str  # a Venue.Kind value
    planned_start: time
    planned_end: time
    started_at: time
    ended_at: time
    category: str
    topic: str
    aim: str
    format: str
    lead: str  # keys of DemoPerson
    assistant: str
    consumers: tuple[str, ...]
    staff_roles: tuple[str, ...]  # staff present, by role (accounts.Role values)
    materials: str
    warm_up: str
    main: str
    close: str
    feedback: str
    summary: str
    plan_entered: datetime  # local time; the plan is written a few days before
    record_entered: datetime  # the process form, the same evening


def _is_holiday(day: date) -> bool:
    return any(start <= day <= end for start, end in HOLIDAYS)


def _in_service(person: DemoPerson, day: date) -> bool:
    return person.enrolled_on <= day and status_on(person, day) == "active"


def _session_days(
    community: str, started_on: date, people: list[DemoPerson], n: int, half: int
) -> list[date]:
    """n weekdays spread evenly over the half-year's possible days.

    Possible: a working day after the community started, outside a pause, with two peers in
    service (the paper's two per session) and at least one consumer enrolled.
    """
    if n == 0:
        return []
    start, end = HALF_YEARS[half]
    pause = PAUSES.get(community)
    members = [p for p in people if p.community == community]
    days = []
    day = max(start, started_on)
    while day <= end:
        if (
            day.weekday() < 5
            and not _is_holiday(day)
            and not (pause and pause[0] <= day <= pause[1])
            and sum(p.role == "peer" and _in_service(p, day) for p in members) >= 2
            and any(p.role == "consumer" and _in_service(p, day) for p in members)
        ):
            days.append(day)
        day += timedelta(days=1)
    assert len(days) >= n, (community, half, len(days), n)
    return [days[len(days) * (2 * i + 1) // (2 * n)] for i in range(n)]


def _categories(slots: list[tuple[date, str]], rng: random.Random) -> list[str]:
    """Exactly CATEGORY_COUNTS, shuffled, with familiar topics first in each community.

    Slots are in date order. Swapping with a later slot keeps the counts exact.
    """
    categories = [c for c, count in CATEGORY_COUNTS.items() for _ in range(count)]
    assert len(categories) == len(slots)
    rng.shuffle(categories)
    seen: Counter[str] = Counter()
    for i, (_day, community) in enumerate(slots):
        k = seen[community]
        seen[community] += 1
        if k >= 3:
            continue
        wanted = {FIRST_TOPIC[0]} if k == 0 else STARTER_CATEGORIES
        if categories[i] not in wanted:
            j = next(j for j in range(i + 1, len(slots)) if categories[j] in wanted)
            categories[i], categories[j] = categories[j], categories[i]
    return categories


def _clock(t: time, minutes: int) -> time:
    return (datetime.combine(STUDY_START, t) + timedelta(minutes=minutes)).time()


def demo_sessions(people: list[DemoPerson], starts: dict[str, date]) -> list[DemoSession]:
    """The demo program's sessions in date order; the same on every call.

    `starts`: each community's service start date (code -> date).
    """
    rng = random.Random(SEED)
    slots = sorted(
        (day, community)
        for community, counts in SESSIONS_PER_HALF_YEAR.items()
        for half, n in enumerate(counts)
        for day in _session_days(community, starts[community], people, n, half)
    )
    categories = _categories(slots, rng)
    seen: Counter[str] = Counter()
    served: Counter[str] = Counter()
    led: Counter[str] = Counter()
    sessions = []
    for (day, community), category in zip(slots, categories, strict=True):
        k = seen[community]
        seen[community] += 1
        # Every topic of the starter categories is a "good first topic" (migration 0002).
        topic = FIRST_TOPIC[1] if k == 0 else rng.choice(sorted(TOPICS[category]))
        plan = TOPICS[category][topic]
        format_ = rng.choice(plan.formats)

        members = [p for p in people if p.community == community and _in_service(p, day)]
        # Peers take turns: the two who served least so far, the one who led less leads.
        peers = sorted(
            (p.key for p in members if p.role == "peer"),
            key=lambda key: (served[key], rng.random()),
        )
        lead, assistant = sorted(peers[:2], key=lambda key: led[key])
        served.update((lead, assistant))
        led[lead] += 1
        consumers = [p.key for p in members if p.role == "consumer"]
        size = min(len(consumers), rng.randint(*ATTENDANCE))
        attending = tuple(sorted(rng.sample(consumers, size)))

        if format_ == "outdoor_exercise":
            venue_kind = "outdoors"
        elif day >= RESUMED_AT_HEALTH_CARE_CENTRE.get(community, STUDY_END + timedelta(1)):
            venue_kind = "health_care_centre"
        else:
            venue_kind = "rehabilitation_centre" if rng.random() < 0.75 else "health_care_centre"

        low, high = plan.minutes
        planned_minutes = next((m for m in (60, 90, 120) if low <= m <= high), low)
        planned_start = rng.choice((time(14, 0),) * 6 + (time(14, 30), time(9, 30)))
        started_at = _clock(planned_start, rng.choice((0, 0, 0, 5, 10)))
        # New peers keep a community's first session short: the paper's shortest, 40 minutes.
        minutes = low if k == 0 else rng.randrange(low, high + 1, 5)
        ended_at = _clock(started_at, minutes)

        if day < YEAR_TWO:
            staff_roles = YEAR_ONE_STAFF
        elif day >= YEAR_THREE and rng.random() < SOCIAL_WORKER_SHARE:
            staff_roles = ("social_worker",)
        else:
            staff_roles = ()
        variant = rng.choice(plan.variants) if plan.variants else ""
        sessions.append(
            DemoSession(
                community=community,
                day=day,
                venue_kind=venue_kind,
                planned_start=planned_start,
                planned_end=_clock(planned_start, planned_minutes),
                started_at=started_at,
                ended_at=ended_at,
                category=category,
                topic=topic,
                aim=plan.aim,
                format=format_,
                lead=lead,
                assistant=assistant,
                consumers=attending,
                staff_roles=staff_roles,
                materials=plan.materials,
                warm_up=rng.choice(WARM_UPS),
                main=plan.main.format(x=variant),
                close=rng.choice(CLOSES),
                feedback=rng.choice(FEEDBACK[category]),
                summary=rng.choice(SUMMARIES),
                plan_entered=datetime.combine(day - timedelta(rng.randint(2, 6)), time(10, 0))
                + timedelta(minutes=rng.randrange(0, 480, 5)),
                record_entered=datetime.combine(day, ended_at)
                + timedelta(minutes=rng.randrange(30, 180, 5)),
            )
        )
    return sessions


# --- database ------------------------------------------------------------------------------

BATCH = 500


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment)


def _create_with_history(model, objs: list, stamps: list[datetime], users: list) -> list:
    """Bulk insert with a creation entry in the audit trail, dated when the form was filled.

    What simple_history's bulk_create_with_history does, split in two so that created_at
    (stamped with the load time by auto_now_add) is set to the entry date before the
    history rows copy it.
    """
    model.objects.bulk_create(objs, batch_size=BATCH)
    for obj, stamp, user in zip(objs, stamps, users, strict=True):
        obj.created_at = stamp
        obj._history_date = stamp
        obj._history_user = user
    model.objects.bulk_update(objs, ["created_at"], batch_size=BATCH)
    return model.history.bulk_history_create(objs, batch_size=BATCH)


def _m2m_with_history(model, name: str, objs: list, histories: list, targets: list[list]) -> None:
    """Many-to-many rows and their copies in the creation entries (as .set() would make)."""
    field = model._meta.get_field(name)
    through = field.remote_field.through
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    rows = [
        through(**{source: obj.pk, target: pk})
        for obj, pks in zip(objs, targets, strict=True)
        for pk in pks
    ]
    through.objects.bulk_create(rows, batch_size=BATCH)
    history_of = {history.id: history.history_id for history in histories}
    history_model = getattr(model.history.model, name).model
    history_model.objects.bulk_create(
        [
            history_model(
                id=row.pk,
                history_id=history_of[getattr(row, source)],
                **{source: getattr(row, source), target: getattr(row, target)},
            )
            for row in rows
        ],
        batch_size=BATCH,
    )


@transaction.atomic
def load(
    *,
    program: Program,
    communities: dict[str, Community],
    persons: dict[str, Person],
    people: list[DemoPerson],
    users: list[User],
) -> None:
    """Sessions and submissions of the demo program; what is already there is kept."""
    key_of = {person.pk: key for key, person in persons.items()}
    community_of = {p.key: p.community for p in people}
    # Forms are entered by the community's peer account where the demo has one, else typed
    # in from paper by the research assistant; the manager submits for the others.
    peer_accounts = {}
    for user in users:
        if user.role == Role.PEER and user.person_id in key_of:
            peer_accounts.setdefault(community_of[key_of[user.person_id]], user)
    first_of_role = {}
    for user in users:
        first_of_role.setdefault(user.role, user)

    done = set(
        ActivityPlan.objects.filter(
            community__in=communities.values(), planned_on__range=(STUDY_START, STUDY_END)
        ).values_list("community__code", flat=True)
    )
    starts = {code: community.started_on for code, community in communities.items()}
    todo = [s for s in demo_sessions(people, starts) if s.community not in done]
    if todo:
        _load_sessions(
            todo,
            communities=communities,
            persons=persons,
            users=users,
            entered_by={
                code: peer_accounts.get(code, first_of_role[Role.RESEARCH_ASSISTANT])
                for code in communities
            },
        )
    _load_submissions(
        program,
        communities,
        manager=first_of_role[Role.PROJECT_MANAGER],
        peer_accounts=peer_accounts,
    )


def _staff(users: list[User], communities: dict[str, Community]) -> dict[tuple[str, str], User]:
    """The demo account of each role serving each community, if there is one."""
    staff: dict[tuple[str, str], User] = {}
    by_pk = {c.pk: code for code, c in communities.items()}
    assigned = User.communities.through.objects.filter(user__in=users)
    served: dict[int, set[str]] = {}
    for user_id, community_id in assigned.values_list("user_id", "community_id"):
        served.setdefault(user_id, set()).add(by_pk.get(community_id, ""))
    for user in users:
        codes = communities if user.role in PROGRAM_WIDE_ROLES else served.get(user.pk, ())
        for code in codes:
            staff.setdefault((code, user.role), user)
    return staff


def _load_sessions(
    todo: list[DemoSession],
    *,
    communities: dict[str, Community],
    persons: dict[str, Person],
    users: list[User],
    entered_by: dict[str, User],
) -> None:
    venues = {}
    for venue in Venue.objects.filter(community__in=communities.values()).order_by("-pk"):
        venues[(venue.community_id, venue.kind)] = venue  # the first one of each kind wins
    topics = {(t.category, t.name): t for t in Topic.objects.filter(is_active=True)}
    staff = _staff(users, communities)
    creators = [entered_by[s.community] for s in todo]

    plans = [
        ActivityPlan(
            community=communities[s.community],
            venue=venues[(communities[s.community].pk, s.venue_kind)],
            planned_on=s.day,
            planned_start=s.planned_start,
            planned_end=s.planned_end,
            category=s.category,
            topic=topics.get((s.category, s.topic)),
            theme=s.topic,
            aim=s.aim,
            format=s.format,
            lead_peer=persons[s.lead],
            materials=s.materials,
            warm_up_plan=s.warm_up,
            main_plan=s.main,
            close_plan=s.close,
            created_by=creator,
        )
        for s, creator in zip(todo, creators, strict=True)
    ]
    histories = _create_with_history(
        ActivityPlan, plans, [_aware(s.plan_entered) for s in todo], creators
    )
    _m2m_with_history(
        ActivityPlan, "assisting_peers", plans, histories, [[persons[s.assistant].pk] for s in todo]
    )

    records = [
        ActivityRecord(
            plan=plan,
            held_on=s.day,
            started_at=s.started_at,
            ended_at=s.ended_at,
            duration_minutes=minutes_between(s.started_at, s.ended_at),
            format=s.format,
            theme=f"{s.topic}：{s.aim}",
            warm_up=s.warm_up,
            main_activity=s.main,
            close=s.close,
            feedback=s.feedback,
            summary=s.summary,
            created_by=creator,
        )
        for s, plan, creator in zip(todo, plans, creators, strict=True)
    ]
    entered = [_aware(s.record_entered) for s in todo]
    histories = _create_with_history(ActivityRecord, records, entered, creators)
    _m2m_with_history(
        ActivityRecord,
        "peers_present",
        records,
        histories,
        [[persons[s.lead].pk, persons[s.assistant].pk] for s in todo],
    )
    _m2m_with_history(
        ActivityRecord,
        "staff_present",
        records,
        histories,
        [
            [staff[s.community, r].pk for r in s.staff_roles if (s.community, r) in staff]
            for s in todo
        ],
    )

    attendances = []
    for s, record, stamp, creator in zip(todo, records, entered, creators, strict=True):
        for key in s.consumers:
            attendance = Attendance(record=record, person=persons[key])
            attendance._history_date = stamp
            attendance._history_user = creator
            attendances.append(attendance)
    bulk_create_with_history(attendances, Attendance, batch_size=BATCH)


def _load_submissions(
    program: Program,
    communities: dict[str, Community],
    *,
    manager: User,
    peer_accounts: dict[str, User],
) -> None:
    """Every cycle of the study accepted: submitted 3-6 days after its end, accepted 1-4
    days later. The audit trail gets both steps."""
    rng = random.Random(SEED + 1)
    calendar = cycles.for_program(program)
    existing = set(
        Submission.objects.filter(community__in=communities.values()).values_list(
            "community_id", "cycle"
        )
    )
    submissions, steps = [], []
    for code, community in communities.items():
        by = peer_accounts.get(code, manager)
        for number in calendar.numbers_for(community.started_on, STUDY_END):
            ends_on = calendar.cycle(number).ends_on
            submitted_at = _aware(
                datetime.combine(ends_on + timedelta(rng.randint(3, 6)), time(9, 0))
                + timedelta(minutes=rng.randrange(0, 480, 5))
            )
            reviewed_at = submitted_at + timedelta(
                days=rng.randint(1, 4), minutes=rng.randrange(-60, 240, 5)
            )
            if (community.pk, number) in existing:
                continue
            submissions.append(
                Submission(
                    community=community,
                    cycle=number,
                    status=Submission.Status.SUBMITTED,
                    submitted_by=by,
                    submitted_at=submitted_at,
                )
            )
            steps.append((by, submitted_at, reviewed_at))
    if not submissions:
        return
    Submission.objects.bulk_create(submissions, batch_size=BATCH)
    for submission, (by, submitted_at, _reviewed_at) in zip(submissions, steps, strict=True):
        submission._history_date, submission._history_user = submitted_at, by
    Submission.history.bulk_history_create(submissions, batch_size=BATCH)
    for submission, (_by, _submitted_at, reviewed_at) in zip(submissions, steps, strict=True):
        submission.status = Submission.Status.ACCEPTED
        submission.reviewed_by, submission.reviewed_at = manager, reviewed_at
        submission._history_date, submission._history_user = reviewed_at, manager
    Submission.objects.bulk_update(
        submissions, ["status", "reviewed_by", "reviewed_at"], batch_size=BATCH
    )
    Submission.history.bulk_history_create(submissions, update=True, batch_size=BATCH)

    events, stamps = [], []
    for submission, (by, submitted_at, reviewed_at) in zip(submissions, steps, strict=True):
        events += [
            SubmissionEvent(submission=submission, status=Submission.Status.SUBMITTED, by=by),
            SubmissionEvent(submission=submission, status=Submission.Status.ACCEPTED, by=manager),
        ]
        stamps += [submitted_at, reviewed_at]
    SubmissionEvent.objects.bulk_create(events, batch_size=BATCH)
    for event, stamp in zip(events, stamps, strict=True):
        event.at = stamp  # auto_now_add stamped the load time
    SubmissionEvent.objects.bulk_update(events, ["at"], batch_size=BATCH)
