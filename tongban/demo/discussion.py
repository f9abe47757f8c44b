"""The online supervision group in the demo programs (issue 13, item 8; MODEL.md,
"Supervision").

The paper's program (2014-2016), in place of its WeChat group: the program-wide space with
the group's ground rules and a peer's question about a consumer who seemed bored (a
community doctor answers, a peer of another community encourages, the asker marks it
answered); Tuanjiehu's space with a peer's frustration at goals missed (answered by the
psychologist) and a reply naming a consumer, posted despite the privacy warning and hidden
by the psychiatrist; a thread in each of the other communities' spaces.

The living program: an older answered question in Balizhuang, and in Hepingjie a peer's
question asked at load time (the first-load day), still waiting for an answer.

Everything is posted through tongban.discussion.services by the demo's accounts, so the
scope, the privacy check and the moderation log apply; `living._dated` then sets the
stamps (and the audit trail) to when the message would have been written.

Idempotent: a thread is found by its space and title before it is written, so a second run
adds nothing, the same day or months later.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from tongban.accounts.models import User
from tongban.core import scope
from tongban.discussion import services
from tongban.discussion.models import Message, ModerationEntry, Space, Topic
from tongban.registry.models import Program

from .population import demo_population, status_on


@dataclass(frozen=True)
class Post:
    by: str  # username
    at: datetime  # naive, local time
    text: str
    # The text names a consumer: posted despite the warning, then hidden by `hidden_by`.
    hidden_by: str = ""
    hidden_at: datetime | None = None
    hidden_reason: str = ""
    # Link the space's community's latest session up to the post's day (the one the post
    # is about).
    link_session: bool = False


@dataclass(frozen=True)
class Thread:
    space: str  # a community code, or "" for the program-wide space
    title: str
    posts: tuple[Post, ...]
    is_question: bool = False
    answered_by: str = ""
    answered_at: datetime | None = None


HIDE_REASON = "写出了服务对象的全名，请用姓氏加“某”，如“王某”。"
NAMED_CONSUMER_BEFORE = date(2014, 9, 1)  # the Tuanjiehu consumer named in the hidden reply


def _at(day: str, hh_mm: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hh_mm))


def named_consumer() -> tuple[str, str]:
    """The Tuanjiehu consumer the hidden reply names: (full name, surname + 某)."""
    people, _caregivers = demo_population()
    consumer = next(
        p
        for p in people
        if p.role == "consumer"
        and p.community == "tuanjiehu"
        and p.enrolled_on < NAMED_CONSUMER_BEFORE
        and status_on(p, date(2016, 6, 30)) != "withdrawn"
    )
    return consumer.name, consumer.name[0] + "某"


def paper_threads() -> list[Thread]:
    full, short = named_consumer()
    return [
        Thread(
            "",
            "线上督导群的使用约定",
            (
                Post(
                    "manager",
                    _at("2014-07-03", "09:00"),
                    "各位同伴、医生和老师：从今天起，活动中的督导交流都在这里进行。"
                    "遇到难处随时发上来，社区医生和心理治疗师会尽快回复。\n"
                    "提到服务对象时只写姓氏加“某”（如“王某”），不要写全名、电话号码和身份证号。",
                ),
                Post(
                    "psychiatrist",
                    _at("2014-07-03", "09:40"),
                    "补充一点：遇到紧急情况（比如服务对象说有伤害自己或别人的想法），"
                    "请直接打电话给社区医生或我，不要只在群里留言。",
                ),
                Post("peer1", _at("2014-07-03", "10:05"), "明白了，谢谢周老师、陈医生。"),
            ),
        ),
        Thread(
            "",
            "活动中服务对象显得很无聊，怎么办？",
            (
                Post(
                    "peer1",
                    _at("2015-10-21", "20:12"),
                    "今天下午的活动讲“怎样按时服药”，有位服务对象一直在看手机，后来还打起了瞌睡，"
                    "看起来很无聊。我讲完问大家有没有问题，也没有人回应。"
                    "是不是我讲得太枯燥了？下次该怎么办？",
                ),
                Post(
                    "doctor",
                    _at("2015-10-21", "20:41"),
                    "不一定是你讲得不好。有的药会让人犯困，下午尤其明显，"
                    "可以把活动挪到上午，或者中间安排几分钟站起来活动一下。"
                    "知识性的内容少讲一点，多提问：比如请大家说说自己是怎么记得吃药的，"
                    "再分成两三人一组练习。活动后也可以单独问问他最近睡得怎么样、有没有按时复诊。",
                ),
                Post(
                    "peer2",
                    _at("2015-10-21", "21:05"),
                    "我们香河园刚开始的时候也遇到过，第一次有两个人玩手机，我心里特别慌。"
                    "后来让大家轮流分享，气氛好多了。你已经做得很好了，加油！",
                ),
                Post(
                    "peer1",
                    _at("2015-10-21", "21:20"),
                    "谢谢张医生，也谢谢你的鼓励！下次我试试分组练习，再跟大家说效果。",
                ),
            ),
            is_question=True,
            answered_by="peer1",
            answered_at=_at("2015-10-21", "21:21"),
        ),
        Thread(
            "tuanjiehu",
            "下周活动改到社区卫生服务中心",
            (
                Post(
                    "doctor",
                    _at("2014-09-02", "16:00"),
                    "温馨家园下周二上午要用活动室，团结湖的活动改在社区卫生服务中心二楼会议室，"
                    "时间不变。请同伴通知一下服务对象。",
                ),
                Post(
                    "peer1",
                    _at("2014-09-02", "18:20"),
                    f"收到。{full}前几天跟我说下周二要去医院复诊，可能来不了。",
                    hidden_by="psychiatrist",
                    hidden_at=_at("2014-09-02", "19:05"),
                    hidden_reason=HIDE_REASON,
                ),
                Post(
                    "peer1",
                    _at("2014-09-02", "19:20"),
                    f"收到。{short}前几天说下周二要去医院复诊，可能来不了，其他人我都通知到了。",
                ),
                Post("doctor", _at("2014-09-02", "19:45"), "好的，复诊要紧。谢谢！"),
            ),
        ),
        Thread(
            "tuanjiehu",
            "没达到自己定的目标，很沮丧",
            (
                Post(
                    "peer1",
                    _at("2015-09-16", "19:35"),
                    "这个月我给自己定的目标是每次活动至少来六个人，结果三次活动都只来了三四个。"
                    "准备了很久，感觉很沮丧，开始怀疑自己是不是不适合做同伴。",
                ),
                Post(
                    "psychologist",
                    _at("2015-09-16", "20:10"),
                    "能感觉到你很用心，也很失望。先看看这个目标：团结湖刚换了新场地，"
                    "有的服务对象还不知道，或者觉得路远了，来的人少不全是你的原因。"
                    "目标可以定得小一点、具体一点，比如“这个月给没来的两位服务对象各打一个电话”。"
                    "来的三四个人每次都坚持参加，这本身就说明活动对他们有帮助。"
                    "下次督导会上我们一起想想怎么请大家回来。",
                ),
                Post(
                    "peer1",
                    _at("2015-09-16", "20:32"),
                    "谢谢李老师，听您这么说心里轻松多了。我明天先给没来的两位打电话问问。",
                ),
            ),
            is_question=True,
            answered_by="psychologist",
            answered_at=_at("2015-09-16", "20:35"),
        ),
        Thread(
            "maizidian",
            "同伴请假期间的活动安排",
            (
                Post(
                    "psychologist",
                    _at("2015-02-10", "10:00"),
                    "麦子店的一位同伴请假照顾母亲，大约到七月。这段时间请团结湖的同伴轮流来协助，"
                    "每次活动前一天在这里确认由谁来。",
                ),
                Post(
                    "manager",
                    _at("2015-02-10", "10:30"),
                    "同意。协助的同伴的交通费和活动补贴一起报销。",
                ),
                Post(
                    "psychologist",
                    _at("2015-07-07", "09:15"),
                    "请假的同伴已经回来了，从本周起恢复原来的安排。谢谢团结湖同伴这几个月的帮忙！",
                ),
            ),
        ),
        Thread(
            "xiangheyuan",
            "服务对象会不会不信任我？",
            (
                Post(
                    "peer2",
                    _at("2015-08-20", "20:05"),
                    "下周就要带第一次活动了。我自己也是病人，担心服务对象会觉得我和他们一样，"
                    "不听我的。",
                ),
                Post(
                    "psychiatrist",
                    _at("2015-08-20", "21:00"),
                    "正因为你也经历过，你说的话他们更容易听进去，这就是同伴的长处。"
                    "不必急着讲自己的全部经历，先带大家做熟悉的事情，比如做饭、写毛笔字。"
                    "遇到答不上来的问题，就说“我问问医生再告诉你”，这完全没问题。",
                ),
                Post("peer2", _at("2015-08-20", "21:15"), "谢谢陈医生，我心里有底了。"),
            ),
            is_question=True,
            answered_by="peer2",
            answered_at=_at("2015-08-20", "21:16"),
        ),
        Thread(
            "jinsong",
            "新来的社工，请多关照",
            (
                Post(
                    "socialworker",
                    _at("2016-03-03", "09:30"),
                    "大家好，我是赵静，从这个月起作为社工协助香河园和劲松的活动。"
                    "每次活动前后我会和同伴一起准备、总结，有事可以在这里找我。",
                ),
                Post(
                    "manager",
                    _at("2016-03-03", "10:10"),
                    "欢迎赵老师！劲松的活动计划表以后请同时发一份给赵老师。",
                ),
            ),
        ),
    ]


# The living program: days relative to the first-load day.
LIVING_ANSWERED_DAYS = -12
LIVING_WAITING_TITLE = "服务对象说想停药，我该怎么回应？"
LIVING_WAITING_TEXT = (
    "上次活动结束后，一位服务对象悄悄跟我说，他觉得自己已经好了，想停药。"
    "我劝他先问问医生，他说医生肯定不让。我该怎么回应比较好？"
)


def living_threads(t0: date) -> list[Thread]:
    """The answered Balizhuang question (dated from the first-load day `t0`)."""
    day = (t0 + timedelta(days=LIVING_ANSWERED_DAYS)).isoformat()
    return [
        Thread(
            "balizhuang",
            "服务对象说活动没意思，不想来了",
            (
                Post(
                    "peer4",
                    _at(day, "19:50"),
                    "有位服务对象跟我说最近的活动没意思，下次不想来了。"
                    "现在我一个人带活动，不知道怎么办才好。",
                    link_session=True,
                ),
                Post(
                    "psychologist",
                    _at(day, "20:20"),
                    "先别着急。可以约他单独聊聊，问问他想做什么，下一次的主题请他一起选。"
                    "一个人带活动确实累，下次督导会上我们也讨论一下怎么帮你分担。"
                    "@socialworker 下次活动你能早点到，和他一起准备吗？",
                ),
                Post("socialworker", _at(day, "20:45"), "下次活动我早点到，和你一起准备。"),
                Post("peer4", _at(day, "21:00"), "好的，谢谢李老师和赵老师！"),
            ),
            is_question=True,
            answered_by="peer4",
            answered_at=_at(day, "21:01"),
        ),
    ]


# --- loading -------------------------------------------------------------------------------


@transaction.atomic
def load_paper() -> None:
    from .loader import PROGRAM_SLUG

    program = Program.objects.get(slug=PROGRAM_SLUG)
    _load(program, paper_threads())


@transaction.atomic
def load_living() -> None:
    from .living import SLUG, first_load_day

    program = Program.objects.get(slug=SLUG)
    _load(program, living_threads(first_load_day(program)))
    # Balizhuang's social worker helps moderate its space, named by the project manager.
    balizhuang = _spaces(program)["balizhuang"]
    helper = _user("socialworker", program)
    if not balizhuang.moderators.filter(pk=helper.pk).exists():
        services.space_moderator_name(
            space=balizhuang, by=_user("manager", program), user=helper,
            reason="熟悉八里庄的同伴和服务对象，晚上也常在线。",
        )  # fmt: skip
    space = _spaces(program)["hepingjie"]
    if not Topic.objects.filter(space=space, title=LIVING_WAITING_TITLE).exists():
        # Asked now (the load), so it waits within the reminder delay, as the urgent
        # supervision request does; after group_question_hours the doctor is told.
        services.topic_start(
            space=space,
            by=_user("peer3", program),
            title=LIVING_WAITING_TITLE,
            text=LIVING_WAITING_TEXT,
            is_question=True,
        )


def _spaces(program: Program) -> dict[str, Space]:
    spaces = services.spaces_ensure(program=program)
    return {(s.community.code if s.community_id else ""): s for s in spaces}


def _user(username: str, program: Program) -> User:
    """The account, working in `program` for this load.

    Staff accounts belong to both demo programs and their stored choice is the living one;
    the services read the scope's program, cached on the user object (scope._CURRENT), so
    this object is pinned to `program` without changing the account's stored choice.
    """
    user = User.objects.get(username=username)
    if not scope.programs(user).filter(pk=program.pk).exists():
        raise ValueError(f"{username} does not belong to {program.slug}")
    setattr(user, scope._CURRENT, program)
    return user


def _load(program: Program, threads: list[Thread]) -> None:
    from .living import _dated

    spaces = _spaces(program)
    users: dict[str, User] = {}

    def user(username: str) -> User:
        if username not in users:
            users[username] = _user(username, program)
        return users[username]

    for thread in threads:
        space = spaces[thread.space]
        if Topic.objects.filter(space=space, title=thread.title).exists():
            continue
        first, *replies = thread.posts
        with _dated(_aware(first.at), program, Topic, Message, ModerationEntry):
            topic = services.topic_start(
                space=space,
                by=user(first.by),
                title=thread.title,
                text=first.text,
                is_question=thread.is_question,
                session=_session(space, first) if first.link_session else None,
            )
        for post in replies:
            with _dated(_aware(post.at), program, Message, ModerationEntry, updating=topic):
                message = services.message_post(
                    topic=topic,
                    by=user(post.by),
                    text=post.text,
                    # Only the reply that names a consumer; any other finding is a mistake.
                    post_anyway=bool(post.hidden_by),
                )
            if post.hidden_by:
                with _dated(_aware(post.hidden_at), program, Message, ModerationEntry,
                            updating=message):  # fmt: skip
                    services.message_hide(
                        message=message, by=user(post.hidden_by), reason=post.hidden_reason
                    )
        if thread.answered_by:
            with _dated(_aware(thread.answered_at), program, Topic, updating=topic):
                services.topic_mark_answered(topic=topic, by=user(thread.answered_by))


def _session(space: Space, post: Post):
    from tongban.activities.models import ActivityPlan

    return (
        ActivityPlan.objects.current()
        .filter(community_id=space.community_id, planned_on__lte=post.at.date())
        .order_by("-planned_on", "-pk")
        .first()
    )


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment)
