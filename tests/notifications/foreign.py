"""Objects of community B for the URL-walking access test (tests/test_access_walk.py)."""

from __future__ import annotations

from tests.conftest import make_user
from tongban.accounts.models import Role
from tongban.notifications.models import Notification
from tongban.notifications.services import notification_send

# Texts that only community B's objects contain: no page of a community-A user may show them.
SENTINELS: list[str] = ["乙社区提醒哨兵"]


def objects(
    community_b, users, *, username: str = "notified-doctor-b"
) -> dict[str, int | dict[str, object]]:
    """URL name -> pk (or a dict of every URL parameter) of an object in community B.

    `username`: of the account notified (another one to build them in a second program).
    """
    doctor_b = make_user(username, Role.COMMUNITY_DOCTOR, [community_b])
    notification = notification_send(
        recipients=[doctor_b],
        kind=Notification.Kind.EMERGENCY_FILED,
        subject="乙社区提醒哨兵",
        url="/emergencies/",
        program=community_b.program,
    )[0]
    return {"notifications:notification_open": notification.pk}
