"""The Participant List uses the gate: only consumers who may attend on the session's day
are offered; the others of the community are shown with what is missing (to staff; peers
see only that they cannot attend yet); a consumer the gate stops is refused even when the
form is forged."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from tests.activities.conftest import DAY, record_fields
from tests.conftest import make_person
from tests.screening.conftest import consent_all, documents, new_candidate, screen  # noqa: F401
from tongban.activities import services
from tongban.activities.models import Attendance
from tongban.screening import services as screening_services
from tongban.screening.models import ConsentKind

pytestmark = pytest.mark.usefixtures("documents")

AGREEMENT_MISSING = (
    "service and group activity agreement signed on or before 2016-03-09 and not withdrawn"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def enrol(users, community_a):
    """A consumer screened, consented and enrolled through the gate."""

    def make(name: str):
        candidate = new_candidate(name, community=community_a, by=users["doctor"])
        screen(candidate, psychiatrist=users["psychiatrist"])
        consent_all(candidate.person, "consumer", by=users["research"])
        screening_services.candidate_enrol(
            candidate=candidate, started_on=date(2015, 1, 5), by=users["doctor"]
        )
        return candidate.person

    return make


def lose_agreement(person, users):
    """Their service agreement turns out to have been recorded by mistake."""
    agreement = person.consents.get(document__kind=ConsentKind.SERVICE_AGREEMENT)
    screening_services.consent_void(consent=agreement, by=users["research"], reason="其实没签")


@pytest.fixture
def unsigned(enrol, users):
    person = enrol("未签协议")
    lose_agreement(person, users)
    return person


def offered(response) -> set[int]:
    return {int(str(option.data["value"])) for option in response.context["form"]["consumers"]}


def record_url(plan) -> str:
    return reverse("activities:record_edit", args=[plan.pk])


def test_only_admitted_consumers_are_offered(
    english_client_for, users, plan, consumer_a, enrol, unsigned
):
    ready = enrol("已签同意")
    response = english_client_for(users["research"]).get(record_url(plan))
    # consumer_a was enrolled before screening was recorded: admitted until the program's
    # date (none chosen here).
    assert offered(response) == {ready.pk, consumer_a.pk}
    stopped = response.context["form"].not_admitted
    assert [(person.pk, missing) for person, missing in stopped] == [
        (unsigned.pk, [AGREEMENT_MISSING])
    ]
    page = response.content.decode()
    assert "未签协议" in page and AGREEMENT_MISSING in page
    assert f'name="consumers" value="{unsigned.pk}"' not in page  # shown, never tickable
    assert f'name="consumers" value="{ready.pk}"' in page


def test_legacy_consumers_leave_the_checklist_from_the_programs_date(
    english_client_for, users, plan, consumer_a, program
):
    program.screening_records_from = date(2016, 3, 1)
    program.save()
    response = english_client_for(users["research"]).get(record_url(plan))
    assert consumer_a.pk not in offered(response)
    (person, missing), *others = response.context["form"].not_admitted
    assert person == consumer_a and not others
    assert missing[0] == "an eligibility assessment on or before 2016-03-09"


def test_peers_see_who_cannot_attend_but_not_why(english_client_for, users, plan, unsigned):
    page = english_client_for(users["peer"]).get(record_url(plan)).content.decode()
    assert "未签协议" in page
    assert AGREEMENT_MISSING not in page and "agreement" not in page


def test_a_forged_post_is_refused_with_the_reason(english_client_for, users, plan, unsigned):
    data = {
        "held_on": DAY.isoformat(),
        "started_at": "14:00",
        "ended_at": "15:30",
        "format": "group_discussion",
        "theme": "一起唱歌",
        "consumers": [unsigned.pk],
    }
    response = english_client_for(users["peer"]).post(record_url(plan), data)
    assert response.status_code == 200
    errors = response.context["form"].errors["consumers"]
    assert errors == [
        "未签协议 may not take part on 2016-03-09: their eligibility assessment or consents "
        "are not complete for that day."
    ]
    assert not Attendance.objects.exists()


def test_the_service_refuses_them_too(users, plan, unsigned, enrol):
    ready = enrol("已签同意")
    with pytest.raises(ValidationError) as error:
        services.record_save(
            plan=plan, by=users["peer"], fields=record_fields(), consumers=[ready, unsigned]
        )
    (message,) = error.value.message_dict["consumers"]
    assert message.startswith("未签协议 may not take part on 2016-03-09")
    assert not Attendance.objects.exists()


def test_once_the_records_are_complete_they_can_be_ticked(
    users, plan, unsigned, english_client_for
):
    agreement = unsigned.program.consent_documents.get(
        kind=ConsentKind.SERVICE_AGREEMENT, version=1
    )
    screening_services.consent_record(
        person=unsigned,
        document=agreement,
        signed_on=date(2015, 1, 3),
        witness="王护士",
        by=users["research"],
    )
    services.record_save(plan=plan, by=users["peer"], fields=record_fields(), consumers=[unsigned])
    assert Attendance.objects.get().person == unsigned
    response = english_client_for(users["research"]).get(record_url(plan))
    assert unsigned.pk in offered(response) and response.context["form"].not_admitted == []


def test_record_page_queries_do_not_grow_with_people_the_gate_stops(
    client_for, users, plan, community_a, program
):
    """Admitted, stopped and ticked consumers at two sizes: the same number of queries."""
    program.screening_records_from = date(2016, 1, 1)
    program.save()
    client = client_for(users["research"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(record_url(plan)).status_code == 200
        return len(queries)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            if i % 2:
                candidate = new_candidate(f"准入{i}", community=community_a, by=users["doctor"])
                screen(candidate, psychiatrist=users["psychiatrist"])
                consent_all(candidate.person, "consumer", by=users["research"])
                screening_services.candidate_enrol(
                    candidate=candidate, started_on=date(2015, 1, 5), by=users["doctor"]
                )
            else:  # enrolled before screening was recorded, no records since
                make_person(f"未准入{i}", community=community_a, started_on=date(2015, 1, 5))

    add(2, 0)
    few = count()
    add(14, 2)
    assert count() == few
    form = client.get(record_url(plan)).context["form"]
    assert len(form.not_admitted) == 8
