"""One program of a benchmark tier, written into the current (migrated) database.

The program itself and its first accounts go through the services (`program_create`
makes the program's screening documents and its program-wide group space); everything
else is streamed from generators into COPY (tongban.benchmark.writer), ids given here.
Since COPY fires no signals, the communities' group spaces are written too, and the
simple-history "created" rows are copied in the database afterwards.

Deterministic: one random.Random(seed) and a fixed `today` give the same rows.

Invariants kept: every enrolment starts with an "active" status change on its start
date; enrolments are marked `before_screening` (the program's `screening_records_from`
stays empty), so everyone passes the gate into service without screening records, as in
a program moved in from paper; a session's lead and assisting peers, and its consumers,
are enrolled in its community and in service on its day; a process form ends after it
starts and lists its plan's peers as present; submissions are one per community and
cycle, for ended cycles only; topics carry their last message.
"""

from __future__ import annotations

import random
import time as clock
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tongban.accounts.models import Role, User
from tongban.activities.models import (
    ActivityPlan,
    ActivityRecord,
    Attendance,
    Category,
    Format,
    Topic,
)
from tongban.discussion.models import Message, Space
from tongban.discussion.models import Topic as GroupTopic
from tongban.emergencies.models import EmergencyEvent, FollowUp
from tongban.evaluation.models import EvaluationRound, Interview, InterviewAnswer, Question
from tongban.notifications.models import Notification
from tongban.programs.services import program_create
from tongban.registry.models import (
    CaregiverLink,
    Community,
    Diagnosis,
    Education,
    Enrolment,
    EnrolmentStatusChange,
    MaritalStatus,
    Person,
    Program,
    Sex,
    Venue,
    WorkingStatus,
)
from tongban.submissions.cycles import Calendar
from tongban.submissions.models import Submission, SubmissionEvent

from .tiers import Tier
from .writer import Writer

PASSWORD = "tongban-bench"  # benchmark data only

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国志红文斌宁波晨阳浩然子涵雨欣梓萱俊宇"
)
STARTS = [time(9, 0), time(9, 30), time(10, 0), time(14, 0), time(14, 30), time(15, 0)]
ACTIVE = EnrolmentStatusChange.Status.ACTIVE
ON_LEAVE = EnrolmentStatusChange.Status.ON_LEAVE
WITHDRAWN = EnrolmentStatusChange.Status.WITHDRAWN


@dataclass
class Result:
    program_id: int
    slug: str
    usernames: dict[str, str]  # role -> username, one account per role to sign in with
    password: str
    counts: dict[str, int]  # table -> rows written
    seconds: float
    stages: dict[str, float]  # step -> seconds (the commit is in `seconds` only)


@dataclass
class Member:
    """An enrolled person, as the session layout needs them."""

    person_id: int
    start: date
    end: date | None = None  # withdrawn from this day
    leave: tuple[date, date] | None = None
    user_id: int | None = None

    def serves_on(self, day: date) -> bool:
        if day < self.start or (self.end is not None and day >= self.end):
            return False
        return self.leave is None or not (self.leave[0] <= day < self.leave[1])


@dataclass
class Place:
    id: int
    code: str
    name: str
    venue_ids: list[int] = field(default_factory=list)
    peers: list[Member] = field(default_factory=list)
    consumers: list[Member] = field(default_factory=list)
    doctor_id: int = 0
    space_id: int = 0


@cache
def password_hash() -> str:
    """Hashed once: hashing is slow on purpose, and every account shares the password."""
    return make_password(PASSWORD)


def spread(total: int, parts: int) -> list[int]:
    """`total` in `parts` near-equal counts (the first ones one larger)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class Generator:
    def __init__(self, tier: Tier, *, seed: int, today: date) -> None:
        self.tier = tier
        self.rng = random.Random(seed)
        self.today = today
        self.tz = timezone.get_default_timezone()
        self.w = Writer()
        self.started_on = date(today.year - tier.years, today.month, 1)
        self.places: list[Place] = []

    def at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def day_between(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, max(0, (last - first).days)))

    def name(self) -> str:
        rng = self.rng
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        return rng.choice(SURNAMES) + given

    # -- program, communities, venues, spaces --------------------------------------------

    def program(self) -> None:
        base = f"bench-{self.tier.name}"
        slug, n = base, 1
        while Program.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        self.slug = slug
        hashed = password_hash()

        def account(role: str, suffix: str, **fields) -> User:
            return User.objects.create(
                username=f"{slug}.{suffix}", password=hashed, role=role, **fields
            )

        self.manager = account(Role.PROJECT_MANAGER, "manager", first_name="周经理")
        self.program_obj = program_create(
            fields={
                "name": f"基准测试项目（{self.tier.name}）",
                "name_en": f"Benchmark program ({self.tier.name})",
                "slug": slug,
                "started_on": self.started_on,
            },
            by=self.manager,
        )
        program = self.program_obj
        self.psychiatrist = account(
            Role.PSYCHIATRIST, "psychiatrist", first_name="陈医生", current_program=program
        )
        self.psychiatrist.programs.add(program)
        self.research = account(Role.RESEARCH_ASSISTANT, "research", first_name="孙助理")
        self.calendar = Calendar(
            program.started_on, program.cycle_days, program.submission_due_days
        )

    def communities(self) -> None:
        tier, w, rng = self.tier, self.w, self.rng
        first = w.next_id(Community, tier.communities)
        for i in range(tier.communities):
            name = f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}社区{i + 1}"
            self.places.append(Place(id=first + i, code=f"{self.slug}-c{i + 1:04d}", name=name))
        w.write(
            Community,
            (
                {
                    "id": p.id,
                    "name": p.name,
                    "name_en": f"Community {i + 1}",
                    "program_id": self.program_obj.pk,
                    "code": p.code,
                    "started_on": self.started_on,
                }
                for i, p in enumerate(self.places)
            ),
        )
        kinds = [
            ("温馨家园", "Wenxin Home", Venue.Kind.REHABILITATION_CENTRE),
            ("社区卫生服务中心", "Health Care Centre", Venue.Kind.HEALTH_CARE_CENTRE),
            ("社区公园", "Community park", Venue.Kind.OUTDOORS),
        ]
        venues = []
        for p in self.places:
            for name, name_en, kind in kinds[: 2 + (p.id % 2)]:
                vid = w.next_id(Venue)
                p.venue_ids.append(vid)
                venues.append(
                    {
                        "id": vid,
                        "community_id": p.id,
                        "name": name,
                        "name_en": name_en,
                        "kind": kind,
                        "address": f"{p.name}{rng.randint(1, 99)}号",
                    }
                )
        w.write(Venue, venues)
        # The post_save signal makes a community's space; COPY fires none.
        spaces = []
        for p in self.places:
            p.space_id = w.next_id(Space)
            spaces.append(
                {
                    "id": p.space_id,
                    "program_id": self.program_obj.pk,
                    "community_id": p.id,
                    "created_at": w.now,
                }
            )
        w.write(Space, spaces)
        self.program_space_id = Space.objects.get(
            program=self.program_obj, community__isnull=True
        ).pk

    # -- people, enrolments, status, caregivers ------------------------------------------

    def person_row(self, pid: int, role: str, start: date) -> dict:
        rng = self.rng
        age = rng.randint(25, 60) if role == "peer" else rng.randint(20, 70)
        return {
            "id": pid,
            "program_id": self.program_obj.pk,
            "name": self.name(),
            "sex": rng.choice(Sex.values),
            "date_of_birth": date(self.today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
            "education": rng.choice(Education.values),
            "marital_status": rng.choice(MaritalStatus.values),
            "working_status": rng.choice(WorkingStatus.values),
            "diagnosis": rng.choice(Diagnosis.values) if role != "caregiver" else "",
            "phone": f"139{rng.randint(0, 99_999_999):08d}",
            "address": "",
            "created_at": self.at(start, 9),
        }

    def people(self) -> None:
        tier, w, rng = self.tier, self.w, self.rng
        total = tier.peers + tier.consumers + tier.caregivers
        next_person = w.next_id(Person, total)
        persons, enrolments, changes = [], [], []
        horizon = self.today - timedelta(days=30)
        first_half = self.started_on + (self.today - self.started_on) / 2

        def enrol(place: Place, role: str, start: date) -> Member:
            nonlocal next_person
            pid = next_person
            next_person += 1
            persons.append(self.person_row(pid, role, start))
            eid = w.next_id(Enrolment)
            enrolments.append(
                {
                    "id": eid,
                    "person_id": pid,
                    "community_id": place.id,
                    "role": role,
                    "started_on": start,
                    "before_screening": True,
                }
            )
            member = Member(pid, start)
            status = [(ACTIVE, start, "")]
            draw = rng.random()
            if draw < tier.withdrawn_share:
                member.end = self.day_between(start + timedelta(days=60), horizon)
                status.append((WITHDRAWN, member.end, "本人要求退出。"))
            elif draw < tier.withdrawn_share + tier.leave_share:
                leave = self.day_between(start + timedelta(days=30), horizon)
                back = leave + timedelta(days=rng.randint(14, 90))
                member.leave = (leave, back)
                status.append((ON_LEAVE, leave, "临时请假。"))
                if back <= self.today:
                    status.append((ACTIVE, back, "结束请假，恢复服务。"))
            for kind, day, reason in status:
                changes.append(
                    {
                        "id": w.next_id(EnrolmentStatusChange),
                        "enrolment_id": eid,
                        "status": kind,
                        "effective_on": day,
                        "reason": reason,
                    }
                )
            return member

        for place, n_peers, n_consumers in zip(
            self.places,
            spread(tier.peers, tier.communities),
            spread(tier.consumers, tier.communities),
            strict=True,
        ):
            for k in range(n_peers):
                # Two peers from the first day, so that every session has a lead.
                start = self.started_on if k < 2 else self.day_between(self.started_on, first_half)
                place.peers.append(enrol(place, "peer", start))
            for k in range(n_consumers):
                start = self.started_on if k < 10 else self.day_between(self.started_on, horizon)
                place.consumers.append(enrol(place, "consumer", start))
            place.consumers.sort(key=lambda m: m.start)

        links = []
        consumers = [(m, p) for p in self.places for m in p.consumers]
        cared_for = rng.sample(consumers, min(tier.caregivers, len(consumers)))
        for member, _place in cared_for:
            pid = next_person
            next_person += 1
            persons.append(self.person_row(pid, "caregiver", member.start))
            links.append(
                {
                    "id": w.next_id(CaregiverLink),
                    "caregiver_id": pid,
                    "cared_for_id": member.person_id,
                    "relationship": rng.choice(CaregiverLink.Relationship.values),
                    "started_on": member.start,
                }
            )
        w.write(Person, persons)
        w.write(Enrolment, enrolments)
        w.write(EnrolmentStatusChange, changes)
        w.write(CaregiverLink, links)

    # -- accounts -------------------------------------------------------------------------

    def accounts(self) -> None:
        w, hashed = self.w, password_hash()
        program_id = self.program_obj.pk
        users, communities = [], []
        through = User.communities.through

        def user(username: str, role: str, **fields) -> int:
            uid = w.next_id(User)
            users.append(
                {
                    "id": uid,
                    "username": f"{self.slug}.{username}",
                    "password": hashed,
                    "role": role,
                    "date_joined": self.at(self.started_on),
                    "current_program_id": program_id,
                    **fields,
                }
            )
            return uid

        n = 0
        for i, place in enumerate(self.places):
            place.doctor_id = user(
                f"doctor{i + 1}", Role.COMMUNITY_DOCTOR, first_name=f"{place.name}医生"
            )
            communities.append(
                {"id": w.next_id(through), "user_id": place.doctor_id, "community_id": place.id}
            )
            for member in place.peers:
                n += 1
                member.user_id = user(f"peer{n}", Role.PEER, person_id=member.person_id)
        for place in self.places:
            communities.append(
                {"id": w.next_id(through), "user_id": self.research.pk, "community_id": place.id}
            )
        w.write(User, users)
        w.write(through, communities)
        self.usernames = {
            Role.PROJECT_MANAGER: self.manager.username,
            Role.PSYCHIATRIST: self.psychiatrist.username,
            Role.RESEARCH_ASSISTANT: self.research.username,
            Role.COMMUNITY_DOCTOR: f"{self.slug}.doctor1",
            Role.PEER: f"{self.slug}.peer1",
        }

    # -- sessions -------------------------------------------------------------------------

    def sessions(self) -> None:
        tier, w, rng = self.tier, self.w, self.rng
        topics = list(
            Topic.objects.filter(program__isnull=True).values_list("id", "category", "name")
        )
        if not topics:  # a database without the paper's topics (never after migrate)
            topics = [(None, Category.SOCIAL_SKILLS, "社交技能练习")]
        first_day = self.started_on + timedelta(days=14)
        last_day = self.today + timedelta(days=14)
        self.held: list[tuple[int, Place, date, time, int, list[int]]] = []
        # Sessions that had an emergency event (emergencies()).
        emergency_share = tier.emergencies_per_100_sessions / 100
        plan_through = ActivityPlan.assisting_peers.through
        present_through = ActivityRecord.peers_present.through
        low, high = tier.attendance_per_session
        n_sessions = spread(tier.sessions, tier.communities)
        plan_id = w.next_id(ActivityPlan, tier.sessions)
        record_id = w.next_id(ActivityRecord, tier.sessions)
        voided_by = self.manager.pk
        voided_at = self.at(self.today - timedelta(days=1), 16)

        def layout(place: Place, count: int):
            nonlocal plan_id, record_id
            days = sorted(self.day_between(first_day, last_day) for _ in range(count))
            starts = [m.start for m in place.consumers]
            for day in days:
                peers = [m for m in place.peers if m.serves_on(day)] or place.peers[:2]
                lead, *others = rng.sample(peers, min(len(peers), 2))
                topic_id, category, theme = rng.choice(topics)
                fmt = rng.choice(Format.values)
                start = rng.choice(STARTS)
                minutes = rng.choice((60, 90, 90, 120))
                end = (datetime.combine(day, start) + timedelta(minutes=minutes)).time()
                pid = plan_id
                plan_id += 1
                voided = rng.random() < tier.voided_session_share
                yield (
                    "plan",
                    {
                        "id": pid,
                        "community_id": place.id,
                        "venue_id": rng.choice(place.venue_ids),
                        "planned_on": day,
                        "planned_start": start,
                        "planned_end": end,
                        "category": category,
                        "topic_id": topic_id,
                        "theme": theme,
                        "aim": "增进交流，分享经验。",
                        "format": fmt,
                        "lead_peer_id": lead.person_id,
                        "created_by_id": lead.user_id,
                        "created_at": self.at(day - timedelta(days=3)),
                        "voided_at": voided_at if voided else None,
                        "voided_by_id": voided_by if voided else None,
                        "void_reason": "重复录入。" if voided else "",
                    },
                )
                for other in others:
                    yield "assist", {"activityplan_id": pid, "person_id": other.person_id}
                written_up = day < self.today - timedelta(days=rng.randint(0, 10))
                if voided or not written_up or rng.random() < tier.unrecorded_share:
                    continue
                rid = record_id
                record_id += 1
                yield (
                    "record",
                    {
                        "id": rid,
                        "plan_id": pid,
                        "held_on": day,
                        "started_at": start,
                        "ended_at": end,
                        "duration_minutes": minutes,
                        "format": fmt,
                        "theme": theme,
                        "feedback": "大家积极参与。",
                        "summary": "活动顺利完成。",
                        "created_by_id": lead.user_id,
                        "created_at": self.at(day + timedelta(days=1), 18),
                    },
                )
                for peer in (lead, *others):
                    yield "present", {"activityrecord_id": rid, "person_id": peer.person_id}
                # Consumers enrolled by the day (sorted by start), still in service.
                enrolled = place.consumers[: bisect_right(starts, day)]
                serving = [m for m in enrolled if m.serves_on(day)]
                chosen = rng.sample(serving, min(len(serving), rng.randint(low, high)))
                for member in chosen:
                    void = rng.random() < tier.voided_attendance_share
                    yield (
                        "attendance",
                        {
                            "record_id": rid,
                            "person_id": member.person_id,
                            "voided_at": voided_at if void else None,
                            "voided_by_id": voided_by if void else None,
                            "void_reason": "误选。" if void else "",
                        },
                    )
                if rng.random() < emergency_share:
                    self.held.append(
                        (pid, place, day, start, lead.user_id, [m.person_id for m in chosen])
                    )

        # One community at a time, so that memory stays bounded in the stress tier: the
        # foreign keys are checked at commit (Django makes them DEFERRABLE INITIALLY
        # DEFERRED), parents are written first all the same.
        for place, count in zip(self.places, n_sessions, strict=True):
            plans, assisting, records, present, attendance = [], [], [], [], []
            kept = {
                "plan": plans,
                "assist": assisting,
                "record": records,
                "present": present,
                "attendance": attendance,
            }
            for kind, row in layout(place, count):
                kept[kind].append(row)
            w.write(ActivityPlan, plans)
            first = w.next_id(plan_through, len(assisting))
            w.write(plan_through, ({"id": first + i, **r} for i, r in enumerate(assisting)))
            w.write(ActivityRecord, records)
            first = w.next_id(present_through, len(present))
            w.write(present_through, ({"id": first + i, **r} for i, r in enumerate(present)))
            first = w.next_id(Attendance, len(attendance))
            w.write(Attendance, ({"id": first + i, **r} for i, r in enumerate(attendance)))

    # -- emergencies and their notifications -----------------------------------------------

    def emergencies(self) -> None:
        w, rng = self.w, self.rng
        events, involved, follow_ups, self.notifications = [], [], [], []
        through = EmergencyEvent.people_involved.through
        program_id = self.program_obj.pk
        for plan_id, place, day, start, reporter, attendees in self.held:
            eid = w.next_id(EmergencyEvent)
            occurred = datetime.combine(day, start, tzinfo=self.tz) + timedelta(minutes=30)
            reported = occurred + timedelta(hours=2)
            age = (self.today - day).days
            escalated = rng.random() < 0.05
            acknowledged = age > 3 or rng.random() < 0.5
            closed = acknowledged and (age > 30 or rng.random() < 0.3)
            ack_at = reported + timedelta(hours=30 if escalated else 3)
            events.append(
                {
                    "id": eid,
                    "community_id": place.id,
                    "session_id": plan_id,
                    "kind": rng.choice(EmergencyEvent.Kind.values),
                    "occurred_at": occurred,
                    "involved_note": "",
                    "description": "活动中一名服务对象情绪激动。",
                    "actions_taken": "同伴安抚，联系社区医生。",
                    "emergency_services_called": rng.random() < 0.1,
                    "reported_by_id": reporter,
                    "reported_at": reported,
                    "acknowledged_by_id": place.doctor_id if acknowledged else None,
                    "acknowledged_at": ack_at if acknowledged else None,
                    "escalated_at": reported + timedelta(hours=24) if escalated else None,
                    "closed_by_id": place.doctor_id if closed else None,
                    "closed_at": ack_at + timedelta(days=7) if closed else None,
                    "closing_note": "已随访，情况稳定。" if closed else "",
                }
            )
            if attendees:
                involved.append({"emergencyevent_id": eid, "person_id": rng.choice(attendees)})
            if acknowledged:
                follow_ups.append(
                    {
                        "id": w.next_id(FollowUp),
                        "event_id": eid,
                        "author_id": place.doctor_id,
                        "written_at": ack_at + timedelta(days=1),
                        "text": "电话随访，服务对象情绪平稳。",
                    }
                )
            url = reverse("emergencies:emergency_detail", args=[eid])
            self.notifications.append(
                {
                    "recipient_id": place.doctor_id,
                    "program_id": program_id,
                    "kind": Notification.Kind.EMERGENCY_FILED,
                    "subject": place.name,
                    "url": url,
                    "created_at": reported,
                    "read_at": ack_at if acknowledged else None,
                }
            )
            if acknowledged:
                self.notifications.append(
                    {
                        "recipient_id": reporter,
                        "program_id": program_id,
                        "kind": Notification.Kind.EMERGENCY_ACKNOWLEDGED,
                        "subject": place.name,
                        "url": url,
                        "created_at": ack_at,
                        "read_at": ack_at + timedelta(hours=5) if age > 7 else None,
                    }
                )
        w.write(EmergencyEvent, events)
        first = w.next_id(through, len(involved))
        w.write(through, ({"id": first + i, **r} for i, r in enumerate(involved)))
        w.write(FollowUp, follow_ups)

    # -- submissions ----------------------------------------------------------------------

    def submissions(self) -> None:
        w, rng = self.w, self.rng
        submissions, events = [], []
        current = self.calendar.number(self.today)
        program_id = self.program_obj.pk
        manager = self.manager.pk
        for place in self.places:
            submitter = place.peers[0].user_id
            for number in range(1, current):
                cycle = self.calendar.cycle(number)
                latest = number >= current - 2
                if latest and rng.random() < 0.3:
                    continue  # missing, then overdue
                submitted = self.at(cycle.ends_on + timedelta(days=rng.randint(1, 6)), 17)
                if submitted.date() > self.today:
                    submitted = self.at(self.today, 8)
                status = (
                    rng.choice(
                        [Submission.Status.SUBMITTED, Submission.Status.RETURNED]
                        + [Submission.Status.ACCEPTED] * 2
                    )
                    if latest
                    else Submission.Status.ACCEPTED
                )
                reviewed = submitted + timedelta(days=2)
                if reviewed.date() > self.today:
                    status = Submission.Status.SUBMITTED
                sid = w.next_id(Submission)
                is_reviewed = status != Submission.Status.SUBMITTED
                submissions.append(
                    {
                        "id": sid,
                        "community_id": place.id,
                        "cycle": number,
                        "status": status,
                        "submitted_by_id": submitter,
                        "submitted_at": submitted,
                        "reviewed_by_id": manager if is_reviewed else None,
                        "reviewed_at": reviewed if is_reviewed else None,
                        "comments": "请补充签到表。"
                        if status == Submission.Status.RETURNED
                        else "",
                    }
                )
                events.append(
                    {
                        "id": w.next_id(SubmissionEvent),
                        "submission_id": sid,
                        "status": Submission.Status.SUBMITTED,
                        "by_id": submitter,
                        "at": submitted,
                    }
                )
                url = reverse("submissions:cycle_detail", args=[place.id, number])
                self.notifications.append(
                    {
                        "recipient_id": manager,
                        "program_id": program_id,
                        "kind": Notification.Kind.SUBMISSION_SUBMITTED,
                        "subject": place.name,
                        "url": url,
                        "created_at": submitted,
                        "read_at": reviewed if is_reviewed else None,
                    }
                )
                if is_reviewed:
                    events.append(
                        {
                            "id": w.next_id(SubmissionEvent),
                            "submission_id": sid,
                            "status": status,
                            "by_id": manager,
                            "at": reviewed,
                            "comments": submissions[-1]["comments"],
                        }
                    )
                    kind = (
                        Notification.Kind.SUBMISSION_ACCEPTED
                        if status == Submission.Status.ACCEPTED
                        else Notification.Kind.SUBMISSION_RETURNED
                    )
                    self.notifications.append(
                        {
                            "recipient_id": submitter,
                            "program_id": program_id,
                            "kind": kind,
                            "subject": place.name,
                            "url": url,
                            "created_at": reviewed,
                            "read_at": None if latest else reviewed + timedelta(hours=3),
                        }
                    )
        w.write(Submission, submissions)
        w.write(SubmissionEvent, events)
        self.notifications.sort(key=lambda n: n["created_at"])
        first = w.next_id(Notification, len(self.notifications))
        w.write(Notification, ({"id": first + i, **n} for i, n in enumerate(self.notifications)))

    # -- the online group -----------------------------------------------------------------

    def discussion(self) -> None:
        tier, w, rng = self.tier, self.w, self.rng
        topics, messages = [], []
        spaces = [(p.space_id, [p.doctor_id] + [m.user_id for m in p.peers]) for p in self.places]
        everyone = [uid for _s, users in spaces for uid in users]
        spaces.append((self.program_space_id, [self.manager.pk, self.psychiatrist.pk, *everyone]))
        recent = self.today - timedelta(days=120)
        for space_id, users in spaces:
            for k in range(tier.topics_per_space):
                tid = w.next_id(GroupTopic)
                starter = rng.choice(users)
                when = self.at(self.day_between(recent, self.today), rng.randint(8, 20))
                is_question = k % 3 == 0
                last_id, last_at = 0, when
                for m in range(tier.messages_per_topic):
                    mid = w.next_id(Message)
                    last_id, last_at = mid, when + timedelta(minutes=17 * m)
                    messages.append(
                        {
                            "id": mid,
                            "topic_id": tid,
                            "author_id": starter if m == 0 else rng.choice(users),
                            "text": "大家好，想请教一下这个问题。" if m == 0 else "谢谢分享！",
                            "created_at": last_at,
                        }
                    )
                answered = is_question and tier.messages_per_topic > 1 and rng.random() < 0.7
                topics.append(
                    {
                        "id": tid,
                        "space_id": space_id,
                        "title": f"讨论{tid}：活动经验交流",
                        "started_by_id": starter,
                        "created_at": when,
                        "last_message_at": last_at,
                        "last_message_id": last_id,
                        "is_question": is_question,
                        "answered_at": last_at if answered else None,
                        "answered_by_id": users[0] if answered else None,
                    }
                )
        w.write(GroupTopic, topics)
        w.write(Message, messages)

    # -- evaluation -----------------------------------------------------------------------

    def evaluation(self) -> None:
        tier, w, rng = self.tier, self.w, self.rng
        starts = self.started_on + timedelta(days=365 * tier.years // 2)
        ends = starts + timedelta(days=13)
        rid = w.next_id(EvaluationRound)
        w.write(
            EvaluationRound,
            [
                {
                    "id": rid,
                    "program_id": self.program_obj.pk,
                    "name": "中期评估",
                    "name_en": "Mid-term evaluation",
                    "starts_on": starts,
                    "ends_on": ends,
                    "created_by_id": self.manager.pk,
                    "created_at": self.at(starts - timedelta(days=14)),
                }
            ],
        )
        through = EvaluationRound.communities.through
        first = w.next_id(through, len(self.places))
        w.write(
            through,
            (
                {"id": first + i, "evaluationround_id": rid, "community_id": p.id}
                for i, p in enumerate(self.places)
            ),
        )
        questions = {
            role: list(
                Question.objects.filter(program__isnull=True, respondent=role, is_active=True)
                .order_by("position", "pk")
                .values_list("pk", flat=True)
            )
            for role in ("peer", "consumer")
        }
        interviews, answers = [], []
        reasons = Interview._meta.get_field("not_assessed_reason").choices
        for place in self.places:
            for role, members in (("peer", place.peers), ("consumer", place.consumers)):
                for member in members:
                    if not member.serves_on(starts) or rng.random() >= tier.interview_share:
                        continue
                    iid = w.next_id(Interview)
                    interviewed = rng.random() < 0.9
                    interviews.append(
                        {
                            "id": iid,
                            "round_id": rid,
                            "person_id": member.person_id,
                            "respondent": role,
                            "community_id": place.id,
                            "outcome": "interviewed" if interviewed else "not_assessed",
                            "not_assessed_reason": "" if interviewed else rng.choice(reasons)[0],
                            "interviewed_on": self.day_between(starts, ends)
                            if interviewed
                            else None,
                            "interviewer_id": self.research.pk if interviewed else None,
                            "created_by_id": self.research.pk,
                            "created_at": self.at(ends, 17),
                        }
                    )
                    if interviewed:
                        for qid in questions[role]:
                            answers.append(
                                {
                                    "interview_id": iid,
                                    "question_id": qid,
                                    "value": rng.choice(("yes", "yes", "yes", "no", "")),
                                }
                            )
        w.write(Interview, interviews)
        first = w.next_id(InterviewAnswer, len(answers))
        w.write(InterviewAnswer, ({"id": first + i, **a} for i, a in enumerate(answers)))

    # -- history --------------------------------------------------------------------------

    def history(self) -> None:
        """simple-history's "created" row, as the services would have left: every person,
        enrolment and status change; a share of the sessions' forms."""
        w, manager = self.w, self.manager.pk
        w.history(Community, history_date=w.now, history_user_id=manager)
        w.history(Venue, history_date=w.now, history_user_id=manager)
        w.history(Person, history_date="created_at", history_user_id=manager)
        w.history(Enrolment, history_date=w.now, history_user_id=manager)
        w.history(EnrolmentStatusChange, history_date=w.now, history_user_id=manager)
        w.history(CaregiverLink, history_date=w.now, history_user_id=manager)
        share = round(self.tier.session_history_share * 10)
        if share:
            for model in (ActivityPlan, ActivityRecord):
                w.history(
                    model,
                    every=10,
                    share=share,
                    history_date="created_at",
                    history_user_id="created_by_id",
                )
            w.history(Attendance, every=10, share=share, history_date=w.now, history_user_id=None)
        w.history(
            EmergencyEvent,
            history_date="reported_at",
            history_user_id="reported_by_id",
        )
        w.history(Submission, history_date="submitted_at", history_user_id="submitted_by_id")

    def run(self) -> Result:
        began = clock.monotonic()
        stages = {}
        steps = [
            self.program,
            self.communities,
            self.people,
            self.accounts,
            self.sessions,
            self.emergencies,
            self.submissions,
            self.discussion,
            self.evaluation,
            self.history,
            self.w.restore_foreign_keys,
            self.w.reset_sequences,
        ]
        with transaction.atomic():
            for step in steps:
                start = clock.monotonic()
                step()
                stages[step.__name__] = clock.monotonic() - start
        return Result(
            program_id=self.program_obj.pk,
            slug=self.slug,
            usernames=self.usernames,
            password=PASSWORD,
            counts=dict(self.w.counts),
            seconds=clock.monotonic() - began,
            stages=stages,
        )


def generate(tier: Tier, *, seed: int = 14, today: date | None = None) -> Result:
    """Write one program of `tier` into the current database (already migrated)."""
    return Generator(tier, seed=seed, today=today or timezone.localdate()).run()
