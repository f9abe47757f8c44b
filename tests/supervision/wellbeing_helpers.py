"""Shared helpers of the wellbeing tests (check-ins, alerts, break requests)."""

from __future__ import annotations

from datetime import date

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.supervision import wellbeing_services as services

CALM = {"workload": 3, "stress": 2, "confidence": 4}
WORRYING = {"workload": 3, "stress": 5, "confidence": 4}


def peer_with_account(name: str, community, *, started_on: date = date(2014, 3, 1), username=None):
    """A peer in service in `community` (enrolled before screening) and their account."""
    person = make_person(name, community=community, role="peer", started_on=started_on)
    user = make_user(username or f"peer-{person.pk}", Role.PEER, person=person)
    return person, user


def check_in(user, community, *, today: date | None = None, **answers):
    values = {**CALM, **answers}
    return services.wellbeing_checkin_create(
        peer=user.person, community=community, by=user, today=today, **values
    )


def english(user):
    """The user reads the pages in English (their account's language), so that tests may
    assert on the English source strings whatever the catalogues hold."""
    user.language = "en"
    user.save(update_fields=["language"])
    return user
