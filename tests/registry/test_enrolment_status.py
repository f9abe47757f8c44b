from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tongban.registry import services


@pytest.fixture
def enrolment(consumer_a):
    return consumer_a.enrolments.get()


def test_leave_and_return(enrolment):
    services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=date(2015, 2, 9), reason="照顾母亲"
    )
    services.enrolment_change_status(
        enrolment=enrolment, status="active", effective_on=date(2015, 7, 6)
    )
    statuses = list(enrolment.status_changes.values_list("status", flat=True))
    assert statuses == ["active", "on_leave", "active"]


@pytest.mark.parametrize(
    ("status", "on", "reason", "field"),
    [
        ("withdrawn", date(2015, 1, 1), "", "reason"),
        ("on_leave", date(2010, 1, 1), "x", "effective_on"),
        ("active", date(2015, 1, 1), "", "status"),
    ],
)
def test_refusals(enrolment, status, on, reason, field):
    with pytest.raises(ValidationError) as error:
        services.enrolment_change_status(
            enrolment=enrolment, status=status, effective_on=on, reason=reason
        )
    assert field in error.value.error_dict


def test_future_and_backdated_changes_refused(enrolment):
    future = timezone.localdate() + timedelta(days=3)
    with pytest.raises(ValidationError):
        services.enrolment_change_status(
            enrolment=enrolment, status="withdrawn", effective_on=future, reason="x"
        )
    services.enrolment_change_status(
        enrolment=enrolment, status="on_leave", effective_on=date(2015, 6, 1), reason="x"
    )
    with pytest.raises(ValidationError):
        services.enrolment_change_status(
            enrolment=enrolment, status="active", effective_on=date(2015, 5, 1)
        )


def test_status_page_shows_error_next_to_field(client_for, users, enrolment):
    client = client_for(users["doctor"])
    response = client.post(
        f"/enrolments/{enrolment.pk}/status/",
        {"status": "withdrawn", "effective_on": "2015-03-16", "reason": ""},
    )
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert enrolment.status_changes.count() == 1


def test_withdrawn_people_leave_the_roster_but_not_the_records(
    client_for, users, enrolment, community_a, consumer_a
):
    services.enrolment_change_status(
        enrolment=enrolment, status="withdrawn", effective_on=date(2015, 3, 16), reason="压力大"
    )
    client = client_for(users["doctor"])
    roster = client.get(f"/communities/{community_a.pk}/").content.decode()
    assert consumer_a.name not in roster
    assert (
        consumer_a.name
        in client.get(f"/communities/{community_a.pk}/?withdrawn=1").content.decode()
    )
    detail = client.get(f"/people/{consumer_a.pk}/").content.decode()
    assert "压力大" in detail


def test_void_page(client_for, users, enrolment, consumer_a):
    client = client_for(users["doctor"])
    response = client.post(f"/enrolments/{enrolment.pk}/void/", {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(f"/enrolments/{enrolment.pk}/void/", {"reason": "重复录入"})
    # The only enrolment here was a mistake: the person leaves this doctor's scope.
    assert response.status_code == 302 and response["Location"] == "/people/"
    enrolment.refresh_from_db()
    assert enrolment.is_voided
    assert client.get(f"/people/{consumer_a.pk}/").status_code == 404
    # The voided record and its reason stay, for those who still see the person.
    manager_view = client_for(users["manager"]).get(f"/people/{consumer_a.pk}/")
    assert "重复录入" in manager_view.content.decode()
    client = client_for(users["doctor"])
    assert client.get(f"/enrolments/{enrolment.pk}/status/").status_code == 200
    response = client.post(
        f"/enrolments/{enrolment.pk}/status/",
        {"status": "on_leave", "effective_on": "2015-03-16", "reason": "x"},
    )
    assert response.status_code == 200 and response.context["form"].non_field_errors()
