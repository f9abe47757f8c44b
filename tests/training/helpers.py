"""Rounds, sessions and attendance straight through the ORM, for the readiness tests."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from tongban.training.models import (
    TrainingAttendance,
    TrainingRound,
    TrainingSession,
    Workshop,
)
from tongban.training.readiness import required_workshops

# The peers' training: the week before the sessions of tests/activities (2016-03-09).
TRAINED_ON = date(2016, 2, 22)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make_round(
    community,
    *,
    name: str = "测试培训轮次",
    kind: str = TrainingRound.Kind.PRE_SERVICE,
    starts_on: date = TRAINED_ON,
    ends_on: date | None = None,
    program=None,
) -> TrainingRound:
    training_round = TrainingRound.objects.create(
        program=program or community.program,
        kind=kind,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on or starts_on,
    )
    training_round.communities.add(community)
    return training_round


def session_of(training_round, workshop: Workshop | None, *, on: date | None = None, **fields):
    return TrainingSession.objects.create(
        round=training_round, workshop=workshop, held_on=on or training_round.starts_on, **fields
    )


def attend(session, *people) -> list[TrainingAttendance]:
    return [TrainingAttendance.objects.create(session=session, person=p) for p in people]


def workshop(program, code: str) -> Workshop:
    return required_workshops(program).get(code=code)


def train_all_but(person, community, *codes: str, on: date = TRAINED_ON) -> TrainingRound:
    """A round on `on` with a session of every required workshop; `person` attends all of
    them but those of `codes`."""
    training_round = make_round(community, starts_on=on)
    for item in required_workshops(community.program):
        session = session_of(training_round, item)
        if item.code not in codes:
            attend(session, person)
    return training_round
