"""Sizes of the benchmark programs (issue 14).

Each tier is one program. Counts are totals over the program; sessions and people are
spread evenly over its communities. Attendance is drawn per held session, so its total
is about `0.94 x sessions x mean(attendance_per_session)` (fewer when a community has
fewer consumers in service on a day than the draw asks for).
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Tier:
    name: str
    communities: int
    peers: int
    consumers: int
    caregivers: int
    sessions: int
    # Consumers on a held session's participant list: drawn uniformly in [low, high].
    attendance_per_session: tuple[int, int]
    # Sessions are spread over this many years ending a fortnight after today.
    years: int = 3
    # The paper reports adverse events per 100 sessions; a city sees a few.
    emergencies_per_100_sessions: float = 2.0
    # Online group: topics per community space (the program-wide space gets as many) and
    # messages per topic.
    topics_per_space: int = 4
    messages_per_topic: int = 8
    # One evaluation round interviews this share of the consumers and the peers.
    interview_share: float = 0.3
    # Shares of enrolments that end withdrawn, or take a leave (and come back).
    withdrawn_share: float = 0.08
    leave_share: float = 0.05
    # Shares of voided rows (a mistake, corrected by voiding).
    voided_session_share: float = 0.01
    voided_attendance_share: float = 0.005
    # Past sessions whose process form was never entered (cancelled, or not written up).
    unrecorded_share: float = 0.03
    # simple-history rows ("created") for every person, enrolment and status change, and for
    # this share of the sessions, process forms and participant list rows.
    session_history_share: float = 0.3


TINY = Tier(
    name="tiny",
    communities=2,
    peers=20,
    consumers=100,
    caregivers=20,
    sessions=500,
    attendance_per_session=(4, 8),
    topics_per_space=2,
    messages_per_topic=4,
)

# About the size of the demo program (tongban/demo): four communities, 13 peer records,
# about 60 consumers, 214 sessions over July 2013 - June 2016.
DEMO = Tier(
    name="demo",
    communities=4,
    peers=13,
    consumers=60,
    caregivers=30,
    sessions=214,
    attendance_per_session=(5, 9),
    topics_per_space=3,
    messages_per_topic=6,
)

# Issue 14: a city's program. About 94% of the sessions have a process form (the rest
# are voided, not written up or still to come), so 9-12 consumers a session make about
# a million participant list rows.
CITY = Tier(
    name="city",
    communities=500,
    peers=3_000,
    consumers=30_000,
    caregivers=5_000,
    sessions=100_000,
    attendance_per_session=(9, 12),
)

# The city over six years with bigger groups: 500,000 sessions of about 22 consumers,
# ten million participant list rows.
STRESS = replace(
    CITY,
    name="stress",
    sessions=500_000,
    attendance_per_session=(18, 26),
    years=6,
    session_history_share=0.1,
)

TIERS: dict[str, Tier] = {tier.name: tier for tier in (TINY, DEMO, CITY, STRESS)}
