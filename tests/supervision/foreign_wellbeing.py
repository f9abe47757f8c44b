"""Objects of community B for the URL walk: the wellbeing pages (check-ins, alerts, break
requests). Also called with program B's community and users by
tests/registry/other_program.py."""

from __future__ import annotations

from datetime import date

from tests.conftest import make_person, make_user
from tongban.accounts.models import Role
from tongban.supervision.models import BreakRequest, WellbeingAlert, WellbeingCheckIn

# Texts that only these objects hold: no page of a user of another community may show them.
SENTINELS: list[str] = [
    "乙社区同伴哨兵",
    "乙社区签到哨兵",
    "乙社区休息理由哨兵",
]


def objects(community_b, users, **_kwargs) -> dict[str, int | dict[str, object]]:
    peer = make_person(
        "乙社区同伴哨兵", community=community_b, role="peer", started_on=date(2015, 8, 1)
    )
    account = make_user(f"wellbeing-peer-{community_b.pk}", Role.PEER, person=peer)
    # Straight through the ORM: the walk wants the bare records, not the services' checks.
    checkin = WellbeingCheckIn.objects.create(
        peer=peer,
        community=community_b,
        answered_on=date(2016, 1, 4),
        workload=5,
        stress=5,
        confidence=1,
        wants_break=True,
        text="乙社区签到哨兵",
        created_by=account,
    )
    alert = WellbeingAlert.objects.create(
        peer=peer, community=community_b, kind=WellbeingAlert.Kind.WORRYING, checkin=checkin
    )
    waiting = BreakRequest.objects.create(
        peer=peer,
        community=community_b,
        starts_on=date(2016, 1, 11),
        ends_on=date(2016, 2, 1),
        reason="乙社区休息理由哨兵",
        asked_by=account,
    )
    return {
        "supervision:wellbeing_peer": peer.pk,
        "supervision:wellbeing_checkin_detail": checkin.pk,
        "supervision:wellbeing_checkin_void": checkin.pk,
        "supervision:wellbeing_alert_seen": alert.pk,
        "supervision:break_detail": waiting.pk,
        "supervision:break_decide": waiting.pk,
        "supervision:break_withdraw": waiting.pk,
    }
